from odoo import api, fields, models


class OvSaSaleOrder(models.Model):
    _name = "ov.sa_sale_order"
    _inherit = "ov.sa.association.mixin"
    _description = "SA association of a sale order"

    _ov_target_field = "sale_order_id"
    _ov_deletion_policy = "dependent"
    _ov_allowed_kinds = ("assignment", "access")
    _ov_exclusive_kinds = ("assignment",)
    # "My …": Odoo's own views of the target, restricted to the reach.
    _ov_native_action = "sale.action_quotations_with_onboarding"
    # The generated menus: "My Sale Orders", and the pair's place in them.
    _ov_records_label = "Sale Orders"
    _ov_menu_sequence = 10

    @api.model
    def _ov_conformance_reader_groups(self):
        return ["sales_team.group_sale_salesman_all_leads"]

    sale_order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True, check_company=True
    )


class OvActorSaSaleOrder(models.Model):
    _name = "ov.actor_sa_sale_order"
    _inherit = "ov.actor.association.mixin"
    _description = "Actor association of a sale order"

    _ov_parent_field = "sa_sale_order_id"
    _ov_allowed_kinds = ("assignment", "access")
    _ov_exclusive_kinds = ("assignment",)

    sa_sale_order_id = fields.Many2one(
        "ov.sa_sale_order",
        string="SA association",
        required=True,
        ondelete="cascade",
        index=True,
    )
    # What "My Sale Orders" shows of the order (read through the association).
    sale_order_id = fields.Many2one(related="sa_sale_order_id.sale_order_id")
    order_partner_id = fields.Many2one(related="sale_order_id.partner_id", string="Customer")
    order_amount_total = fields.Monetary(
        related="sale_order_id.amount_total",
        currency_field="order_currency_id",
        string="Total",
    )
    order_currency_id = fields.Many2one(related="sale_order_id.currency_id")
    order_state = fields.Selection(related="sale_order_id.state", string="Order status")

    def _ov_view_fields(self):
        return [
            "sale_order_id",
            "order_partner_id",
            "order_amount_total",
            "order_state",
            *super()._ov_view_fields(),
        ]
