import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestGovernanceCore(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Sa = cls.env["ov.sa"]
        cls.root = cls.Sa.create({"name": "Root", "code": "ROOT"})
        cls.child = cls.Sa.create({"name": "Child", "code": "CHILD", "parent_id": cls.root.id})
        cls.actor = cls.env["ov.actor"].create({"name": "Core actor"})

    def test_installed_with_groups_and_menus(self):
        module = self.env["ir.module.module"].search([("name", "=", "ov_association_base")])
        self.assertEqual(module.state, "installed")
        manager = self.env.ref("ov_association_base.group_ov_manager")
        user = self.env.ref("ov_association_base.group_ov_user")
        self.assertIn(user, manager.implied_ids)
        self.assertIn(self.env.ref("base.group_user"), user.implied_ids)
        for xmlid in (
            "menu_governance_root",
            "menu_ov_sa",
            "menu_ov_actor",
            "menu_ov_sa_membership",
            "menu_ov_association_event",
        ):
            self.assertTrue(self.env.ref(f"ov_association_base.{xmlid}").exists())
        self.assertTrue(self.env.ref("ov_association_base.ir_cron_expire_past_rows").active)

    def test_sa_hierarchy(self):
        grandchild = self.Sa.create({"name": "Leaf", "code": "LEAF", "parent_id": self.child.id})
        self.assertEqual(grandchild.complete_name, "Root / Child / Leaf")
        self.assertEqual(
            self.Sa.search([("id", "child_of", self.root.id)]),
            self.root | self.child | grandchild,
        )
        with self.assertRaises(UserError):  # Odoo's parent_store sees it first
            self.root.parent_id = grandchild

    def test_sa_code_unique_per_company(self):
        other = self.env["res.company"].create({"name": "Core Other Co"})
        self.Sa.create({"name": "Same code elsewhere", "code": "ROOT", "company_id": other.id})
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            self.Sa.create({"name": "Duplicate", "code": "ROOT"})
            self.env.flush_all()

    def test_actor_user_link_unique(self):
        user = self.env["res.users"].create({"name": "Linked", "login": "ov_core_linked"})
        actor = self.env["ov.actor"].create({"user_id": user.id})
        self.assertEqual(actor.name, "Linked")
        self.assertEqual(actor.with_user(user)._ov_current_actor(), actor)
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            self.env["ov.actor"].create({"user_id": user.id})
            self.env.flush_all()

    def test_membership_lifecycle_and_uniqueness(self):
        Membership = self.env["ov.sa.membership"]
        first = Membership.create({"sa_id": self.root.id, "actor_id": self.actor.id})
        second = Membership.create({"sa_id": self.root.id, "actor_id": self.actor.id})
        first.action_activate()
        self.assertTrue(first.is_effective)
        with self.assertRaises(ValidationError):
            second.action_activate()
        self.assertEqual(second.state, "draft")
        with self.assertRaises(UserError):
            first.write({"state": "revoked"})
        with self.assertRaises(UserError):
            first.write({"actor_id": self.env["ov.actor"].create({"name": "Other"}).id})
        first.action_suspend(reason="leave")
        self.assertFalse(first.is_effective)
        self.assertEqual(
            Membership.search([("is_effective", "=", True), ("sa_id", "=", self.root.id)]),
            Membership,
        )
        first.action_revoke(reason="left")
        second.action_activate()
        self.assertEqual(
            Membership.search([("is_effective", "=", True), ("sa_id", "=", self.root.id)]),
            second,
        )

    def test_events_are_append_only(self):
        membership = self.env["ov.sa.membership"].create(
            {"sa_id": self.root.id, "actor_id": self.actor.id}
        )
        membership.action_activate()
        events = self.env["ov.association.event"].search(
            [("model", "=", "ov.sa.membership"), ("res_id", "=", membership.id)],
            order="id",
        )
        self.assertEqual(events.mapped("event"), ["create", "transition"])
        self.assertEqual(events[1].new_state, "active")
        with self.assertRaises(UserError):
            events.write({"event": "delete"})
        with self.assertRaises(UserError):
            events.unlink()
        self.assertEqual(len(events.exists()), 2)

    def test_draft_membership_deletion_is_audited(self):
        membership = self.env["ov.sa.membership"].create(
            {"sa_id": self.root.id, "actor_id": self.actor.id}
        )
        membership_id = membership.id
        membership.unlink()
        deleted = self.env["ov.association.event"].search(
            [
                ("model", "=", "ov.sa.membership"),
                ("res_id", "=", membership_id),
                ("event", "=", "delete"),
            ]
        )
        self.assertEqual(deleted.user_id, self.env.user)
        self.assertEqual(deleted.old_state, "draft")
