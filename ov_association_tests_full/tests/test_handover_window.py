"""Conformance: changing the window of live rows, on every pair.

docs/design.md §6 (issue 12): ``action_change_window`` moves a live row's
ends; a shortened parent clips its children, a child stays inside its
parent's window, and every change is audited with its reason.
"""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.ov_association_tests.tests.common import ConformanceCase


@tagged("post_install", "-at_install")
class TestHandoverWindow(ConformanceCase):
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
