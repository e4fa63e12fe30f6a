from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import policy

EVENTS = [
    ("create", "Created"),
    ("transition", "State change"),
    ("kind_change", "Kind change"),
    ("delete", "Deleted"),
    ("target_deleted", "Governed record deleted"),
]


class OvAssociationEvent(models.Model):
    """Append-only audit log of governed rows (memberships and associations)."""

    _name = "ov.association.event"
    _description = "Governance audit event"
    _order = "date desc, id desc"

    model = fields.Char(required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(
        "Record id", model_field="model", required=True, index=True, readonly=True
    )
    event = fields.Selection(EVENTS, required=True, readonly=True)
    old_state = fields.Selection(list(policy.STATES), readonly=True)
    new_state = fields.Selection(list(policy.STATES), readonly=True)
    # Kinds are extensible per model (selection_add), so they are kept as text.
    old_kind = fields.Char(readonly=True)
    new_kind = fields.Char(readonly=True)
    reason = fields.Text(readonly=True, groups="ov_association_base.group_ov_manager")
    user_id = fields.Many2one("res.users", string="By", readonly=True, ondelete="set null")
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)

    def init(self):
        result = super().init()
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS ov_association_event_record_idx
               ON ov_association_event (model, res_id, id)"""
        )
        return result

    def write(self, vals):  # pylint: disable=method-required-super
        # Append-only: no write reaches the database, so there is no super().
        raise UserError(self.env._("Audit events cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Audit events cannot be deleted."))

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
