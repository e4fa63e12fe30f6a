"""Conformance: the handover wizard, on every pair.

docs/design.md §6 (issue 12): from a row or an actor, the wizard previews the
handover (and why it would be refused) without changing anything, then
reassigns, changes the window or hands everything over.
"""

from odoo import fields
from odoo.tests import tagged

from .handover_common import HandoverCase


@tagged("post_install", "-at_install")
class TestHandoverWizard(HandoverCase):
    # ------------------------------------------------------------------
    # Wizards
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
