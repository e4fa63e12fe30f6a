"""The membership an actor row needs, at each point the rule applies (docs/design.md §3).

Creating or activating an actor row needs an *effective* membership: active
and inside its window. A membership that is active but has not started yet,
or whose window has ended while the cron has not expired it yet, is not one.
Ending a membership revokes that actor's live rows in that SA, whatever their
state.
"""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ConformanceCase


@tagged("post_install", "-at_install", "ov_boundaries")
class TestMembershipPoints(ConformanceCase):
    def newcomer(self, date_from=None, date_to=None):
        actor = self.env["ov.actor"].create({"name": "Membership points"})
        membership = self.env["ov.sa.membership"].create(
            {"sa_id": self.sa.id, "actor_id": actor.id, "date_from": date_from, "date_to": date_to}
        )
        membership.action_activate()
        return actor, membership

    def test_actor_rows_need_a_membership_inside_its_window(self):
        start = fields.Datetime.now().replace(microsecond=0) + timedelta(hours=2)
        end = start + timedelta(hours=5)
        for pair in self.pairs:
            with self.pair_case(pair, point="creation, not started yet"):
                actor, membership = self.newcomer(date_from=start)
                self.assertEqual(membership.state, "active")
                parent = self.make_sa_row(pair, "active")
                with self.assertRaises(ValidationError):
                    self.make_actor_row(pair, "draft", parent=parent, actor=actor)
                with freeze_time(start - timedelta(seconds=1)):
                    with self.assertRaises(ValidationError):
                        self.make_actor_row(pair, "draft", parent=parent, actor=actor)
                with freeze_time(start):  # the start is inside the window
                    row = self.make_actor_row(pair, "active", parent=parent, actor=actor)
                    self.assertEqual(row.state, "active")
            with self.pair_case(pair, point="activation, not started yet"):
                actor, membership = self.newcomer(date_from=start)
                parent = self.make_sa_row(pair, "active")
                with freeze_time(start + timedelta(minutes=1)):
                    draft = self.make_actor_row(pair, "draft", parent=parent, actor=actor)
                with self.assertRaises(ValidationError):
                    draft.action_activate()
                self.assertEqual(draft.state, "draft")
            with self.pair_case(pair, point="ended by its window, not yet expired"):
                actor, membership = self.newcomer(date_to=end)
                parent = self.make_sa_row(pair, "active")
                draft = self.make_actor_row(pair, "draft", parent=parent, actor=actor)
                with freeze_time(end):
                    self.assertEqual(membership.state, "active")  # the cron has not run
                    with self.assertRaises(ValidationError):
                        draft.action_activate()
                    self.assertEqual(draft.state, "draft")
                    with self.assertRaises(ValidationError):
                        self.make_actor_row(pair, "draft", parent=parent, actor=actor)
                with freeze_time(end - timedelta(seconds=1)):
                    draft.action_activate()
                    self.assertEqual(draft.state, "active")

    def test_membership_end_revokes_every_live_row(self):
        for ending in ("action_revoke", "action_expire", "action_suspend"):
            for pair in self.pairs:
                with self.pair_case(pair, ending=ending):
                    actor, membership = self.newcomer()
                    rows = {
                        state: self.make_actor_row(pair, state, actor=actor)
                        for state in ("draft", "active", "suspended")
                    }
                    ended = self.make_actor_row(pair, "expired", actor=actor)
                    peer = self.make_actor_row(pair, "active", actor=self.peer)
                    getattr(membership, ending)()
                    expected = (
                        {"draft": "draft", "active": "active", "suspended": "suspended"}
                        if ending == "action_suspend"  # suspended: reach paused, rows kept
                        else {"draft": "revoked", "active": "revoked", "suspended": "revoked"}
                    )
                    self.assertEqual({s: r.state for s, r in rows.items()}, expected)
                    self.assertEqual(ended.state, "expired")
                    self.assertEqual(peer.state, "active")

    def test_rows_of_one_membership_write_it_once_inside_a_savepoint(self):
        """A change that keeps actor rows live writes what they rest on (the
        lock of actor ⊆ SA under concurrency) once per transaction, also
        inside the savepoint every transition runs in: three rows of one
        membership write it once, three rows of one parent write it once, and
        three memberships of one SA write it once."""

        def updated(table):
            self.env.flush_all()
            self.env.cr.execute("SELECT pg_stat_get_xact_tuples_updated(%s::regclass)", [table])
            return self.env.cr.fetchone()[0]

        def forget_what_was_written():
            # What earlier steps of this test's transaction wrote.
            for name in ("rests_on_parent", "rests_on_membership", "rests_on_sa"):
                self.env.cr.execute("SELECT set_config(%s, '', true)", [f"ov_association.{name}"])

        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.pair_case(pair, point="one membership, three rows"):
                rows = self.env[pair.actor_model].browse(
                    [self.make_actor_row(pair, "active").id for _index in range(3)]
                )
                forget_what_was_written()
                before = updated("ov_sa_membership")
                rows.action_suspend(reason="one write")
                self.assertEqual(updated("ov_sa_membership") - before, 1)
            with self.pair_case(pair, point="one parent, three rows"):
                parent = self.make_sa_row(pair, "active")
                actors = [self.newcomer()[0] for _index in range(3)]
                rows = self.env[pair.actor_model].browse(
                    [
                        self.make_actor_row(pair, "active", parent=parent, actor=actor).id
                        for actor in actors
                    ]
                )
                forget_what_was_written()
                parent_table = parent._table
                before = updated(parent_table)
                rows.action_suspend(reason="one write")
                self.assertEqual(updated(parent_table) - before, 1)
        # An SA this test creates: the fixtures' SA was written at the top
        # level of the transaction already, which xmin tells on its own.
        sa = self.env["ov.sa"].create({"name": "Written once", "code": "ONCE"})
        memberships = self.env["ov.sa.membership"].browse(
            [self.make_membership(sa, self.newcomer()[0]).id for _index in range(3)]
        )
        forget_what_was_written()
        before = updated("ov_sa")
        memberships.action_suspend(reason="one write")
        self.assertEqual(updated("ov_sa") - before, 1)
