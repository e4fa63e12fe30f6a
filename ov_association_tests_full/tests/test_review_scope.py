"""Access reviews: what a campaign reviews and what it recommends
(docs/design.md §6, issue 27).

Each scope filter selects exactly the rows written out here; each reason of
a recommendation is produced by the fixture made for it, and not by the others.
"""

from datetime import timedelta

import psycopg2.errors

from odoo import fields
from odoo.tests import tagged

from .review_common import ReviewCase


@tagged("post_install", "-at_install")
class TestReviewScope(ReviewCase):
    def test_scope_each_filter(self):
        pair = self.pair
        active = self.make_sa_row(pair, "active")
        draft = self.make_sa_row(pair, "draft")
        self.make_sa_row(pair, "expired")  # not live: never reviewed
        child_row = self.make_actor_row(pair, "active", parent=active)
        elsewhere = self.make_sa_row(pair, "active", sa=self.other_sa)
        child_sa = self.env["ov.sa"].create(
            {"name": "Conformance child", "code": "CONF-CHILD", "parent_id": self.sa.id}
        )
        under_child = self.make_sa_row(pair, "active", sa=child_sa)
        Sa, Actor = pair.sa_model, pair.actor_model
        review = self.opened(include_child_sas=False)
        self.assertEqual(
            self.keys(review),
            {(Sa, active.id), (Sa, draft.id), (Actor, child_row.id)},
        )
        review = self.opened(include_child_sas=True)
        self.assertEqual(
            self.keys(review),
            {(Sa, active.id), (Sa, draft.id), (Actor, child_row.id), (Sa, under_child.id)},
        )
        review = self.opened(include_child_sas=False, layer="sa")
        self.assertEqual(self.keys(review), {(Sa, active.id), (Sa, draft.id)})
        review = self.opened(include_child_sas=False, layer="actor")
        self.assertEqual(self.keys(review), {(Actor, child_row.id)})
        review = self.opened(include_child_sas=False, include_memberships=True, layer="actor")
        self.assertEqual(
            self.keys(review),
            {
                (Actor, child_row.id),
                ("ov.sa.membership", self.membership.id),
                ("ov.sa.membership", self.peer_membership.id),
            },
        )
        # Several SAs, no child SAs.
        review = self.opened(sa_ids=[(6, 0, (self.sa | self.other_sa).ids)], layer="sa")
        self.assertIn((Sa, elsewhere.id), self.keys(review))
        # Kinds: a kind of none of the rows selects none of them.
        Model = self.env[Sa]
        other_kinds = [k for k in Model._ov_allowed_kinds if k != active.association_kind]
        review = self.opened(include_child_sas=False, layer="sa", kinds=active.association_kind)
        self.assertEqual(self.keys(review), {(Sa, active.id), (Sa, draft.id)})
        if other_kinds:
            review = self.opened(include_child_sas=False, layer="sa", kinds=other_kinds[0])
            self.assertEqual(self.keys(review), set())
        # Pairs: another pair's campaign reviews none of this pair's rows.
        others = [p for p in self.pairs if p.sa_model != Sa]
        if others:
            review = self.opened(others[0], include_child_sas=False)
            self.assertFalse({key for key in self.keys(review) if key[0] in (Sa, Actor)})

    def test_items_record_the_row_as_it_stood(self):
        end = fields.Datetime.to_datetime(self.hours(24 * 20))
        parent = self.make_sa_row(self.pair, "active", date_to=end)
        row = self.make_actor_row(self.pair, "suspended", parent=parent, date_to=end)
        review = self.opened(layer="actor")
        item = self.item_of(review, row)
        self.assertEqual(
            (
                item.layer,
                item.row_state,
                item.row_kind,
                item.row_date_to,
                item.row_actor_id,
                item.row_sa_id,
                item.row_parent_id,
                item.row_target_model,
                item.row_target_id,
                item.reviewer_id,
                item.state,
            ),
            (
                "actor",
                "suspended",
                row.association_kind,
                end,
                self.actor,
                self.sa,
                parent.id,
                self.env[self.pair.sa_model]._ov_target_model(),
                parent[parent._ov_target_field].id,
                self.manager_user,
                "pending",
            ),
        )
        # The row changes afterwards; the item keeps the row as it stood.
        row.action_resume()
        self.assertEqual(item.row_state, "suspended")

    def test_recommendations_each_reason(self):
        pair = self.pair
        # The member has not signed in for 200 days (created then, no sign-in since).
        created = self.member_user.create_date
        self.backdate("res_users", self.member_user.id, "create_date", 200)
        inactive = self.make_actor_row(pair, "active")
        # The peer signed in today; its membership of a new SA ends in 10 days.
        # sudo: only administrators write the sign-in log; sudo keeps the peer as its author.
        self.env["res.users.log"].with_user(self.peer_user).sudo().create({})
        member_end = fields.Datetime.to_datetime(self.hours(24 * 10))
        short_sa = self.env["ov.sa"].create(
            {"name": "Short SA", "code": "CONF-SHORT", "parent_id": self.sa.id}
        )
        membership = self.env["ov.sa.membership"].create(
            {"sa_id": short_sa.id, "actor_id": self.peer.id, "date_to": member_end}
        )
        membership.action_activate()
        short_parent = self.make_sa_row(pair, "active", sa=short_sa)
        outlives = self.make_actor_row(pair, "active", parent=short_parent, actor=self.peer)
        # A row of the peer suspended 40 days ago.
        suspended = self.make_actor_row(pair, "suspended", actor=self.peer)
        event = self.events(suspended, event="transition", new_state="suspended")
        suspended_at = event.date
        self.backdate("ov_association_event", event.id, "date", 40)
        recent = self.make_actor_row(pair, "suspended", actor=self.peer)
        fine = self.make_actor_row(pair, "active", actor=self.peer)
        review = self.opened(layer="actor", inactive_days=90, suspended_days=30)
        expected = {
            inactive: ("revoke", "inactive_user", 90),
            outlives: ("shorten", "membership_ends", 0),
            suspended: ("revoke", "suspended", 30),
            recent: ("keep", False, 0),
            fine: ("keep", False, 0),
        }
        for row, answer in expected.items():
            item = self.item_of(review, row)
            self.assertEqual(
                (item.recommendation, item.recommendation_code, item.recommendation_days),
                answer,
                row.display_name,
            )
        item = self.item_of(review, outlives)
        self.assertEqual(item.recommendation_date, member_end)
        self.assertEqual(
            item.recommendation_reason,
            "Shorten: the actor's membership ends before the row, at "
            f"{fields.Datetime.to_string(member_end)}",
        )
        # Each reason dates what it rests on: the last sign-in (here the
        # creation), the last suspension; the campaign's limit beside it.
        signed_in = (created - timedelta(days=200)).date().isoformat()
        self.assertEqual(
            self.item_of(review, inactive).recommendation_reason,
            f"Revoke: the actor's user has not signed in since {signed_in}"
            " (the campaign's limit: 90 days)",
        )
        self.assertEqual(
            self.item_of(review, inactive).recommendation_since, created - timedelta(days=200)
        )
        since = (suspended_at - timedelta(days=40)).date().isoformat()
        self.assertEqual(
            self.item_of(review, suspended).recommendation_reason,
            f"Revoke: the row has been suspended since {since} (the campaign's limit: 30 days)",
        )
        self.assertFalse(self.item_of(review, outlives).recommendation_since)
        # An item opened before the date was kept says the limit alone.
        old = self.item_of(review, suspended)
        self.env.cr.execute(
            "UPDATE ov_access_review_item SET recommendation_since = NULL WHERE id = %s", [old.id]
        )
        old.invalidate_recordset(["recommendation_since", "recommendation_reason"])
        self.assertEqual(
            old.recommendation_reason,
            "Revoke: the row has been suspended (the campaign's limit: 30 days)",
        )
        self.assertEqual(
            self.item_of(review, fine).recommendation_reason, "Keep: nothing found against it"
        )

    def test_recommendation_of_a_campaign_without_grace(self):
        """``suspended_days = 0`` (the demo's campaign): a row suspended today
        is recommended for revocation, dated today, not "for 0 days"."""
        pair = self.pair
        row = self.make_actor_row(pair, "suspended", actor=self.peer)
        suspended_at = self.events(row, event="transition", new_state="suspended").date
        review = self.opened(layer="actor", inactive_days=90, suspended_days=0)
        item = self.item_of(review, row)
        self.assertEqual((item.recommendation, item.recommendation_code), ("revoke", "suspended"))
        self.assertEqual(
            item.recommendation_reason,
            f"Revoke: the row has been suspended since {suspended_at.date().isoformat()}"
            " (the campaign's limit: 0 days)",
        )

    def test_recommendation_archived_record(self):
        pair = self.pick_pair(
            "a target that can be archived",
            lambda pair: "active" in self.env[self.env[pair.sa_model]._ov_target_model()]._fields,
        )
        kept = self.make_sa_row(pair, "active")
        archived = self.make_sa_row(pair, "active")
        archived[archived._ov_target_field].active = False
        review = self.opened(pair, layer="sa")
        codes = [self.item_of(review, row).recommendation_code for row in (archived, kept)]
        self.assertEqual(codes, ["archived", False])
        self.assertEqual(
            self.item_of(review, archived).recommendation_reason, "Revoke: the record is archived"
        )

    def test_opening_is_set_based(self):
        """Opening runs as many statements for 24 rows as for 4 (after a first
        opening, which fills Odoo's caches): one INSERT per layer in scope, no
        statement per row."""
        counts = []
        for extra in (1, 3, 20):
            for _ in range(extra):
                self.make_sa_row(self.pair, "active")
            review = self.make_review(layer="sa")
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            review.action_open()
            self.env.flush_all()
            counts.append((self.env.cr.sql_log_count - before, len(review.item_ids)))
        self.assertEqual(counts[2][1] - counts[1][1], 20)
        self.assertEqual(counts[1][0], counts[2][0])

    def test_deadline_comes_after_start(self):
        with self.assertRaises(psycopg2.errors.CheckViolation), self.env.cr.savepoint():
            self.make_review(date_start=fields.Datetime.now(), date_deadline=self.hours(-1))
        review = self.make_review(date_deadline=fields.Datetime.now() + timedelta(days=1))
        self.assertEqual(review.state, "draft")
