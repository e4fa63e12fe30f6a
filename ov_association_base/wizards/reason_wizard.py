from odoo import api, fields, models
from odoo.exceptions import UserError


def rows_from_context(context, values):
    """Default ``res_model``/``res_ids`` of a wizard: the rows it was opened on."""
    values.setdefault("res_model", context.get("active_model"))
    values.setdefault("res_ids", context.get("active_ids") or [context.get("active_id")])
    return values


ACTIONS = [
    ("suspend", "Suspend"),
    ("revoke", "Revoke"),
    ("expire", "Expire"),
]


class OvAssociationReasonWizard(models.TransientModel):
    """Suspend, revoke or expire governed rows with a recorded reason."""

    _name = "ov.association.reason.wizard"
    _description = "End or suspend a governed row, with a reason"

    res_model = fields.Char(required=True)
    res_ids = fields.Json(required=True)
    action = fields.Selection(ACTIONS, required=True)
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        return rows_from_context(self.env.context, super().default_get(fields_list))

    def action_confirm(self):
        self.ensure_one()
        records = self.env[self.res_model].browse(self.res_ids).exists()
        if not records:
            raise UserError(self.env._("The rows to change no longer exist."))
        getattr(records, f"action_{self.action}")(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
