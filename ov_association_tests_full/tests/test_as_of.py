"""Conformance: governed answers "as of" a past moment, rebuilt from the audit log."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.ov_association_base import policy
from odoo.addons.ov_association_base.models.audit_snapshot import snapshot_rows
from odoo.addons.ov_association_tests.tests.common import STATE_MIX_REACHED, ConformanceCase

# The moments asked about: half a minute after each step of the timeline
# (step -1: before anything happened).
STEPS = (-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)
# What the actor may reach after each step, written out (see _play).
EXPECTED = (False, False, True, False, True, True, False, True, False, True, False)


def codes(explained):
    return [reason["code"] for reason in explained["reasons"]]


@tagged("post_install", "-at_install")
class TestAsOf(ConformanceCase):
    def other_actor_kind(self, pair, parent_kind, kind):
        Actor = self.env[pair.actor_model]
        return next(
            (
                other
                for other in Actor._ov_allowed_kinds
                if other != kind
                and other not in Actor._ov_exclusive_kinds
                and policy.actor_kind_admitted(parent_kind, other)
            ),
            None,
        )

    def _play(self, pair, start, before_deletion):
        """The scripted timeline, step ``n`` at minute ``n`` after ``start``:

        0 membership · 1 grant (SA row and actor row active) · 2 actor row
        suspended · 3 resumed · 4 kind changed · 5 SA row suspended · 6
        resumed · 7 actor row revoked · 8 a new actor row · 9 membership
        ended (the new row is revoked with it) · then, now, the target is
        deleted where the pair's policy lets it go.
        """

        def at(step):
            return freeze_time(start + timedelta(minutes=step))

        sa = self.env["ov.sa"].create(
            {"name": f"Timeline {pair.name}", "code": f"TL{self.next_sequence()}"}
        )
        with at(0):
            membership = self.make_membership(sa, self.actor)
        with at(1):
            parent = self.make_sa_row(pair, "active", sa=sa)
            row = self.make_actor_row(pair, "active", parent=parent)
        first_kind = row.association_kind
        second_kind = self.other_actor_kind(pair, parent.association_kind, first_kind)
        with at(2):
            row.action_suspend()
        with at(3):
            row.action_resume()
        with at(4):
            if second_kind:
                row.action_change_kind(second_kind, "Timeline: kind change")
        with at(5):
            parent.action_suspend()
        with at(6):
            parent.action_resume()
        with at(7):
            row.action_revoke()
        with at(8):
            second = self.make_actor_row(pair, "active", parent=parent)
        with at(9):
            membership.action_expire()
        self.assertEqual(second.state, "revoked")
        target = parent[parent._ov_target_field]
        rows = {"parent": parent.id, "first": row.id, "second": second.id}
        before_deletion(target)
        Sa = self.env[pair.sa_model]
        if Sa._ov_deletion_policy != "restricted":
            target.unlink()
        return target.id, first_kind, second_kind, rows

    def moment(self, start, step):
        return start + timedelta(minutes=step, seconds=30)

    def test_scripted_timeline_answered_between_every_two_steps(self):
        start = fields.Datetime.now() - timedelta(days=30)
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            Sa = self.env[pair.sa_model].with_user(self.member_user)
            Managed = self.env[pair.sa_model].with_user(self.manager_user)

            def search_at_every_step(target, Sa=Sa, pair=pair):
                # A search returns records: asked while the target exists.
                for step, allowed in zip(STEPS, EXPECTED, strict=True):
                    with self.subTest(pair=pair.name, step=step, rule="search"):
                        found = Sa.search_governed_targets(at=self.moment(start, step))
                        self.assertEqual(target in found, allowed)

            target_id, first_kind, second_kind, rows = self._play(pair, start, search_at_every_step)
            for step, allowed in zip(STEPS, EXPECTED, strict=True):
                at = self.moment(start, step)
                with self.subTest(pair=pair.name, step=step):
                    self.assertIs(Sa.check_governed(target_id, at=at), allowed)
                    self.assertEqual(
                        Sa.check_governed_many([target_id], at=at), {target_id: allowed}
                    )
                    self.assertIs(Sa.explain_governed(target_id, at=at)["allowed"], allowed)
                    self.assertEqual(
                        Managed.search_reaching_actors(target_id, at=at),
                        self.actor if allowed else self.env["ov.actor"],
                    )
            with self.subTest(pair=pair.name, step="now"):
                self.assertIs(Sa.check_governed(target_id, at=fields.Datetime.now()), False)
                self.assertIs(Sa.check_governed(target_id), False)
            with self.subTest(pair=pair.name, rule="kind at a moment"):
                if second_kind:
                    before, after = self.moment(start, 3), self.moment(start, 4)
                    self.assertIs(Sa.check_governed(target_id, kinds=[first_kind], at=before), True)
                    self.assertIs(Sa.check_governed(target_id, kinds=[first_kind], at=after), False)
                    self.assertIs(Sa.check_governed(target_id, kinds=[second_kind], at=after), True)
            with self.subTest(pair=pair.name, rule="reasons at a moment"):
                expected = {
                    2: ("first", ["state_suspended"]),
                    5: ("first", ["parent_not_effective"]),
                    7: ("first", ["state_revoked"]),
                    # The membership ended too: named with its own code (issue 22).
                    9: ("second", ["state_revoked", "membership_ended"]),
                }
                for step, (name, reasons) in expected.items():
                    explained = Sa.explain_governed(target_id, at=self.moment(start, step))
                    (path,) = explained["paths"]
                    self.assertEqual(path["sa_row"]["id"], rows["parent"])
                    (actor_row,) = [r for r in path["actor_rows"] if r["id"] == rows[name]]
                    self.assertEqual(codes(actor_row), reasons)
                explained = Sa.explain_governed(target_id, at=self.moment(start, 9))
                self.assertEqual(
                    codes(explained["paths"][0]["membership"]),
                    ["state_expired", "membership_ended"],
                )
                before = Sa.explain_governed(target_id, at=self.moment(start, -1))
                self.assertEqual(before["paths"], [])
            with self.subTest(pair=pair.name, rule="rows deleted since are explained"):
                explained = Sa.explain_governed(target_id, at=self.moment(start, 8))
                (path,) = explained["paths"]
                self.assertEqual(
                    [(r["id"], r["state"], r["effective"]) for r in path["actor_rows"]],
                    [(rows["first"], "revoked", False), (rows["second"], "active", True)],
                )
                self.assertTrue(path["membership"]["effective"])

    def test_at_now_equals_the_live_answer(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            targets = self.state_mix_targets(pair)
            Sa = self.env[pair.sa_model].with_user(self.member_user)
            now = fields.Datetime.now()
            with self.subTest(pair=pair.name):
                self.assertEqual(
                    [Sa.check_governed(t, at=now) for t in targets],
                    STATE_MIX_REACHED,
                )
                self.assertEqual(
                    [Sa.check_governed(t, at=now) for t in targets],
                    [Sa.check_governed(t) for t in targets],
                )
                self.assertEqual(
                    Sa.check_governed_many(targets, at=now), Sa.check_governed_many(targets)
                )
                self.assertEqual(Sa.search_governed_targets(at=now), Sa.search_governed_targets())
                Managed = self.env[pair.sa_model].with_user(self.manager_user)
                self.assertEqual(
                    Managed.search_governed_targets(sa_id=self.sa.id, at=now),
                    Managed.search_governed_targets(sa_id=self.sa.id),
                )
                for target in targets:
                    live, past = Sa.explain_governed(target), Sa.explain_governed(target, at=now)
                    self.assertEqual(past["allowed"], live["allowed"])
                    self.assertEqual(
                        [(p["sa_row"]["id"], p["effective"]) for p in past["paths"]],
                        [(p["sa_row"]["id"], p["effective"]) for p in live["paths"]],
                    )
                    self.assertEqual(
                        Managed.search_reaching_actors(target, at=now),
                        Managed.search_reaching_actors(target),
                    )

    def test_bad_moments_are_refused_by_name(self):
        pair = self.pair_with_actor_layer()
        Sa = self.env[pair.sa_model].with_user(self.member_user)
        target = self.make_actor_row(pair, "active")._ov_parent()
        target_id = target[target._ov_target_field].id
        for bad in ("yesterday", 12, ["2026-01-01"], "2026-13-01 00:00:00"):
            with self.subTest(at=bad), self.assertRaisesRegex(UserError, "at must be a date"):
                Sa.check_governed(target_id, at=bad)
        future = fields.Datetime.now() + timedelta(days=1)
        with self.assertRaisesRegex(UserError, "in the future"):
            Sa.search_governed_targets(at=future)
        # ISO 8601 with an offset is converted to UTC.
        self.assertIs(Sa.check_governed(target_id, at="2000-01-01T01:00:00+01:00"), False)
        with self.assertRaisesRegex(AccessError, "governance managers"):
            Sa.search_reaching_actors(target_id)

    def test_upgraded_database_answers_from_its_snapshot_on(self):
        """An upgrade from before 18.0.1.4.0 writes one snapshot per row: answers
        reach back to it, and an earlier moment is refused, not guessed."""
        pair = self.pair_with_actor_layer()
        Sa = self.env[pair.sa_model]
        row = self.make_actor_row(pair, "active")
        target_id = row._ov_parent()[Sa._ov_target_field].id
        with freeze_time(fields.Datetime.now() + timedelta(seconds=5)):
            written = snapshot_rows(self.env, "upgrade")
            since = fields.Datetime.now()
        Event = self.env["ov.association.event"]
        snapshots = Event.search(
            [("event", "=", "snapshot"), ("model", "=", pair.actor_model), ("res_id", "=", row.id)]
        )
        self.assertEqual(len(snapshots), 1)
        self.assertEqual(
            (snapshots.row_state, snapshots.row_actor_id, snapshots.row_parent_id),
            ("active", self.actor.id, row._ov_parent().id),
        )
        counted = sum(
            self.env[name].search_count([])
            for name in self.env["ov.association.lifecycle.mixin"]._ov_concrete_models()
        )
        self.assertEqual(written, counted)
        self.assertEqual(Sa._ov_history_since(), since)
        Member = Sa.with_user(self.member_user)
        with freeze_time(since + timedelta(seconds=5)):
            self.assertIs(Member.check_governed(target_id, at=since), True)
            with self.assertRaisesRegex(UserError, "began recording whole rows"):
                Member.check_governed(target_id, at=since - timedelta(seconds=1))
