"""Migration path on native stamps Odoo itself writes (issue 10).

``sale.order.user_id`` (the salesperson) becomes an actor assignment on a
fresh set of orders; ``res.partner.user_id`` shows the customer pair's policy
refusing contacts and the mapping creating missing actors. Other records'
stamps are cleared in the test transaction so every figure is exact.
"""

import unittest

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .migration_common import MigrationCase


class NativeMigrationCase(MigrationCase):
    legacy_model = None
    pair_model = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.pair_model not in cls.env:
            raise unittest.SkipTest(
                f"{cls.pair_model} is not installed: native migration NOT TESTED"
            )
        cls.sales = cls.env["ov.sa"].create({"name": "Migration Sales", "code": "MIG-SALES"})
        groups = "sales_team.group_sale_salesman,ov_association_base.group_ov_user"
        cls.u1 = new_test_user(cls.env, "ov_mig_seller1", groups=groups)
        cls.u2 = new_test_user(cls.env, "ov_mig_seller2", groups=groups)
        cls.u3 = new_test_user(cls.env, "ov_mig_seller3", groups=groups)
        Actor = cls.env["ov.actor"]
        cls.act1 = Actor.search([("user_id", "=", cls.u1.id)]) or Actor.create(
            {"user_id": cls.u1.id}
        )
        cls.act2 = Actor.search([("user_id", "=", cls.u2.id)]) or Actor.create(
            {"user_id": cls.u2.id}
        )
        membership = cls.env["ov.sa.membership"].create(
            {"sa_id": cls.sales.id, "actor_id": cls.act1.id}
        )
        membership.action_activate()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Migration customer", "is_company": True}
        )

    @classmethod
    def clear_other_stamps(cls, records):
        Model = cls.env[cls.legacy_model]
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL(
                "UPDATE %s SET user_id = NULL WHERE id NOT IN %s",
                SQL.identifier(Model._table),
                tuple(records.ids),
            )
        )
        cls.env.invalidate_all()

    @classmethod
    def native_plan(cls, name, **vals):
        return cls.Plan.create(
            {
                "name": name,
                "legacy_model_id": cls.env["ir.model"]._get_id(cls.legacy_model),
                "pair_model": cls.pair_model,
                "actor_field_id": cls.field(cls.legacy_model, "user_id").id,
                "default_sa_id": cls.sales.id,
                "rule_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Salesperson",
                            "sa_kind": "assignment",
                            "actor_kind": "assignment",
                        },
                    )
                ],
                **vals,
            }
        )


@tagged("post_install", "-at_install")
class TestMigrationSaleOrder(NativeMigrationCase):
    legacy_model = "sale.order"
    pair_model = "ov.sa_sale_order"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Order = cls.env["sale.order"]
        cls.o1, cls.o2, cls.o3, cls.o4 = (
            Order.create({"partner_id": cls.customer.id, "user_id": user.id if user else False})
            for user in (cls.u1, cls.u2, cls.u3, None)
        )
        cls.orders = cls.o1 | cls.o2 | cls.o3 | cls.o4
        cls.clear_other_stamps(cls.orders)
        cls.unstamped = Order.search_count([("user_id", "=", False)])
        cls.plan = cls.native_plan("Salesperson of sale orders")

    def users(self, *orders):
        self.env.invalidate_all()
        return [order.user_id.login or False for order in orders]

    def test_a_manager_must_read_the_legacy_model(self):
        blind = new_test_user(
            self.env, "ov_mig_blind_manager", groups="ov_association_base.group_ov_manager"
        )
        with self.assertRaises(AccessError):
            self.plan.with_user(blind).action_classify()
        self.assertEqual(self.plan.state, "draft")

    def test_every_step_on_the_salesperson(self):
        plan = self.plan
        plan.action_propose_mapping()
        self.assertEqual(
            sorted((line.source_id, line.actor_id.id) for line in plan.map_ids),
            sorted([(self.u1.id, self.act1.id), (self.u2.id, self.act2.id), (self.u3.id, False)]),
        )
        plan.action_classify()
        plan.action_dry_run()
        self.assertEqual(
            self.skips(plan),
            {"not_member": 1, "unmapped": 1, "empty_stamp": self.unstamped},
        )
        report = self.report(plan, "dry_run")
        self.assertEqual(report[("skip", "not_member")], (1, str(self.o2.id)))
        self.assertEqual(report[("skip", "unmapped")], (1, str(self.o3.id)))
        # Memberships may be created: the second seller joins the sales SA.
        plan.write({"create_memberships": True})
        plan.action_dry_run()
        self.assertEqual(self.skips(plan), {"unmapped": 1, "empty_stamp": self.unstamped})
        totals = plan.dry_run_totals
        self.assertEqual(
            (totals["sa"], totals["actor"], totals["membership"], totals["create"]), (2, 2, 1, 2)
        )
        plan.action_backfill()
        self.assertEqual(
            (
                plan.backfill_created_sa,
                plan.backfill_created_actor,
                plan.backfill_created_membership,
            ),
            (2, 2, 1),
        )
        plan.action_backfill()  # idempotent
        self.assertEqual((plan.backfill_created_sa, plan.backfill_created_actor), (2, 2))
        SaleRows = self.env["ov.sa_sale_order"]
        for actor, order in ((self.act1, self.o1), (self.act2, self.o2)):
            self.assertEqual(
                SaleRows.search_governed_targets(actor_id=actor.id) & self.orders, order
            )
        # Parity: the unmapped stamp is only by stamp; a salesperson changed
        # after the backfill shows both ways.
        self.o1.user_id = self.u2
        plan.action_verify_parity()
        self.assertEqual((plan.parity_only_stamp, plan.parity_only_association), (2, 1))
        report = self.report(plan, "parity")
        self.assertEqual(
            report[("only_stamp", "(record id, actor id) pairs")],
            (2, f"{self.o1.id}:{self.act2.id}; {self.o3.id}:None"),
        )
        self.assertEqual(
            report[("only_association", "(record id, actor id) pairs")],
            (1, f"{self.o1.id}:{self.act1.id}"),
        )
        plan.action_accept_differences("The third seller leaves; order 1 is handed back")
        # Odoo computes the salesperson: it can be demoted, never frozen.
        self.assertTrue(plan.written_by_odoo)
        with self.assertRaisesRegex(UserError, r"sale.order.user_id is written by Odoo itself"):
            plan.action_freeze()
        plan.action_demote()
        self.assertEqual(
            self.users(self.o1, self.o2, self.o3, self.o4),
            ["ov_mig_seller1", "ov_mig_seller2", False, False],
        )
        row = self.env["ov.actor_sa_sale_order"].search(
            [("ov_target_id", "=", self.o1.id), ("actor_id", "=", self.act1.id)]
        )
        row.action_suspend()
        self.assertEqual(self.users(self.o1), [False])
        row.action_resume()
        self.assertEqual(self.users(self.o1), ["ov_mig_seller1"])
        row.action_revoke("leaves")
        self.assertEqual(self.users(self.o1), [False])
        # A new order: Odoo proposes a salesperson, the associations decide.
        new = self.env["sale.order"].create({"partner_id": self.customer.id, "user_id": self.u2.id})
        self.assertEqual(self.users(new), [False])


@tagged("post_install", "-at_install")
class TestMigrationCustomer(NativeMigrationCase):
    legacy_model = "res.partner"
    pair_model = "ov.sa_customer"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.company_partner = Partner.create(
            {"name": "Migration Co", "is_company": True, "user_id": cls.u1.id}
        )
        cls.contact = Partner.create(
            {"name": "Migration contact", "parent_id": cls.company_partner.id, "user_id": cls.u1.id}
        )
        cls.third = Partner.create(
            {"name": "Migration third", "is_company": True, "user_id": cls.u3.id}
        )
        cls.clear_other_stamps(cls.company_partner | cls.contact | cls.third)

    def test_policy_refuses_contacts_and_missing_actors_are_created(self):
        plan = self.native_plan(
            "Salesperson of customers", create_missing=True, create_memberships=True
        )
        plan.action_propose_mapping()
        created = self.env["ov.actor"].search([("user_id", "=", self.u3.id)])
        self.assertEqual(
            (
                created.name,
                plan.map_ids.filtered(lambda line: line.source_id == self.u3.id).actor_id,
            ),
            (self.u3.name, created),
        )
        event = self.Event.search([("model", "=", "ov.actor"), ("res_id", "=", created.id)])
        self.assertEqual(
            (event.event, event.reason),
            ("create", "Created for the mapping of migration plan Salesperson of customers"),
        )
        plan.action_classify()
        plan.action_dry_run()
        report = self.report(plan, "dry_run")
        self.assertEqual(report[("skip", "policy_refused")], (1, str(self.contact.id)))
        self.assertEqual(plan.dry_run_totals["create"], 2)
        plan.action_backfill()
        rows = self.env["ov.sa_customer"].search([("sa_id", "=", self.sales.id)])
        self.assertEqual(rows.partner_id, self.company_partner | self.third)
