from odoo import api, models


class OvAssociationLifecycleMixin(models.AbstractModel):
    """A demoted stamp is rewritten by the database when associations change:
    drop what the ORM cached of it in this transaction too."""

    _inherit = "ov.association.lifecycle.mixin"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._ov_refresh_demoted_stamps()
        return records

    def _ov_after_transition(self, new_state, reason):
        result = super()._ov_after_transition(new_state, reason)
        self._ov_refresh_demoted_stamps()
        return result

    def unlink(self):
        result = super().unlink()
        self._ov_refresh_demoted_stamps()
        return result

    def _ov_refresh_demoted_stamps(self):
        # Any layer: an SA row's state reaches the stamps its actor rows give.
        for _layer, legacy_model, column in self.env["ov.migration.plan"]._ov_demoted_columns():
            self.env[legacy_model].invalidate_model([column])
