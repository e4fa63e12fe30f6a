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
from odoo.tests.common import new_test_user
from odoo.tools import SQL

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .adversarial_common import SA_CODES, AdversarialCase
from .rpc_client import RpcUser

USER_ERROR = {"odoo.exceptions.UserError", "odoo.exceptions.ValidationError"}
REFUSED = USER_ERROR | {"odoo.exceptions.AccessError", "odoo.exceptions.MissingError"}
UNINSTALL_KEYS = (MODULE_UNINSTALL_FLAG, "module_uninstall")
PLAN_A_TOKEN = "zqx-plan-a"
RULE_A_TOKEN = "zqx-rule-a"
MAP_A_TOKEN = "zqx-map-a"
USER_B_TOKEN = "zqx-user-b"
MIGRATION_TABLES = (
    "ov_migration_plan",
    "ov_migration_rule",
    "ov_migration_map",
    "ov_migration_report_line",
    "ov_migration_plan_row",
)


@tagged("post_install", "-at_install", "ov_adversarial")
class TestAdversarialMigration(AdversarialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        login, password = "ov_adv_manager_b", "ov_adv_manager_b-Pw-7b2e!"
        manager_b = new_test_user(
            env,
            login,
            groups="ov_association_base.group_ov_manager",
            password=password,
            name="Adversarial manager B",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.users["manager_b"] = manager_b
        cls.rpc_users["manager_b"] = RpcUser("manager_b", login, password, manager_b.id)
        cls.Target = env["ov.test.target"]
        # Stamped legacy records of each company, and one shared (no company).
        cls.legacy_a = cls.legacy("ZQX-LEGACY-A", cls.company_a, cls.other)
        cls.legacy_b = cls.legacy("Legacy B", cls.company_b, cls.actor_b)
        cls.legacy_shared = cls.legacy("Legacy shared", False, cls.actor_b)
        cls.plan_b = cls.run_to_parity(cls.make_plan("Plan of B", manager_b, cls.sa_b))
        cls.plan_a = cls.make_plan(
            f"{PLAN_A_TOKEN.upper()} migration",
            env.user,
            cls.sa_a2,
            company=cls.company_a,
            rules=[(RULE_A_TOKEN, "[('name', 'ilike', 'zqx-domain-a')]")],
        )
        cls.plan_a.action_classify()
        cls.plan_a.action_dry_run()
        env["ov.migration.map"].create(
            {
                "plan_id": cls.plan_a.id,
                "side": "actor",
                "source_id": cls.other.id,
                "source_name": MAP_A_TOKEN.upper(),
                "actor_id": cls.other.id,
            }
        )
        cls.report_a = env["ir.attachment"].browse(
            int(cls.plan_a.action_download_report()["url"].split("/")[3].split("?")[0])
        )

    @classmethod
    def legacy(cls, name, company, actor, **vals):
        return cls.Target.create(
            {
                "name": name,
                "company_id": company.id if company else False,
                "stamp_actor_id": actor.id if actor else False,
                **vals,
            }
        )

    @classmethod
    def make_plan(cls, name, user, default_sa, company=None, rules=None, **vals):
        env = cls.env(user=user)
        if company:
            env = env(context=dict(env.context, allowed_company_ids=company.ids))
        else:
            env = env(context=dict(env.context, allowed_company_ids=user.company_ids.ids))
        fields = env["ir.model.fields"].sudo()
        return env["ov.migration.plan"].create(
            {
                "name": name,
                "legacy_model_id": env["ir.model"]._get_id("ov.test.target"),
                "pair_model": "ov.sa_test_target",
                "actor_field_id": fields._get("ov.test.target", "stamp_actor_id").id,
                "default_sa_id": default_sa.id,
                "rule_ids": [
                    (
                        0,
                        0,
                        {
                            "name": rule,
                            "domain": domain,
                            "sa_kind": "access",
                            "actor_kind": "access",
                        },
                    )
                    for rule, domain in (rules or [("Responsible", "[]")])
                ],
                **vals,
            }
        )

    @classmethod
    def run_to_parity(cls, plan):
        plan.action_classify()
        plan.action_dry_run()
        plan.action_backfill()
        plan.action_verify_parity()
        if plan.state == "backfilled":
            plan.action_accept_differences("Differences elsewhere")
        return plan

    @classmethod
    def _tables_to_watch(cls):
        return sorted(set(super()._tables_to_watch()) | set(MIGRATION_TABLES))

    def stamp(self, record):
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT stamp_actor_id FROM ov_test_target WHERE id = %s", record.id)
        )
        return self.env.cr.fetchone()[0]

    def writable(self, record):
        """Whether the stamp of ``record`` can still be written in SQL."""
        cr = self.env.cr
        try:
            with cr.savepoint():
                cr.execute(
                    SQL("UPDATE ov_test_target SET stamp_actor_id = NULL WHERE id = %s", record.id)
                )
        except Exception:
            return False
        return True

    def sample_ids(self, plan):
        self.env.cr.execute(
            SQL("SELECT sample FROM ov_migration_report_line WHERE plan_id = %s", plan.id)
        )
        ids = set()
        for (sample,) in self.env.cr.fetchall():
            for part in (sample or "").replace(";", ",").replace(":", ",").split(","):
                if part.strip().isdigit():
                    ids.add(int(part))
        return ids

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
        response = self.web_get("manager_b", f"/web/content/{self.report_a.id}?download=true")
        if response.status_code == 200 or PLAN_A_TOKEN in response.text.lower():
            self.problems[("report download", who, "ir.attachment", "/web/content", "")] = [
                f"HTTP {response.status_code}: {response.text[:80]!r}",
                ["web"],
            ]
        # The plan's own company reads it.
        response = self.web_get("manager", f"/web/content/{self.report_a.id}?download=true")
        self.assertEqual(response.status_code, 200)
        self.assertIn(PLAN_A_TOKEN, response.text.lower())
        self.assertNoProblems()

    def plan_values(self, name):
        fields = self.env["ir.model.fields"]
        return {
            "name": name,
            "legacy_model_id": self.env["ir.model"]._get_id("ov.test.target"),
            "pair_model": "ov.sa_test_target",
            "actor_field_id": fields._get("ov.test.target", "stamp_actor_id").id,
            "default_sa_id": self.sa_b.id,
        }

    def web_get(self, who, url):
        opener = self.client._web_opener(self.rpc_users[who])
        return opener.get(f"{self.base_url()}{url}", timeout=60)

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
