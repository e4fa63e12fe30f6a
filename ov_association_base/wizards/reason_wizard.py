from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import arguments
from ..models.guard_mixin import checked


def rows_from_context(context, values):
    """Default ``res_model``/``res_ids`` of a wizard: the rows it was opened on."""
    values.setdefault("res_model", context.get("active_model"))
    values.setdefault("res_ids", context.get("active_ids") or [context.get("active_id")])
    return values


def wizard_rows(wizard, mixin):
    """The rows a wizard acts on, after checking ``res_model`` and ``res_ids``.

    ``res_model`` must be a governed model (one inheriting ``mixin``) and
    ``res_ids`` a list of ids of rows that still exist; anything else is a
    UserError naming the field, not a traceback.
    """
    env = wizard.env
    model = wizard.res_model
    if not isinstance(model, str) or model not in env:
        raise UserError(env._("res_model: %(model)r is not a model.", model=model))
    if model not in env[mixin]._ov_concrete_models():
        raise UserError(
            env._(
                "res_model: %(model)s is not a governed model; this action applies to "
                "associations and memberships.",
                model=model,
            )
        )
    ids = checked(arguments.record_ids, "res_ids", wizard.res_ids)
    records = env[model].browse(ids).exists()
    if not records:
        raise UserError(env._("res_ids: the rows to change no longer exist."))
    return records


ACTIONS = [
    ("suspend", "Suspend"),
    ("revoke", "Revoke"),
    ("expire", "Expire"),
]


class OvAssociationReasonWizard(models.TransientModel):
    """Suspend, revoke or expire governed rows with a recorded reason."""

    _name = "ov.association.reason.wizard"
    _inherit = ["ov.association.guard.mixin"]
    _description = "End or suspend a governed row, with a reason"
    _ov_company_scope = "A wizard of one request; it acts through the governed rows' methods."

    res_model = fields.Char(required=True)
    res_ids = fields.Json(required=True)
    action = fields.Selection(ACTIONS, required=True)
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        return rows_from_context(self.env.context, super().default_get(fields_list))

    def action_confirm(self):
        self.ensure_one()
        records = wizard_rows(self, "ov.association.lifecycle.mixin")
        getattr(records, f"action_{self.action}")(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
