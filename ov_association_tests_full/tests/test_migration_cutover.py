"""Migration path, steps 4 to 7, on the test-only target's stamps (issue 10)."""

import psycopg2.errors

from odoo.exceptions import UserError
from odoo.service.model import _as_validation_error
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.ov_association_migration.hooks import uninstall_hook
from odoo.addons.ov_association_migration.sql import cutover

from .migration_common import MigrationCase


@tagged("post_install", "-at_install")
class TestMigrationCutover(MigrationCase):
    """A clean legacy set: every stamp migrates, so parity is exact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.c1 = cls.target("C1", cls.north, cls.a1)
        cls.c2 = cls.target("C2", cls.north, cls.a2)
        cls.c3 = cls.target("C3", cls.south)
        cls.c4 = cls.target("C4")
        cls.plan = cls.target_plan(name="Clean stamps")
        cls.plan.action_classify()
        cls.plan.action_dry_run()
        cls.plan.action_backfill()

    def stamps(self, *targets):
        self.env.invalidate_all()
        return [
            (t.name, t.stamp_sa_id.code or False, t.stamp_actor_id.name or False) for t in targets
        ]

    def c1_row(self):
        return self.ActorRows.search(
            [("ov_target_id", "=", self.c1.id), ("actor_id", "=", self.a1.id)]
        )

    # ------------------------------------------------------------------
    # Parity
    # ------------------------------------------------------------------
    def test_parity_is_zero_after_a_clean_backfill(self):
        self.plan.action_verify_parity()
        self.assertEqual((self.plan.parity_only_stamp, self.plan.parity_only_association), (0, 0))
        self.assertEqual(self.plan.state, "parity")
        # The same reach as the governed queries give.
        for actor, expected in ((self.a1, self.c1), (self.a2, self.c2)):
            self.assertEqual(
                self.Rows.search_governed_targets(actor_id=actor.id).filtered(
                    lambda t: t.name.startswith("C")
                ),
                expected,
            )
        self.assertEqual(
            self.Rows.search_governed_targets(sa_id=self.north.id).filtered(
                lambda t: t.name.startswith("C")
            ),
            self.c1 | self.c2,
        )

    def test_parity_lists_a_stamp_changed_after_the_backfill(self):
        self.c1.stamp_actor_id = self.a2
        self.c3.stamp_sa_id = self.north
        self.plan.action_verify_parity()
        self.assertEqual(self.plan.state, "backfilled")
        self.assertEqual((self.plan.parity_only_stamp, self.plan.parity_only_association), (2, 2))
        report = self.report(self.plan, "parity")
        self.assertEqual(
            {key: value for key, value in report.items() if value[0]},
            {
                ("only_stamp", "(record id, sa id) pairs"): (1, f"{self.c3.id}:{self.north.id}"),
                ("only_association", "(record id, sa id) pairs"): (
                    1,
                    f"{self.c3.id}:{self.south.id}",
                ),
                ("only_stamp", "(record id, actor id) pairs"): (1, f"{self.c1.id}:{self.a2.id}"),
                ("only_association", "(record id, actor id) pairs"): (
                    1,
                    f"{self.c1.id}:{self.a1.id}",
                ),
            },
        )
        with self.assertRaisesRegex(UserError, "cannot go to Frozen"):
            self.plan.action_freeze()
        with self.assertRaisesRegex(UserError, "needs a reason"):
            self.plan.action_accept_differences(" ")
        wizard = self.env["ov.migration.accept.wizard"].create(
            {"plan_id": self.plan.id, "reason": "C1 and C3 were reassigned on purpose"}
        )
        wizard.action_confirm()
        self.assertEqual(self.plan.state, "parity")
        event = self.Event.search(
            [("model", "=", "ov.migration.plan"), ("res_id", "=", self.plan.id)], limit=1
        )
        self.assertEqual((event.old_value, event.new_value), ("backfilled", "parity"))
        self.assertEqual(
            event.reason,
            "Differences accepted (2 only by stamp, 2 only by association): "
            "C1 and C3 were reassigned on purpose",
        )

    # ------------------------------------------------------------------
    # Freeze
    # ------------------------------------------------------------------
    def test_freeze_refuses_writes_of_the_stamp(self):
        self.plan.action_verify_parity()
        self.plan.action_freeze()
        self.assertEqual(self.plan.state, "frozen")
        with (
            self.assertRaisesRegex(
                psycopg2.errors.CheckViolation,
                r'ov.test.target.stamp_actor_id is frozen by migration plan "Clean stamps"',
            ),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.c1.write({"stamp_actor_id": self.a2.id})
            self.env.flush_all()
        with (
            self.assertRaisesRegex(psycopg2.errors.CheckViolation, "stamp_sa_id is frozen"),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.target("C5", self.north)
            self.env.flush_all()
        with (
            self.assertRaisesRegex(psycopg2.errors.CheckViolation, "is frozen"),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "UPDATE ov_test_target SET stamp_sa_id = NULL WHERE id = %s", [self.c3.id]
            )
        # Other columns, and new records without a stamp, are not the plan's concern.
        self.c1.write({"name": "C1 renamed"})
        self.target("C6")
        self.env.flush_all()
        # Reset removes the trigger; the backfilled rows stay.
        self.plan.action_reset()
        self.c1.write({"stamp_actor_id": self.a2.id})
        self.env.flush_all()
        self.assertEqual(self.c1_row().state, "active")

    def test_frozen_stamp_error_reaches_rpc_as_a_validation_error(self):
        self.plan.action_verify_parity()
        self.plan.action_freeze()
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                self.c2.write({"stamp_sa_id": self.south.id})
                self.env.flush_all()
        except psycopg2.IntegrityError as error:
            message = str(_as_validation_error(self.env, error))
        self.assertIn('stamp_sa_id is frozen by migration plan "Clean stamps"', message)

    # ------------------------------------------------------------------
    # Demote
    # ------------------------------------------------------------------
    def test_demoted_stamp_follows_the_associations(self):
        self.c1.stamp_actor_id = self.a2  # a stale stamp, accepted below
        self.plan.action_verify_parity()
        self.plan.action_accept_differences("C1 is handed back by the demotion")
        self.plan.action_demote()
        self.assertEqual(self.plan.state, "demoted")
        # Demotion makes the cache exact at once.
        self.assertEqual(
            self.stamps(self.c1, self.c2, self.c3, self.c4),
            [
                ("C1", "MIG-N", "Migration actor 1"),
                ("C2", "MIG-N", "Migration actor 2"),
                ("C3", "MIG-S", False),
                ("C4", False, False),
            ],
        )
        row = self.c1_row()
        parent = row.sa_test_target_id
        row.action_suspend()
        self.assertEqual(self.stamps(self.c1), [("C1", "MIG-N", False)])
        row.action_resume()
        self.assertEqual(self.stamps(self.c1), [("C1", "MIG-N", "Migration actor 1")])
        parent.action_suspend()
        self.assertEqual(self.stamps(self.c1), [("C1", False, False)])
        parent.action_resume()
        self.assertEqual(self.stamps(self.c1), [("C1", "MIG-N", "Migration actor 1")])
        # A write of the cache gives way to the associations.
        self.c1.write({"stamp_actor_id": self.a2.id, "stamp_sa_id": self.south.id})
        self.assertEqual(self.stamps(self.c1), [("C1", "MIG-N", "Migration actor 1")])
        row.action_revoke("handover")
        self.assertEqual(self.stamps(self.c1), [("C1", "MIG-N", False)])
        successor = self.actor_row(parent, self.a2)
        self.assertEqual(self.stamps(self.c1), [("C1", "MIG-N", "Migration actor 2")])
        successor.action_expire()
        self.assertEqual(self.stamps(self.c1), [("C1", "MIG-N", False)])
        parent.action_revoke("gone")
        self.assertEqual(self.stamps(self.c1), [("C1", False, False)])
        # A new record starts with what its associations say: nothing.
        new = self.target("C7", self.north, self.a1)
        self.assertEqual(self.stamps(new), [("C7", False, False)])
        self.sa_row(new, self.south)
        self.assertEqual(self.stamps(new), [("C7", "MIG-S", False)])

    def test_reset_and_uninstall_hook_leave_no_trigger(self):
        self.plan.action_verify_parity()
        self.plan.action_demote()
        self.assertEqual(
            sorted(cutover.remaining(self.env.cr)),
            sorted(
                f"ov_migration_{self.plan.id}_{side}_{part}"
                for side in ("sa", "actor")
                for part in ("cache", "cache", "derived", "follow", "follow")
            ),
        )
        self.plan.action_reset()
        self.assertEqual(cutover.remaining(self.env.cr), [])
        self.plan.action_classify()
        self.plan.action_dry_run()  # everything is migrated already
        self.assertEqual(self.plan.dry_run_totals["migrated"], 3)
        self.plan.action_backfill()
        self.plan.action_verify_parity()
        self.plan.action_freeze()
        self.assertEqual(
            cutover.remaining(self.env.cr),
            ["ov_migration_freeze", f"ov_migration_freeze_{self.plan.id}"],
        )
        rows = self.Rows.search_count([]), self.Event.search_count([])
        # What Odoo runs first when the addon is uninstalled (then it drops the plan tables).
        uninstall_hook(self.env)
        self.assertEqual(cutover.remaining(self.env.cr), [])
        self.assertEqual((self.Rows.search_count([]), self.Event.search_count([])), rows)
        self.c1.write({"stamp_actor_id": self.a2.id})
        self.env.flush_all()

    # ------------------------------------------------------------------
    # Retire
    # ------------------------------------------------------------------
    def test_retire_reports_the_readers_of_the_stamp(self):
        model = self.env["ir.model"]._get("ov.test.target")
        self.env["ir.filters"].create(
            {
                "name": "My stamped targets",
                "model_id": "ov.test.target",
                "domain": "[('stamp_actor_id.user_id', '=', uid)]",
            }
        )
        self.env["ir.ui.view"].create(
            {
                "name": "Legacy stamp report",
                "model": "ov.test.target",
                "arch": '<list><field name="name"/><field name="stamp_sa_id"/></list>',
            }
        )
        self.env["ir.rule"].create(
            {
                "name": "Own stamped targets",
                "model_id": model.id,
                "domain_force": "[('stamp_actor_id.user_id', '=', user.id)]",
                "groups": [(4, self.env.ref("base.group_portal").id)],
            }
        )
        self.plan.action_verify_parity()
        self.plan.action_retire()
        self.assertEqual(self.plan.state, "retired")
        readers = {
            (line.subject, line.detail)
            for line in self.plan.report_line_ids
            if line.step == "retire"
        }
        self.assertEqual(
            readers,
            {
                ("Saved filter", "ov.test.target.stamp_actor_id: My stamped targets"),
                ("Record rule", "ov.test.target.stamp_actor_id: Own stamped targets"),
                (
                    "Record rule",
                    "ov.test.target.stamp_actor_id: Test targets: stamped only (legacy, "
                    'group "Test targets: stamped only (legacy)")',
                ),
                ("View", "ov.test.target.stamp_sa_id: Legacy stamp report"),
            },
        )
