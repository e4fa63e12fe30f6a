"""Governed record rules take reach away in the very next statement (issue 22).

Each cause (an actor row suspended or revoked, its parent suspended, the
membership suspended, the SA or the actor archived, the group left, the
window's end, the actor relinked to another user) ends the member's sight of
the pair's target, the rule cache warm; undone, it gives it back. The group
and the fixtures' wording are ``test_governed_rules``'s.
"""

import time
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import ConformanceCase
from .test_governed_rules import group_xmlid, missing_group_message


@tagged("post_install", "-at_install", "ov_conformance")
class TestGovernedRulesReachEnds(ConformanceCase):
    """Each cause of issue 22 takes reach away in the very next statement, the
    rule cache warm; undone, it gives reach back."""

    def subject(self, login):
        user = new_test_user(
            self.env,
            login,
            groups="ov_association_base.group_ov_user",
            company_ids=[(6, 0, self.company.ids)],
        )
        readers = self.member_user.groups_id
        user.write({"groups_id": [(4, group.id) for group in readers]})
        actor = self.env["ov.actor"].create({"user_id": user.id})
        sa = self.env["ov.sa"].create({"name": f"SA of {login}", "code": login.upper()})
        membership = self.make_membership(sa, actor)
        rows = {}
        for pair in self.pairs:
            # A pair whose fixture fails fails its sub-test and is left out.
            with self.pair_case(pair, step="fixture"):
                group = self.env.ref(group_xmlid(self.env, pair), raise_if_not_found=False)
                if not group:
                    self.fail(missing_group_message(self.env, pair))
                user.write({"groups_id": [(4, group.id)]})
                target = self.make_target(pair)
                parent = self.make_sa_row(pair, "active", target=target, sa=sa)
                rows[pair] = self.make_actor_row(pair, "active", parent=parent, actor=actor)
        return user, actor, sa, membership, rows

    def assert_seen(self, user, rows, expected, when):
        """For each pair, in a sub-test of its own, whether the user sees the
        pair's target is ``expected``. The savepoints do not flush: a read
        must flush what its rule needs itself."""
        for pair, row in rows.items():
            with self.pair_case(pair, flush=False, when=when):
                target = row._ov_parent()[row._ov_parent()._ov_target_field]
                Target = target.with_user(user)
                seen = bool(Target.search_count([("id", "=", target.id)]))
                self.assertEqual(seen, expected)
                self.assertEqual(Target.has_access("read"), seen)

    def check_cause(self, login, end, undo=None):
        user, actor, sa, membership, rows = self.subject(login)
        self.assert_seen(user, rows, True, "before")
        end(actor=actor, sa=sa, membership=membership, rows=rows)
        self.assert_seen(user, rows, False, login)
        if undo:
            undo(actor=actor, sa=sa, membership=membership, rows=rows)
            self.assert_seen(user, rows, True, f"{login} undone")

    def test_actor_row_suspended_then_resumed(self):
        self.check_cause(
            "ov_rule_row_suspend",
            lambda rows, **_: [row.action_suspend() for row in rows.values()],
            lambda rows, **_: [row.action_resume() for row in rows.values()],
        )

    def test_actor_row_revoked(self):
        self.check_cause(
            "ov_rule_row_revoke", lambda rows, **_: [row.action_revoke() for row in rows.values()]
        )

    def test_parent_suspended_then_resumed(self):
        self.check_cause(
            "ov_rule_parent_suspend",
            lambda rows, **_: [row._ov_parent().action_suspend() for row in rows.values()],
            lambda rows, **_: [row._ov_parent().action_resume() for row in rows.values()],
        )

    def test_membership_suspended_then_resumed(self):
        self.check_cause(
            "ov_rule_member_suspend",
            lambda membership, **_: membership.action_suspend(),
            lambda membership, **_: membership.action_resume(),
        )

    def test_sa_archived_then_restored(self):
        self.check_cause(
            "ov_rule_sa_archive",
            lambda sa, **_: sa.write({"active": False}),
            lambda sa, **_: sa.write({"active": True}),
        )

    def test_actor_archived_then_restored(self):
        self.check_cause(
            "ov_rule_actor_archive",
            lambda actor, **_: actor.write({"active": False}),
            lambda actor, **_: actor.write({"active": True}),
        )

    def test_group_left(self):
        """Leaving the group lifts the narrowing (the rule cache follows)."""
        user, _actor, _sa, _membership, rows = self.subject("ov_rule_group_left")
        extra = {}
        for pair in rows:
            with self.pair_case(pair, step="in the group"):
                extra[pair] = self.make_target(pair)
                self.assertFalse(extra[pair].with_user(user).has_access("read"))
        user.write(
            {"groups_id": [(3, self.env.ref(group_xmlid(self.env, pair)).id) for pair in rows]}
        )
        for pair, target in extra.items():
            with self.pair_case(pair, flush=False, step="group left"):
                self.assertTrue(target.with_user(user).has_access("read"))
        # What the actor reaches it still sees, now as Odoo's rights say.
        self.assert_seen(user, rows, True, "group left")

    def test_window_end(self):
        """The clock alone ends reach: rows ending two seconds from now."""
        user, _actor, _sa, _membership, rows = self.subject("ov_rule_window")
        end = fields.Datetime.now() + timedelta(seconds=2)
        soon = {}
        for pair, row in rows.items():
            with self.pair_case(pair, step="ending soon"):
                parent = self.make_sa_row(pair, "active", sa=row._ov_parent().sa_id)
                soon[pair] = self.make_actor_row(
                    pair, "active", parent=parent, actor=row.actor_id, date_to=end
                )
        self.assert_seen(user, soon, True, "before the end")
        time.sleep(max(0.0, (end - fields.Datetime.now()).total_seconds()) + 0.5)
        self.assert_seen(user, soon, False, "after the end")
        # The rows without an end still reach.
        self.assert_seen(user, rows, True, "no end")

    def test_actor_relinked(self):
        """The reach follows the actor to its new user in the next statement:
        the rule reads ov_actor.user_id, flushed first (no explicit flush here)."""
        user, actor, _sa, _membership, rows = self.subject("ov_rule_relink_old")
        successor = new_test_user(
            self.env,
            "ov_rule_relink_new",
            groups="base.group_user",
            company_ids=[(6, 0, self.company.ids)],
        )
        successor.write({"groups_id": [(6, 0, user.groups_id.ids)]})
        actor.write({"user_id": successor.id})
        self.assert_seen(successor, rows, True, "successor")
        self.assert_seen(user, rows, False, "former user")
