"""Step 4 of the ADR's migration path on a plan: parity, what the stamp
grants against what the effective associations grant, and a manager's
acceptance of the differences with a reason (steps 1 to 3 are in
``plan_steps.py``)."""

from odoo import fields, models
from odoo.exceptions import UserError

from ..sql import parity
from .plan_line import accepted_reason


class OvMigrationPlanParity(models.AbstractModel):
    _inherit = "ov.migration.plan.steps"

    def action_verify_parity(self):
        """Compare reach by stamp and by association for the plan's SAs and actors.

        Zero differences both ways: the plan is parity verified. Otherwise the
        differences are reported and the plan stays backfilled (a manager may
        accept them with a reason).
        """
        self._ov_ready()
        for plan in self:
            if plan.state != "backfilled":
                raise UserError(
                    self.env._(
                        "Migration plan %(plan)s: parity is verified after the backfill.",
                        plan=plan.name,
                    )
                )
            only_stamp, only_association, lines = plan._ov_parity()
            plan._ov_replace_report("parity", lines)
            plan._ov_system().write(
                {
                    "parity_date": fields.Datetime.now(),
                    "parity_only_stamp": only_stamp,
                    "parity_only_association": only_association,
                }
            )
            if not only_stamp and not only_association:
                plan._ov_step("parity", self.env._("No difference between stamp and associations"))
        return True

    def _ov_parity(self):
        """(only by stamp, only by association, report lines) now."""
        self.ensure_one()
        shape = self._ov_shape()
        self._ov_flush_plan_tables(shape)
        pair = self.env[self.pair_model]
        now = fields.Datetime.now()
        totals = {"only_stamp": 0, "only_association": 0}
        lines = []
        for side, _field in self._ov_stamp_fields():
            layer = pair if side == "sa" else pair._ov_actor_model()
            effective = layer._ov_effective_sql("row", now)
            result = parity.compare(self.env.cr, shape, side, effective)
            for direction, (count, sample) in result.items():
                totals[direction] += count
                lines.append(
                    {
                        "category": direction,
                        "subject": side,
                        "detail": self.env._("(record id, %(side)s id) pairs", side=side),
                        "count": count,
                        "sample": "; ".join(f"{target}:{subject}" for target, subject in sample),
                    }
                )
        return totals["only_stamp"], totals["only_association"], lines

    def action_accept_differences(self, reason=None):
        """Accept the reported parity differences, with a reason (audited);
        without one the call is refused by name, not with a TypeError."""
        self._ov_check_manager()
        reason = accepted_reason(
            reason,
            lambda error: UserError(
                self.env._(
                    "Migration plan %(plan)s: accepting its parity differences needs a "
                    "reason, a text the audit log keeps%(error)s.",
                    plan=self[:1].name,
                    error=error,
                )
            ),
        )
        for plan in self:
            if plan.state != "backfilled" or not plan.parity_date:
                raise UserError(
                    self.env._(
                        "Migration plan %(plan)s: verify parity before accepting its differences.",
                        plan=plan.name,
                    )
                )
            only_stamp, only_association, _lines = plan._ov_parity()
            if (only_stamp, only_association) != (
                plan.parity_only_stamp,
                plan.parity_only_association,
            ):
                # What the reason accepts must be what the log records.
                raise UserError(
                    self.env._(
                        "Migration plan %(plan)s: the legacy data changed since parity was "
                        "verified (%(stamp)s only by stamp and %(assoc)s only by association "
                        "then, %(stamp_now)s and %(assoc_now)s now); verify parity again "
                        "before accepting its differences.",
                        plan=plan.name,
                        stamp=plan.parity_only_stamp,
                        assoc=plan.parity_only_association,
                        stamp_now=only_stamp,
                        assoc_now=only_association,
                    )
                )
            plan._ov_system().write({"parity_accepted_reason": reason})
            plan._ov_step(
                "parity",
                self.env._(
                    "Differences accepted (%(stamp)s only by stamp, %(assoc)s only by "
                    "association): %(reason)s",
                    stamp=plan.parity_only_stamp,
                    assoc=plan.parity_only_association,
                    reason=reason,
                ),
            )
        return True
