"""How the library writes and seals the audit log at volume (18.0.2.2.0):
transitions write their events in one statement from the rows, each actor
table's cache follows its parent through a function of its own, sealing
reads batch after batch and lets through nothing but the seal."""

import importlib.util
from pathlib import Path

import psycopg2.errors

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.ov_association_base.models import audit_chain

from .common import ConformanceCase, installed_pair

MIGRATION = (
    Path(__file__).resolve().parents[2]
    / "ov_association_base"
    / "migrations"
    / "18.0.2.2.0"
    / "end-migrate.py"
)


def _migration():
    spec = importlib.util.spec_from_file_location("ov_base_18_0_2_2_0", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install", "ov_audit")
class TestAuditWrites(ConformanceCase):
    def setUp(self):
        super().setUp()
        self.pair = installed_pair(self.env, "ov.sa_test_target")

    def _one_sealed_event(self):
        row = self.make_sa_row(self.pair, "active")
        row.action_suspend(reason="sealing test")
        self.env["ov.association.event"]._ov_seal()
        event = self.events(row)[-1]
        self.env.cr.execute(
            "SELECT chain_index, hash FROM ov_association_event WHERE id = %s", [event.id]
        )
        return event, self.env.cr.fetchone()

    def _unsealed(self, event):
        """Put ``event`` back to unsealed, as a maintenance session can."""
        self.env.cr.execute("SET LOCAL ov_association.audit_maintenance = 'on'")
        self.env.cr.execute(
            "UPDATE ov_association_event SET chain_index = NULL, hash = NULL, keyed = NULL"
            " WHERE id = %s",
            [event.id],
        )
        self.env.cr.execute("SET LOCAL ov_association.audit_maintenance = 'off'")

    def test_sealing_changes_nothing_else(self):
        """The seal fills chain_index, hash and keyed; a seal that changes any
        other column, empties it or fills an empty one is refused."""
        event, (chain_index, digest) = self._one_sealed_event()
        self.assertEqual(
            (event.reason, event.old_kind, event.row_parent_id, event.row_state),
            ("sealing test", False, 0, "suspended"),
        )
        for change in (
            "reason = 'rewritten'",
            "reason = NULL",
            "row_parent_id = 1",
            "row_state = NULL",
            "old_kind = 'assignment'",
            "date = date + interval '1 second'",
        ):
            with self.subTest(change=change):
                self._unsealed(event)
                with (
                    mute_logger("odoo.sql_db"),
                    self.assertRaises(psycopg2.errors.InsufficientPrivilege),
                    self.env.cr.savepoint(),
                ):
                    self.env.cr.execute(
                        f"UPDATE ov_association_event SET chain_index = %s, hash = %s,"
                        f" keyed = false, {change} WHERE id = %s",
                        [chain_index, digest, event.id],
                    )
        self._unsealed(event)
        self.env.cr.execute(
            "UPDATE ov_association_event SET chain_index = %s, hash = %s, keyed = false"
            " WHERE id = %s",
            [chain_index, digest, event.id],
        )
        self.assertEqual(self.env.cr.rowcount, 1)
        self.assertTrue(self.env["ov.association.event"].verify_audit_log()["ok"])

    def test_events_follow_the_records_order(self):
        """One event per record, in the records' order (the chain's), each
        recording its row as written."""
        first = self.make_sa_row(self.pair, "active")
        second = self.make_sa_row(self.pair, "active")
        (second | first).action_suspend(reason="order test")
        suspended = self.env["ov.association.event"].search(
            [
                ("model", "=", "ov.sa_test_target"),
                ("res_id", "in", (first | second).ids),
                ("new_state", "=", "suspended"),
            ],
            order="id",
        )
        self.assertEqual(
            [
                (
                    event.res_id,
                    event.event,
                    event.old_state,
                    event.new_state,
                    event.reason,
                    event.user_id.id,
                    event.company_id.id,
                    event.row_state,
                    event.row_sa_id,
                    event.row_target_id,
                    event.row_parent_id,
                )
                for event in suspended
            ],
            [
                (
                    row.id,
                    "transition",
                    "active",
                    "suspended",
                    "order test",
                    self.env.uid,
                    self.company.id,
                    "suspended",
                    self.sa.id,
                    row.target_id.id,
                    0,
                )
                for row in (second, first)
            ],
        )

    def test_seal_in_batches_chains_in_id_order(self):
        Event = self.env["ov.association.event"]
        Event._ov_seal()
        rows = self.make_sa_row(self.pair, "active") | self.make_sa_row(self.pair, "active")
        rows.action_suspend(reason="batches")
        self.env.flush_all()
        self.env.cr.execute("SELECT id FROM ov_association_event WHERE chain_index IS NULL")
        unsealed = sorted(row[0] for row in self.env.cr.fetchall())
        # 2 creations, 2 activations, 2 suspensions.
        self.assertEqual(len(unsealed), 6)
        head = (audit_chain.head(self.env.cr) or (0,))[0]
        self.assertEqual(audit_chain.seal(self.env.cr, batch_size=4), 6)
        self.env.cr.execute(
            "SELECT id, chain_index FROM ov_association_event WHERE id = ANY(%s) ORDER BY id",
            [unsealed],
        )
        self.assertEqual(
            self.env.cr.fetchall(),
            [(event_id, head + position) for position, event_id in enumerate(unsealed, 1)],
        )
        self.assertEqual(Event.verify_audit_log()["unsealed"], 0)
        self.assertTrue(Event.verify_audit_log()["ok"])

    def test_parent_cache_follows_through_the_tables_own_function(self):
        """The SA table's follow trigger calls the actor table's own function
        (statically planned); a change of the parent made in SQL still reaches
        the child's cache."""
        actor_table = self.env[self.pair.actor_model]._table
        sa_table = self.env[self.pair.sa_model]._table
        self.env.cr.execute(
            """SELECT tgfoid::regproc::text FROM pg_trigger
               WHERE tgrelid = %s::regclass AND tgname = %s""",
            [sa_table, f"ov_cache_follow_{actor_table}"],
        )
        self.assertEqual(self.env.cr.fetchall(), [(f"ov_association_cache_follow_{actor_table}",)])
        self.env.cr.execute("SELECT to_regprocedure('ov_association_cache_follow()')")
        self.assertEqual(self.env.cr.fetchone()[0], None)
        child = self.make_actor_row(self.pair, "active")
        parent = child._ov_parent()
        self.env.flush_all()
        self.env.cr.execute(
            f"UPDATE {sa_table} SET state = 'suspended' WHERE id = %s",
            [parent.id],
        )
        self.env.cr.execute(
            f"SELECT ov_parent_state, ov_target_id FROM {actor_table} WHERE id = %s",
            [child.id],
        )
        self.assertEqual(self.env.cr.fetchone(), ("suspended", parent.target_id.id))

    def test_update_drops_the_generic_follow_function_once_unused(self):
        cr = self.env.cr
        cr.execute(
            """CREATE FUNCTION ov_association_cache_follow() RETURNS trigger
               LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"""
        )
        cr.execute(
            "CREATE TRIGGER ov_test_still_generic AFTER UPDATE ON ov_sa"
            " FOR EACH ROW EXECUTE FUNCTION ov_association_cache_follow()"
        )
        _migration().migrate(cr, "18.0.2.1.0")
        cr.execute("SELECT to_regprocedure('ov_association_cache_follow()') IS NOT NULL")
        self.assertEqual(cr.fetchone()[0], True, "a trigger still calls it: kept")
        cr.execute("DROP TRIGGER ov_test_still_generic ON ov_sa")
        _migration().migrate(cr, "18.0.2.1.0")
        cr.execute("SELECT to_regprocedure('ov_association_cache_follow()') IS NOT NULL")
        self.assertEqual(cr.fetchone()[0], False)
