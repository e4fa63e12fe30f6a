"""Adversarial suite of the migration addon, its steps (issue 21, classes 3, 4
and 10): the steps answer nothing about records their manager cannot read, a
used plan is not deleted whatever the context, bad settings are named.
"""

from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools import SQL

from .adversarial_migration_common import (
    REFUSED,
    UNINSTALL_KEYS,
    USER_B_TOKEN,
    USER_ERROR,
    MigrationAttackCase,
)


@tagged("post_install", "-at_install", "ov_adversarial")
class TestAdversarialMigrationSteps(MigrationAttackCase):
    # ------------------------------------------------------------------
    # Class 3: the steps are no oracle
    # ------------------------------------------------------------------
    def test_class3_steps_tell_nothing_the_manager_cannot_read(self):
        env = self.env
        keyed_user = self.users["actor"]
        env["res.users.apikeys"].with_user(keyed_user).sudo()._generate(None, "zqx-key-1", None)
        self.legacy("Keyed legacy", self.company_a, self.actor)
        oracle = self.make_plan(
            "Key oracle",
            env.user,
            self.sa_a1,
            company=self.company_a,
            rules=[("Keyed", "[('stamp_actor_id.user_id.api_key_ids.name', '=', 'zqx-key-1')]")],
        )
        oracle.action_classify()

        def told_nothing(outcome, before):
            env.flush_all()
            env.cr.execute(
                SQL("SELECT dry_run_totals FROM ov_migration_plan WHERE id = %s", oracle.id)
            )
            totals = env.cr.fetchone()[0] or {}
            if outcome.ok and totals.get("sa"):
                return [f"the domain on API keys matched (totals {totals})"]
            return []

        self.each_via(
            "api key oracle", "manager", oracle._name, "action_dry_run", [oracle.ids],
            expect="either", then=told_nothing,
        )  # fmt: skip

        # A record the manager may not read (a rule of their group hides it).
        env["ir.rule"].create(
            {
                "name": "Adversarial: managers do not see hidden legacy records",
                "model_id": env["ir.model"]._get_id("ov.test.target"),
                "groups": [(4, env.ref("ov_association_base.group_ov_manager").id)],
                "domain_force": "[('name', 'not ilike', 'zqx-hidden')]",
            }
        )
        portal_b = new_test_user(
            env,
            "ov_adv_portal_b",
            groups="base.group_portal",
            name=USER_B_TOKEN.upper(),
            company_id=self.company_b.id,
            company_ids=[(6, 0, self.company_b.ids)],
        )
        hidden = self.legacy("ZQX-HIDDEN legacy", self.company_a, self.other)
        env.cr.execute(
            SQL("UPDATE ov_test_target SET create_uid = %s WHERE id = %s", portal_b.id, hidden.id)
        )
        env.invalidate_all()
        samples = self.make_plan("Samples", env.user, self.sa_a1, company=self.company_a)
        samples.action_classify()

        def no_hidden_sample(outcome, before):
            if outcome.ok and hidden.id in self.sample_ids(samples):
                return [f"a sample lists the hidden record #{hidden.id}"]
            return []

        self.each_via(
            "hidden sample", "manager", samples._name, "action_dry_run", [samples.ids],
            expect="success", then=no_hidden_sample,
        )  # fmt: skip
        creators = self.make_plan(
            "Creators",
            env.user,
            self.sa_a1,
            company=self.company_a,
            actor_field_id=env["ir.model.fields"]._get("ov.test.target", "create_uid").id,
            create_missing=True,
        )

        def no_hidden_name(outcome, before):
            env.cr.execute(
                SQL(
                    "SELECT string_agg(source_name, ' ') FROM ov_migration_map WHERE plan_id = %s",
                    creators.id,
                )
            )
            names = (env.cr.fetchone()[0] or "").lower()
            env.cr.execute(
                SQL("SELECT count(*) FROM ov_actor WHERE name ILIKE %s", f"%{USER_B_TOKEN}%")
            )
            found = []
            if USER_B_TOKEN in names:
                found.append("the mapping names a user the manager cannot read")
            if env.cr.fetchone()[0]:
                found.append("an actor was created with the name of a user the manager cannot read")
            return found

        self.each_via(
            "mapping names", "manager", creators._name, "action_propose_mapping",
            [creators.ids], expect="either", secrets=[USER_B_TOKEN], then=no_hidden_name,
        )  # fmt: skip
        self.assertNoProblems()

    # ------------------------------------------------------------------
    # Class 4: used plans and their lines are not deleted, whatever the context
    # ------------------------------------------------------------------
    def test_class4_a_frozen_plan_is_not_deleted(self):
        env = self.env
        plan = self.make_plan("Frozen A", env.user, self.sa_a1, company=self.company_a)
        env["ov.migration.map"].create(
            {
                "plan_id": plan.id,
                "side": "actor",
                "source_id": self.actor.id,
                "source_name": "Actor",
                "actor_id": self.actor.id,
            }
        )
        self.run_to_parity(plan)
        plan.action_freeze()
        for model, records in (
            (plan._name, plan),
            ("ov.migration.rule", plan.rule_ids),
            ("ov.migration.map", plan.map_ids),
            ("ov.migration.report.line", plan.report_line_ids),
        ):
            for key in (None, *UNINSTALL_KEYS):
                kwargs = {"context": {key: True}} if key else {}
                self.each_via(
                    f"unlink{' with ' + key if key else ''}", "manager", model, "unlink",
                    [records.ids], kwargs, errors=REFUSED,
                )  # fmt: skip
        # A draft that never ran is its manager's to delete.
        draft = self.make_plan("Draft A", env.user, self.sa_a1, company=self.company_a)
        self.each_via(
            "unlink draft", "manager", draft._name, "unlink", [draft.ids],
            expect="success", then=lambda outcome, before: [],
        )  # fmt: skip
        self.assertNoProblems()

    # ------------------------------------------------------------------
    # Class 10: bad settings get an error naming them
    # ------------------------------------------------------------------
    def test_class10_bad_settings_are_named(self):
        env = self.env
        values = {**self.plan_values("Bad pair"), "default_sa_id": self.sa_a1.id}
        self.each_via(
            "pair ov.sa", "manager", "ov.migration.plan", "create",
            [{**values, "pair_model": "ov.sa"}], errors=USER_ERROR,
            mentions=[("pair_model", "target pair")],
        )  # fmt: skip
        plan = self.make_plan("Batch size", env.user, self.sa_a1, company=self.company_a)
        for via in ("web", "json"):  # XML-RPC cannot carry an integer this large
            self.attack(
                "batch size", via, "manager", plan._name, "write",
                [plan.ids, {"batch_size": 2**40}], errors=USER_ERROR,
                mentions=[("batch_size", "batch size")],
            )  # fmt: skip
        self.attack(
            "batch size zero", "xml", "manager", plan._name, "write",
            [plan.ids, {"batch_size": 0}], errors=USER_ERROR,
            mentions=[("batch_size", "batch size")],
        )  # fmt: skip
        changed = self.make_plan("Changed", env.user, self.sa_a1, company=self.company_a)
        changed.action_classify()
        changed.action_dry_run()
        changed.action_backfill()
        before = self.legacy("Stamped after the backfill", self.company_a, self.actor)
        changed.action_verify_parity()
        self.assertEqual(changed.state, "backfilled")
        # The legacy data changes after parity was verified.
        before.stamp_actor_id = self.other
        self.legacy("Another after parity", self.company_a, self.other)
        self.each_via(
            "accept stale", "manager", changed._name, "action_accept_differences",
            [changed.ids, "Known"], errors=USER_ERROR, mentions=[("parity",)],
        )  # fmt: skip
        self.assertNoProblems()

    def test_class10_rule_domains_are_literal_and_bounded(self):
        """Issue 21: a rule domain was any text, evaluated at Classify with
        safe_eval: ``9**9**9`` held the worker for minutes, a domain of
        200 000 elements was accepted. A domain is now a literal list within
        the library's size and depth limits, checked when it is written."""
        plan = self.make_plan("Domains", self.env.user, self.sa_a1, company=self.company_a)
        rule = plan.rule_ids
        too_long = "[" + ", ".join(["('name', '=', 'zqx-long-domain')"] * 4000) + "]"
        too_big = "[('id', 'in', [" + ", ".join(["7"] * 10_001) + "])]"
        too_deep = "[" * 9 + "('id', '=', 1)" + "]" * 9
        for label, domain in (
            ("power", "[('id', '=', 9**9**9)]"),
            ("name", "[('create_uid', '=', uid)]"),
            ("call", "[('name', '=', str(1))]"),
            ("not a list", "('id', '=', 1)"),
            ("not python", "[('id', '=', 1"),
            ("too long", too_long),
            ("too many elements", too_big),
            ("too deep", too_deep),
        ):
            self.each_via(
                f"rule domain {label}", "manager", rule._name, "write",
                [rule.ids, {"domain": domain}], errors=USER_ERROR,
                mentions=[("domain",), ("responsible",)],
            )  # fmt: skip
            self.attack(
                f"new rule domain {label}", "json", "manager", rule._name, "create",
                [{"plan_id": plan.id, "name": "Bounded", "domain": domain, "sa_kind": "access"}],
                errors=USER_ERROR, mentions=[("domain",), ("bounded",)],
            )  # fmt: skip
        # A literal domain within the limits is taken, and classifies.
        self.each_via(
            "rule domain literal", "manager", rule._name, "write",
            [rule.ids, {"domain": "[('name', 'ilike', 'legacy'), ('id', 'in', [1, 2, 3])]"}],
            expect="success", then=lambda outcome, before: [],
        )  # fmt: skip
        self.assertNoProblems()

    def test_class10_accepting_differences_needs_a_reason(self):
        """Issue 21: without ``reason`` the call answered Python's TypeError."""
        plan = self.make_plan("Reasonless", self.env.user, self.sa_a1, company=self.company_a)
        plan.action_classify()
        plan.action_dry_run()
        plan.action_backfill()
        self.legacy("Stamped after the backfill", self.company_a, self.actor)
        plan.action_verify_parity()
        self.assertEqual(plan.state, "backfilled")
        for label, args, kwargs in (
            ("no reason", [plan.ids], None),
            ("empty reason", [plan.ids, ""], None),
            ("blank reason", [plan.ids, "   "], None),
            ("false reason", [plan.ids], {"reason": False}),
            ("list reason", [plan.ids, ["Known"]], None),
            ("huge reason", [plan.ids, "x" * 10_001], None),
        ):
            self.each_via(
                label, "manager", plan._name, "action_accept_differences", args, kwargs,
                errors=USER_ERROR, mentions=[("reason",)],
            )  # fmt: skip
        self.each_via(
            "with a reason", "manager", plan._name, "action_accept_differences",
            [plan.ids, "Stamped after the backfill, on purpose"], expect="success",
            then=lambda outcome, before: self.state_is(plan, "parity"),
        )  # fmt: skip
        self.assertNoProblems()

    def state_is(self, plan, state):
        plan.invalidate_recordset(["state"])
        return [] if plan.state == state else [f"the plan is {plan.state}, not {state}"]
