"""Database triggers of the association tables.

They live in the database because the database also changes these tables on
its own: a deleted target cascades to (or empties) association rows, and a
deleted SA row cascades to its actor rows, without any ORM call.
"""

from odoo.tools import SQL

# Both triggers below record the row as it stood (row_* columns, see
# ov_association_event): TG_ARGV names the model, then the table columns that
# hold its target, parent, SA and actor ('' where the table has none). Their
# date is the wall clock truncated to the second, like the ORM's: an event of
# a transaction that began earlier is not dated before the change it records.
_ROW_COLUMNS = """
    row_state, row_kind, row_date_from, row_date_to,
    row_target_id, row_parent_id, row_sa_id, row_actor_id"""
_ROW_VALUES = """
    {row}->>'state', {row}->>'association_kind',
    ({row}->>'date_from')::timestamp, ({row}->>'date_to')::timestamp,
    ({row}->>NULLIF(TG_ARGV[1], ''))::integer, ({row}->>NULLIF(TG_ARGV[2], ''))::integer,
    ({row}->>NULLIF(TG_ARGV[3], ''))::integer, ({row}->>NULLIF(TG_ARGV[4], ''))::integer"""
_NOW = "date_trunc('second', clock_timestamp() AT TIME ZONE 'UTC')"

# One audit event per deleted row, whoever deletes it. ov_association.uid
# names the user: set for the whole request by ir_http (so a cascade from a
# deleted target is attributed to whoever deleted it) and by the lifecycle's
# unlink. A cascade outside any request (a script, XML-RPC) has no user.
_AUDIT_DELETE = f"""
CREATE OR REPLACE FUNCTION ov_association_audit_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    deleter integer := NULLIF(current_setting('ov_association.uid', true), '')::integer;
    old_row jsonb := to_jsonb(OLD);
BEGIN
    INSERT INTO ov_association_event (
        model, res_id, event, old_state, old_kind, reason, user_id, company_id, date,
        {_ROW_COLUMNS})
    VALUES (
        TG_ARGV[0], OLD.id, 'delete', old_row->>'state', old_row->>'association_kind',
        CASE WHEN current_setting('ov_association.unlinking', true)
                  IS DISTINCT FROM TG_TABLE_NAME
             THEN 'Removed by the database with its target or parent row' END,
        deleter, (old_row->>'company_id')::integer, {_NOW},
        {_ROW_VALUES.format(row="old_row")});
    RETURN OLD;
END $$;
"""

# Optional policy: the database emptied the target of an SA row.
_AUDIT_TARGET_EMPTIED = f"""
CREATE OR REPLACE FUNCTION ov_association_audit_target_emptied() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_row jsonb := to_jsonb(NEW);
    deleter integer := NULLIF(current_setting('ov_association.uid', true), '')::integer;
BEGIN
    INSERT INTO ov_association_event (
        model, res_id, event, old_state, new_state, old_kind, new_kind, reason,
        user_id, company_id, date, {_ROW_COLUMNS})
    VALUES (
        TG_ARGV[0], NEW.id, 'target_deleted', new_row->>'state', new_row->>'state',
        new_row->>'association_kind', new_row->>'association_kind',
        'The governed record was deleted; the association no longer governs anything',
        deleter, (new_row->>'company_id')::integer, {_NOW},
        {_ROW_VALUES.format(row="new_row")});
    RETURN NEW;
END $$;
"""

# Actor rows cache their parent's target and state (docs/design.md §4 "allowed
# cache"): filled on insert, followed on every change of the parent.
# Both triggers of each actor table are generated with static SQL (see
# install_parent_cache): PL/pgSQL then plans their statements once per
# session, where a generic function would build and plan its statement again
# for every row (a revoke of 50 000 SA rows spent 3 s of its 5.5 s there).
_CACHE_FILL_PREFIX = "ov_association_cache_fill_"
_CACHE_FOLLOW_PREFIX = "ov_association_cache_follow_"


def set_deleting_user(cr, uid):
    """Name the user the delete triggers attribute deletions to, for this
    transaction; return the value it replaces."""
    return _set_local(cr, "ov_association.uid", str(uid or ""))


def set_unlinking_table(cr, table):
    """Tell the delete trigger which table the ORM deletes from right now:
    rows of any other table are going with their target or parent."""
    return _set_local(cr, "ov_association.unlinking", table or "")


def _set_local(cr, name, value):
    cr.execute("SELECT current_setting(%s, true), set_config(%s, %s, true)", [name, name, value])
    return cr.fetchone()[0] or ""


def ensure_functions(cr):
    for statement in (_AUDIT_DELETE, _AUDIT_TARGET_EMPTIED):
        cr.execute(statement)


def replace_trigger(cr, table, name, definition):
    """Drop trigger ``name`` on ``table`` if present, then run ``definition``."""
    cr.execute(
        SQL(
            "DROP TRIGGER IF EXISTS %s ON %s",
            SQL.identifier(name),
            SQL.identifier(table),
        )
    )
    cr.execute(definition)


def _row_arguments(model, row_columns):
    """The trigger arguments: the model, then the table column of each of
    row_target_id, row_parent_id, row_sa_id, row_actor_id ('' if none)."""
    names = [model] + [
        row_columns.get(name, "")
        for name in ("row_target_id", "row_parent_id", "row_sa_id", "row_actor_id")
    ]
    return SQL(", ").join(SQL(trigger_literal(name)) for name in names)


def install_delete_audit(cr, table, model, row_columns):
    ensure_functions(cr)
    replace_trigger(
        cr,
        table,
        "ov_audit_delete",
        SQL(
            "CREATE TRIGGER ov_audit_delete AFTER DELETE ON %s FOR EACH ROW "
            "EXECUTE FUNCTION ov_association_audit_delete(%s)",
            SQL.identifier(table),
            _row_arguments(model, row_columns),
        ),
    )


def install_target_emptied_audit(cr, table, model, target_column, row_columns):
    ensure_functions(cr)
    replace_trigger(
        cr,
        table,
        "ov_audit_target_emptied",
        SQL(
            "CREATE TRIGGER ov_audit_target_emptied AFTER UPDATE OF %s ON %s "
            "FOR EACH ROW WHEN (OLD.%s IS NOT NULL AND NEW.%s IS NULL) "
            "EXECUTE FUNCTION ov_association_audit_target_emptied(%s)",
            SQL.identifier(target_column),
            SQL.identifier(table),
            SQL.identifier(target_column),
            SQL.identifier(target_column),
            _row_arguments(model, row_columns),
        ),
    )


def install_parent_cache(cr, actor_table, parent_column, parent_table, target_column):
    ensure_functions(cr)
    fill = f"{_CACHE_FILL_PREFIX}{actor_table}"[:63]
    cr.execute(
        SQL(
            """CREATE OR REPLACE FUNCTION %(fill)s() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                   SELECT parent.%(target)s, parent.state
                     INTO NEW.ov_target_id, NEW.ov_parent_state
                     FROM %(parent_table)s parent WHERE parent.id = NEW.%(parent)s;
                   RETURN NEW;
               END $$""",
            fill=SQL.identifier(fill),
            target=SQL.identifier(target_column),
            parent_table=SQL.identifier(parent_table),
            parent=SQL.identifier(parent_column),
        )
    )
    replace_trigger(
        cr,
        actor_table,
        "ov_cache_fill",
        SQL(
            "CREATE TRIGGER ov_cache_fill BEFORE INSERT OR UPDATE OF %s ON %s "
            "FOR EACH ROW EXECUTE FUNCTION %s()",
            SQL.identifier(parent_column),
            SQL.identifier(actor_table),
            SQL.identifier(fill),
        ),
    )
    follow = f"{_CACHE_FOLLOW_PREFIX}{actor_table}"[:63]
    cr.execute(
        SQL(
            """CREATE OR REPLACE FUNCTION %(follow)s() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                   UPDATE %(actor_table)s
                      SET ov_target_id = NEW.%(target)s, ov_parent_state = NEW.state
                    WHERE %(parent)s = NEW.id
                      AND (ov_target_id IS DISTINCT FROM NEW.%(target)s
                           OR ov_parent_state IS DISTINCT FROM NEW.state);
                   RETURN NEW;
               END $$""",
            follow=SQL.identifier(follow),
            actor_table=SQL.identifier(actor_table),
            target=SQL.identifier(target_column),
            parent=SQL.identifier(parent_column),
        )
    )
    replace_trigger(
        cr,
        parent_table,
        f"ov_cache_follow_{actor_table}"[:63],
        SQL(
            "CREATE TRIGGER %s AFTER UPDATE OF state, %s ON %s FOR EACH ROW EXECUTE FUNCTION %s()",
            SQL.identifier(f"ov_cache_follow_{actor_table}"[:63]),
            SQL.identifier(target_column),
            SQL.identifier(parent_table),
            SQL.identifier(follow),
        ),
    )


def trigger_literal(name):
    """A trigger argument: a string literal made of identifier characters."""
    if name and not name.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"unexpected trigger argument {name!r}")
    return f"'{name}'"


def drop_function_if_unused(cr, signature):
    """Drop the trigger function ``signature`` (``name()``) once no trigger
    calls it: a generic function an update replaced by per-table ones, which
    an addon not updated yet may still call."""
    cr.execute(
        """SELECT to_regprocedure(%s)::text, count(trigger.oid)
           FROM (SELECT to_regprocedure(%s) AS function) found
           LEFT JOIN pg_trigger trigger ON trigger.tgfoid = found.function
           GROUP BY found.function""",
        [signature, signature],
    )
    function, callers = cr.fetchone()
    if function and not callers:
        # The name as PostgreSQL itself quotes it (regprocedure's text).
        cr.execute(SQL("DROP FUNCTION %s", SQL(function)))


def drop_functions(cr):
    """Remove the trigger functions (and, with them, any trigger left)."""
    for prefix in (_CACHE_FILL_PREFIX, _CACHE_FOLLOW_PREFIX):
        cr.execute("SELECT proname FROM pg_proc WHERE proname LIKE %s", [prefix + "%"])
        for (function,) in cr.fetchall():
            cr.execute(SQL("DROP FUNCTION IF EXISTS %s() CASCADE", SQL.identifier(function)))
    for function in (
        "ov_association_audit_delete",
        "ov_association_audit_target_emptied",
        # The generic follow function of databases from before 18.0.2.2.0.
        "ov_association_cache_follow",
        "ov_association_event_immutable",
    ):
        cr.execute(SQL("DROP FUNCTION IF EXISTS %s() CASCADE", SQL.identifier(function)))
