from odoo import fields, models


class OvMigrationAcceptWizard(models.TransientModel):
    """Accept a plan's parity differences, or what a record rule replacement
    changes in what users see (``replacement_id``), with the reason the log keeps."""

    _name = "ov.migration.accept.wizard"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Accept parity differences of a migration plan"

    plan_id = fields.Many2one("ov.migration.plan", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    only_stamp = fields.Integer(related="plan_id.parity_only_stamp")
    only_association = fields.Integer(related="plan_id.parity_only_association")
    replacement_id = fields.Many2one(
        "ov.migration.rule.replacement",
        string="Record rule replacement",
        ondelete="cascade",
        domain="[('plan_id', '=', plan_id)]",
    )
    users_differing = fields.Integer(related="replacement_id.users_differing")
    differences = fields.Text(related="replacement_id.differences")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.replacement_id:
            self.replacement_id.action_accept_differences(self.reason)
        else:
            self.plan_id.action_accept_differences(self.reason)
        return {"type": "ir.actions.act_window_close"}
