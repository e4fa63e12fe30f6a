import base64
import csv
import io
import urllib.parse

from odoo import api, fields, models
from odoo.exceptions import UserError

from .plan_line import STEP_KEY, STEP_MARKER

STEPS = [
    ("dry_run", "Dry run"),
    ("backfill", "Backfill"),
    ("parity", "Parity"),
    ("retire", "Readers"),
]


class OvMigrationReportLine(models.Model):
    """One figure of a plan's report: stored, so the report outlives the log."""

    _name = "ov.migration.report.line"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Migration plan report line"
    _order = "plan_id, step, sequence, id"

    plan_id = fields.Many2one("ov.migration.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    step = fields.Selection(STEPS, required=True)
    sequence = fields.Integer()
    category = fields.Char(required=True, help="create, skip, done, only_stamp, …")
    subject = fields.Char(help="Layer and kind, skip reason, side, or reader.")
    detail = fields.Char()
    count = fields.Integer()
    sample = fields.Char(help="Some of the legacy record ids concerned.")

    def _ov_check_unlink(self):
        # A step replaces its own lines; nobody else deletes a plan's record
        # of what it found, whatever the context (a real uninstall as
        # superuser drops the table: guard_mixin).
        result = super()._ov_check_unlink()
        if not self or self.env.context.get(STEP_KEY) is STEP_MARKER:
            return result
        raise UserError(
            self.env._(
                "Migration plan %(plan)s: its report lines are replaced by its steps only.",
                plan=self[:1].plan_id.name,
            )
        )


class OvMigrationPlanReport(models.AbstractModel):
    """The stored report of a plan (ov.migration.plan) and its CSV."""

    _name = "ov.migration.plan.report"
    _description = "Migration plan report"

    report_csv = fields.Binary(
        "Report (CSV)",
        compute="_compute_report_csv",
        help="The stored report as CSV, computed when it is downloaded; never stored.",
    )

    def _ov_replace_report(self, step, lines):
        self.ensure_one()
        # sudo: report lines are written by the steps alone; managers only read them.
        system = self.sudo()._ov_system()
        system.report_line_ids.filtered(lambda line: line.step == step).unlink()
        system.env["ov.migration.report.line"].create(
            [
                {"plan_id": self.id, "step": step, "sequence": index, **line}
                for index, line in enumerate(lines)
            ]
        )

    def _ov_report_csv(self):
        self.ensure_one()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["plan", "step", "category", "subject", "detail", "count", "sample"])
        steps = dict(STEPS)
        for line in self.report_line_ids:
            writer.writerow(
                [
                    self.name,
                    steps[line.step],
                    line.category,
                    line.subject or "",
                    line.detail or "",
                    line.count,
                    line.sample or "",
                ]
            )
        return buffer.getvalue()

    @api.depends("name", "report_line_ids")
    def _compute_report_csv(self):
        # With the reader's rights: a plan's report lines are its company's.
        for plan in self:
            plan.report_csv = base64.b64encode(plan._ov_report_csv().encode())

    def action_download_report(self):
        """The stored report as CSV, from the plan's computed field.

        Never an ir.attachment (issue 21): Odoo checks an attachment's new
        record only when res_model and res_id are written together, so a
        manager could move a report onto another company's plan. /web/content
        checks read access to the plan and the field, and computes the CSV
        with the reader's rights.
        """
        self.ensure_one()
        self._ov_check_manager()
        filename = urllib.parse.quote(f"{self.name} - migration report.csv")
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/report_csv?download=true"
            f"&filename={filename}",
            "target": "self",
        }
