from odoo import fields, models


class OvSa(models.Model):
    """An SA's chatter and activities: its reminders are to-do activities on
    the SA for its responsible (``expiry_reminder``)."""

    _name = "ov.sa"
    _inherit = ["ov.sa", "mail.thread", "mail.activity.mixin"]

    # A change of responsible is logged in the SA's chatter.
    manager_id = fields.Many2one(tracking=True)
