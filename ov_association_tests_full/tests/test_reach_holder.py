"""Reach ends the moment what justifies it ends (docs/design.md §3, issue 22).

On every pair installed: an actor row reaches only while its actor's
membership in the SA is active and inside its window, and the SA and the
actor are active. Each cause is checked on every governed read (plan-cached
and literal SQL, as a manager, with the explanation's reason code), at the
moment it happens, after it is undone, and as of moments before and after.
"""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.ov_association_tests.tests.common import ConformanceCase


@tagged("post_install", "-at_install", "ov_boundaries")
class TestReachHolder(ConformanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A moment ahead of every fixture row, so each step below has its own second.
        cls.base = fields.Datetime.now().replace(microsecond=0) + timedelta(days=1)

    def at(self, seconds):
        return self.base + timedelta(seconds=seconds)

    def granted(self, pair, actor, target, at=None):
        """Every governed read's answer, as (plan-cached, literal, manager, many,
        search, explain) — all must agree."""
        Sa = self.env[pair.sa_model]
        literal = Sa.with_context(ov_literal_sql=True)
        manager = Sa.with_user(self.manager_user)
        moment = {"at": at} if at else {}
        return (
            Sa.check_governed(target.id, actor_id=actor.id, **moment),
            literal.check_governed(target.id, actor_id=actor.id, **moment),
            manager.check_governed(target.id, actor_id=actor.id, **moment),
            Sa.check_governed_many([target.id], actor_id=actor.id, **moment)[target.id],
            target in Sa.search_governed_targets(actor_id=actor.id, **moment),
            Sa.explain_governed(target.id, actor_id=actor.id, **moment)["allowed"],
        )

    def assertGranted(self, pair, actor, target, expected, at=None):
        self.assertEqual(self.granted(pair, actor, target, at=at), (expected,) * 6)

    def reason_codes(self, pair, actor, target, at=None):
        moment = {"at": at} if at else {}
        answer = self.env[pair.sa_model].explain_governed(target.id, actor_id=actor.id, **moment)
        return sorted(
            {
                reason["code"]
                for path in answer["paths"]
                for row in path["actor_rows"]
                for reason in row["reasons"]
            }
        )

    def setup_reach(self, pair, sa=None, **membership_vals):
        actor = self.env["ov.actor"].create({"name": f"Holder {self.next_sequence()}"})
        membership = self.env["ov.sa.membership"].create(
            {"sa_id": (sa or self.sa).id, "actor_id": actor.id, **membership_vals}
        )
        membership.action_activate()
        parent = self.make_sa_row(pair, "active", sa=sa)
        row = self.make_actor_row(pair, "active", parent=parent, actor=actor)
        target = parent[parent._ov_target_field]
        return actor, membership, row, target

    def test_suspended_membership_takes_reach_away_until_resumed(self):
        for pair in self.pairs:
            with self.subTest(pair=pair.name):
                with freeze_time(self.at(0)):
                    actor, membership, row, target = self.setup_reach(pair)
                    self.assertGranted(pair, actor, target, True)
                with freeze_time(self.at(10)):
                    membership.action_suspend()
                    self.assertEqual(row.state, "active")  # the row is kept, its reach paused
                    self.assertFalse(row.is_effective)
                    self.assertGranted(pair, actor, target, False)
                    self.assertEqual(
                        self.reason_codes(pair, actor, target), ["membership_suspended"]
                    )
                with freeze_time(self.at(20)):
                    membership.action_resume()
                    self.assertTrue(row.is_effective)
                    self.assertGranted(pair, actor, target, True)
                    self.assertEqual(self.reason_codes(pair, actor, target), [])
                with freeze_time(self.at(30)):
                    self.assertGranted(pair, actor, target, True, at=self.at(5))
                    self.assertGranted(pair, actor, target, False, at=self.at(15))
                    self.assertEqual(
                        self.reason_codes(pair, actor, target, at=self.at(15)),
                        ["membership_suspended"],
                    )
                    self.assertGranted(pair, actor, target, True, at=self.at(25))

    def test_membership_window_passing_ends_reach_without_the_cron(self):
        for pair in self.pairs:
            with self.subTest(pair=pair.name):
                with freeze_time(self.at(0)):
                    actor, membership, row, target = self.setup_reach(pair, date_to=self.at(10))
                    self.assertEqual(row.date_to, False)  # the row's own window is open
                    self.assertGranted(pair, actor, target, True)
                with freeze_time(self.at(9)):
                    self.assertGranted(pair, actor, target, True)
                with freeze_time(self.at(10)):  # date_to is exclusive
                    self.assertEqual(membership.state, "active")  # the cron has not run
                    self.assertGranted(pair, actor, target, False)
                    self.assertEqual(self.reason_codes(pair, actor, target), ["membership_ended"])
                with freeze_time(self.at(20)):
                    self.assertGranted(pair, actor, target, True, at=self.at(5))
                    self.assertGranted(pair, actor, target, False, at=self.at(15))

    def test_archived_sa_takes_reach_away_until_restored(self):
        for pair in self.pairs:
            with self.subTest(pair=pair.name):
                sa = self.env["ov.sa"].create(
                    {"name": f"Archived {self.next_sequence()}", "code": f"ARC{self._sequence}"}
                )
                with freeze_time(self.at(0)):
                    actor, _membership, row, target = self.setup_reach(pair, sa=sa)
                    self.assertGranted(pair, actor, target, True)
                    Sa = self.env[pair.sa_model]
                    self.assertEqual(Sa.search_governed_targets(sa_id=sa.id), target)
                with freeze_time(self.at(10)):
                    sa.action_archive()
                    self.assertFalse(row.is_effective)
                    self.assertFalse(row._ov_parent().is_effective)
                    self.assertGranted(pair, actor, target, False)
                    self.assertFalse(Sa.search_governed_targets(sa_id=sa.id))
                    self.assertFalse(
                        Sa.with_context(ov_literal_sql=True).search_governed_targets(sa_id=sa.id)
                    )
                    self.assertEqual(self.reason_codes(pair, actor, target), ["sa_archived"])
                    events = self.env["ov.association.event"].search(
                        [("model", "=", "ov.sa"), ("res_id", "=", sa.id)]
                    )
                    self.assertEqual(events.mapped("event"), ["sa_archived"])
                with freeze_time(self.at(20)):
                    sa.action_unarchive()
                    self.assertGranted(pair, actor, target, True)
                    self.assertEqual(Sa.search_governed_targets(sa_id=sa.id), target)
                with freeze_time(self.at(30)):
                    self.assertGranted(pair, actor, target, True, at=self.at(5))
                    self.assertGranted(pair, actor, target, False, at=self.at(15))
                    self.assertEqual(
                        self.reason_codes(pair, actor, target, at=self.at(15)), ["sa_archived"]
                    )
                    self.assertGranted(pair, actor, target, True, at=self.at(25))
                    self.assertFalse(Sa.search_governed_targets(sa_id=sa.id, at=self.at(15)))

    def test_archived_actor_takes_reach_away_whatever_the_context(self):
        for pair in self.pairs:
            with self.subTest(pair=pair.name):
                with freeze_time(self.at(0)):
                    actor, _membership, row, target = self.setup_reach(pair)
                    self.assertGranted(pair, actor, target, True)
                with freeze_time(self.at(10)):
                    actor.action_archive()
                    self.assertGranted(pair, actor, target, False)
                    Sa = self.env[pair.sa_model].with_context(active_test=False)
                    self.assertFalse(Sa.check_governed(target.id, actor_id=actor.id))
                    self.assertEqual(self.reason_codes(pair, actor, target), ["actor_archived"])
                with freeze_time(self.at(20)):
                    actor.action_unarchive()
                    self.assertTrue(row.is_effective)
                    self.assertGranted(pair, actor, target, True)
                with freeze_time(self.at(30)):
                    self.assertGranted(pair, actor, target, True, at=self.at(5))
                    self.assertGranted(pair, actor, target, False, at=self.at(15))
                    self.assertGranted(pair, actor, target, True, at=self.at(25))

    def test_own_user_cannot_revive_an_archived_actor(self):
        pair = self.pair_with_actor_layer()
        parent = self.make_sa_row(pair, "active")
        target = parent[parent._ov_target_field]
        self.make_actor_row(pair, "active", parent=parent, actor=self.actor)
        Sa = self.env[pair.sa_model].with_user(self.member_user)
        self.assertTrue(Sa.check_governed(target.id))
        self.actor.action_archive()
        self.assertFalse(
            Sa.with_context(active_test=False).check_governed(target.id, actor_id=self.actor.id)
        )

    def test_backdated_handover_checks_the_successor_at_its_date(self):
        for pair in self.pairs:
            with self.subTest(pair=pair.name):
                with freeze_time(self.at(0)):
                    _actor, _membership, row, _target = self.setup_reach(pair)
                with freeze_time(self.at(100)):
                    successor = self.env["ov.actor"].create({"name": "Late successor"})
                with freeze_time(self.at(200)):
                    self.make_membership(self.sa, successor)
                with freeze_time(self.at(300)):
                    with self.assertRaisesRegex(
                        UserError,
                        f"date: on {fields.Datetime.to_string(self.at(50))} actor Late "
                        "successor held no effective membership",
                    ):
                        row.action_reassign(successor.id, date=self.at(50))
                    with self.assertRaisesRegex(UserError, "held no effective membership"):
                        row.action_reassign(successor.id, date=self.at(150))
                    self.assertEqual(row.state, "active")
                    done = row.action_reassign(successor.id, date=self.at(250))
                    self.assertEqual(len(done["reassigned"]), 1)
                    self.assertEqual(row.state, "expired")
