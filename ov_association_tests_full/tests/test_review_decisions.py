"""Access reviews: deciding items (docs/design.md §6, issue 27).

Keep, revoke, shorten and delegate, their effect on governed reads at once,
the audit trail they leave (the reviewer as author, the campaign in the
reason), self-review routing, and the refusals: another reviewer, another
company, a closed campaign, a missing reason, a direct write.
"""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools.safe_eval import safe_eval

from .review_common import ReviewCase


@tagged("post_install", "-at_install")
class TestReviewDecisions(ReviewCase):
    def reaches(self, row):
        parent = row._ov_parent()
        Sa = self.env[parent._name]
        return Sa.check_governed(parent[parent._ov_target_field].id, actor_id=row.actor_id.id)

    def test_revoke_takes_reach_away_at_once_and_is_audited(self):
        row = self.make_actor_row(self.pair, "active")
        self.assertIs(self.reaches(row), True)
        review = self.opened(layer="actor")
        item = self.item_of(review, row)
        self.as_reviewer(item).action_decide_revoke(reason="Left the team")
        self.assertEqual(row.state, "revoked")
        self.assertIs(self.reaches(row), False)
        event = self.events(row, event="transition", new_state="revoked")
        self.assertEqual(event.user_id, self.manager_user)
        self.assertEqual(
            event.reason,
            f"Access review Quarterly review (#{review.id}), revoke: Left the team",
        )
        self.assertEqual(
            (item.state, item.decision, item.decided_by_id, item.decision_reason, item.outcome),
            ("decided", "revoke", self.manager_user, "Left the team", "revoked"),
        )
        self.assertEqual((review.decided_count, review.revoke_count, review.item_count), (1, 1, 1))

    def test_shorten_moves_the_end_through_the_window_change(self):
        row = self.make_actor_row(self.pair, "active")
        review = self.opened(layer="actor")
        item = self.item_of(review, row)
        end = fields.Datetime.now().replace(microsecond=0) + timedelta(days=5)
        self.as_reviewer(item).action_decide_shorten(date_to=end, reason="Project ends")
        self.assertEqual(row.date_to, end)
        change = self.events(row, event="window_change")
        self.assertEqual(change.user_id, self.manager_user)
        self.assertEqual(change.new_value, f"[, {fields.Datetime.to_string(end)})")
        self.assertIn(f"Access review Quarterly review (#{review.id}), shorten", change.reason)
        self.assertIs(self.reaches(row), True)
        self.assertEqual((item.decision, item.decision_date_to), ("shorten", end))
        # Shortening never lengthens.
        other = self.make_actor_row(self.pair, "active", date_to=self.hours(24))
        review = self.opened(layer="actor")
        with self.assertRaisesRegex(UserError, "already ends"):
            self.as_reviewer(self.item_of(review, other)).action_decide_shorten(
                date_to=fields.Datetime.now() + timedelta(days=3), reason="x"
            )

    def test_keep_changes_nothing_and_needs_a_reason_against_a_recommendation(self):
        row = self.make_actor_row(self.pair, "active")
        self.backdate("res_users", self.member_user.id, "create_date", 400)
        review = self.opened(layer="actor")
        item = self.item_of(review, row)
        self.assertEqual(item.recommendation, "revoke")
        with self.assertRaisesRegex(UserError, "give a reason to keep against the recommendation"):
            self.as_reviewer(item).action_decide_keep()
        self.as_reviewer(item).action_decide_keep(reason="On leave, back next month")
        self.assertEqual((row.state, item.decision), ("active", "keep"))
        self.assertIs(self.reaches(row), True)
        # Revoke always needs one.
        row2 = self.make_actor_row(self.pair, "active", actor=self.peer)
        review = self.opened(layer="actor")
        with self.assertRaisesRegex(UserError, "give a reason to revoke"):
            self.as_reviewer(self.item_of(review, row2)).action_decide_revoke()
        # Keeping without a recommendation against it needs none.
        self.as_reviewer(self.item_of(review, row2)).action_decide_keep()
        self.assertEqual(self.item_of(review, row2).decision, "keep")

    def test_bulk_decision_from_the_list(self):
        rows = [self.make_actor_row(self.pair, "active") for _ in range(3)]
        review = self.opened(layer="actor")
        items = review.item_ids
        action = (
            self.as_reviewer(items)
            .with_context(default_decision="revoke")
            .action_open_decide_wizard()
        )
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager_user)
            .with_context(**action["context"])
            .create({"reason": "Team dissolved"})
        )
        self.assertEqual((wizard.decision, wizard.item_count), ("revoke", 3))
        wizard.action_apply()
        self.assertEqual([row.state for row in rows], ["revoked"] * 3)
        self.assertEqual(set(items.mapped("decision")), {"revoke"})

    def test_self_review_goes_to_the_fallback(self):
        own = self.make_actor_row(self.pair, "active")  # self.actor is member_user's
        theirs = self.make_actor_row(self.pair, "active", actor=self.peer)
        review = self.opened(layer="actor", reviewer_rule="user", reviewer_id=self.member_user.id)
        own_item, their_item = self.item_of(review, own), self.item_of(review, theirs)
        self.assertEqual(
            (own_item.reviewer_id, own_item.routed_to_fallback),
            (self.fallback_user, True),
        )
        self.assertEqual(
            (their_item.reviewer_id, their_item.routed_to_fallback), (self.member_user, False)
        )
        # The member sees and decides the peer's item, not their own.
        visible = (
            self.env["ov.access.review.item"]
            .with_user(self.member_user)
            .search([("review_id", "=", review.id)])
        )
        self.assertEqual(visible, their_item)
        with self.assertRaises(AccessError):
            own_item.with_user(self.member_user).action_decide_keep()
        their_item.with_user(self.member_user).action_decide_keep()
        own_item.with_user(self.fallback_user).action_decide_keep()
        self.assertEqual(own_item.decided_by_id, self.fallback_user)

    def test_managers_rule_keeps_a_manager_off_their_own_rows(self):
        own_user = new_test_user(
            self.env,
            "ov_review_own_manager",
            groups="ov_association_base.group_ov_manager",
            company_ids=[(6, 0, self.company.ids)],
        )
        own_actor = self.env["ov.actor"].create({"user_id": own_user.id})
        self.make_membership(self.sa, own_actor)
        row = self.make_actor_row(self.pair, "active", actor=own_actor)
        review = self.opened(layer="actor", reviewer_rule="managers")
        item = self.item_of(review, row)
        self.assertFalse(item.reviewer_id)
        with self.assertRaisesRegex(AccessError, "your own actor's row"):
            item.with_user(own_user).action_decide_keep()
        item.with_user(self.manager_user).action_decide_keep()
        self.assertEqual(item.decided_by_id, self.manager_user)

    def test_my_reviews_lists_what_the_user_decides(self):
        """*My Reviews*: a reviewer's own items; under the managers' rule,
        every manager's, but not the items of the manager's own actor."""
        own_user = new_test_user(
            self.env,
            "ov_review_my_manager",
            groups="ov_association_base.group_ov_manager",
            company_ids=[(6, 0, self.company.ids)],
        )
        own_actor = self.env["ov.actor"].create({"user_id": own_user.id})
        self.make_membership(self.sa, own_actor)
        own_row = self.make_actor_row(self.pair, "active", actor=own_actor)
        peer_row = self.make_actor_row(self.pair, "active", actor=self.peer)
        by_managers = self.opened(layer="actor", reviewer_rule="managers")
        by_member = self.opened(
            layer="actor", reviewer_rule="user", reviewer_id=self.member_user.id
        )
        action = self.env.ref("ov_association_review.ov_access_review_my_items_action")

        def listed(user):
            domain = safe_eval(action.domain, {"uid": user.id})
            reviews = (by_managers | by_member).ids
            items = (
                self.env["ov.access.review.item"]
                .with_user(user)
                .search(
                    [
                        *domain,
                        ("review_id", "in", reviews),
                        ("res_id", "in", (own_row | peer_row).ids),
                    ]
                )
            )
            return {(item.review_id, item.res_id) for item in items}

        self.assertEqual(listed(own_user), {(by_managers, peer_row.id)})
        self.assertEqual(
            listed(self.manager_user), {(by_managers, peer_row.id), (by_managers, own_row.id)}
        )
        self.assertEqual(
            listed(self.member_user), {(by_member, peer_row.id), (by_member, own_row.id)}
        )

    def test_delegation(self):
        row = self.make_actor_row(self.pair, "active", actor=self.peer)
        own = self.make_actor_row(self.pair, "active")
        review = self.opened(layer="actor")
        item, own_item = self.item_of(review, row), self.item_of(review, own)
        (item | own_item).with_user(self.manager_user).action_delegate(
            reviewer_id=self.member_user.id, reason="Knows the team"
        )
        # The member's own actor's row goes to the fallback instead.
        self.assertEqual(
            [(i.reviewer_id, i.delegated_by_id, i.routed_to_fallback) for i in (item, own_item)],
            [
                (self.member_user, self.manager_user, False),
                (self.fallback_user, self.manager_user, True),
            ],
        )
        activity = review.activity_ids.filtered(lambda a: a.user_id == self.member_user)
        self.assertEqual(activity.summary, "Access review: 1 to decide")
        # The delegating reviewer no longer decides it; the new one does.
        with self.assertRaises(AccessError):
            item.with_user(self.manager_user).action_decide_keep()
        item.with_user(self.member_user).action_decide_revoke(reason="Moved on")
        self.assertEqual(row.state, "revoked")
        with self.assertRaisesRegex(UserError, "reviewer_id"):
            own_item.with_user(self.fallback_user).action_delegate(reviewer_id=999999999)

    def test_refusals(self):
        row = self.make_actor_row(self.pair, "active")
        review = self.opened(layer="actor")
        item = self.item_of(review, row)
        # Another reviewer.
        with self.assertRaisesRegex(AccessError, "not by you"):
            item.with_user(self.fallback_user).action_decide_revoke(reason="x")
        # A user who is no reviewer of it does not even see it.
        with self.assertRaises(AccessError):
            item.with_user(self.peer_user).action_decide_keep()
        # Items are written by their campaign only.
        with self.assertRaisesRegex(UserError, "not written"):
            item.with_user(self.manager_user).write({"decision": "keep"})
        with self.assertRaisesRegex(UserError, "generated by opening"):
            self.env["ov.access.review.item"].create({"review_id": review.id})
        with self.assertRaisesRegex(UserError, "evidence"):
            review.with_user(self.manager_user).unlink()
        with self.assertRaisesRegex(UserError, "stay as it was opened"):
            review.with_user(self.manager_user).write({"default_decision": "revoke"})
        with self.assertRaisesRegex(UserError, "written by the campaign's own steps"):
            review.with_user(self.manager_user).write({"state": "closed"})
        with self.assertRaisesRegex(UserError, "only a draft campaign opens"):
            review.with_user(self.manager_user).action_open()
        # Wrong arguments are named.
        with self.assertRaisesRegex(UserError, "reason"):
            item.with_user(self.manager_user).action_decide_revoke(reason={"a": [1]})
        with self.assertRaisesRegex(UserError, "date_to"):
            item.with_user(self.manager_user).action_decide_shorten(date_to="soon", reason="x")
        # A closed campaign: decisions are final.
        review.with_user(self.manager_user).action_close()
        with self.assertRaisesRegex(UserError, "final once it closes"):
            item.with_user(self.manager_user).action_decide_revoke(reason="late")
        self.assertEqual(row.state, "active")
        # Only managers open and close.
        draft = self.make_review()
        with self.assertRaises(AccessError):
            draft.with_user(self.member_user).action_open()

    def test_another_companys_campaign(self):
        other_manager = new_test_user(
            self.env,
            "ov_review_other_manager",
            groups="ov_association_base.group_ov_manager",
            company_id=self.other_company.id,
            company_ids=[(6, 0, self.other_company.ids)],
        )
        row = self.make_actor_row(self.pair, "active")
        review = self.opened(layer="actor")
        Review = self.env["ov.access.review"].with_user(other_manager)
        self.assertFalse(Review.search([("id", "=", review.id)]))
        with self.assertRaises(AccessError):
            review.with_user(other_manager).action_close()
        with self.assertRaises(AccessError):
            self.item_of(review, row).with_user(other_manager).action_decide_revoke(reason="x")
        self.assertEqual(row.state, "active")
