from odoo import fields, models


class OvMigrationAcceptWizard(models.TransientModel):
    """Accept a plan's parity differences, with the reason the log keeps."""

    _name = "ov.migration.accept.wizard"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Accept parity differences of a migration plan"

    plan_id = fields.Many2one("ov.migration.plan", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    only_stamp = fields.Integer(related="plan_id.parity_only_stamp")
    only_association = fields.Integer(related="plan_id.parity_only_association")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.plan_id.action_accept_differences(self.reason)
        return {"type": "ir.actions.act_window_close"}
