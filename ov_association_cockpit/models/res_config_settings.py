from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.ov_association_base.models.ov_governance_cron import (
    BATCH_SIZE_PARAMETER,
    DEFAULT_BATCH_SIZE,
    batch_size_problem,
)

from .expiry_reminder import DEFAULT_LEAD_DAYS, LEAD_DAYS_PARAMETER, lead_days_problem


class ResConfigSettings(models.TransientModel):
    """The *Governance* section of Odoo's settings (issue 13)."""

    _inherit = "res.config.settings"

    ov_reminder_days = fields.Integer(
        "Expiry reminder lead time (days)",
        config_parameter=LEAD_DAYS_PARAMETER,
        default=DEFAULT_LEAD_DAYS,
        help="An SA's responsible gets a to-do this many days before a row ends.",
    )
    ov_expiry_batch_size = fields.Integer(
        "Expiry batch size",
        config_parameter=BATCH_SIZE_PARAMETER,
        default=DEFAULT_BATCH_SIZE,
        help="Rows the expiry scheduled action ends per committed batch.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # Checked before the row is written: a value past PostgreSQL's integer
        # would otherwise fail as a database error, and one in range but
        # absurd would reach the scheduled actions (which then fall back to
        # their defaults, with a warning, rather than fail).
        checks = (
            ("ov_reminder_days", lead_days_problem),
            ("ov_expiry_batch_size", batch_size_problem),
        )
        for vals in vals_list:
            for name, problem_of in checks:
                if name in vals:
                    problem = problem_of(self.env, vals[name])
                    if problem:
                        raise ValidationError(problem)
        return super().create(vals_list)
