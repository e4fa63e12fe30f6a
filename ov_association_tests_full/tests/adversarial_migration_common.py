"""Fixture of the migration addon's adversarial suite (issue 21, classes 1-4 and 10).

Managers of company A (``manager``) and of company B (``manager_b``), plans of
both companies over the test target's legacy stamps, and the helpers the
attacks share (``test_adversarial_migration``, ``test_adversarial_migration_steps``).

Company-less legacy records (a model whose company is optional, such as this
test target or res.partner) are shared, as Odoo's own company rules treat
them: a plan of any company covers them, never a record of another company.
"""

from odoo.tests.common import new_test_user
from odoo.tools import SQL

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.addons.ov_association_tests.tests.adversarial_common import AdversarialCase
from odoo.addons.ov_association_tests.tests.rpc_client import RpcUser

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


class MigrationAttackCase(AdversarialCase):
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

    def plan_values(self, name):
        fields = self.env["ir.model.fields"]
        return {
            "name": name,
            "legacy_model_id": self.env["ir.model"]._get_id("ov.test.target"),
            "pair_model": "ov.sa_test_target",
            "actor_field_id": fields._get("ov.test.target", "stamp_actor_id").id,
            "default_sa_id": self.sa_b.id,
        }

    @staticmethod
    def report_url(plan):
        """Where a plan's CSV report is downloaded: its computed field, checked
        by Odoo with the reader's access to the plan (issue 21)."""
        return f"/web/content/ov.migration.plan/{plan.id}/report_csv?download=true"

    @staticmethod
    def report_filename(plan):
        return f"&filename={plan.name.replace(' ', '%20')}%20-%20migration%20report.csv"

    def web_get(self, who, url):
        opener = self.client._web_opener(self.rpc_users[who])
        return opener.get(f"{self.base_url()}{url}", timeout=60)
