from collections import defaultdict

from odoo import api, fields, models


class OvAssociationHistory(models.AbstractModel):
    """The *History* tab of every association and membership (issue 13)."""

    _inherit = "ov.association.lifecycle.mixin"

    ov_event_ids = fields.Many2many(
        "ov.association.event",
        string="History",
        compute="_compute_ov_event_ids",
        help="This row's audit events, newest first (governance managers).",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_ov_event_ids(self):
        Event = self.env["ov.association.event"]
        events = defaultdict(list)
        # Only those who may read the audit log see a row's history.
        if self.ids and Event.has_access("read"):
            for event in Event.search(
                [("model", "=", self._name), ("res_id", "in", self.ids)],
                order="date desc, id desc",
            ):
                events[event.res_id].append(event.id)
        for record in self:
            record.ov_event_ids = [(6, 0, events[record.id])]
