"""Access reviews: the default at the deadline, the seal, the evidence, the
schedule (docs/design.md §6, issue 27).

Closing applies the default to what nobody decided, chains one ``review``
event per item into the audit log, attaches the CSV and renders the report;
the scheduled action reminds, escalates, closes and opens the next campaign.
"""

import base64
import csv
import io
import re
from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.ov_association_base import arguments
from odoo.addons.ov_association_review.models import review_decisions

from .review_common import ReviewCase


@tagged("post_install", "-at_install")
class TestReviewClosing(ReviewCase):
    def test_default_at_the_deadline(self):
        pair = self.pair
        expected = {}
        for default in ("keep", "revoke", "end_at_deadline"):
            with self.subTest(default=default):
                decided = self.make_actor_row(pair, "active")
                undecided = self.make_actor_row(pair, "active")
                draft = self.make_actor_row(pair, "draft")
                review = self.opened(layer="actor", default_decision=default)
                self.as_reviewer(self.item_of(review, decided)).action_decide_keep()
                review.with_user(self.manager_user).action_close()
                deadline = review.date_deadline
                expected = {
                    "keep": (("active", False), ("draft", False), "keep", "kept"),
                    "revoke": (("revoked", False), ("revoked", False), "revoke", "revoked"),
                    "end_at_deadline": (
                        ("active", deadline),
                        ("revoked", False),
                        "shorten",
                        "ends at the deadline",
                    ),
                }[default]
                self.assertEqual((undecided.state, undecided.date_to), expected[0])
                self.assertEqual((draft.state, draft.date_to), expected[1])
                item = self.item_of(review, undecided)
                self.assertEqual(
                    (item.decision, item.decided_by_default, item.outcome),
                    (expected[2], True, expected[3]),
                )
                self.assertEqual(decided.state, "active")
                self.assertFalse(self.item_of(review, decided).decided_by_default)
                self.assertEqual((review.state, review.pending_count), ("closed", 0))

    def test_defaults_over_more_rows_than_one_call_takes(self):
        """A window change takes at most arguments.MAX_IDS rows a call: the
        defaults hand them over in chunks (here two a call, three rows), so a
        campaign of any size closes."""
        for default, expected in (
            ("end_at_deadline", "active"),
            ("revoke", "revoked"),
        ):
            with (
                self.subTest(default=default),
                patch.object(arguments, "MAX_IDS", 2),
                patch.object(review_decisions, "CHUNK", 2),
            ):
                rows = [self.make_actor_row(self.pair, "active") for _index in range(3)]
                review = self.opened(layer="actor", default_decision=default)
                review.with_user(self.manager_user).action_close()
                deadline = review.date_deadline if default == "end_at_deadline" else False
                self.assertEqual(
                    [(row.state, row.date_to) for row in rows], [(expected, deadline)] * 3
                )
                self.assertEqual(review.state, "closed")

    def test_end_at_a_deadline_already_reached_expires(self):
        row = self.make_actor_row(self.pair, "active")
        review = self.opened(layer="actor", default_decision="end_at_deadline")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ov_access_review SET date_start = date_start - interval '2 days',"
            " date_deadline = now() at time zone 'UTC' - interval '1 minute' WHERE id = %s",
            [review.id],
        )
        review.invalidate_recordset()
        self.env["ov.access.review"]._cron_run_reviews()
        self.assertEqual((review.state, row.state), ("closed", "expired"))
        self.assertEqual(self.item_of(review, row).outcome, "expired at the deadline")

    def test_closing_seals_the_decisions(self):
        kept = self.make_actor_row(self.pair, "active")
        revoked = self.make_actor_row(self.pair, "active")
        review = self.opened(layer="actor")
        self.as_reviewer(self.item_of(review, revoked)).action_decide_revoke(reason="Gone")
        review.with_user(self.manager_user).action_close()
        Event = self.env["ov.association.event"].sudo()
        events = Event.search(
            [("model", "=", "ov.access.review.item"), ("res_id", "in", review.item_ids.ids)],
            order="res_id",
        )
        self.assertEqual(len(events), 2)
        self.assertEqual(review.sealed_count, 2)
        self.assertTrue(all(events.mapped("chain_index")))
        by_item = {event.res_id: event for event in events}
        revoke_event = by_item[self.item_of(review, revoked).id]
        self.assertEqual(
            (
                revoke_event.event,
                revoke_event.old_value,
                revoke_event.new_value,
                revoke_event.user_id,
                revoke_event.row_actor_id,
                revoke_event.row_state,
            ),
            ("review", "keep", "revoke", self.manager_user, self.actor.id, "active"),
        )
        self.assertEqual(
            revoke_event.reason, f"Access review Quarterly review (#{review.id}): Gone"
        )
        kept_event = by_item[self.item_of(review, kept).id]
        self.assertEqual(kept_event.new_value, "keep (default)")
        self.assertEqual(self.item_of(review, kept).event_id, kept_event.id)
        self.assertEqual(Event.verify_audit_log()["ok"], True)
        self.assertEqual(review.seal_hash, Event.search([], order="chain_index desc", limit=1).hash)

    def test_evidence_csv_and_report(self):
        row = self.make_actor_row(self.pair, "active")
        review = self.opened(layer="actor", default_decision="revoke")
        review.with_user(self.manager_user).action_close()
        item = self.item_of(review, row)
        text = base64.b64decode(review.evidence_id.datas).decode()
        lines = list(csv.reader(io.StringIO(text)))
        self.assertEqual(
            lines[0],
            [
                "item", "layer", "row_model", "row_id", "record_model", "record_id", "sa",
                "actor", "state_at_opening", "kind", "date_from", "date_to", "reviewer",
                "recommendation", "because", "decision", "new_end", "by_default", "outcome",
                "decided_by", "decided_at", "why", "audit_event",
            ],
        )  # fmt: skip
        self.assertEqual(len(lines), 2)
        line = dict(zip(lines[0], lines[1], strict=True))
        self.assertEqual(
            {k: line[k] for k in ("item", "layer", "row_model", "row_id", "sa", "actor")},
            {
                "item": str(item.id),
                "layer": "actor",
                "row_model": self.pair.actor_model,
                "row_id": str(row.id),
                "sa": "Conformance SA",
                "actor": self.actor.name,
            },
        )
        self.assertEqual(
            {k: line[k] for k in ("recommendation", "decision", "by_default", "outcome", "why")},
            {
                "recommendation": "keep",
                "decision": "revoke",
                "by_default": "True",
                "outcome": "revoked",
                "why": "undecided at the deadline: the campaign's default",
            },
        )
        self.assertEqual(line["decided_by"], self.manager_user.name)
        self.assertEqual(line["audit_event"], str(item.event_id))
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "ov_association_review.report_access_review", review.ids
        )
        text = " ".join(re.sub(r"<[^>]+>", " ", html.decode()).split())
        self.assertIn("Access review: Quarterly review", text)
        self.assertIn("Decided 1 of 1 : kept 0 , revoked 1 , shortened 0 , pending 0 .", text)
        self.assertIn(
            f"1 decisions sealed into the audit chain; chain head {review.seal_hash} .", text
        )
        self.assertIn(
            f"Keep: nothing found against it Revoke (default) : revoked {self.manager_user.name}",
            text,
        )
        self.assertIn("undecided at the deadline: the campaign&#39;s default", text)

    def test_reminders_and_escalation(self):
        row = self.make_actor_row(self.pair, "active", actor=self.peer)
        review = self.opened(layer="actor", reminder_days=3, escalation_days=1)
        todo = review.activity_ids.filtered(lambda a: a.user_id == self.manager_user)
        self.assertEqual(todo.summary, "Access review: 1 to decide")
        Review = self.env["ov.access.review"]
        now = fields.Datetime.now()
        # Two weeks before the deadline: nothing is due.
        Review._cron_run_reviews()
        self.assertEqual((review.reminded_at, review.escalated_at), (False, False))
        with patch.object(fields.Datetime, "now", return_value=now + timedelta(days=11)):
            Review._cron_run_reviews()
        self.assertTrue(review.reminded_at)
        self.assertFalse(review.escalated_at)
        reminders = review.activity_ids.filtered(
            lambda a: a.summary == "Access review: 1 still to decide"
        )
        self.assertEqual(reminders.user_id, self.manager_user)
        with patch.object(fields.Datetime, "now", return_value=now + timedelta(days=13, hours=1)):
            Review._cron_run_reviews()
        self.assertEqual(len(review.activity_ids.filtered(lambda a: "still" in a.summary)), 1)
        item = self.item_of(review, row)
        self.assertEqual((item.reviewer_id, item.escalated), (self.fallback_user, True))
        escalation = review.activity_ids.filtered(lambda a: a.user_id == self.fallback_user)
        self.assertEqual(escalation.summary, "Access review: 1 late items escalated")
        # Past the deadline the scheduled action closes it, with the default.
        with patch.object(fields.Datetime, "now", return_value=now + timedelta(days=15)):
            Review._cron_run_reviews()
        self.assertEqual(
            (review.state, item.decision, item.decided_by_default), ("closed", "keep", True)
        )

    def test_recurrence_opens_the_next_campaign(self):
        self.make_sa_row(self.pair, "active")
        review = self.opened(layer="sa", recurrence_months=3)
        start, deadline = review.date_start, review.date_deadline
        review.with_user(self.manager_user).action_close()
        following = review.next_review_id
        self.assertEqual(
            (following.state, following.auto_open, following.previous_review_id),
            ("draft", True, review),
        )
        self.assertEqual(
            (following.date_start, following.date_deadline),
            (start + relativedelta(months=3), deadline + relativedelta(months=3)),
        )
        self.assertEqual(review.item_ids.mapped("certified_until"), [following.date_deadline])
        # At its start the scheduled action opens it, over the rows live then.
        with patch.object(fields.Datetime, "now", return_value=following.date_start):
            self.env["ov.access.review"]._cron_run_reviews()
        self.assertEqual(following.state, "open")
        self.assertEqual(len(following.item_ids), len(review.item_ids))
