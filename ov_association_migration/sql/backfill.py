"""Step 3 of the ADR: insert what the classification says, set-based.

One batch is one id range of the legacy table: its classification is stored
in a temporary table, then memberships, SA rows, actor rows, their audit
events and the plan's provenance rows are inserted from it, each with one
``INSERT … SELECT``. No Python loop touches a record.
"""

from odoo.tools import SQL

from . import classify

BATCH_TABLE = "ov_migration_batch"
SIDES = ("sa", "actor", "membership")


def _events(inserted, model, reason, uid, kind_column, row):
    """Audit events of rows just inserted, along the transitions of docs/design.md §3: a
    ``create`` (a draft is born) and its activation; a row the legacy data
    says ended is then expired too. Each records the row as it stands after
    it (``row`` maps the event's row columns to expressions on ``inserted``).
    """
    return SQL(
        """INSERT INTO ov_association_event (model, res_id, event, old_state, new_state,
                                             new_kind, reason, user_id, company_id, date,
                                             row_state, row_kind, %(row_columns)s)
           SELECT %(model)s, inserted.id, step.event, step.old_state, step.new_state,
                  %(kind)s, %(reason)s, %(uid)s, inserted.company_id,
                  date_trunc('second', now() AT TIME ZONE 'UTC'),
                  step.new_state, %(kind)s, %(row_values)s
           FROM inserted
           JOIN (VALUES (1, 'create', NULL, 'draft'),
                        (2, 'transition', 'draft', 'active'),
                        (3, 'transition', 'active', 'expired'))
                AS step(position, event, old_state, new_state)
             ON step.position < 3 OR inserted.state = 'expired'
           ORDER BY inserted.id, step.position""",
        model=model,
        kind=kind_column,
        reason=reason,
        uid=uid,
        row_columns=SQL(", ").join(SQL.identifier(name) for name in row),
        row_values=SQL(", ").join(row.values()),
    )


def stage(cr, shape, now_us, low, high):
    """Classify legacy ids ``[low, high)`` into the batch table; return its size."""
    cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(BATCH_TABLE)))
    where = SQL("legacy.id >= %s AND legacy.id < %s", low, high)
    cr.execute(
        SQL(
            "CREATE TEMPORARY TABLE %s ON COMMIT DROP AS "
            "SELECT * FROM (%s) rows WHERE outcome IN ('create', 'governed')",
            SQL.identifier(BATCH_TABLE),
            classify.classified(shape, now_us, where),
        )
    )
    return cr.rowcount


def insert_memberships(cr, shape):
    """The memberships the batch needs and the plan may create, each once."""
    cr.execute(
        SQL(
            """WITH inserted AS (
                   INSERT INTO ov_sa_membership (sa_id, actor_id, company_id, state,
                                                 create_uid, create_date, write_uid, write_date)
                   SELECT DISTINCT batch.sa_id, batch.actor_id, batch.company_id, 'active',
                          %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                   FROM %(batch)s batch WHERE batch.new_membership
                   ON CONFLICT (sa_id, actor_id) WHERE state = 'active' DO NOTHING
                   RETURNING id, company_id, state, sa_id, actor_id)
               %(events)s""",
            uid=shape.uid,
            batch=SQL.identifier(BATCH_TABLE),
            events=_events(
                "inserted",
                "ov.sa.membership",
                shape.reason,
                shape.uid,
                SQL("NULL::varchar"),
                {"row_sa_id": SQL("inserted.sa_id"), "row_actor_id": SQL("inserted.actor_id")},
            ),
        )
    )
    return cr.rowcount // 2  # memberships are created active: two events each


def _insert_rows(cr, shape, layer):
    """Insert one layer's new rows from the batch, with their events, and note
    each new row's id in the batch (``parent_id`` for SA rows, the parent of
    the actor rows; ``actor_row_id`` for actor rows).

    ``layer`` is ``"sa"`` or ``"actor"``.
    """
    if layer == "sa":
        table, model = shape.sa_table, shape.sa_model
        link, value, kind = SQL.identifier(shape.target_column), SQL("sa_id"), SQL("sa_kind")
        join, noted = SQL("target_id"), SQL("parent_id")
    else:
        table, model = shape.actor_table, shape.actor_model
        link, value, kind = SQL.identifier(shape.parent_column), SQL("actor_id"), SQL("actor_kind")
        join, noted = SQL("parent_id"), SQL("actor_row_id")
    subject = SQL.identifier(f"{layer}_id")
    cr.execute(
        SQL(
            """WITH inserted AS (
                   INSERT INTO %(table)s (%(subject)s, %(link)s, company_id, state,
                                         association_kind, date_from, date_to, create_uid,
                                         create_date, write_uid, write_date)
                   SELECT batch.%(value)s, batch.%(join)s, batch.company_id, batch.new_state,
                          batch.%(kind)s, batch.date_from, batch.date_to,
                          COALESCE(batch.granted_by, %(uid)s), now() AT TIME ZONE 'UTC',
                          %(uid)s, now() AT TIME ZONE 'UTC'
                   FROM %(batch)s batch WHERE batch.%(new)s ORDER BY batch.target_id
                   RETURNING id, %(link)s AS link, %(subject)s AS subject, company_id, state,
                             association_kind, date_from, date_to),
               noted AS (
                   UPDATE %(batch)s batch SET %(noted)s = inserted.id
                   FROM inserted WHERE batch.%(join)s = inserted.link AND batch.%(new)s)
               %(events)s""",
            table=SQL.identifier(table),
            subject=subject,
            link=link,
            value=value,
            join=join,
            kind=kind,
            noted=noted,
            new=SQL.identifier(f"new_{layer}"),
            uid=shape.uid,
            batch=SQL.identifier(BATCH_TABLE),
            events=_events(
                "inserted",
                model,
                shape.reason,
                shape.uid,
                SQL("inserted.association_kind"),
                {
                    "row_date_from": SQL("inserted.date_from"),
                    "row_date_to": SQL("inserted.date_to"),
                    "row_target_id" if layer == "sa" else "row_parent_id": SQL("inserted.link"),
                    "row_sa_id" if layer == "sa" else "row_actor_id": SQL("inserted.subject"),
                },
            ),
        )
    )


def insert_sa_rows(cr, shape):
    """New SA rows; their ids become the parents of the batch's actor rows."""
    _insert_rows(cr, shape, "sa")


def insert_actor_rows(cr, shape):
    """New actor rows under the batch's parents (their cache is filled by
    the base addon's insert trigger)."""
    if shape.actor_table:
        _insert_rows(cr, shape, "actor")


def record_provenance(cr, shape):
    """What the plan did for each legacy row: the rerun finds it ``migrated``."""
    cr.execute(
        SQL(
            """INSERT INTO ov_migration_plan_row (plan_id, company_id, target_id, outcome,
                                                  sa_row_id, actor_row_id)
               SELECT %(plan)s, %(company)s, batch.target_id, batch.outcome, batch.parent_id,
                      batch.actor_row_id
               FROM %(batch)s batch""",
            plan=shape.plan_id,
            company=shape.company_id,
            batch=SQL.identifier(BATCH_TABLE),
        )
    )
    return cr.rowcount


def run_batch(cr, shape, now_us, low, high, analyze=False):
    """One id range, whole: returns what it created, by side.

    ``analyze`` refreshes the statistics of the tables it grew (the first
    batch: a table that was empty is otherwise planned as empty).
    """
    staged = stage(cr, shape, now_us, low, high)
    if not staged:
        return dict.fromkeys(SIDES, 0)
    cr.execute(
        SQL(
            "ALTER TABLE %s ADD COLUMN actor_row_id integer",
            SQL.identifier(BATCH_TABLE),
        )
    )
    # The joins back from the inserted rows need its statistics.
    cr.execute(SQL("ANALYZE %s", SQL.identifier(BATCH_TABLE)))
    created = {"membership": insert_memberships(cr, shape)}
    insert_sa_rows(cr, shape)
    insert_actor_rows(cr, shape)
    record_provenance(cr, shape)
    cr.execute(
        SQL(
            "SELECT count(*) FILTER (WHERE new_sa), count(*) FILTER (WHERE new_actor) FROM %s",
            SQL.identifier(BATCH_TABLE),
        )
    )
    created["sa"], created["actor"] = cr.fetchone()
    if analyze:
        refresh_statistics(cr, shape)
    return created


def refresh_statistics(cr, shape):
    """ANALYZE what the backfill grows, so the next batch's classification
    probes it by index (a table emptied or new looks empty to the planner,
    which then scans it once per legacy row)."""
    tables = ["ov_migration_plan_row", "ov_sa_membership", shape.sa_table]
    if shape.actor_table:
        tables.append(shape.actor_table)
    for table in tables:
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))


def batch_bounds(cr, shape, start, size):
    """Id bounds of the batches from legacy id ``start`` on: each range
    ``[bounds[i], bounds[i + 1])`` holds ``size`` stamped rows (the last one
    fewer), whatever the share of stamped rows. Empty when none is left."""
    cr.execute(
        SQL(
            """SELECT id FROM (
                   SELECT legacy.id, row_number() OVER (ORDER BY legacy.id) AS position
                   FROM %(table)s legacy WHERE legacy.id >= %(start)s AND (%(stamped)s)) rows
               WHERE mod(position - 1, %(size)s) = 0
               UNION ALL
               SELECT max(legacy.id) + 1 FROM %(table)s legacy
               WHERE legacy.id >= %(start)s AND (%(stamped)s)
               ORDER BY 1""",
            table=SQL.identifier(shape.legacy_table),
            start=start,
            stamped=shape.stamped("legacy"),
            size=size,
        )
    )
    return [bound for (bound,) in cr.fetchall() if bound is not None]
