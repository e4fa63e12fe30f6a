from odoo import models

from . import audit_sql


class OvAssociationDeletionMixin(models.AbstractModel):
    """Declared behaviour when the governed record is deleted (docs/design.md §3).

    ``_ov_deletion_policy`` is one of ``dependent``, ``optional``,
    ``restricted``; the Many2one named by ``_ov_target_field`` must match it
    (checked at registry load, see ``ov.sa.association.mixin``, which also
    keeps the target fixed after creation).
    """

    _name = "ov.association.deletion.mixin"
    _description = "Association deletion policy"

    _ov_target_field = None
    _ov_deletion_policy = None

    def _ov_target_model(self):
        return self._fields[self._ov_target_field].comodel_name

    def _ov_install_deletion_triggers(self):
        if self._ov_deletion_policy == "optional":
            audit_sql.install_target_emptied_audit(
                self.env.cr,
                self._table,
                self._name,
                self._ov_target_field,
                self._ov_event_row_columns(),
            )
