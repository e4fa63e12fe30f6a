"""Deciding the items of an access review (docs/design.md §6, access reviews).

Keep, revoke, shorten or delegate, one item or many at once. Revoke and
shorten go through the governed transitions (``action_revoke``,
``action_change_window``) with the reviewer as author and the campaign in the
reason: the audit log and the answers as of a moment show them, and reads
change at once. Only the item's reviewer decides (a manager of the company
where the rule names the managers), never on their own actor's rows, and only
while the campaign is open.
"""

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.ov_association_base import arguments, policy

# Rows handed to one governed transition at a time (a window change takes at
# most arguments.MAX_IDS in one call).
CHUNK = 5000


def _chunks(rows):
    """``rows`` in slices of at most ``CHUNK``."""
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _by_outcome(outcomes):
    """``{item id: outcome}`` as ``{outcome: [item ids]}``."""
    groups = {}
    for item_id, outcome in outcomes.items():
        groups.setdefault(outcome, []).append(item_id)
    return groups


# One concern per file: the campaign and its items are split by step.
# pylint: disable=consider-merging-classes-inherited
class OvAccessReviewItemDecisions(models.Model):
    _inherit = "ov.access.review.item"

    # ------------------------------------------------------------------
    # Public actions (RPC-callable; every argument validated first)
    # ------------------------------------------------------------------
    def action_decide_keep(self, reason=None):
        """Certify the rows until the next campaign; a reason is required
        where the recommendation says otherwise."""
        reason = self._ov_argument(arguments.reason, reason)
        return self._ov_decide("keep", reason)

    def action_decide_revoke(self, reason=None):
        """Revoke the rows now (``action_revoke``); a reason is required."""
        reason = self._ov_argument(arguments.reason, reason)
        return self._ov_decide("revoke", reason)

    def action_decide_shorten(self, date_to=None, reason=None):
        """End the rows' windows at ``date_to`` (``action_change_window``), a
        moment ahead that comes before each row's own end."""
        date_to = self._ov_argument(arguments.moment, "date_to", date_to)
        reason = self._ov_argument(arguments.reason, reason)
        if date_to is None:
            raise UserError(
                self.env._("%(model)s: date_to is required: the new end.", model=self._description)
            )
        return self._ov_decide("shorten", reason, date_to)

    def action_delegate(self, reviewer_id=None, reason=None):
        """Hand the items to another reviewer (a governance user of the
        campaign's company); an item of that reviewer's own actor goes to the
        fallback instead."""
        reviewer_id = self._ov_argument(arguments.record_id, "reviewer_id", reviewer_id, True)
        reason = self._ov_argument(arguments.reason, reason)
        reviewer = self.env["res.users"].browse(reviewer_id).exists()
        self._ov_check_deciding()
        for item in self:
            company = item.review_id.company_id
            if (
                not reviewer
                or company not in reviewer.company_ids
                or not reviewer.has_group(policy.USER_GROUP)
            ):
                raise UserError(
                    self.env._(
                        "reviewer_id: %(id)s is no governance user of %(company)s.",
                        id=reviewer_id,
                        company=company.display_name,
                    )
                )
        for item in self:
            own = item.row_actor_id.user_id == reviewer
            item._ov_item_write(
                {
                    "reviewer_id": (item.review_id.fallback_reviewer_id if own else reviewer).id,
                    "routed_to_fallback": own,
                    "delegated_by_id": self.env.uid,
                }
            )
            # sudo: a reviewer reads the campaign, the note is the campaign's own.
            item.review_id.sudo().message_post(
                body=self.env._(
                    "%(item)s delegated by %(by)s%(why)s.",
                    item=item.display_name,
                    by=self.env.user.name,
                    why=f": {reason}" if reason else "",
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.review_id._ov_notify_reviewers(items=self)
        return True

    # ------------------------------------------------------------------
    # Who decides
    # ------------------------------------------------------------------
    def _ov_check_deciding(self):
        """Refuse items of a campaign that is not open, of another reviewer,
        or of the reviewer's own actor."""
        if not self:
            return
        self.check_access("read")
        user = self.env.user
        for item in self:
            review = item.review_id
            if review.state != "open":
                raise UserError(
                    self.env._(
                        "%(item)s: %(review)s is %(state)s; decisions are taken while a "
                        "campaign is open and final once it closes.",
                        item=item.display_name,
                        review=review.display_name,
                        state=review.state,
                    )
                )
            if self.env.su:
                continue
            if item.reviewer_id:
                mine = item.reviewer_id == user
            else:
                mine = (
                    user.has_group(policy.MANAGER_GROUP) and review.company_id in user.company_ids
                )
            if not mine:
                raise AccessError(
                    self.env._(
                        "%(item)s is reviewed by %(reviewer)s, not by you.",
                        item=item.display_name,
                        reviewer=item.reviewer_id.name or self.env._("the governance managers"),
                    )
                )
            if item.row_actor_id.user_id == user:
                raise AccessError(
                    self.env._(
                        "%(item)s is your own actor's row: its fallback reviewer decides it.",
                        item=item.display_name,
                    )
                )

    def _ov_decide(self, decision, reason, date_to=None):
        self._ov_check_deciding()
        for item in self:
            against = item.recommendation and item.recommendation != decision
            if not reason and (decision == "revoke" or (decision == "keep" and against)):
                raise UserError(
                    self.env._(
                        "%(item)s: give a reason to %(decision)s%(against)s.",
                        item=item.display_name,
                        decision=decision,
                        against=self.env._(" against the recommendation") if against else "",
                    )
                )
        outcomes = self._ov_apply(decision, reason, date_to)
        self._ov_mark_decided(_by_outcome(outcomes), decision, reason, date_to)
        return True

    # ------------------------------------------------------------------
    # The decision's effect on the rows, through the governed transitions
    # ------------------------------------------------------------------
    def _ov_transition_reason(self, decision, reason):
        # The first item's campaign: reading every item's (a closing holds a
        # hundred thousand) took seconds.
        review = self[:1].review_id
        return self.env._(
            "Access review %(review)s (#%(id)s), %(decision)s: %(reason)s",
            review=review.name,
            id=review.id,
            decision=decision,
            reason=reason or self.env._("no reason given"),
        )

    def _ov_live_rows(self, model, row_ids):
        """The rows ``row_ids`` of ``model`` still open, as the deciding user
        (``sudo``: the campaign grants its reviewer this decision on these
        rows, checked by ``_ov_check_deciding``; the events name the
        reviewer, ``sudo`` keeps the user)."""
        rows = self.env[model].sudo().browse(row_ids).exists()
        rows.invalidate_recordset(["state"])
        return rows.filtered(lambda row: row.state in policy.OPEN_STATES)

    def _ov_rows_in_order(self):
        """``[(row model, {row id: item id})]`` of these items, actor rows
        first, then SA rows, then memberships: a revoked parent or an ended
        membership ends the rows under it, which are then skipped. Read in
        one query (a closing holds a hundred thousand items)."""
        self.flush_recordset(["layer", "res_model", "res_id"])
        self.env.cr.execute(
            SQL(
                """SELECT res_model, res_id, id FROM ov_access_review_item
                   WHERE id = ANY(%s)
                   ORDER BY CASE layer WHEN 'actor' THEN 0 WHEN 'sa' THEN 1 ELSE 2 END,
                            res_model, id""",
                self.ids,
            )
        )
        by_model = {}
        for model, row_id, item_id in self.env.cr.fetchall():
            by_model.setdefault(model, {})[row_id] = item_id
        return list(by_model.items())

    def _ov_apply(self, decision, reason, date_to=None):
        """Carry ``decision`` out on the rows; ``{item id: outcome}``."""
        outcomes = {}
        if decision == "keep":
            return {item.id: self.env._("kept") for item in self}
        text = self._ov_transition_reason(decision, reason)
        for model, items_of_row in self._ov_rows_in_order():
            if model not in self.env:
                continue
            live = self._ov_live_rows(model, list(items_of_row))
            if decision == "shorten":
                live = live.filtered(lambda row: row.state in policy.RUNNING_STATES)
                longer = live.filtered(lambda row: row.date_to and row.date_to <= date_to)
                if longer:
                    raise UserError(
                        self.env._(
                            "%(row)s already ends at %(end)s: shortening moves an end earlier.",
                            row=longer[0].display_name,
                            end=fields.Datetime.to_string(longer[0].date_to),
                        )
                    )
            for chunk in _chunks(live):
                if decision == "revoke":
                    chunk.action_revoke(reason=text)
                else:
                    chunk.action_change_window(date_to=date_to, reason=text)
            done = self.env._("revoked") if decision == "revoke" else self.env._("shortened")
            for row_id in live.ids:
                outcomes[items_of_row[row_id]] = done
        ended = self.env._("nothing to do: the row had ended")
        for item_id in self.ids:
            outcomes.setdefault(item_id, ended)
        return outcomes

    def action_open_decide_wizard(self):
        """The bulk decision dialog for these items (the decision preset
        from the button's ``default_decision``)."""
        self._ov_check_deciding()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decide %(count)s item(s)", count=len(self)),
            "res_model": "ov.access.review.decide.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_item_ids": [(6, 0, self.ids)],
                "default_decision": self.env.context.get("default_decision", "keep"),
            },
        }
