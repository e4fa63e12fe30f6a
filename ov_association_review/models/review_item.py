"""One reviewed row of an access review: the row as it stood at opening, its
recommendation, and the decision on it (docs/design.md §6, access reviews).

Items are written by the campaign alone (created in SQL at opening, decided
through ``review_decisions``): no caller creates or writes one.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.ov_association_base import policy

LAYERS = [("sa", "SA row"), ("actor", "Actor row"), ("membership", "Membership")]
RECOMMENDATIONS = [("keep", "Keep"), ("revoke", "Revoke"), ("shorten", "Shorten")]
REASONS = [
    ("inactive_user", "No sign-in"),
    ("membership_ends", "Membership ends first"),
    ("suspended", "Suspended for long"),
    ("archived", "Record archived"),
]
DECISIONS = [("keep", "Keep"), ("revoke", "Revoke"), ("shorten", "Shorten")]


class OvAccessReviewItem(models.Model):
    _name = "ov.access.review.item"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Access review item"
    _order = "review_id desc, id"

    review_id = fields.Many2one(
        "ov.access.review", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="review_id.company_id", store=True, index=True, string="Company"
    )
    review_state = fields.Selection(related="review_id.state", string="Campaign state")
    # The row as it stood when the campaign opened
    res_model = fields.Char("Row model", required=True, readonly=True)
    res_id = fields.Integer("Row id", required=True, readonly=True)
    layer = fields.Selection(LAYERS, required=True, readonly=True)
    row_state = fields.Selection(list(policy.STATES), "State at opening", readonly=True)
    row_kind = fields.Char("Kind", readonly=True)
    row_date_from = fields.Datetime("From", readonly=True)
    row_date_to = fields.Datetime("Until", readonly=True)
    row_actor_id = fields.Many2one("ov.actor", "Actor", readonly=True)
    row_sa_id = fields.Many2one("ov.sa", "SA", readonly=True)
    row_parent_id = fields.Integer("SA row id", readonly=True)
    row_target_model = fields.Char("Record model", readonly=True)
    row_target_id = fields.Integer("Record id", readonly=True)
    row_label = fields.Char("Row", compute="_compute_row_label")
    # The recommendation and its reason
    recommendation = fields.Selection(RECOMMENDATIONS, "Recommended", readonly=True)
    recommendation_code = fields.Selection(REASONS, "Because", readonly=True)
    recommendation_days = fields.Integer(readonly=True)
    recommendation_date = fields.Datetime("Recommended end", readonly=True)
    # What the reason dates: the last sign-in, the last suspension.
    recommendation_since = fields.Datetime("Since", readonly=True)
    recommendation_reason = fields.Char("Recommendation", compute="_compute_recommendation")
    # Who reviews it
    reviewer_id = fields.Many2one(
        "res.users",
        readonly=True,
        index=True,
        help="Empty: any governance manager of the company (the reviewer rule).",
    )
    routed_to_fallback = fields.Boolean(
        "Own row: to the fallback", readonly=True, help="The reviewer's own actor's row."
    )
    delegated_by_id = fields.Many2one("res.users", "Delegated by", readonly=True)
    escalated = fields.Boolean(readonly=True)
    # The decision
    state = fields.Selection(
        [("pending", "Pending"), ("decided", "Decided")],
        default="pending",
        required=True,
        readonly=True,
    )
    decision = fields.Selection(DECISIONS, readonly=True)
    decision_date_to = fields.Datetime("New end", readonly=True)
    decision_reason = fields.Text("Why", readonly=True)
    decided_by_id = fields.Many2one("res.users", "Decided by", readonly=True)
    decided_at = fields.Datetime("Decided at", readonly=True)
    decided_by_default = fields.Boolean("By the default", readonly=True)
    outcome = fields.Char(readonly=True, help="What the decision did to the row.")
    certified_until = fields.Datetime(
        readonly=True, help="Kept: until the next campaign's deadline."
    )
    event_id = fields.Integer(
        "Audit event", compute="_compute_event_id", help="The event of the decision, once closed."
    )

    _sql_constraints = [
        (
            "row_uniq",
            "UNIQUE (review_id, res_model, res_id)",
            "A campaign reviews a row once.",
        ),
    ]

    def init(self):
        result = super().init()
        # Deciding rewrites every item once (the default at closing: all of a
        # campaign's pending items in one UPDATE): room left on each page lets
        # PostgreSQL update in place (no indexed column changes), without
        # writing every index again.
        self.env.cr.execute("ALTER TABLE ov_access_review_item SET (fillfactor = 50)")
        return result

    @api.depends("res_model", "res_id")
    def _compute_display_name(self):
        for item in self:
            item.display_name = self.env._("Review item #%(id)s", id=item.id or "new")

    @api.depends("res_model", "res_id", "row_target_model", "row_target_id")
    def _compute_row_label(self):
        """The row and its record by name where the reader may read them, by
        model and number otherwise (docs/design.md §5, no side doors)."""
        names = {}
        for model_field, id_field in (
            ("res_model", "res_id"),
            ("row_target_model", "row_target_id"),
        ):
            for model in set(self.mapped(model_field)) - {False}:
                if model not in self.env:
                    continue
                ids = {item[id_field] for item in self if item[model_field] == model}
                records = self.env[model].browse(ids).exists()
                readable = self._ov_readable(records)
                names.update({(model, r.id): r.display_name for r in readable})
        for item in self:
            parts = []
            for model_field, id_field in (
                ("res_model", "res_id"),
                ("row_target_model", "row_target_id"),
            ):
                model, res_id = item[model_field], item[id_field]
                if not model or not res_id:
                    continue
                label = (
                    self.env[model]._description if model in self.env else model
                ) + f" #{res_id}"
                parts.append(names.get((model, res_id)) or label)
            item.row_label = " → ".join(parts)

    @api.depends(
        "recommendation", "recommendation_code", "recommendation_days", "recommendation_since"
    )
    def _compute_recommendation(self):
        for item in self:
            item.recommendation_reason = item._ov_recommendation_sentence()

    def _ov_recommendation_sentence(self):
        """The reason, with the date it rests on and the campaign's limit in
        days (the limit alone for items opened before the date was kept)."""
        days, code, since = self.recommendation_days, self.recommendation_code, None
        if self.recommendation_since:
            since = fields.Date.to_string(self.recommendation_since.date())
        # What each dated reason says; the date and the limit follow it.
        dated = {
            "inactive_user": self.env._("Revoke: the actor's user has not signed in"),
            "suspended": self.env._("Revoke: the row has been suspended"),
        }
        if code in dated and since:
            return self.env._(
                "%(reason)s since %(date)s (the campaign's limit: %(days)s days)",
                reason=dated[code],
                date=since,
                days=days,
            )
        if code in dated:
            return self.env._(
                "%(reason)s (the campaign's limit: %(days)s days)", reason=dated[code], days=days
            )
        if code == "membership_ends":
            return self.env._(
                "Shorten: the actor's membership ends before the row, at %(date)s",
                date=fields.Datetime.to_string(self.recommendation_date),
            )
        if code == "archived":
            return self.env._("Revoke: the record is archived")
        return self.env._("Keep: nothing found against it")

    def _compute_event_id(self):
        events = {}
        if self.ids:
            self.env["ov.association.event"].flush_model()
            self.env.cr.execute(
                """SELECT res_id, max(id) FROM ov_association_event
                   WHERE model = 'ov.access.review.item' AND event = 'review'
                     AND res_id = ANY(%s) GROUP BY res_id""",
                [self.ids],
            )
            events = dict(self.env.cr.fetchall())
        for item in self:
            item.event_id = events.get(item.id, 0)

    # ------------------------------------------------------------------
    # Written by the campaign alone
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self._ov_is_system_write():
            raise UserError(
                self.env._(
                    "%(model)s: items are generated by opening their campaign.",
                    model=self._description,
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self._ov_is_system_write():
            raise UserError(
                self.env._(
                    "%(model)s: an item is decided through its actions (keep, revoke, "
                    "shorten, delegate), not written.",
                    model=self._description,
                )
            )
        return super().write(vals)

    def _ov_item_write(self, vals):
        """The campaign's own write of its items (sudo: nobody holds write
        rights on items; the decision steps checked who decides, and sudo
        keeps the user, who stays the author)."""
        return self.sudo()._ov_system_write(vals)

    def _ov_mark_decided(
        self, groups, decision, reason, date_to=None, by_default=False, review=None
    ):
        """Record ``decision`` on the items of ``groups`` (``{outcome: [item
        ids]}``) in one UPDATE per outcome (a bulk decision or the default may
        cover a hundred thousand items), the current user as author. With
        ``review`` and ids None: every pending item of that campaign."""
        self.env.flush_all()
        now = fields.Datetime.now()
        for outcome, ids in groups.items():
            which = (
                SQL("review_id = %s AND state = 'pending'", review.id)
                if ids is None
                else SQL("id = ANY(%s)", ids)
            )
            self.env.cr.execute(
                SQL(
                    """UPDATE ov_access_review_item SET state = 'decided', decision = %s,
                              decision_date_to = %s, decision_reason = %s, decided_by_id = %s,
                              decided_at = %s, decided_by_default = %s, outcome = %s,
                              write_uid = %s, write_date = %s
                       WHERE %s""",
                    decision,
                    date_to or None,
                    reason or None,
                    self.env.uid,
                    now,
                    by_default,
                    outcome or None,
                    self.env.uid,
                    now,
                    which,
                )
            )
        self.invalidate_model()

    def _ov_check_unlink(self):
        if self:
            raise UserError(
                self.env._(
                    "%(item)s: a reviewed row is evidence of its campaign, it is not deleted.",
                    item=self[0].display_name,
                )
            )
