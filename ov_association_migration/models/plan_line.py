from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.ov_association_base import arguments

# Context value that lets a plan's steps write what they alone write. It is
# an object, so no RPC context (JSON) can carry it.
STEP_MARKER = object()
STEP_KEY = "ov_migration_step"


def accepted_reason(reason, refusal):
    """``reason`` for accepting differences, as the audit log keeps it; a
    missing, empty or oversized one raises ``refusal(detail)`` (a UserError
    naming what is accepted, ``detail`` saying what is wrong, or empty)."""
    try:
        reason = arguments.reason(reason) or ""  # a text within the log's limit
    except arguments.ArgumentError as error:
        raise refusal(f": {error}") from None
    if not isinstance(reason, str) or not reason.strip():
        raise refusal("")
    return reason


def refuse_company(records, vals_list):
    """A plan's line is its plan's company's: never given, never written."""
    for vals in vals_list:
        if "company_id" in vals:
            raise UserError(
                records.env._(
                    "%(model)s: company_id is the plan's company and cannot be given or written.",
                    model=records._description,
                )
            )


class OvMigrationPlanLine(models.AbstractModel):
    """A line of a plan's settings (classification, mapping): editable only
    while the plan is, as the plan's own settings; of the plan's company."""

    _name = "ov.migration.plan.line"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Migration plan setting line"
    _check_company_auto = True

    plan_id = fields.Many2one("ov.migration.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)

    @api.model_create_multi
    def create(self, vals_list):
        refuse_company(self, vals_list)
        self.env["ov.migration.plan"].browse(
            {vals["plan_id"] for vals in vals_list if vals.get("plan_id")}
        )._ov_check_editable()
        return super().create(vals_list)

    def write(self, vals):
        refuse_company(self, [vals])
        if "plan_id" in vals and self.filtered(lambda line: line.plan_id.id != vals["plan_id"]):
            raise UserError(
                self.env._(
                    "%(model)s: plan_id is set when the line is created; add a line to "
                    "the other plan instead.",
                    model=self._description,
                )
            )
        self.plan_id._ov_check_editable()
        return super().write(vals)

    def _ov_check_unlink(self):
        # Under every context (guard_mixin in the base); only a real
        # uninstall, as superuser, removes lines of a used plan.
        result = super()._ov_check_unlink()
        self.plan_id._ov_check_editable()
        return result
