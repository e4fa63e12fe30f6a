from odoo.tests import TransactionCase, tagged

from odoo.addons.ov_association_base.tests.common import my_rows


@tagged("post_install", "-at_install")
class TestSaSaleOrder(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sa = cls.env["ov.sa"].create({"name": "Sales SA", "code": "SO-TEST"})
        cls.actor = cls.env["ov.actor"].create({"name": "Seller"})
        membership = cls.env["ov.sa.membership"].create(
            {"sa_id": cls.sa.id, "actor_id": cls.actor.id}
        )
        membership.action_activate()
        cls.partner = cls.env["res.partner"].create({"name": "SO test customer"})

    def _governed_order(self):
        order = self.env["sale.order"].create({"partner_id": self.partner.id})
        row = self.env["ov.sa_sale_order"].create(
            {"sa_id": self.sa.id, "sale_order_id": order.id, "association_kind": "assignment"}
        )
        row.action_activate()
        child = self.env["ov.actor_sa_sale_order"].create(
            {
                "sa_sale_order_id": row.id,
                "actor_id": self.actor.id,
                "association_kind": "assignment",
            }
        )
        child.action_activate()
        return order, row, child

    def test_deleting_an_order_deletes_its_associations(self):
        order, row, child = self._governed_order()
        self.assertEqual(child.order_partner_id, self.partner)
        order.unlink()
        self.assertFalse(row.exists())
        self.assertFalse(child.exists())
        events = self.env["ov.association.event"].search(
            [
                ("event", "=", "delete"),
                "|",
                "&",
                ("model", "=", row._name),
                ("res_id", "=", row.id),
                "&",
                ("model", "=", child._name),
                ("res_id", "=", child.id),
            ]
        )
        self.assertEqual(len(events), 2)

    def test_one_active_assignment_per_order(self):
        order, _row, _child = self._governed_order()
        other = self.env["ov.sa"].create({"name": "Other sales SA", "code": "SO-TEST-2"})
        second = self.env["ov.sa_sale_order"].create(
            {"sa_id": other.id, "sale_order_id": order.id, "association_kind": "assignment"}
        )
        with self.assertRaisesRegex(Exception, "at most one active association"):
            second.action_activate()
        access = self.env["ov.sa_sale_order"].create(
            {"sa_id": other.id, "sale_order_id": order.id, "association_kind": "access"}
        )
        access.action_activate()
        self.assertTrue(access.is_effective)

    def test_demo_my_sale_orders(self):
        bob = self.env.ref("ov_association_base.demo_user_bob", raise_if_not_found=False)
        if not bob:
            self.skipTest("demo data is not installed")
        action = "ov_sa_sale_order.ov_actor_sa_sale_order_action_my"
        self.assertEqual(
            my_rows(self.env, action, bob),
            self.env.ref("ov_sa_sale_order.demo_actor_so_bob_1")
            | self.env.ref("ov_sa_sale_order.demo_actor_so_bob_2"),
        )
        carol = self.env.ref("ov_association_base.demo_user_carol")
        self.assertEqual(
            my_rows(self.env, action, carol),
            self.env.ref("ov_sa_sale_order.demo_actor_so_carol_3"),
        )
