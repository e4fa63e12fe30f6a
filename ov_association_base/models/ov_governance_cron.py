import threading

from odoo import api, models

BATCH_SIZE_PARAMETER = "ov_association.expiry_batch_size"
DEFAULT_BATCH_SIZE = 1000
# One committed batch at most: larger would hold its locks for minutes (and
# past PostgreSQL's bigint, break the scheduled action).
MAX_BATCH_SIZE = 100_000


def batch_size_problem(env, size):
    """Why ``size`` is no expiry batch size (a text naming the setting), or None."""
    if isinstance(size, int) and not isinstance(size, bool) and 0 < size <= MAX_BATCH_SIZE:
        return None
    return env._(
        "Expiry batch size: %(value)r is not a number of rows from 1 to %(max)s.",
        value=size,
        max=MAX_BATCH_SIZE,
    )


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
            # sudo: the scheduled action reads its setting whoever runs it.
            value = self.env["ir.config_parameter"].sudo().get_param(BATCH_SIZE_PARAMETER)
            batch_size = int(value) if value and value.isdigit() else DEFAULT_BATCH_SIZE
            if batch_size_problem(self.env, batch_size):
                # The settings refuse such a value; one written around them
                # must not stop the expiry.
                batch_size = DEFAULT_BATCH_SIZE
        # A test transaction must not be committed.
        commit = not getattr(threading.current_thread(), "testing", False)
        return sum(
            self.env[name]._ov_expire_past_rows(batch_size=batch_size, commit=commit)
            for name in self._ov_lifecycle_models_in_expiry_order()
        )
