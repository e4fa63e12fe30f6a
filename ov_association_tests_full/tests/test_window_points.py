"""Actor ⊆ SA for windows, at each point the rule applies (docs/design.md §3, §6).

The actor row's window lies inside its parent's: at creation, at a draft's
edit, at activation, and when the parent's window changes. Open ends are the
widest possible, so an open end under a bounded parent is outside it; equal
ends are inside.
"""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.ov_association_tests.tests.common import ConformanceCase


@tagged("post_install", "-at_install", "ov_boundaries")
class TestWindowPoints(ConformanceCase):
    def setUp(self):
        super().setUp()
        self.start = fields.Datetime.now().replace(microsecond=0) + timedelta(hours=2)
        self.end = self.start + timedelta(days=3)

    def test_open_start_under_a_later_parent(self):
        for pair in self.pairs:
            with self.subTest(pair=pair.name, point="creation"):
                parent = self.make_sa_row(pair, "active", date_from=self.start)
                with self.assertRaises(ValidationError):
                    self.make_actor_row(pair, parent=parent)
                with self.assertRaises(ValidationError):
                    self.make_actor_row(
                        pair, parent=parent, date_from=self.start - timedelta(seconds=1)
                    )
                inside = self.make_actor_row(pair, parent=parent, date_from=self.start)
                self.assertEqual(inside.date_from, self.start)
            with self.subTest(pair=pair.name, point="draft edit: date_from=False"):
                draft = self.make_actor_row(pair, "draft", parent=parent, date_from=self.start)
                with self.assertRaises(ValidationError):
                    draft.write({"date_from": False})
                self.assertEqual(draft.date_from, self.start)
                draft.write({"date_from": self.start + timedelta(hours=1)})
                self.assertEqual(draft.date_from, self.start + timedelta(hours=1))

    def test_open_end_under_a_bounded_parent(self):
        for pair in self.pairs:
            with self.subTest(pair=pair.name):
                parent = self.make_sa_row(pair, "active", date_to=self.end)
                with self.assertRaises(ValidationError):
                    self.make_actor_row(pair, parent=parent)
                draft = self.make_actor_row(pair, "draft", parent=parent, date_to=self.end)
                with self.assertRaises(ValidationError):
                    draft.write({"date_to": False})
                self.assertEqual(draft.date_to, self.end)

    def test_child_window_equal_to_the_parent(self):
        for pair in self.pairs:
            with self.subTest(pair=pair.name):
                parent = self.make_sa_row(pair, "active", date_from=self.start, date_to=self.end)
                child = self.make_actor_row(
                    pair, "draft", parent=parent, date_from=self.start, date_to=self.end
                )
                child.action_activate()
                self.assertEqual(
                    (child.state, child.date_from, child.date_to),
                    ("active", self.start, self.end),
                )
                with self.assertRaises(ValidationError):
                    self.make_actor_row(
                        pair,
                        parent=parent,
                        date_from=self.start,
                        date_to=self.end + timedelta(seconds=1),
                    )

    def test_shortened_parent_clips_an_open_child(self):
        for pair in self.pairs:
            with self.subTest(pair=pair.name):
                parent = self.make_sa_row(pair, "active")
                open_child = self.make_actor_row(pair, "active", parent=parent)
                later_end = self.make_actor_row(
                    pair,
                    "active",
                    parent=parent,
                    actor=self.peer,
                    date_to=self.end + timedelta(days=1),
                )
                inside = self.make_actor_row(
                    pair,
                    "active",
                    parent=parent,
                    actor=self.peer,
                    date_to=self.end - timedelta(days=1),
                )
                parent.action_change_window(date_to=self.end, reason="shortened")
                self.assertEqual(parent.date_to, self.end)
                self.assertEqual(open_child.date_to, self.end)
                self.assertEqual(later_end.date_to, self.end)
                self.assertEqual(inside.date_to, self.end - timedelta(days=1))
                self.assertFalse(open_child.date_from)
