import threading

from odoo import api, fields, models
from odoo.exceptions import UserError

BATCH_SIZE_PARAMETER = "ov_association.expiry_batch_size"
DEFAULT_BATCH_SIZE = 1000
# One committed batch at most: larger would hold its locks for minutes (and
# past PostgreSQL's bigint, break the scheduled action).
MAX_BATCH_SIZE = 100_000


def setting_problem(env, label, value, low, high, unit):
    """Why ``value`` is no whole number of ``unit`` from ``low`` to ``high``
    for the governance setting ``label`` (a text naming it), or None: the one
    check of the numeric settings (expiry batch size, reminder lead time)."""
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return None
    return env._(
        "%(label)s: %(value)r is not a number of %(unit)s from %(low)s to %(high)s.",
        label=label,
        value=value,
        unit=unit,
        low=low,
        high=high,
    )


def batch_size_problem(env, size):
    """Why ``size`` is no expiry batch size, or None."""
    return setting_problem(env, env._("Expiry batch size"), size, 1, MAX_BATCH_SIZE, env._("rows"))


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
    def _ov_expiry_batch_size(self):
        """The setting (*Governance* in Odoo's settings), or its default."""
        # sudo: the scheduled action reads its setting whoever runs it.
        value = self.env["ir.config_parameter"].sudo().get_param(BATCH_SIZE_PARAMETER)
        batch_size = int(value) if value and value.isdigit() else DEFAULT_BATCH_SIZE
        if batch_size_problem(self.env, batch_size):
            # The settings refuse such a value; one written around them must
            # not stop the expiry.
            return DEFAULT_BATCH_SIZE
        return batch_size

    @api.model
    def _cron_expire_past_rows(self, batch_size=None):
        """Expire past-dated rows, ``batch_size`` at a time (by default the
        setting); returns the number expired.

        Run by the scheduler (Odoo's cron runner gives it a progress record),
        a call expires one batch and reports it with
        ``ir.cron._notify_progress``: the runner commits the batch and calls
        again while rows remain, up to ten times in a run, then as soon as the
        other scheduled actions have had their turn. Called directly (a
        script, the tests), it expires every batch, each committed outside a
        test.

        Running it again changes nothing: only active or suspended rows whose
        ``date_to`` has passed are picked up.
        """
        if batch_size is None:
            batch_size = self._ov_expiry_batch_size()
        elif problem := batch_size_problem(self.env, batch_size):
            raise UserError(problem)
        now = fields.Datetime.now()
        if self.env.context.get("ir_cron_progress_id"):
            expired, remaining = self._ov_expire_batch(now, batch_size)
            self.env["ir.cron"]._notify_progress(done=expired, remaining=remaining)
            return expired
        # A test transaction must not be committed.
        commit = not getattr(threading.current_thread(), "testing", False)
        total = 0
        while True:
            expired, remaining = self._ov_expire_batch(now, batch_size)
            total += expired
            if commit:
                # Each batch kept if a long run is interrupted (the next run
                # resumes), as the cron runner commits each of its calls.
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if not (expired and remaining):
                return total

    @api.model
    def _ov_expire_batch(self, now, batch_size):
        """Expire at most ``batch_size`` rows ended at ``now``, in expiry order;
        returns ``(expired, remaining)``.

        ``remaining`` is counted after the batch: the actor rows an SA row's
        expiry took with it are no longer due.
        """
        names = self._ov_lifecycle_models_in_expiry_order()
        expired = 0
        for name in names:
            if expired >= batch_size:
                break
            Model = self.env[name]
            batch = Model.search(
                Model._ov_expiry_domain(now), limit=batch_size - expired, order="id"
            )
            if batch:
                batch.action_expire(reason=self.env._("Window ended"))
                expired += len(batch)
        remaining = sum(
            self.env[name].search_count(self.env[name]._ov_expiry_domain(now)) for name in names
        )
        return expired, remaining
