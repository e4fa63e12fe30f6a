"""A member of "Sales: governed orders only" works in the Sales app as before,
on the orders their actor reaches: the group narrows, it does not get in the way."""

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestGovernedOrdersOnly(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env,
            "ov_governed_seller",
            groups="sales_team.group_sale_salesman_all_leads,stock.group_stock_user,"
            "ov_sa_sale_order.group_governed_only",
        )
        cls.actor = cls.env["ov.actor"].create({"user_id": cls.seller.id})
        cls.sa = cls.env["ov.sa"].create({"name": "Governed sales", "code": "SO-GOV"})
        cls.env["ov.sa.membership"].create(
            {"sa_id": cls.sa.id, "actor_id": cls.actor.id}
        ).action_activate()
        cls.partner = cls.env["res.partner"].create({"name": "Governed customer"})
        cls.product = cls.env["product.product"].create(
            {"name": "Governed widget", "type": "consu", "is_storable": True, "list_price": 10}
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(cls.product, warehouse.lot_stock_id, 10)

    def order(self, reached):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 3})],
            }
        )
        if reached:
            row = self.env["ov.sa_sale_order"].create(
                {"sa_id": self.sa.id, "sale_order_id": order.id, "association_kind": "assignment"}
            )
            row.action_activate()
            self.env["ov.actor_sa_sale_order"].create(
                {
                    "sa_sale_order_id": row.id,
                    "actor_id": self.actor.id,
                    "association_kind": "access",
                }
            ).action_activate()
        return order

    def test_confirm_and_deliver_a_reached_order(self):
        if "picking_ids" not in self.env["sale.order"]._fields:
            self.skipTest("sale_stock is not installed")
        order = self.order(reached=True).with_user(self.seller)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        picking = order.picking_ids
        self.assertEqual(len(picking), 1)
        picking.move_ids.quantity = 3
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 3)

    def test_an_order_not_reached_is_refused(self):
        order = self.order(reached=False).with_user(self.seller)
        self.assertFalse(
            self.env["sale.order"].with_user(self.seller).search([("id", "=", order.id)])
        )
        with self.assertRaises(AccessError):
            order.action_confirm()
        self.assertEqual(order.sudo().state, "draft")
