"""The handover links' foreign keys are indexed (issue 26): deleting a row
must not scan the whole table for rows linked to it, twice."""

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

LINKS = ("handed_over_from_id", "handed_over_to_id")


@tagged("post_install", "-at_install")
class TestHandoverLinksIndex(TransactionCase):
    def linked_tables(self):
        tables = sorted(
            model._table
            for model in self.env.registry.values()
            if not model._abstract and model._auto and "handed_over_from_id" in model._fields
        )
        self.assertIn("ov_actor_sa_test_target", tables)
        self.assertIn("ov_sa_test_target", tables)
        return tables

    def test_each_link_has_its_partial_index(self):
        for table in self.linked_tables():
            for column in LINKS:
                with self.subTest(table=table, column=column):
                    self.env.cr.execute(
                        "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                        [f"{table}_{column}_idx"[:63]],
                    )
                    (definition,) = self.env.cr.fetchone()
                    self.assertIn(f"({column}) WHERE ({column} IS NOT NULL)", definition)

    def test_the_foreign_keys_action_uses_it(self):
        """The statement PostgreSQL runs for each deleted row (ON DELETE SET
        NULL) finds the linked rows by the index, not by a scan."""
        cr = self.env.cr
        cr.execute("SET LOCAL enable_seqscan = off")
        for table in self.linked_tables():
            for column in LINKS:
                with self.subTest(table=table, column=column):
                    cr.execute(
                        SQL(
                            "EXPLAIN UPDATE ONLY %s SET %s = NULL WHERE %s = 1",
                            SQL.identifier(table),
                            SQL.identifier(column),
                            SQL.identifier(column),
                        )
                    )
                    plan = "\n".join(row[0] for row in cr.fetchall())
                    self.assertIn(f"{table}_{column}_idx"[:63], plan)
