"""Adversarial suite, issue 21 class 9: verifying the audit log over HTTP.

The audit chain runs through every company's events, so its verification
tells whoever runs it about all of them: how many there are, and which one
was tampered with. Only a system administrator (``base.group_system``) may
run it (docs/design.md §5 "to a caller who may know"); a governance manager of one
company, a plain actor and a portal user are refused, through the method,
the menu's notification action and the server action behind the menu alike.
"""

from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import config

from odoo.addons.ov_association_base.models import audit_anchor, audit_chain

from .adversarial_common import AdversarialCase

ACCESS_ERROR = {"odoo.exceptions.AccessError"}
EVENT = "ov.association.event"


@tagged("post_install", "-at_install", "ov_adversarial")
class TestAdversarialAudit(AdversarialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.add_rpc_user(
            "sysadmin",
            "base.group_system,ov_association_base.group_ov_manager",
            cls.company_a,
            "Adversarial sysadmin",
        )

    def setUp(self):
        super().setUp()
        # The plain chain, whatever the server's configuration: the answer
        # a system administrator gets is written out below.
        unkeyed = {audit_chain.KEY_OPTION: False, audit_anchor.OPTION: False}
        self.enterContext(patch.dict(config.options, unkeyed))

    def _chain_length(self):
        """Every event of the database: what a verification seals and checks."""
        self.env.flush_all()
        self.env.cr.execute("SELECT count(*) FROM ov_association_event")
        return self.env.cr.fetchone()[0]

    def test_class9_verification_tells_managers_nothing(self):
        """A manager of company A learns nothing of company B's events (count included)."""
        manager = self.users["manager"]
        readable = (
            self.env[EVENT]
            .with_user(manager)
            .with_context(allowed_company_ids=self.company_a.ids)
            .search_count([])
        )
        total = self._chain_length()
        # The fixture gives company B events of its own (its SA and actor
        # rows): a chain-wide answer would tell the manager more than they read.
        self.env.cr.execute(
            "SELECT count(*) FROM ov_association_event WHERE company_id = %s",
            [self.company_b.id],
        )
        self.assertGreater(self.env.cr.fetchone()[0], 0)
        self.assertLess(readable, total)
        for method in ("verify_audit_log", "action_verify_audit_log"):
            for who in ("manager", "actor", "portal"):
                self.each_via(
                    f"verify the audit log ({method})",
                    who,
                    EVENT,
                    method,
                    [],
                    errors=ACCESS_ERROR,
                    mentions=("system administrator",),
                    secrets=(f'"checked": {total}', f"{total} events"),
                )
        # The server action behind the menu item refuses too.
        action = self.env.ref("ov_association_base.ov_association_event_verify_action")
        self.each_via(
            "run the verify server action",
            "manager",
            "ir.actions.server",
            "run",
            [[action.id]],
            errors=ACCESS_ERROR,
            secrets=(f"{total} events",),
        )

        def whole_chain(result):
            # Nothing altered in the test database: every event is checked.
            # No key, no anchor file in the test configuration; False, not
            # None, for what is absent: XML-RPC cannot send None.
            expected = {
                "ok": True,
                "checked": total,
                "unsealed": 0,
                "keyed": False,
                "keyed_from": False,
                "anchors": False,
                "first_broken": False,
            }
            if result != expected:
                return f"answered {result!r} (want {expected!r})"
            return None

        self.each_via(
            "a system administrator verifies the whole chain",
            "sysadmin",
            EVENT,
            "verify_audit_log",
            [],
            expect="success",
            harmless=whole_chain,
        )
        self.assertNoProblems()
