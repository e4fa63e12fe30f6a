from odoo import api, fields, models


class OvMigrationPlanLine(models.AbstractModel):
    """A line of a plan's settings (classification, mapping): editable only
    while the plan is, as the plan's own settings."""

    _name = "ov.migration.plan.line"
    _description = "Migration plan setting line"

    plan_id = fields.Many2one("ov.migration.plan", required=True, ondelete="cascade", index=True)

    @api.model_create_multi
    def create(self, vals_list):
        self.env["ov.migration.plan"].browse(
            {vals["plan_id"] for vals in vals_list if vals.get("plan_id")}
        )._ov_check_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.plan_id._ov_check_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_while_editable(self):
        self.plan_id._ov_check_editable()
