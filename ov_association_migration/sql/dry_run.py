"""Step 3 without writing: what the backfill would do, counted and sampled.

Two statements over the whole legacy table: the unstamped rows (counted as
``empty_stamp``), and the classification of the stamped ones grouped by
outcome, layer, kind and state. Each group keeps a sample of target ids, of
records the plan's user may read only (the others are counted, not named).
"""

from odoo.tools import SQL

from . import classify

SAMPLE_SIZE = 10


def unstamped(cr, shape):
    """(count, sample ids) of legacy rows that carry none of the plan's stamps."""
    cr.execute(
        SQL(
            """SELECT count(*), (SELECT array_agg(id) FROM (
                   SELECT legacy.id FROM %(table)s legacy WHERE %(unstamped)s AND %(readable)s
                   ORDER BY legacy.id LIMIT %(sample)s) sample)
               FROM %(table)s legacy WHERE %(unstamped)s""",
            table=SQL.identifier(shape.legacy_table),
            unstamped=shape.unstamped("legacy"),
            readable=shape.readable(SQL.identifier("legacy", "id")),
            sample=SAMPLE_SIZE,
        )
    )
    count, sample = cr.fetchone()
    return count, sample or []


def groups(cr, shape, now_us):
    """Classification of the stamped rows, one dict per group.

    Keys: ``outcome``, ``sa_kind``, ``actor_kind``, ``new_state``,
    ``new_sa``, ``new_actor``, ``count``, ``sample``; plus one group
    ``outcome='membership'`` counting the distinct memberships to create.
    """
    cr.execute(
        SQL(
            """WITH rows AS MATERIALIZED (%(classified)s),
               ranked AS (
                   SELECT rows.*, row_number() OVER (
                       PARTITION BY outcome, sa_kind, actor_kind, new_state, new_sa, new_actor
                       ORDER BY NOT readable, target_id) AS rank
                   FROM rows)
               SELECT outcome, sa_kind, actor_kind, new_state, new_sa, new_actor, count(*),
                      array_agg(target_id ORDER BY target_id)
                          FILTER (WHERE rank <= %(sample)s AND readable)
               FROM ranked
               GROUP BY outcome, sa_kind, actor_kind, new_state, new_sa, new_actor
               UNION ALL
               SELECT 'membership', NULL, NULL, 'active', false, false,
                      count(DISTINCT (sa_id, actor_id)), NULL
               FROM rows WHERE new_membership
               ORDER BY 1, 2, 3, 4""",
            classified=classify.classified(shape, now_us),
            sample=SAMPLE_SIZE,
        )
    )
    keys = ("outcome", "sa_kind", "actor_kind", "new_state", "new_sa", "new_actor")
    return [
        {**dict(zip(keys, row[:6], strict=True)), "count": row[6], "sample": row[7] or []}
        for row in cr.fetchall()
    ]


def totals(group_list, unstamped_count=0):
    """What a backfill is compared with: rows per layer, skips per reason."""
    result = {"sa": 0, "actor": 0, "membership": 0, "empty_stamp": unstamped_count}
    for group in group_list:
        outcome = group["outcome"]
        if outcome == "membership":
            result["membership"] += group["count"]
            continue
        if outcome == classify.CREATE:
            result["sa"] += group["count"] if group["new_sa"] else 0
            result["actor"] += group["count"] if group["new_actor"] else 0
        result[outcome] = result.get(outcome, 0) + group["count"]
    return result
