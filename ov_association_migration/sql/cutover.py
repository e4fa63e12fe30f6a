"""Steps 5 and 6 of the ADR, held by the database so no write can bypass them.

* Freeze: a trigger on the legacy table refuses any INSERT or UPDATE that
  sets or changes a frozen stamp of a record in the plan's scope (its
  company's records and the shared ones, ``shape.in_scope``), through the
  ORM or in SQL, with an error
  that names the plan (a ``check_violation``: Odoo's RPC layer shows it as a
  ValidationError).
* Demote: the stamp becomes a derived cache of the associations. A function
  per plan and side computes the value from the live association rows; a
  trigger on the legacy table writes that value whatever a writer gives (on
  the plan's records only), and
  a trigger on the association table rewrites the stamps of the targets a
  changed row governs.

Every function this addon creates is named ``ov_migration_…``: dropping a
plan's functions (CASCADE) drops its triggers, and the uninstall hook drops
them all.
"""

from odoo.tools import SQL

from .shape import in_scope

PREFIX = "ov_migration_"

_FREEZE = """
CREATE OR REPLACE FUNCTION ov_migration_freeze() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    plan_name text;
    position integer;
    column_name text;
    changed boolean;
    company_now text;
    company_before text;
BEGIN
    -- Arguments: plan id, model, company column ('' without one), the
    -- plan's company id, then the frozen columns. A record of another
    -- company (before and after the write) is not the plan's: let it be.
    IF TG_ARGV[2] <> '' THEN
        company_now := to_jsonb(NEW)->>TG_ARGV[2];
        IF TG_OP = 'UPDATE' THEN
            company_before := to_jsonb(OLD)->>TG_ARGV[2];
        ELSE
            company_before := company_now;
        END IF;
        IF company_now IS NOT NULL AND company_now <> TG_ARGV[3]
           AND company_before IS NOT NULL AND company_before <> TG_ARGV[3] THEN
            RETURN NEW;
        END IF;
    END IF;
    FOR position IN 4 .. TG_NARGS - 1 LOOP
        column_name := TG_ARGV[position];
        IF TG_OP = 'INSERT' THEN
            changed := to_jsonb(NEW)->column_name <> 'null'::jsonb;
        ELSE
            changed := (to_jsonb(NEW)->column_name) IS DISTINCT FROM (to_jsonb(OLD)->column_name);
        END IF;
        IF changed THEN
            SELECT name INTO plan_name FROM ov_migration_plan WHERE id = TG_ARGV[0]::integer;
            RAISE EXCEPTION USING
                ERRCODE = 'check_violation',
                MESSAGE = format(
                    '%s.%s is frozen by migration plan "%s": governance of this record '
                    'lives in its associations now; change them instead.',
                    TG_ARGV[1], column_name, plan_name),
                CONSTRAINT = 'ov_migration_frozen_stamp',
                TABLE = TG_TABLE_NAME,
                COLUMN = column_name;
        END IF;
    END LOOP;
    RETURN NEW;
END $$;
"""


def _literal(text):
    """A trigger argument: identifier characters only (model and column names)."""
    if not text.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"unexpected trigger argument {text!r}")
    return SQL(f"'{text}'")


def freeze_trigger(plan_id):
    return f"{PREFIX}freeze_{plan_id}"


def scope_condition(row, company_column, company_id):
    """The plan's scope on a trigger's ``row`` (OLD or NEW): a record of its
    company or a shared one; every record of a model without a company."""
    return in_scope(row, company_column, int(company_id) if company_column else None)


def install_freeze(cr, plan_id, model, table, columns, company_column=None, company_id=None):
    """Refuse writes of ``columns`` on the plan's records (its scope only:
    another company's records stay writable, see ``_FREEZE``)."""
    cr.execute(_FREEZE)
    name = freeze_trigger(plan_id)
    cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON %s", SQL.identifier(name), SQL.identifier(table)))
    scope = [
        _literal(company_column) if company_column else SQL("''"),
        _literal(str(int(company_id or 0))),
    ]
    cr.execute(
        SQL(
            "CREATE TRIGGER %s BEFORE INSERT OR UPDATE OF %s ON %s FOR EACH ROW "
            "EXECUTE FUNCTION ov_migration_freeze(%s)",
            SQL.identifier(name),
            SQL(", ").join(SQL.identifier(column) for column in columns),
            SQL.identifier(table),
            SQL(", ").join(
                [_literal(str(plan_id)), _literal(model), *scope] + [_literal(c) for c in columns]
            ),
        )
    )


def _names(plan_id, side):
    base = f"{PREFIX}{plan_id}_{side}"
    return {
        "derived": f"{base}_derived",
        "cache": f"{base}_cache",
        "follow": f"{base}_follow",
    }


def install_demote(cr, shape, side_name, derived_value, association_table, target_expression):
    """Make ``shape``'s ``side_name`` stamp a cache of ``derived_value``.

    ``derived_value`` is an SQL expression of ``target`` (the legacy row id);
    ``target_expression`` names, in a row of ``association_table``, the
    legacy row it governs (``%s`` is replaced by OLD or NEW).
    """
    side = shape.sa if side_name == "sa" else shape.actor
    names = _names(shape.plan_id, side_name)
    legacy = SQL.identifier(shape.legacy_table)
    column = SQL.identifier(side.column)
    # Only the plan's records follow its associations: another company's
    # stamps stay as their company wrote them.
    covered = shape.in_scope("legacy")
    cr.execute(
        SQL(
            "CREATE OR REPLACE FUNCTION %s(target integer) RETURNS integer "
            "LANGUAGE sql STABLE AS $$ SELECT (%s) $$",
            SQL.identifier(names["derived"]),
            derived_value,
        )
    )
    cr.execute(
        SQL(
            """CREATE OR REPLACE FUNCTION %(cache)s() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                   NEW.%(column)s := %(derived)s(NEW.id);
                   RETURN NEW;
               END $$""",
            cache=SQL.identifier(names["cache"]),
            column=column,
            derived=SQL.identifier(names["derived"]),
        )
    )
    cr.execute(
        SQL(
            """CREATE TRIGGER %(cache)s BEFORE INSERT OR UPDATE OF %(column)s ON %(legacy)s
               FOR EACH ROW WHEN (%(scope)s) EXECUTE FUNCTION %(cache)s()""",
            cache=SQL.identifier(names["cache"]),
            column=column,
            legacy=legacy,
            scope=scope_condition("new", shape.target_company_column, shape.company_id),
        )
    )
    old_target = SQL(target_expression.replace("%s", "OLD"))
    new_target = SQL(target_expression.replace("%s", "NEW"))
    cr.execute(
        SQL(
            """CREATE OR REPLACE FUNCTION %(follow)s() RETURNS trigger LANGUAGE plpgsql AS $$
               DECLARE
                   targets integer[];
               BEGIN
                   IF TG_OP IN ('UPDATE', 'DELETE') THEN targets := targets || %(old)s; END IF;
                   IF TG_OP IN ('UPDATE', 'INSERT') THEN targets := targets || %(new)s; END IF;
                   UPDATE %(legacy)s legacy SET %(column)s = %(derived)s(legacy.id)
                   WHERE legacy.id = ANY(targets) AND %(in_scope)s
                   AND legacy.%(column)s IS DISTINCT FROM %(derived)s(legacy.id);
                   RETURN NULL;
               END $$""",
            follow=SQL.identifier(names["follow"]),
            old=old_target,
            new=new_target,
            legacy=legacy,
            column=column,
            derived=SQL.identifier(names["derived"]),
            in_scope=covered,
        )
    )
    cr.execute(
        SQL(
            """CREATE TRIGGER %(follow)s AFTER INSERT OR UPDATE OR DELETE ON %(table)s
               FOR EACH ROW EXECUTE FUNCTION %(follow)s()""",
            follow=SQL.identifier(names["follow"]),
            table=SQL.identifier(association_table),
        )
    )
    # The cache starts exact: every stamped or governed row, once.
    cr.execute(
        SQL(
            """UPDATE %(legacy)s legacy SET %(column)s = %(derived)s(legacy.id)
               WHERE %(in_scope)s AND legacy.%(column)s IS DISTINCT FROM %(derived)s(legacy.id)""",
            legacy=legacy,
            column=column,
            derived=SQL.identifier(names["derived"]),
            in_scope=covered,
        )
    )
    return cr.rowcount


def drop_plan(cr, plan_id, legacy_table):
    """Remove every trigger and function of one plan."""
    cr.execute(
        SQL(
            "DROP TRIGGER IF EXISTS %s ON %s",
            SQL.identifier(freeze_trigger(plan_id)),
            SQL.identifier(legacy_table),
        )
    )
    for side in ("sa", "actor"):
        for name in _names(plan_id, side).values():
            # CASCADE: the triggers that call it go with it.
            cr.execute(SQL("DROP FUNCTION IF EXISTS %s CASCADE", SQL.identifier(name)))


def drop_everything(cr):
    """Every function (and so every trigger) any plan created."""
    cr.execute(
        """SELECT p.proname, p.pronargs FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = current_schema() AND p.proname LIKE 'ov\\_migration\\_%'"""
    )
    for name, arguments in cr.fetchall():
        # The plans' functions take nothing (triggers) or one legacy row id.
        signature = SQL("(integer)") if arguments else SQL("()")
        cr.execute(SQL("DROP FUNCTION IF EXISTS %s%s CASCADE", SQL.identifier(name), signature))


def plans_with_triggers(cr, plan_ids):
    """Those of ``plan_ids`` that have a freeze or demotion trigger installed."""
    if not plan_ids:
        return []
    number = SQL("substring(tgname FROM %s)::integer", rf"^{PREFIX}(?:freeze_)?([0-9]+)_?")
    cr.execute(
        SQL(
            "SELECT DISTINCT %s FROM pg_trigger WHERE starts_with(tgname, %s) AND %s IN %s",
            number,
            PREFIX,
            number,
            tuple(plan_ids),
        )
    )
    return [plan_id for (plan_id,) in cr.fetchall()]


def remaining(cr):
    """Names of this addon's functions and triggers still in the database."""
    cr.execute(
        """SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = current_schema() AND p.proname LIKE 'ov\\_migration\\_%'
           UNION ALL
           SELECT tgname FROM pg_trigger WHERE tgname LIKE 'ov\\_migration\\_%'
           ORDER BY 1"""
    )
    return [name for (name,) in cr.fetchall()]
