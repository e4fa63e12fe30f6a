"""The generated columns behind governed reads agree with the rules they stand for.

The window is read from integer columns the database derives from
``date_from`` / ``date_to``, and an actor row's liveness from its reach
column; both must answer exactly as docs/design.md §3 states the rule, to the
microsecond and in every state.
"""

from datetime import datetime, timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from .common import ConformanceCase

MICRO = timedelta(microseconds=1)


@tagged("post_install", "-at_install")
class TestEffectiveWindow(ConformanceCase):
    def _in_window_sql(self, row, now):
        """What the library's window test answers for ``row`` at ``now``."""
        table = row._table
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT date_from, date_to, EXISTS (SELECT 1 FROM %s WHERE id = %s AND %s) "
                "FROM %s WHERE id = %s",
                SQL.identifier(table),
                row.id,
                row._ov_window_sql(table, now),
                SQL.identifier(table),
                row.id,
            )
        )
        return self.env.cr.fetchone()

    def test_window_bounds_to_the_microsecond(self):
        now = datetime(2031, 5, 17, 9, 30, 15, 250000)
        windows = [
            (None, None),
            (now, None),  # the start is inside the window
            (now + MICRO, None),
            (now - MICRO, None),
            (None, now),  # the end is not
            (None, now + MICRO),
            (None, now - MICRO),
            (now - timedelta(days=1), now + timedelta(days=1)),
        ]
        for pair in self.pairs:
            rows = {
                "SA row": self.make_sa_row(pair),
                "actor row": self.make_actor_row(pair),
                "membership": self.make_membership(self.other_sa, self.actor, activate=False),
            }
            for label, row in rows.items():
                for date_from, date_to in windows:
                    with self.subTest(pair=pair.name, row=label, window=(date_from, date_to)):
                        row.write({"date_from": date_from, "date_to": date_to})
                        stored_from, stored_to, answered = self._in_window_sql(row, now)
                        # The rule, on what was stored (docs/design.md §3): now inside
                        # [date_from, date_to), open ends empty.
                        expected = (stored_from is None or stored_from <= now) and (
                            stored_to is None or now < stored_to
                        )
                        self.assertEqual(answered, expected)
            # A window with a real microsecond part reaches the database.
            rows["SA row"].write({"date_from": None, "date_to": now + MICRO})
            self.assertEqual(self._in_window_sql(rows["SA row"], now)[1], now + MICRO)

    def test_reach_column_is_the_live_condition(self):
        for pair in self.pairs:
            Actor = self.env[pair.actor_model]
            with self.subTest(pair=pair.name):
                rows = {
                    state: self.make_actor_row(pair, state)
                    for state in ("draft", "active", "suspended", "expired", "revoked")
                }
                parent_suspended = self.make_actor_row(pair, "active")
                parent_suspended._ov_parent().action_suspend()
                resumed = self.make_actor_row(pair, "active")
                resumed._ov_parent().action_suspend()
                resumed._ov_parent().action_resume()
                self.env.flush_all()
                self.env.cr.execute(
                    SQL(
                        "SELECT id, ov_reach_actor_id FROM %s WHERE id IN %s",
                        SQL.identifier(Actor._table),
                        tuple((Actor.concat(*rows.values()) | parent_suspended | resumed).ids),
                    )
                )
                reach = dict(self.env.cr.fetchall())
                for state, row in rows.items():
                    expected = self.actor.id if state == "active" else None
                    self.assertEqual(reach[row.id], expected, state)
                self.assertIsNone(reach[parent_suspended.id])
                self.assertEqual(reach[resumed.id], self.actor.id)
