from collections import defaultdict

from lxml.builder import E

from odoo import api, fields, models

from odoo.addons.ov_association_base import policy


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


class OvAssociationViewsMixin(models.AbstractModel):
    """The *History* page of every pair's default form."""

    _inherit = "ov.association.views.mixin"

    def _ov_form_pages(self):
        columns = [
            E.field(name="date"),
            E.field(name="event"),
            E.field(name="old_state", optional="show"),
            E.field(name="new_state"),
            E.field(name="old_kind", optional="hide"),
            E.field(name="new_kind", optional="show"),
            E.field(name="old_value", optional="show", string=self.env._("Before")),
            E.field(name="new_value", optional="show", string=self.env._("After")),
            E.field(name="reason"),
            E.field(name="user_id"),
        ]
        history = E.page(
            E.field(E.list(*columns), name="ov_event_ids", readonly="1", nolabel="1"),
            string=self.env._("History"),
            name="history",
            groups=policy.MANAGER_GROUP,
        )
        return [*super()._ov_form_pages(), history]
