"""Shared base of the migration tests: plans over the test-only target's stamps."""

from datetime import timedelta

from odoo import fields
from odoo.tests.common import TransactionCase, new_test_user


class MigrationCase(TransactionCase):
    """SAs, actors and memberships; factories for stamped targets and plans."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.now = fields.Datetime.now()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Migration Other Co"})
        cls.manager = new_test_user(
            cls.env,
            "ov_migration_manager",
            groups="ov_association_base.group_ov_manager",
            company_ids=[(6, 0, cls.company.ids)],
        )
        Sa, Actor = cls.env["ov.sa"], cls.env["ov.actor"]
        cls.north = Sa.create({"name": "Migration North", "code": "MIG-N"})
        cls.south = Sa.create({"name": "Migration South", "code": "MIG-S"})
        cls.abroad = Sa.create(
            {"name": "Migration Abroad", "code": "MIG-A", "company_id": cls.other_company.id}
        )
        cls.a1 = Actor.create({"name": "Migration actor 1"})
        cls.a2 = Actor.create({"name": "Migration actor 2"})
        cls.a3 = Actor.create({"name": "Migration actor 3 (no membership)"})
        for sa, actor in ((cls.north, cls.a1), (cls.north, cls.a2), (cls.south, cls.a2)):
            membership = cls.env["ov.sa.membership"].create({"sa_id": sa.id, "actor_id": actor.id})
            membership.action_activate()
        cls.Target = cls.env["ov.test.target"]
        # The demo's legacy records: this suite's figures are about its own.
        cls.Target.search([]).unlink()
        cls.Rows = cls.env["ov.sa_test_target"]
        cls.ActorRows = cls.env["ov.actor_sa_test_target"]
        cls.Plan = cls.env["ov.migration.plan"]
        cls.Event = cls.env["ov.association.event"]

    @classmethod
    def target(cls, name, sa=None, actor=None, **vals):
        return cls.Target.create(
            {
                "name": name,
                "company_id": cls.company.id,
                "stamp_sa_id": sa.id if sa else False,
                "stamp_actor_id": actor.id if actor else False,
                **vals,
            }
        )

    @classmethod
    def sa_row(cls, target, sa, kind="assignment", activate=True, **vals):
        row = cls.Rows.create(
            {"sa_id": sa.id, "target_id": target.id, "association_kind": kind, **vals}
        )
        if activate:
            row.action_activate()
        return row

    @classmethod
    def actor_row(cls, parent, actor, kind="assignment", activate=True):
        row = cls.ActorRows.create(
            {"sa_test_target_id": parent.id, "actor_id": actor.id, "association_kind": kind}
        )
        if activate:
            row.action_activate()
        return row

    @classmethod
    def field(cls, model, name):
        return cls.env["ir.model.fields"]._get(model, name)

    @classmethod
    def target_plan(cls, name="Test target stamps", rules=None, **vals):
        """A plan over both stamps of the test target, not classified yet."""
        return cls.Plan.create(
            {
                "name": name,
                "legacy_model_id": cls.env["ir.model"]._get_id("ov.test.target"),
                "pair_model": "ov.sa_test_target",
                "sa_field_id": cls.field("ov.test.target", "stamp_sa_id").id,
                "actor_field_id": cls.field("ov.test.target", "stamp_actor_id").id,
                "date_from_field_id": cls.field("ov.test.target", "stamp_date_from").id,
                "date_to_field_id": cls.field("ov.test.target", "stamp_date_to").id,
                "granted_by_field_id": cls.field("ov.test.target", "create_uid").id,
                "rule_ids": [
                    (0, 0, {"name": name, "domain": domain, "sa_kind": sa, "actor_kind": actor})
                    for name, domain, sa, actor in (
                        rules or [("Responsible", "[]", "assignment", "assignment")]
                    )
                ],
                **vals,
            }
        )

    def report(self, plan, step):
        """{(category, detail or subject): (count, sample)} of one step's report."""
        return {
            (line.category, line.detail or line.subject): (line.count, line.sample or "")
            for line in plan.report_line_ids
            if line.step == step
        }

    def skips(self, plan):
        return {
            line.detail: line.count
            for line in plan.report_line_ids
            if line.step == "dry_run" and line.category == "skip" and line.count
        }

    def past(self, days):
        return self.now - timedelta(days=days)

    def future(self, days):
        return self.now + timedelta(days=days)
