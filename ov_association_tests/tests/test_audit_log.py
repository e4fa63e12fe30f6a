"""The audit log: immutable in the database, hash-chained, verified (docs/design.md §5)."""

import hashlib
from unittest.mock import patch

import psycopg2.errors

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import config, mute_logger

from odoo.addons.ov_association_base.models import audit_anchor, audit_chain

from .common import ConformanceCase, installed_pair


@tagged("post_install", "-at_install", "ov_audit")
class TestAuditLog(ConformanceCase):
    def setUp(self):
        super().setUp()
        # The plain chain, whatever the server's configuration (keys and
        # anchors: test_audit_tamper).
        unkeyed = {audit_chain.KEY_OPTION: False, audit_anchor.OPTION: False}
        self.enterContext(patch.dict(config.options, unkeyed))

    def _some_events(self):
        pair = installed_pair(self.env, "ov.sa_test_target")
        row = self.make_sa_row(pair, "active")
        row.action_suspend(reason="audit test")
        row.action_resume()
        self.env.flush_all()
        return self.events(row)

    def _as_superuser_past_the_triggers(self, statement, params):
        """What a database superuser can do: switch the triggers off and write."""
        self.env.cr.execute("SET LOCAL session_replication_role = replica")
        try:
            self.env.cr.execute(statement, params)
        finally:
            self.env.cr.execute("SET LOCAL session_replication_role = origin")
        self.env.invalidate_all()

    def test_database_refuses_changes(self):
        """UPDATE, DELETE and TRUNCATE are refused in SQL, not only by the ORM."""
        events = self._some_events()
        for statement in (
            "UPDATE ov_association_event SET reason = 'rewritten' WHERE id = %s",
            "UPDATE ov_association_event SET user_id = NULL WHERE id = %s",
            "DELETE FROM ov_association_event WHERE id = %s",
        ):
            with (
                self.subTest(statement=statement),
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.InsufficientPrivilege),
                self.env.cr.savepoint(),
            ):
                self.env.cr.execute(statement, [events[-1].id])
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.InsufficientPrivilege),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute("TRUNCATE ov_association_event")
        # Sealing is the one change let through, and only once.
        self.assertTrue(self.env["ov.association.event"].verify_audit_log()["ok"])
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.InsufficientPrivilege),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "UPDATE ov_association_event SET hash = 'x' WHERE id = %s", [events[-1].id]
            )
        # The ORM says it in words.
        with self.assertRaises(UserError):
            events.unlink()
        with self.assertRaises(UserError):
            events.with_context(module_uninstall=True).unlink()

    def test_untouched_log_verifies(self):
        events = self._some_events()
        result = self.env["ov.association.event"].verify_audit_log()
        self.assertEqual(result["ok"], True)
        self.assertEqual(result["first_broken"], False)
        self.assertEqual(result["unsealed"], 0)
        self.assertGreaterEqual(result["checked"], len(events))
        # Sealed in order, each chained to the one before.
        indexes = events.mapped("chain_index")
        self.assertEqual(indexes, list(range(indexes[0], indexes[0] + len(events))))
        self.assertTrue(all(len(event.hash) == 64 for event in events))
        # Only system administrators verify: the chain covers every company.
        for user in (self.member_user, self.manager_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["ov.association.event"].with_user(user).verify_audit_log()
        admin = self.env.ref("base.user_admin")
        action = self.env["ov.association.event"].with_user(admin).action_verify_audit_log()
        self.assertEqual(action["params"]["type"], "success")
        # The menu item follows: a manager does not see it, the administrator does.
        verify_menu = self.env.ref("ov_association_base.menu_ov_association_event_verify")
        Menu = self.env["ir.ui.menu"]
        self.assertNotIn(verify_menu.id, Menu.with_user(self.manager_user)._visible_menu_ids())
        self.assertIn(verify_menu.id, Menu.with_user(admin)._visible_menu_ids())

    def test_altered_event_is_found(self):
        events = self._some_events()
        Event = self.env["ov.association.event"]
        self.assertTrue(Event.verify_audit_log()["ok"])
        altered = events[1]
        self._as_superuser_past_the_triggers(
            "UPDATE ov_association_event SET reason = 'nothing happened' WHERE id = %s",
            [altered.id],
        )
        result = Event.verify_audit_log()
        self.assertEqual(result["ok"], False)
        self.assertEqual(
            result["first_broken"],
            {"event_id": altered.id, "chain_index": altered.chain_index, "kind": "altered"},
        )
        action = Event.action_verify_audit_log()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn(str(altered.id), action["params"]["message"])

    def test_recorded_rows_are_sealed_too(self):
        """The row an event records is covered by its hash: changing it, or
        emptying it to pass for an event written before 18.0.1.4.0, is found;
        an event of that time (no row) hashes as it always did."""
        events = self._some_events()
        Event = self.env["ov.association.event"]
        created, suspended = events[0], events[2]
        self.assertEqual(
            (created.row_state, suspended.row_state, suspended.row_sa_id),
            ("draft", "suspended", self.sa.id),
        )
        self.assertTrue(Event.verify_audit_log()["ok"])
        for statement in (
            "UPDATE ov_association_event SET row_state = 'active' WHERE id = %s",
            "UPDATE ov_association_event SET row_state = NULL, row_kind = NULL,"
            " row_target_id = NULL, row_sa_id = NULL WHERE id = %s",
        ):
            with self.subTest(statement=statement):
                with self.env.cr.savepoint(flush=False) as point:
                    self._as_superuser_past_the_triggers(statement, [suspended.id])
                    self.assertEqual(
                        Event.verify_audit_log()["first_broken"],
                        {
                            "event_id": suspended.id,
                            "chain_index": suspended.chain_index,
                            "kind": "altered",
                        },
                    )
                    point.rollback()
                self.env.invalidate_all()
        self.assertTrue(Event.verify_audit_log()["ok"])
        legacy = dict.fromkeys(audit_chain.CONTENT + audit_chain.ROW_CONTENT)
        legacy.update(id=1, model="ov.sa", res_id=1, event="create")
        content = '[1,"ov.sa",1,"create",null,null,null,null,null,null,null,null,null,null]'
        self.assertEqual(
            audit_chain.digest(audit_chain.GENESIS, legacy),
            hashlib.sha256(f"{audit_chain.GENESIS}|{content}".encode()).hexdigest(),
        )

    def test_rehashed_event_breaks_the_next_link(self):
        """Re-sealing the altered event itself does not help: the next link breaks."""
        events = self._some_events()
        Event = self.env["ov.association.event"]
        self.assertTrue(Event.verify_audit_log()["ok"])
        before, altered, following = events[0], events[1], events[2]
        self._as_superuser_past_the_triggers(
            "UPDATE ov_association_event SET reason = 'nothing happened' WHERE id = %s",
            [altered.id],
        )
        # The attacker recomputes the altered event's hash from its predecessor.
        names = audit_chain.CONTENT + audit_chain.ROW_CONTENT
        columns = ", ".join(names)
        self.env.cr.execute(
            f"SELECT {columns} FROM ov_association_event WHERE id = %s",
            [altered.id],
        )
        row = dict(zip(names, self.env.cr.fetchone(), strict=True))
        self._as_superuser_past_the_triggers(
            "UPDATE ov_association_event SET hash = %s WHERE id = %s",
            [audit_chain.digest(before.hash, row), altered.id],
        )
        self.assertEqual(
            Event.verify_audit_log()["first_broken"],
            {"event_id": following.id, "chain_index": following.chain_index, "kind": "altered"},
        )

    def test_deleted_event_is_found(self):
        events = self._some_events()
        Event = self.env["ov.association.event"]
        self.assertTrue(Event.verify_audit_log()["ok"])
        deleted, following = events[1], events[2]
        self._as_superuser_past_the_triggers(
            "DELETE FROM ov_association_event WHERE id = %s", [deleted.id]
        )
        result = Event.verify_audit_log()
        self.assertEqual(result["ok"], False)
        self.assertEqual(
            result["first_broken"],
            {"event_id": following.id, "chain_index": following.chain_index, "kind": "missing"},
        )

    def test_new_events_chain_on(self):
        """Events written after a seal continue the chain."""
        self._some_events()
        Event = self.env["ov.association.event"]
        first = Event.verify_audit_log()["checked"]
        later = self._some_events()
        self.assertFalse(any(later.mapped("chain_index")))
        self.assertEqual(Event._cron_seal(), len(later))
        self.assertEqual(
            Event.verify_audit_log(),
            {
                "ok": True,
                "checked": first + len(later),
                "unsealed": 0,
                "keyed": False,
                "keyed_from": False,
                "anchors": False,
                "first_broken": False,
            },
        )
