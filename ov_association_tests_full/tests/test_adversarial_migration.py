"""Adversarial suite of the migration addon (issue 21, classes 1-4 and 10).

Managers of company A (``manager``) and of company B (``manager_b``) attack
migration plans over ``/web/dataset/call_kw``, ``/jsonrpc`` and
``/xmlrpc/2/object``: a plan of one company must neither read, write, freeze
nor demote another company's records (class 1), a plan and its lines are
another company's to read or change (class 2), a plan's steps answer nothing
about records its manager cannot read (class 3), a used plan cannot be deleted
whatever the context (class 4), and bad settings get an error naming them
(class 10).

Company-less legacy records (a model whose company is optional, such as this
test target or res.partner) are shared, as Odoo's own company rules treat
them: a plan of any company covers them, never a record of another company.
"""

from odoo.tests import tagged

from odoo.addons.ov_association_tests.tests.adversarial_common import SA_CODES

from .adversarial_migration_common import (
    MAP_A_TOKEN,
    PLAN_A_TOKEN,
    REFUSED,
    RULE_A_TOKEN,
    MigrationAttackCase,
)


@tagged("post_install", "-at_install", "ov_adversarial")
class TestAdversarialMigration(MigrationAttackCase):
    # ------------------------------------------------------------------
    # Class 1: a plan acts on its own company's records only
    # ------------------------------------------------------------------
    def test_class1_cutover_keeps_to_the_plans_company(self):
        """Manager B demotes and freezes plan B: company A's stamps stay as they
        are and writable; plan B's own and the shared record follow it."""
        plan = self.plan_b

        def demoted(outcome, before):
            found = []
            if outcome.ok:
                if self.stamp(self.legacy_a) != self.other.id:
                    found.append("demote rewrote company A's stamp")
                if self.stamp(self.legacy_b) != self.actor_b.id:
                    found.append("demote lost plan B's own stamp")
            return found

        def frozen(outcome, before):
            found = []
            if outcome.ok:
                if not self.writable(self.legacy_a):
                    found.append("freeze made company A's record unwritable")
                if self.writable(self.legacy_b):
                    found.append("freeze left plan B's own record writable")
                if self.writable(self.legacy_shared):
                    found.append("freeze left the shared record writable")
            return found

        self.each_via(
            "demote", "manager_b", plan._name, "action_demote", [plan.ids],
            expect="success", then=demoted,
        )  # fmt: skip
        self.each_via(
            "freeze", "manager_b", plan._name, "action_freeze", [plan.ids],
            expect="success", then=frozen,
        )  # fmt: skip
        # Plan B's backfill: its own record and the shared one, never A's.
        rows = self.env["ov.sa_test_target"].search(
            [("target_id", "in", (self.legacy_a | self.legacy_b | self.legacy_shared).ids)]
        )
        self.assertEqual(
            sorted((row.target_id.name, row.sa_id.code) for row in rows),
            sorted([("Legacy B", SA_CODES["b"]), ("Legacy shared", SA_CODES["b"])]),
        )
        self.assertNoProblems()

    # ------------------------------------------------------------------
    # Class 2: plans and their lines keep to their company
    # ------------------------------------------------------------------
    def test_class2_plans_and_lines_keep_to_their_company(self):
        plan = self.plan_a
        rule = plan.rule_ids[:1]
        line = plan.map_ids[:1]
        secrets = [PLAN_A_TOKEN, RULE_A_TOKEN, MAP_A_TOKEN, *self.sa_tokens("a2")]
        who = "manager_b"
        for method, args in (
            ("read", [plan.ids, ["name", "default_sa_id", "dry_run_totals", "rule_ids"]]),
            ("write", [plan.ids, {"name": "Renamed by B"}]),
            ("write", [plan.ids, {"default_sa_id": self.sa_b.id}]),
            ("write", [plan.ids, {"create_memberships": True}]),
            ("unlink", [plan.ids]),
            ("action_dry_run", [plan.ids]),
            ("action_download_report", [plan.ids]),
        ):
            self.each_via(
                f"plan {method}", who, plan._name, method, args, errors=REFUSED, secrets=secrets
            )
        for model, record in (
            ("ov.migration.rule", rule),
            ("ov.migration.map", line),
            ("ov.migration.report.line", plan.report_line_ids[:1]),
        ):
            self.each_via(
                f"{model} read", who, model, "read", [record.ids], errors=REFUSED, secrets=secrets
            )
            self.each_via(
                f"{model} search", who, model, "search_read",
                [[("plan_id", "=", plan.id)]], expect="either", secrets=secrets,
                harmless=lambda result: f"answered {result!r}" if result else None,
            )  # fmt: skip
        self.each_via(
            "rule write", who, rule._name, "write", [rule.ids, {"domain": "[]"}], errors=REFUSED
        )
        self.each_via(
            "rule create", who, rule._name, "create",
            [{"plan_id": plan.id, "name": "Added by B", "sa_kind": "access"}], errors=REFUSED,
        )  # fmt: skip
        self.each_via(
            "plan in company A", who, plan._name, "create",
            [{**self.plan_values("Plan B in A"), "company_id": self.company_a.id}],
            errors=REFUSED,
        )  # fmt: skip
        own = self.plan_b
        self.each_via(
            "plan moved to A", who, own._name, "write",
            [own.ids, {"company_id": self.company_a.id}], errors=REFUSED,
            mentions=[("company",)],
        )  # fmt: skip
        self.each_via(
            "rule moved to A", who, "ov.migration.rule", "write",
            [own.rule_ids.ids, {"company_id": self.company_a.id}], errors=REFUSED,
        )  # fmt: skip
        self.attacks += 1
        response = self.web_get("manager_b", self.report_url(plan))
        if response.status_code == 200 or PLAN_A_TOKEN in response.text.lower():
            self.problems[("report download", who, plan._name, "/web/content", "")] = [
                f"HTTP {response.status_code}: {response.text[:80]!r}",
                ["web"],
            ]
        # The plan's own company reads it.
        response = self.web_get("manager", self.report_url(plan))
        self.assertEqual(response.status_code, 200)
        self.assertIn(PLAN_A_TOKEN, response.text.lower())
        self.assertNoProblems()

    def test_class2_the_report_is_no_attachment_to_move(self):
        """Issue 21: the CSV report was an ir.attachment of its plan, and Odoo
        checks an attachment's new record only when res_model and res_id are
        both written: manager B moved his plan's report onto plan A (a forged
        report there), or plan A's onto his own plan (A's figures). The report
        is now the plan's computed field: there is no row to move."""
        own, other = self.plan_b, self.plan_a

        def nothing_to_move(outcome, before):
            self.env.flush_all()
            self.env.cr.execute(
                "SELECT id FROM ir_attachment WHERE res_model = 'ov.migration.plan' ORDER BY id"
            )
            found = []
            for (attachment_id,) in self.env.cr.fetchall():
                found.append(f"the report is ir.attachment #{attachment_id}")
                moved = self.client.call(
                    "web", self.rpc_users["manager_b"], "ir.attachment", "write",
                    [[attachment_id], {"res_id": other.id}],
                )  # fmt: skip
                if moved.ok:
                    found.append(f"manager B moved it onto plan A #{other.id}")
            url = self.report_url(own) + self.report_filename(own)
            if outcome.ok and outcome.result.get("url") != url:
                found.append(f"the button opens {outcome.result.get('url')!r}")
            return found

        self.each_via(
            "report download", "manager_b", own._name, "action_download_report", [own.ids],
            expect="success", then=nothing_to_move,
        )  # fmt: skip
        self.each_via(
            "report field of A", "manager_b", other._name, "read",
            [other.ids, ["report_csv"]], errors=REFUSED, secrets=[PLAN_A_TOKEN],
        )  # fmt: skip
        self.assertNoProblems()
        # Each manager downloads their own plan's report, and only its lines.
        response = self.web_get("manager_b", self.report_url(own))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers.get("Content-Disposition", ""))
        response = self.web_get("manager_b", self.report_url(own) + self.report_filename(own))
        self.assertIn("Plan of B - migration report.csv", response.headers["Content-Disposition"])
        self.assertEqual(
            response.text.splitlines()[0], "plan,step,category,subject,detail,count,sample"
        )
        self.assertIn("Plan of B,Dry run,", response.text)
        self.assertNotIn(PLAN_A_TOKEN, response.text.lower())

    # ------------------------------------------------------------------
    # Class 2: a plan's history is its company's
    # ------------------------------------------------------------------
    def test_class2_plan_events_carry_the_plans_company(self):
        """Issue 21: a plan's step events were written without a company, so
        every company read another's plan history (states, who, the reason
        differences were accepted)."""
        fields = ["res_id", "old_value", "new_value", "reason", "user_id"]
        for who, plan in (("manager_b", self.plan_a), ("manager", self.plan_b)):
            self.each_via(
                "plan history", who, "ov.association.event", "search_read",
                [[("model", "=", plan._name), ("res_id", "=", plan.id)], fields],
                expect="either", secrets=[PLAN_A_TOKEN, "Differences elsewhere"],
                harmless=lambda result: f"answered {len(result)} event(s)" if result else None,
            )  # fmt: skip
        self.assertNoProblems()
        # The plan's own company reads them, each with the plan's company.
        events = self.env["ov.association.event"].search(
            [("model", "=", "ov.migration.plan"), ("res_id", "=", self.plan_a.id)], order="id"
        )
        self.assertEqual(
            [(event.new_value, event.company_id) for event in events],
            [("classified", self.company_a), ("dry_run", self.company_a)],
        )
