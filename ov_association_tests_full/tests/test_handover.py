"""Conformance: governed handovers on every pair (docs/design.md §6, issue 12)."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.ov_association_tests.tests.common import ConformanceCase


@tagged("post_install", "-at_install")
class TestHandover(ConformanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.successor_user = cls.peer_user
        cls.successor = cls.peer  # an effective member of cls.sa (common.py)

    def events_of(self, rows):
        return [(e.event, e.old_state, e.new_state) for e in self.events(rows)]

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
        pair = next(pair for pair in self.pairs if pair.actor_model)
        row = self.make_actor_row(pair, "active")
        with self.assertRaises(AccessError):
            row.with_user(self.member_user).action_reassign(self.successor.id)

    # ------------------------------------------------------------------
    # Transfer
    # ------------------------------------------------------------------
    def test_transfer_moves_the_row_and_keeps_members(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                parent = self.make_sa_row(pair, "active")
                kept = self.make_actor_row(pair, "active", parent=parent, actor=self.peer)
                lost = self.make_actor_row(pair, "active", parent=parent)
                target = parent[parent._ov_target_field]
                done = parent.action_transfer(
                    self.other_sa.id, reason="Reorganisation", keep_actor_rows=True
                )
                ((old_id, new_id),) = done["transferred"]
                new_parent = self.env[pair.sa_model].browse(new_id)
                self.assertEqual(old_id, parent.id)
                self.assertEqual(
                    (
                        parent.state,
                        new_parent.state,
                        new_parent.sa_id,
                        new_parent[new_parent._ov_target_field],
                    ),
                    ("expired", "active", self.other_sa, target),
                )
                self.assertEqual((kept.state, lost.state), ("expired", "expired"))
                ((kept_old, kept_new),) = done["kept"]
                self.assertEqual(kept_old, kept.id)
                moved = self.env[pair.actor_model].browse(kept_new)
                self.assertEqual(
                    (moved.actor_id, moved._ov_parent(), moved.state),
                    (self.peer, new_parent, "active"),
                )
                self.assertEqual(done["lost"], [lost.id])
                self.assertEqual(
                    (done["kept_actors"], done["lost_actors"]), ([self.peer.id], [self.actor.id])
                )
                self.assertEqual(self.events_of(parent)[-1], ("transfer", "active", "expired"))
                Sa = self.env[pair.sa_model]
                self.assertIs(Sa.check_governed(target.id, actor_id=self.peer.id), True)
                self.assertIs(Sa.check_governed(target.id, actor_id=self.actor.id), False)

    def test_transfer_refuses_bad_input(self):
        abroad = self.env["ov.sa"].create(
            {"name": "Abroad", "code": "HO-AB", "company_id": self.other_company.id}
        )
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            row = self.make_sa_row(pair, "active")
            ended = self.make_sa_row(pair, "revoked")
            cases = [
                ("same SA", row, self.sa.id, "already belongs"),
                ("foreign company", row, abroad.id, "belongs to company"),
                ("ended row", ended, self.other_sa.id, "only active or suspended"),
                ("bad id", row, [1], "new_sa_id must be"),
            ]
            for name, target_row, sa_id, message in cases:
                with self.subTest(pair=pair.name, case=name):
                    count = len(self.events(target_row))
                    with self.assertRaisesRegex(UserError, message):
                        target_row.action_transfer(sa_id)
                    self.assertEqual(len(self.events(target_row)), count)
            with self.assertRaisesRegex(UserError, "keep_actor_rows must be"):
                row.action_transfer(self.other_sa.id, keep_actor_rows="yes")

    # ------------------------------------------------------------------
    # Window
    # ------------------------------------------------------------------
    def test_change_window_extends_and_shortens_children(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                end = fields.Datetime.to_datetime(self.hours(24))
                parent = self.make_sa_row(pair, "active", date_to=end)
                child = self.make_actor_row(pair, "active", parent=parent, date_to=end)
                later = end + timedelta(days=30)
                parent.action_change_window(date_to=later, reason="Contract extended")
                self.assertEqual((parent.date_to, child.date_to), (later, end))
                child.action_change_window(date_to=later)
                self.assertEqual(child.date_to, later)
                sooner = end - timedelta(hours=12)
                parent.action_change_window(date_to=sooner, reason="Budget cut")
                self.assertEqual((parent.date_to, child.date_to), (sooner, sooner))
                changes = self.events(child, event="window_change")
                self.assertEqual(len(changes), 2)
                self.assertEqual(
                    (changes[-1].old_value, changes[-1].new_value),
                    (
                        f"[, {fields.Datetime.to_string(later)})",
                        f"[, {fields.Datetime.to_string(sooner)})",
                    ),
                )
                self.assertIn("Budget cut", changes[-1].reason)
                # Open-ended: False removes the end.
                parent.action_change_window(date_to=False)
                self.assertFalse(parent.date_to)
                # The expiry cron and the governed queries see the new window.
                Sa = self.env[pair.sa_model]
                target = parent[parent._ov_target_field]
                self.assertIs(Sa.check_governed(target.id, actor_id=self.actor.id), True)

    def test_change_window_refusals(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            end = fields.Datetime.to_datetime(self.hours(24))
            parent = self.make_sa_row(pair, "active", date_to=end)
            child = self.make_actor_row(pair, "active", parent=parent, date_to=end)
            draft = self.make_sa_row(pair, "draft")
            cases = [
                ("outside parent", child, {"date_to": end + timedelta(days=1)}, "would leave"),
                ("open child", child, {"date_to": False}, "would leave"),
                ("draft", draft, {"date_to": end}, "only active or suspended"),
                ("past end", parent, {"date_to": self.hours(-1)}, "not in the future"),
                ("inverted", parent, {"date_from": end, "date_to": end}, "ends before"),
                ("nothing", parent, {}, "Give date_from"),
                ("bad date", parent, {"date_to": "soon"}, "date_to must be"),
            ]
            for name, row, kwargs, message in cases:
                with self.subTest(pair=pair.name, case=name):
                    before = (row.date_from, row.date_to)
                    with self.assertRaisesRegex(UserError, message):
                        row.action_change_window(**kwargs)
                    self.assertEqual((row.date_from, row.date_to), before)

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
        pair = next(pair for pair in self.pairs if pair.actor_model)
        peer_row = self.make_actor_row(pair, "active", actor=self.peer)
        with self.assertRaisesRegex(UserError, "no effective membership in SA"):
            self.peer.action_hand_over(self.outsider.id)
        self.assertEqual(peer_row.state, "active")
        with self.assertRaisesRegex(UserError, "themselves"):
            self.peer.action_hand_over(self.peer.id)

    # ------------------------------------------------------------------
    # Wizards and protected links
    # ------------------------------------------------------------------
    def test_wizard_previews_then_hands_over(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                row = self.make_actor_row(pair, "active")
                Wizard = (
                    self.env["ov.association.handover.wizard"]
                    .with_user(self.manager_user)
                    .with_context(
                        active_model=pair.actor_model,
                        active_ids=row.ids,
                        default_operation="reassign",
                    )
                )
                wizard = Wizard.create({"reason": "Leaving"})
                self.assertIn("Pick the new actor", wizard.preview)
                wizard.new_actor_id = self.outsider
                self.assertIn("Will be refused", wizard.preview)
                self.assertIn("holds no effective membership", wizard.preview)
                wizard.new_actor_id = self.successor
                self.assertIn("Rows that will change: 1", wizard.preview)
                self.assertIn(self.successor.name, wizard.preview)
                self.assertEqual(row.state, "active", "a preview changes nothing")
                wizard.action_confirm()
                self.assertEqual(row.state, "expired")
                self.assertTrue(wizard.done)
                self.assertIn("Rows reassigned: 1", wizard.result)
                self.assertIn(f"#{row.handed_over_to_id}", wizard.result)
                successor = row.browse(row.handed_over_to_id)
                later = fields.Datetime.to_datetime(self.hours(72))
                window = Wizard.with_context(
                    active_ids=successor.ids, default_operation="window"
                ).create({"reason": "Longer", "date_to": later})
                self.assertIn(f"{fields.Datetime.to_string(later)})", window.preview)
                window.action_confirm()
                self.assertEqual(successor.date_to, later)

    def test_wizard_hands_over_an_actor(self):
        """From the actor form: preview, bad ids refused by name, then done."""
        rows = [self.make_actor_row(pair, "active") for pair in self.pairs if pair.actor_model]
        Wizard = (
            self.env["ov.association.handover.wizard"]
            .with_user(self.manager_user)
            .with_context(
                active_model="ov.actor", active_ids=self.actor.ids, default_operation="hand_over"
            )
        )
        wizard = Wizard.create({"reason": "Departure", "new_actor_id": self.successor.id})
        self.assertNotIn("Will be refused", wizard.preview)
        self.assertIn(self.successor.name, wizard.preview)
        wizard.res_ids = ["x"]
        self.assertIn("Will be refused", wizard.preview)
        self.assertIn("res_ids", wizard.preview)
        wizard.res_ids = self.actor.ids
        wizard.action_confirm()
        self.assertIn(f"Rows handed over: {len(rows)}", wizard.result)
        self.assertEqual({row.state for row in rows}, {"expired"})

    def test_links_are_written_by_handovers_alone(self):
        pair = next(pair for pair in self.pairs if pair.actor_model)
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
        pair = next(pair for pair in self.pairs if pair.actor_model)
        self.make_actor_row(pair, "active")
        # A plain user learns nothing of memberships: refused first, whoever
        # the successor is.
        for successor in (self.outsider, self.successor):
            with self.subTest(successor=successor.name), self.assertRaises(AccessError):
                self.actor.with_user(self.member_user).action_hand_over(successor.id)

    def test_a_backdated_transfer_respects_the_childrens_history(self):
        """The children's ends are dated with the transfer: it may not come
        before a child's own later event; a child whose window already closed
        (not yet expired by the cron) is not kept."""
        start = fields.Datetime.now() - timedelta(hours=3)
        pair = next(pair for pair in self.pairs if pair.actor_model)
        with freeze_time(start):
            parent = self.make_sa_row(pair, "active")
        # A member of the new SA (common.py), its events dated now.
        self.make_actor_row(pair, "active", parent=parent, actor=self.peer)
        with self.assertRaisesRegex(UserError, "cannot be dated before"):
            parent.action_transfer(
                self.other_sa.id, date=start + timedelta(hours=1), keep_actor_rows=True
            )
        self.assertEqual(parent.state, "active")
        with freeze_time(start):
            closing = self.make_sa_row(pair, "active")
            closed = self.make_actor_row(
                pair, "active", parent=closing, actor=self.peer, date_to=start + timedelta(hours=1)
            )
        done = closing.action_transfer(self.other_sa.id, keep_actor_rows=True)
        self.assertEqual((done["kept"], done["lost"]), ([], [closed.id]))

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
