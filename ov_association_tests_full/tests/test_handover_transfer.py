"""Conformance: transferring SA rows to another SA, on every pair.

docs/design.md §6 (issue 12): ``action_transfer`` ends an SA row and starts it
again in the new SA, keeping the actor rows of the new SA's members and
ending the others; it refuses bad input and, backdated, a date before the
children's own history.
"""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .handover_common import HandoverCase


@tagged("post_install", "-at_install")
class TestHandoverTransfer(HandoverCase):
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
    # Found by a hostile RPC pass (closing note of issue 12)
    # ------------------------------------------------------------------
    def test_a_backdated_transfer_respects_the_childrens_history(self):
        """The children's ends are dated with the transfer: it may not come
        before a child's own later event; a child whose window already closed
        (not yet expired by the cron) is not kept."""
        start = fields.Datetime.now() - timedelta(hours=3)
        pair = self.pair_with_actor_layer()
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
