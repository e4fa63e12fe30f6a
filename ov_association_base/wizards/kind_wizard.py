from odoo import api, fields, models

from .reason_wizard import rows_from_context, wizard_rows


class OvAssociationKindWizard(models.TransientModel):
    """Change the kind of an association, with a reason (audited)."""

    _name = "ov.association.kind.wizard"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Change the kind of an association"
    _ov_company_scope = "A wizard of one request; it acts through the governed rows' methods."

    res_model = fields.Char(required=True)
    res_ids = fields.Json(required=True)
    new_kind = fields.Selection(selection="_selection_new_kind", required=True)
    reason = fields.Text(required=True)

    @api.model
    def _selection_new_kind(self):
        model = self.env.context.get("active_model") or self.env.context.get("default_res_model")
        kind_models = self.env["ov.association.kind.mixin"]._ov_concrete_models()
        if model not in kind_models:
            # Every kind any model knows, so stored values always display.
            kinds = {}
            for name in kind_models:
                kinds.update(dict(self.env[name]._fields["association_kind"].selection))
            return (
                list(kinds.items())
                or self.env["ov.association.kind.mixin"]._fields["association_kind"].selection
            )
        Model = self.env[model]
        labels = dict(Model._fields["association_kind"].selection)
        return [(kind, labels[kind]) for kind in Model._ov_allowed_kinds]

    @api.model
    def default_get(self, fields_list):
        return rows_from_context(self.env.context, super().default_get(fields_list))

    def action_confirm(self):
        self.ensure_one()
        wizard_rows(self, "ov.association.kind.mixin").action_change_kind(
            self.new_kind, self.reason
        )
        return {"type": "ir.actions.act_window_close"}
