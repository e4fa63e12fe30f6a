from odoo import fields, models

from .expiry_reminder import DEFAULT_LEAD_DAYS, LEAD_DAYS_PARAMETER
from .ov_governance_cron import BATCH_SIZE_PARAMETER, DEFAULT_BATCH_SIZE


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
