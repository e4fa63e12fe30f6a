"""Migration path, steps 1 to 3, on the test-only target's stamps (issue 10).

One stamped target per outcome the classification can give; every expected
figure below is written out from that fixture.
"""

from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.ov_association_migration.models.plan_steps import OvMigrationPlanSteps
from odoo.addons.ov_association_tests.tests.soak_invariants import (
    invariant_violations,
    path_problems,
)

from .migration_common import MigrationCase

RULES = [
    # A stamp that mixed meanings, split by domain (first match wins).
    ("Shared accounts", "[('name', '=like', 'ACC%')]", "access", "assignment"),
    ("Bound records", "[('name', '=like', 'BIND%')]", "binding", "binding"),
    ("Responsible", "[('name', 'not like', 'SKIP%')]", "assignment", "assignment"),
]


@tagged("post_install", "-at_install")
class TestMigrationBackfill(MigrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        north, a1, a2, a3 = cls.north, cls.a1, cls.a2, cls.a3
        t = cls.target
        cls.t_full = t("T01", north, a1)  # create: SA + actor row
        cls.t_sa_only = t("T02", north)  # create: SA row only
        cls.t_empty = t("T03")  # empty stamp (no stamp at all)
        cls.t_no_sa = t("T04", actor=a1)  # empty stamp (SA stamp empty, no default SA)
        cls.t_outsider = t("T05", north, a3)  # not a member
        cls.t_abroad = t("T06", cls.abroad, a1)  # SA of another company
        cls.t_taken = t("T07", north, a2)  # exclusive slot taken by south
        cls.sa_row(cls.t_taken, cls.south)
        cls.t_matrix = t("ACC-08", north, a1)  # access admits no assignment actor
        cls.t_bound = t("BIND-09", north, a2)  # create: binding rows
        cls.t_unclassified = t("SKIP-10", north, a1)  # no rule
        cls.t_parent_suspended = t("T11", north, a1)
        cls.sa_row(cls.t_parent_suspended, north).action_suspend()
        cls.t_governed = t("T12", north, a2)  # equivalent rows already live
        cls.actor_row(cls.sa_row(cls.t_governed, north), a2)
        cls.t_ended = t(
            "T13",
            north,
            a1,
            stamp_date_from=cls.now.replace(year=2020),
            stamp_date_to=cls.now.replace(year=2021),
        )  # create: expired rows
        cls.t_backwards = t(
            "T14",
            north,
            a1,
            stamp_date_from=cls.now.replace(year=2022),
            stamp_date_to=cls.now.replace(year=2021),
        )  # invalid window
        cls.t_outside = t("T15", north, a2)  # open legacy window, parent ends
        cls.sa_row(cls.t_outside, north, date_to=cls.now.replace(year=cls.now.year + 1))
        cls.plan = cls.target_plan(rules=RULES)

    # ------------------------------------------------------------------
    def test_classification_is_required(self):
        plan = self.target_plan(name="Unclassified", rules=[])
        plan.rule_ids.unlink()
        for action in (plan.action_classify, plan.action_dry_run, plan.action_backfill):
            with self.assertRaisesRegex(UserError, "no classification"):
                action()
        self.assertEqual(plan.state, "draft")
        # Steps are not skipped: a classified plan cannot backfill before a dry run.
        self.plan.action_classify()
        with self.assertRaisesRegex(UserError, "cannot go to Backfilled|dry run before"):
            self.plan.action_backfill()
        with self.assertRaisesRegex(UserError, "written by its steps only"):
            self.plan.write({"state": "parity"})
        with self.assertRaisesRegex(
            UserError, "backfill_created_sa, parity_only_stamp are written"
        ):
            self.plan.with_user(self.manager).write(
                {"backfill_created_sa": 99, "parity_only_stamp": 0}
            )
        with self.assertRaises(AccessError):
            self.env["ov.migration.plan.row"].with_user(self.manager).create(
                {"plan_id": self.plan.id, "target_id": self.t_full.id, "outcome": "create"}
            )
        with self.assertRaisesRegex(UserError, "commit must be True or False"):
            self.plan.action_backfill(commit="yes")

    def test_invalid_settings_are_named(self):
        with self.assertRaisesRegex(UserError, "invalid domain"):
            self.target_plan(
                name="Bad domain", rules=[("Bad", "[('nope', '=', 1)]", "access", "access")]
            ).action_classify()
        with self.assertRaisesRegex(
            ValidationError, "governs ov.test.target, not the legacy model"
        ):
            self.Plan.create(
                {
                    "name": "Wrong pair",
                    "legacy_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "pair_model": "ov.sa_test_target",
                    "actor_field_id": self.field("res.partner", "user_id").id,
                }
            )
        with self.assertRaisesRegex(
            ValidationError, "the SA stamp name must be a stored many2one field"
        ):
            self.target_plan(name="Char stamp", sa_field_id=self.field("ov.test.target", "name").id)
        with self.assertRaisesRegex(
            ValidationError,
            "the granted by stamp_sa_id must be a stored many2one field to res.users",
        ):
            self.target_plan(
                name="Bad granter",
                granted_by_field_id=self.field("ov.test.target", "stamp_sa_id").id,
            )
        with self.assertRaisesRegex(UserError, "needs an actor kind"):
            self.target_plan(
                name="No actor kind", rules=[("Half", "[]", "assignment", False)]
            ).action_classify()

    def test_dry_run_reports_every_outcome(self):
        self.plan.action_classify()
        self.plan.action_dry_run()
        self.assertEqual(self.plan.state, "dry_run")
        self.assertEqual(
            self.skips(self.plan),
            {
                "empty_stamp": 2,
                "not_member": 1,
                "other_company": 1,
                "exclusive_taken": 1,
                "kind_not_allowed": 1,
                "unclassified": 1,
                "parent_not_active": 1,
                "invalid_window": 1,
                "window_outside_parent": 1,
            },
        )
        report = self.report(self.plan, "dry_run")
        ids = lambda *targets: ", ".join(str(t.id) for t in sorted(targets, key=lambda t: t.id))  # noqa: E731
        self.assertEqual(report[("skip", "empty_stamp")][1], ids(self.t_empty, self.t_no_sa))
        self.assertEqual(report[("skip", "not_member")][1], ids(self.t_outsider))
        self.assertEqual(report[("skip", "exclusive_taken")][1], ids(self.t_taken))
        self.assertEqual(report[("skip", "kind_not_allowed")][1], ids(self.t_matrix))
        self.assertEqual(report[("done", "governed")], (1, ids(self.t_governed)))
        totals = self.plan.dry_run_totals
        self.assertEqual(
            {key: totals.get(key) for key in ("sa", "actor", "membership", "create", "governed")},
            {"sa": 4, "actor": 3, "membership": 0, "create": 4, "governed": 1},
        )
        # Rows to create, per layer, kind and state.
        created = {
            (line.subject, line.detail): line.count
            for line in self.plan.report_line_ids
            if line.step == "dry_run" and line.category == "create"
        }
        self.assertEqual(
            created,
            {
                ("SA rows: assignment", "active"): 2,
                ("SA rows: assignment", "expired"): 1,
                ("SA rows: binding", "active"): 1,
                ("Actor rows: assignment", "active"): 1,
                ("Actor rows: assignment", "expired"): 1,
                ("Actor rows: binding", "active"): 1,
            },
        )
        csv = self.plan._ov_report_csv()
        self.assertIn("Dry run,skip,Exclusive slot already taken,exclusive_taken,1,", csv)

    def test_backfill_creates_what_the_dry_run_announced(self):
        self.plan.action_classify()
        self.plan.action_dry_run()
        events_before = max(self.Event.search([], limit=1, order="id desc").ids or [0])
        self.plan.action_backfill()
        self.assertEqual(self.plan.state, "backfilled")
        self.assertEqual(
            (
                self.plan.backfill_created_sa,
                self.plan.backfill_created_actor,
                self.plan.backfill_created_membership,
            ),
            (4, 3, 0),
        )
        rows = self.Rows.search(
            [("target_id", "in", (self.t_full | self.t_sa_only | self.t_bound | self.t_ended).ids)]
        )
        self.assertEqual(
            sorted((r.target_id.name, r.sa_id.code, r.association_kind, r.state) for r in rows),
            [
                ("BIND-09", "MIG-N", "binding", "active"),
                ("T01", "MIG-N", "assignment", "active"),
                ("T02", "MIG-N", "assignment", "active"),
                ("T13", "MIG-N", "assignment", "expired"),
            ],
        )
        ended = rows.filtered(lambda r: r.target_id == self.t_ended)
        self.assertEqual((ended.date_from.year, ended.date_to.year), (2020, 2021))
        children = self.ActorRows.search([("sa_test_target_id", "in", rows.ids)])
        self.assertEqual(
            sorted(
                (c.actor_id.name, c.association_kind, c.state, c.ov_target_id) for c in children
            ),
            sorted(
                [
                    ("Migration actor 1", "assignment", "active", self.t_full.id),
                    ("Migration actor 2", "binding", "active", self.t_bound.id),
                    ("Migration actor 1", "assignment", "expired", self.t_ended.id),
                ]
            ),
        )
        self.assertEqual(
            self.Rows.search_governed_targets(actor_id=self.a1.id).filtered(
                lambda t: t.name.startswith(("T", "ACC", "BIND", "SKIP"))
            ),
            self.t_full,
        )
        # A create and an activation per row (and an expiry for the ended
        # ones), with the backfill's reason.
        events = self.Event.search(
            [("id", ">", events_before), ("model", "!=", "ov.migration.plan")]
        )
        self.assertEqual(len(events), 16)
        self.assertEqual(
            set(events.mapped("reason")),
            {
                "Backfilled from ov.test.target.stamp_sa_id/stamp_actor_id"
                " by plan Test target stamps"
            },
        )
        self.assertEqual(
            sorted(
                (e.event, e.old_state or "", e.new_state)
                for e in events
                if e.res_id == ended.id and e.model == "ov.sa_test_target"
            ),
            [
                ("create", "", "draft"),
                ("transition", "active", "expired"),
                ("transition", "draft", "active"),
            ],
        )
        # Every rule of docs/design.md still holds, and each row's log is a valid path.
        sas = [self.north.id, self.south.id, self.abroad.id]
        self.assertEqual(invariant_violations(self.env.cr, sas), [])
        logged = {}
        for event in events.sorted("id"):
            logged.setdefault((event.model, event.res_id), []).append(
                (event.event, event.old_state or None, event.new_state or None, None, None)
            )
        self.assertEqual(path_problems(self.env.cr, logged), [])

    def test_second_run_creates_nothing(self):
        self.plan.action_classify()
        self.plan.action_dry_run()
        self.plan.action_backfill()
        rows_before = self.Rows.search_count([]), self.ActorRows.search_count([])
        self.plan.action_backfill()
        self.assertEqual((self.Rows.search_count([]), self.ActorRows.search_count([])), rows_before)
        self.assertEqual((self.plan.backfill_created_sa, self.plan.backfill_created_actor), (4, 3))

    def test_interrupted_backfill_resumes(self):
        # Ten stamped records a batch: T01 to T11 (T03 has no stamp), then T12 on.
        self.plan.write({"batch_size": 10})
        self.plan.action_classify()
        self.plan.action_dry_run()
        original = OvMigrationPlanSteps._ov_backfill_batch
        calls = []

        def failing_second_batch(plan, *args, **kwargs):
            calls.append(args)
            if len(calls) == 2:
                raise RuntimeError("batch forced to fail")
            return original(plan, *args, **kwargs)

        with patch.object(OvMigrationPlanSteps, "_ov_backfill_batch", failing_second_batch):
            with self.assertRaisesRegex(RuntimeError, "forced to fail"):
                self.plan.action_backfill()
        # The first batch (T01 … T11) stays; the plan knows where to resume.
        self.assertEqual(self.plan.state, "dry_run")
        self.assertEqual((self.plan.backfill_created_sa, self.plan.backfill_created_actor), (3, 2))
        self.assertEqual(self.plan.backfill_next_id, self.t_governed.id)
        self.plan.action_backfill()
        self.assertEqual(self.plan.state, "backfilled")
        self.assertEqual((self.plan.backfill_created_sa, self.plan.backfill_created_actor), (4, 3))

    def test_one_record_a_batch(self):
        self.plan.write({"batch_size": 1})
        self.plan.action_classify()
        self.plan.action_dry_run()
        self.plan.action_backfill()
        self.assertEqual(
            (
                self.plan.backfill_created_sa,
                self.plan.backfill_created_actor,
                self.plan.backfill_batches,
            ),
            (4, 3, 14),  # one batch per stamped record: T01, T02, T04 … T15
        )

    def test_backfill_refuses_data_changed_since_the_dry_run(self):
        self.plan.action_classify()
        self.plan.action_dry_run()
        self.target("T16", self.north, self.a3)  # one more not_member
        with self.assertRaisesRegex(UserError, "changed since the dry run"):
            self.plan.action_backfill()
        self.assertEqual(self.Rows.search_count([("target_id", "=", self.t_full.id)]), 0)

    def test_settings_fixed_after_backfill(self):
        self.plan.action_classify()
        self.plan.action_dry_run()
        self.plan.write({"create_memberships": True})  # back to classified
        self.assertEqual(self.plan.state, "classified")
        self.plan.action_dry_run()
        self.plan.action_backfill()
        with self.assertRaisesRegex(UserError, "Reset it to draft first"):
            self.plan.write({"create_memberships": False})
        with self.assertRaisesRegex(UserError, "Reset it to draft first"):
            self.plan.rule_ids[0].write({"sa_kind": "access"})
        with self.assertRaisesRegex(UserError, "reset it to draft"):
            self.plan.unlink()

    def test_memberships_created_when_asked(self):
        self.plan.write({"create_memberships": True})
        self.plan.action_classify()
        self.plan.action_dry_run()
        self.assertNotIn("not_member", self.skips(self.plan))
        self.assertEqual(self.plan.dry_run_totals["membership"], 1)
        self.plan.action_backfill()
        membership = self.env["ov.sa.membership"].search(
            [("actor_id", "=", self.a3.id), ("sa_id", "=", self.north.id)]
        )
        self.assertEqual((membership.state, self.plan.backfill_created_membership), ("active", 1))
        self.assertEqual(
            self.Event.search(
                [("model", "=", "ov.sa.membership"), ("res_id", "=", membership.id)]
            ).mapped("event"),
            ["transition", "create"],
        )

    def test_steps_are_audited(self):
        self.plan.action_classify()
        self.plan.action_dry_run()
        steps = self.Event.search(
            [("model", "=", "ov.migration.plan"), ("res_id", "=", self.plan.id)], order="id"
        )
        self.assertEqual(
            [(e.event, e.old_value, e.new_value) for e in steps],
            [("migration", "draft", "classified"), ("migration", "classified", "dry_run")],
        )

    def test_only_managers_run_plans(self):
        user = self.env["res.users"].create(
            {
                "name": "Migration plain user",
                "login": "ov_migration_plain",
                "groups_id": [(6, 0, [self.env.ref("ov_association_base.group_ov_user").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.plan.with_user(user).read(["name"])
        # T06 stamps an SA of the other company: a manager of one company
        # may not migrate it.
        with self.assertRaisesRegex(AccessError, "writes into 1 SA\\(s\\) you cannot read"):
            self.plan.with_user(self.manager).action_classify()
        self.assertEqual(self.plan.state, "draft")
        self.manager.company_ids |= self.other_company
        self.plan.with_user(self.manager).action_classify()
        self.assertEqual(self.plan.state, "classified")
