"""Shared base of the handover tests (docs/design.md §6, issue 12).

A successor who is an effective member of the conformance SA, and the audit
trail of rows as (event, old state, new state).
"""

from odoo.addons.ov_association_tests.tests.common import ConformanceCase


class HandoverCase(ConformanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.successor_user = cls.peer_user
        cls.successor = cls.peer  # an effective member of cls.sa (common.py)

    def events_of(self, rows):
        return [(e.event, e.old_state, e.new_state) for e in self.events(rows)]
