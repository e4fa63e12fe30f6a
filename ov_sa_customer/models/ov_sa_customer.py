from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class OvSaCustomer(models.Model):
    _name = "ov.sa_customer"
    _inherit = "ov.sa.association.mixin"
    _description = "SA association of a customer"

    _ov_target_field = "partner_id"
    _ov_deletion_policy = "restricted"
    _ov_allowed_kinds = ("assignment", "access", "binding")
    # A customer is bound to one SA at a time.
    _ov_exclusive_kinds = ("binding",)
    # "My …": Odoo's own views of the target, restricted to the reach.
    _ov_native_action = "base.action_partner_form"
    # The generated menus: "My Customers", and the pair's place in them.
    _ov_records_label = "Customers"
    _ov_menu_sequence = 20

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
        domain="['|', ('parent_id', '=', False), ('is_company', '=', True)]",
        help="A commercial partner: a company, or an individual without a company.",
    )

    @api.model
    def _ov_conformance_target_values(self, sequence):
        # res.partner requires a name through a CHECK constraint, not the field.
        return {"name": f"Conformance customer {sequence}", "is_company": True}

    @api.model
    def _ov_target_condition_sql(self, alias):
        # The SQL form of _check_commercial_partner.
        return SQL(
            "%s = %s", SQL.identifier(alias, "commercial_partner_id"), SQL.identifier(alias, "id")
        )

    @api.constrains("partner_id")
    def _check_commercial_partner(self):
        for record in self:
            partner = record.partner_id
            if partner.commercial_partner_id != partner:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is a contact of %(company)s: customers are governed "
                        "as commercial partners, associate %(company)s instead.",
                        partner=partner.display_name,
                        company=partner.commercial_partner_id.display_name,
                    )
                )


class OvActorSaCustomer(models.Model):
    _name = "ov.actor_sa_customer"
    _inherit = "ov.actor.association.mixin"
    _description = "Actor association of a customer"

    _ov_parent_field = "sa_customer_id"
    _ov_allowed_kinds = ("assignment", "access", "binding")
    _ov_exclusive_kinds = ()

    sa_customer_id = fields.Many2one(
        "ov.sa_customer",
        string="SA association",
        required=True,
        ondelete="cascade",
        index=True,
    )
    # What "My Customers" shows of the customer.
    partner_id = fields.Many2one(related="sa_customer_id.partner_id", string="Customer")
    partner_city = fields.Char(related="partner_id.city", string="City")
    partner_email = fields.Char(related="partner_id.email", string="Email")

    def _ov_view_fields(self):
        return ["partner_id", "partner_city", "partner_email", *super()._ov_view_fields()]
