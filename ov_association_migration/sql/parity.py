"""Step 4 of the ADR: does the association path grant what the stamp granted?

For each side the plan has, two sets of (target, SA or actor) pairs:

* by stamp: every stamped legacy row, its stamp mapped as the backfill maps it
  (an unmapped stamp keeps an empty subject, so it can never match);
* by association: the targets the pair's effective rows give those SAs or
  actors now, read with the same conditions as the governed queries
  (``search_governed_targets``): effective SA rows for an SA, reach column
  and window of actor rows for an actor.

The subjects compared are the plan's: those its stamps map to, its default
SA, and those of the rows it backfilled; the legacy rows are those of the
plan's scope (``Shape.in_scope``), the association rows those of its company.
Differences are counted both ways and sampled among the records the plan's
user may read.
"""

from odoo.tools import SQL

from . import classify
from .dry_run import SAMPLE_SIZE


def _stamp_pairs(shape, name, side):
    mapped, join = classify._mapped(shape, side, name, "legacy")
    return SQL(
        "SELECT legacy.id AS target_id, %s AS subject FROM %s legacy%s WHERE %s IS NOT NULL AND %s",
        mapped,
        SQL.identifier(shape.legacy_table),
        join,
        SQL.identifier("legacy", side.column),
        shape.in_scope("legacy"),
    )


def _association_pairs(shape, name, effective):
    if name == "sa":
        return SQL(
            "SELECT row.%s AS target_id, row.sa_id AS subject FROM %s row"
            " WHERE %s AND row.company_id = %s",
            SQL.identifier(shape.target_column),
            SQL.identifier(shape.sa_table),
            effective,
            shape.company_id,
        )
    return SQL(
        """SELECT row.ov_target_id AS target_id, row.actor_id AS subject
           FROM %s row WHERE %s AND row.company_id = %s""",
        SQL.identifier(shape.actor_table),
        effective,
        shape.company_id,
    )


def _backfilled_subjects(shape, name):
    if name == "sa":
        return SQL(
            """SELECT row.sa_id FROM ov_migration_plan_row done
               JOIN %s row ON row.id = done.sa_row_id WHERE done.plan_id = %s""",
            SQL.identifier(shape.sa_table),
            shape.plan_id,
        )
    return SQL(
        """SELECT row.actor_id FROM ov_migration_plan_row done
           JOIN %s row ON row.id = done.actor_row_id WHERE done.plan_id = %s""",
        SQL.identifier(shape.actor_table),
        shape.plan_id,
    )


def compare(cr, shape, name, effective):
    """Differences of one side: ``{direction: (count, [[target, subject], …])}``.

    ``effective`` is the side's layer's effectiveness condition on alias
    ``row`` (the lifecycle mixin's single definition, holder included).
    """
    side = shape.sa if name == "sa" else shape.actor
    default = (
        SQL("UNION SELECT %s", shape.default_sa_id)
        if name == "sa" and shape.default_sa_id
        else SQL()
    )
    cr.execute(
        SQL(
            """WITH stamp AS MATERIALIZED (%(stamp)s),
               subjects AS MATERIALIZED (
                   SELECT subject FROM stamp WHERE subject IS NOT NULL
                   UNION %(backfilled)s %(default)s),
               association AS MATERIALIZED (
                   SELECT pairs.* FROM (%(association)s) pairs
                   WHERE pairs.subject IN (SELECT subject FROM subjects)),
               only_stamp AS (SELECT * FROM stamp EXCEPT SELECT * FROM association),
               only_association AS (SELECT * FROM association EXCEPT SELECT * FROM stamp)
               SELECT 'only_stamp', (SELECT count(*) FROM only_stamp),
                      (SELECT array_agg(ARRAY[target_id, subject]) FROM (
                           SELECT * FROM only_stamp WHERE %(readable)s
                           ORDER BY target_id, subject LIMIT %(sample)s) sample)
               UNION ALL
               SELECT 'only_association', (SELECT count(*) FROM only_association),
                      (SELECT array_agg(ARRAY[target_id, subject]) FROM (
                           SELECT * FROM only_association WHERE %(readable)s
                           ORDER BY target_id, subject LIMIT %(sample)s) sample)""",
            stamp=_stamp_pairs(shape, name, side),
            backfilled=_backfilled_subjects(shape, name),
            default=default,
            association=_association_pairs(shape, name, effective),
            sample=SAMPLE_SIZE,
            readable=shape.readable(SQL.identifier("target_id")),
        )
    )
    return {direction: (count, sample or []) for direction, count, sample in cr.fetchall()}
