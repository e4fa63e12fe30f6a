"""Visibility parity of a record rule replacement, for one user.

``before`` and ``after`` select the ids of the records the user sees with
the rule's old domain and with the governed one (every other rule of the
model as it is); both are subqueries, so the two sets are compared by the
database, never as Python id lists. Counted both ways; the sample keeps to
the records the plan's manager may read (``readable``, a subquery, or None
for the superuser).
"""

from odoo.tools import SQL

from .dry_run import SAMPLE_SIZE


def compare(cr, before, after, readable=None):
    """(seen before only, seen after only, sample of the differing ids)."""
    shown = SQL("diff.id IN (%s)", readable) if readable is not None else SQL("TRUE")
    cr.execute(
        SQL(
            """WITH before AS MATERIALIZED (%(before)s),
                    after AS MATERIALIZED (%(after)s),
                    lost AS (SELECT id FROM before EXCEPT SELECT id FROM after),
                    gained AS (SELECT id FROM after EXCEPT SELECT id FROM before)
               SELECT (SELECT count(*) FROM lost), (SELECT count(*) FROM gained),
                      (SELECT array_agg(id ORDER BY id) FROM (
                           SELECT diff.id FROM (SELECT id FROM lost UNION ALL
                                                SELECT id FROM gained) diff
                           WHERE %(shown)s ORDER BY diff.id LIMIT %(sample)s) sample)""",
            before=before,
            after=after,
            shown=shown,
            sample=SAMPLE_SIZE,
        )
    )
    lost, gained, sample = cr.fetchone()
    return lost, gained, sample or []
