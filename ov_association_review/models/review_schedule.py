"""Reminders, escalation and the scheduled action of access reviews.

* At opening, each reviewer gets one to-do on the campaign (a campaign of the
  managers' rule: each governance manager of its company); a delegated item's
  new reviewer gets one too.
* ``reminder_days`` before the deadline, each reviewer with items still
  pending gets a reminder, once.
* ``escalation_days`` before the deadline, the items still pending go to the
  fallback reviewer (``escalated``), who gets a to-do; the fallback's own
  actor's items stay where they are.
* The scheduled action opens the campaigns due (``auto_open``: the next one
  of a recurring campaign), reminds, escalates and closes the campaigns whose
  deadline is reached (``review_closing``).

An activity names the campaign and counts, never a row: every reader of the
campaign reads its activities (docs/design.md §5, no side doors).
"""

import logging
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.ov_association_base import policy

_logger = logging.getLogger(__name__)


# One concern per file: the campaign and its items are split by step.
# pylint: disable=consider-merging-classes-inherited
class OvAccessReviewSchedule(models.Model):
    _inherit = "ov.access.review"

    def _ov_reviewers(self, items=None):
        """``{user: pending items count}`` of those who review ``items``
        (default: this campaign's pending items), counted in SQL."""
        self.ensure_one()
        Item = self.env["ov.access.review.item"].sudo()  # sudo: every reviewer's items
        domain = [("review_id", "=", self.id), ("state", "=", "pending")]
        if items is not None:
            domain = [("id", "in", items.ids)]
        counts = {}
        for reviewer, count in Item._read_group(domain, ["reviewer_id"], ["__count"]):
            # No reviewer: the managers' rule, every governance manager of the company.
            for user in reviewer or self._ov_company_managers():
                counts[user] = counts.get(user, 0) + count
        return counts

    def _ov_company_managers(self):
        group = self.env.ref(policy.MANAGER_GROUP)
        return group.sudo().users.filtered(lambda user: self.company_id in user.company_ids)

    def _ov_schedule_todo(self, user, summary, note):
        # sudo: the campaign gives its reviewers to-dos, whoever runs the step.
        return (
            self.sudo()
            .with_context(mail_activity_quick_update=True)
            .activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.to_date(self.date_deadline),
                summary=summary,
                note=note,
                user_id=user.id,
            )
        )

    def _ov_notify_reviewers(self, opening=False, items=None):
        """A to-do to each reviewer of ``items`` (default: every pending item)."""
        for review in self:
            for user, count in review._ov_reviewers(items).items():
                review._ov_schedule_todo(
                    user,
                    self.env._("Access review: %(count)s to decide", count=count),
                    self.env._(
                        "%(review)s %(how)s: %(count)s item(s) to decide before %(deadline)s "
                        "(UTC), in Governance → Reviews → My Reviews.",
                        review=review.name,
                        how=self.env._("opened") if opening else self.env._("gave you items"),
                        count=count,
                        deadline=fields.Datetime.to_string(review.date_deadline),
                    ),
                )

    # ------------------------------------------------------------------
    # Reminders and escalation
    # ------------------------------------------------------------------
    def _ov_remind(self):
        """Remind the reviewers with pending items, once; returns how many."""
        self.ensure_one()
        reviewers = self._ov_reviewers()
        for user, count in reviewers.items():
            self._ov_schedule_todo(
                user,
                self.env._("Access review: %(count)s still to decide", count=count),
                self.env._(
                    "%(review)s ends at %(deadline)s (UTC): %(count)s item(s) still wait "
                    "for your decision; undecided, they get the default (%(default)s).",
                    review=self.name,
                    deadline=fields.Datetime.to_string(self.date_deadline),
                    count=count,
                    default=dict(self._fields["default_decision"].selection)[self.default_decision],
                ),
            )
        self._ov_system_write({"reminded_at": fields.Datetime.now()})
        return len(reviewers)

    def _ov_escalate(self):
        """Pending items of other reviewers go to the fallback; returns how many."""
        self.ensure_one()
        fallback = self.fallback_reviewer_id
        Item = self.env["ov.access.review.item"].sudo()  # sudo: every reviewer's items
        late = Item.search(
            [
                ("review_id", "=", self.id),
                ("state", "=", "pending"),
                "|",
                ("reviewer_id", "!=", fallback.id),
                ("reviewer_id", "=", False),
            ]
        ).filtered(lambda item: item.row_actor_id.user_id != fallback)
        if late:
            late._ov_item_write({"reviewer_id": fallback.id, "escalated": True})
            self._ov_schedule_todo(
                fallback,
                self.env._("Access review: %(count)s late items escalated", count=len(late)),
                self.env._(
                    "%(review)s: %(count)s item(s) were not decided in time by their "
                    "reviewers and are now yours, before %(deadline)s (UTC).",
                    review=self.name,
                    count=len(late),
                    deadline=fields.Datetime.to_string(self.date_deadline),
                ),
            )
        self._ov_system_write({"escalated_at": fields.Datetime.now()})
        return len(late)

    # ------------------------------------------------------------------
    # The scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_reviews(self):
        """Open, remind, escalate and close what is due; returns the counts."""
        now = fields.Datetime.now()
        # sudo: the scheduled action runs every company's campaigns.
        Review = self.sudo().with_context(active_test=False)
        done = {"opened": 0, "reminded": 0, "escalated": 0, "closed": 0}
        for review in Review.search(
            [("state", "=", "draft"), ("auto_open", "=", True), ("date_start", "<=", now)]
        ):
            review._ov_open()
            done["opened"] += 1
        for review in Review.search([("state", "=", "open")]):
            deadline = review.date_deadline
            if deadline <= now:
                review._ov_close()
                done["closed"] += 1
                continue
            if not review.reminded_at and now >= deadline - timedelta(days=review.reminder_days):
                review._ov_remind()
                done["reminded"] += 1
            if not review.escalated_at and now >= deadline - timedelta(days=review.escalation_days):
                done["escalated"] += review._ov_escalate()
        _logger.info("access reviews: %s", done)
        return done
