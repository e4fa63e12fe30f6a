import threading

from odoo import api, models

BATCH_SIZE_PARAMETER = "ov_association.expiry_batch_size"
DEFAULT_BATCH_SIZE = 1000


class OvGovernanceCron(models.AbstractModel):
    """Scheduled expiry of every governed row whose window has ended."""

    _name = "ov.governance.cron"
    _description = "Governance scheduled actions"

    @api.model
    def _ov_lifecycle_models_in_expiry_order(self):
        """SA rows first (their expiry cascades), then actor rows, then memberships."""
        return [
            *self.env["ov.sa.association.mixin"]._ov_concrete_models(),
            *self.env["ov.actor.association.mixin"]._ov_concrete_models(),
            "ov.sa.membership",
        ]

    @api.model
    def _cron_expire_past_rows(self, batch_size=None):
        """Expire past-dated rows in batches, committing each batch (the batch
        size is a setting, *Governance* in Odoo's settings).

        Running it again changes nothing: only active or suspended rows whose
        ``date_to`` has passed are picked up. Returns the number expired.
        """
        if not batch_size:
            value = self.env["ir.config_parameter"].sudo().get_param(BATCH_SIZE_PARAMETER)
            batch_size = (
                int(value) if value and value.isdigit() and int(value) > 0 else (DEFAULT_BATCH_SIZE)
            )
        # A test transaction must not be committed.
        commit = not getattr(threading.current_thread(), "testing", False)
        return sum(
            self.env[name]._ov_expire_past_rows(batch_size=batch_size, commit=commit)
            for name in self._ov_lifecycle_models_in_expiry_order()
        )
