"""Conformance: handing actor rows over to another actor, on every pair.

docs/design.md §6 (issue 12): ``action_reassign`` ends an actor row and starts
its successor's in one step, suspensions and bulk included, or refuses and
changes nothing; ``ov.actor.action_hand_over`` reassigns everything an actor
holds; the handover links are written by handovers alone. Transfers to another
SA are in ``test_handover_transfer``, window changes in
``test_handover_window``, the wizard in ``test_handover_wizard``.
"""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .handover_common import HandoverCase


@tagged("post_install", "-at_install")
class TestHandoverReassign(HandoverCase):
    # ------------------------------------------------------------------
    # Reassign
    # ------------------------------------------------------------------
    def test_reassign_hands_the_slot_over_in_one_step(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                end = fields.Datetime.to_datetime(self.hours(48))
                row = self.make_actor_row(pair, "active", date_to=end)
                parent = row._ov_parent()
                target = parent[parent._ov_target_field]
                Sa = self.env[pair.sa_model]
                done = row.action_reassign(self.successor.id, reason="Alice leaves")
                (pair_ids,) = done["reassigned"]
                new = self.env[pair.actor_model].browse(pair_ids[1])
                self.assertEqual(pair_ids[0], row.id)
                self.assertEqual(
                    (row.state, new.state, new.actor_id, new.association_kind),
                    ("expired", "active", self.successor, row.association_kind),
                )
                self.assertEqual((row.handed_over_to_id, new.handed_over_from_id), (new.id, row.id))
                self.assertEqual(row.date_to, new.date_from)
                self.assertEqual(new.date_to, end)
                self.assertEqual(new._ov_parent(), parent)
                # The slot changed hands: the old actor no longer reaches, the new one does.
                self.assertIs(Sa.check_governed(target.id, actor_id=self.actor.id), False)
                self.assertIs(Sa.check_governed(target.id, actor_id=self.successor.id), True)
                self.assertEqual(
                    self.events_of(row),
                    [
                        ("create", False, "draft"),
                        ("transition", "draft", "active"),
                        ("reassign", "active", "expired"),
                    ],
                )
                self.assertEqual(self.events_of(new), [("reassign", False, "active")])
                ended, started = self.events(row, event="reassign"), self.events(new)
                self.assertEqual(
                    (ended.old_value, ended.new_value),
                    (
                        f"{self.actor.name} ({self.actor.id})",
                        f"{self.successor.name} ({self.successor.id}), successor row {new.id}",
                    ),
                )
                self.assertEqual(
                    (started.old_value, started.new_value),
                    (
                        f"{self.actor.name} ({self.actor.id}), predecessor row {row.id}",
                        f"{self.successor.name} ({self.successor.id})",
                    ),
                )
                self.assertIn("Alice leaves", ended.reason)
                self.assertEqual(
                    (started.row_state, started.row_actor_id, started.row_parent_id),
                    ("active", self.successor.id, parent.id),
                )
                self.assertEqual((ended.row_state, ended.row_date_to), ("expired", row.date_to))

    def test_reassign_keeps_a_suspension_and_works_in_bulk(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                active = self.make_actor_row(pair, "active")
                suspended = self.make_actor_row(pair, "suspended")
                rows = active | suspended
                done = rows.action_reassign(self.successor.id)
                news = self.env[pair.actor_model].browse(new for _old, new in done["reassigned"])
                self.assertEqual(rows.mapped("state"), ["expired", "expired"])
                self.assertEqual(
                    {new.handed_over_from_id: new.state for new in news},
                    {active.id: "active", suspended.id: "suspended"},
                )
                # Under a suspended parent the successor is active like its
                # predecessor, and reaches once the parent resumes.
                held = self.make_actor_row(pair, "active")
                parent = held._ov_parent()
                target = parent[parent._ov_target_field]
                parent.action_suspend()
                ((_old, new_id),) = held.action_reassign(self.successor.id)["reassigned"]
                Sa = self.env[pair.sa_model]
                self.assertEqual(held.browse(new_id).state, "active")
                self.assertIs(Sa.check_governed(target.id, actor_id=self.successor.id), False)
                parent.action_resume()
                self.assertIs(Sa.check_governed(target.id, actor_id=self.successor.id), True)

    def test_reassign_refuses_bad_input_and_changes_nothing(self):
        outsider_company = self.env["ov.actor"].create(
            {"name": "Abroad", "company_id": self.other_company.id}
        )
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            row = self.make_actor_row(pair, "active")
            ended = self.make_actor_row(pair, "expired")
            cases = [
                ("non member", row, self.outsider.id, {}, "holds no effective membership"),
                ("same actor", row, self.actor.id, {}, "already held by"),
                ("ended row", ended, self.successor.id, {}, "only active or suspended"),
                ("foreign company", row, outsider_company.id, {}, "belongs to company"),
                ("future date", row, self.successor.id, {"date": self.hours(2)}, "future"),
                ("bad id", row, "seven", {}, "new_actor_id must be"),
                ("unknown id", row, 999999999, {}, "no Governance actor with id 999999999"),
                ("bad reason", row, self.successor.id, {"reason": 12}, "reason must be a text"),
            ]
            for name, target_row, actor_id, kwargs, message in cases:
                with self.subTest(pair=pair.name, case=name):
                    count = len(self.events(target_row))
                    with self.assertRaisesRegex(UserError, message):
                        target_row.action_reassign(actor_id, **kwargs)
                    self.assertEqual(len(self.events(target_row)), count)
                    self.assertFalse(target_row.handed_over_to_id)
            self.assertEqual(row.state, "active")

    def test_reassign_needs_write_rights(self):
        pair = self.pair_with_actor_layer()
        row = self.make_actor_row(pair, "active")
        with self.assertRaises(AccessError):
            row.with_user(self.member_user).action_reassign(self.successor.id)

    # ------------------------------------------------------------------
    # Hand over everything
    # ------------------------------------------------------------------
    def test_hand_over_everything(self):
        rows = [self.make_actor_row(pair, "active") for pair in self.pairs if pair.actor_model]
        done = self.actor.action_hand_over(self.successor.id, reason="Departure")
        self.assertEqual(done["rows"], len(rows))
        self.assertEqual({row.state for row in rows}, {"expired"})
        for row in rows:
            successor = row.browse(row.handed_over_to_id)
            self.assertEqual((successor.actor_id, successor.state), (self.successor, "active"))
        # The successor must be a member of every SA concerned: nothing changes otherwise.
        pair = self.pair_with_actor_layer()
        peer_row = self.make_actor_row(pair, "active", actor=self.peer)
        with self.assertRaisesRegex(UserError, "no effective membership in SA"):
            self.peer.action_hand_over(self.outsider.id)
        self.assertEqual(peer_row.state, "active")
        with self.assertRaisesRegex(UserError, "themselves"):
            self.peer.action_hand_over(self.peer.id)

    # ------------------------------------------------------------------
    # Protected links
    # ------------------------------------------------------------------
    def test_links_are_written_by_handovers_alone(self):
        pair = self.pair_with_actor_layer()
        row = self.make_actor_row(pair, "active")
        other = self.make_actor_row(pair, "active")
        with self.assertRaisesRegex(UserError, "handed_over_to_id"):
            row.write({"handed_over_to_id": other.id})
        Actor = self.env[pair.actor_model]
        with self.assertRaisesRegex(UserError, "handed_over_from_id"):
            Actor.create(
                {
                    Actor._ov_parent_field: row._ov_parent().id,
                    "actor_id": self.peer.id,
                    "association_kind": row.association_kind,
                    "handed_over_from_id": row.id,
                }
            )

    # ------------------------------------------------------------------
    # Found by a hostile RPC pass (closing note of issue 12)
    # ------------------------------------------------------------------
    def test_an_id_given_twice_is_handed_over_once(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                row = self.make_actor_row(pair, "active")
                twice = row.browse([row.id, row.id])
                done = twice.action_reassign(self.successor.id)
                self.assertEqual(len(done["reassigned"]), 1)
                Actor = self.env[pair.actor_model]
                self.assertEqual(Actor.search_count([("handed_over_from_id", "=", row.id)]), 1)
                parent = self.make_sa_row(pair, "active")
                done = parent.browse([parent.id, parent.id]).action_transfer(self.other_sa.id)
                self.assertEqual(len(done["transferred"]), 1)
                Sa = self.env[pair.sa_model]
                self.assertEqual(Sa.search_count([("handed_over_from_id", "=", parent.id)]), 1)

    def test_hand_over_checks_rights_before_anything(self):
        pair = self.pair_with_actor_layer()
        self.make_actor_row(pair, "active")
        # A plain user learns nothing of memberships: refused first, whoever
        # the successor is.
        for successor in (self.outsider, self.successor):
            with self.subTest(successor=successor.name), self.assertRaises(AccessError):
                self.actor.with_user(self.member_user).action_hand_over(successor.id)

    def test_a_backdated_reassignment_is_what_the_log_says(self):
        """Recorded for a past moment, a reassignment is dated then: answers as
        of a moment since see the successor; one before the row's own history
        is refused."""
        start = fields.Datetime.now() - timedelta(hours=3)
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                # Both members since before the row (the successor is checked
                # at the handover's date, issue 22).
                with freeze_time(start - timedelta(hours=2)):
                    holder, successor = self.env["ov.actor"].create(
                        [{"name": "Backdated holder"}, {"name": "Backdated successor"}]
                    )
                    self.make_membership(self.sa, holder)
                    self.make_membership(self.sa, successor)
                with freeze_time(start):
                    row = self.make_actor_row(pair, "active", actor=holder)
                target_id = row._ov_parent()[row._ov_parent()._ov_target_field].id
                with self.assertRaisesRegex(UserError, "cannot be dated before"):
                    row.action_reassign(successor.id, date=start - timedelta(hours=1))
                row.action_reassign(successor.id, date=start + timedelta(hours=1))
                Sa = self.env[pair.sa_model]
                before, after = start + timedelta(minutes=30), start + timedelta(hours=2)
                self.assertEqual(
                    [
                        Sa.check_governed(target_id, actor_id=actor.id, at=moment)
                        for moment in (before, after)
                        for actor in (holder, successor)
                    ],
                    [True, False, False, True],
                )
                (ended,) = self.events(row, event="reassign")
                self.assertTrue(ended.reason.startswith("Recorded at "))
