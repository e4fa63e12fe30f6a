"""Plan-cached forms of the hottest governed statements (issue 15).

Odoo sends literal SQL, so every governed read pays the planner. A PL/pgSQL
function's statements are planned once per connection and their plans reused
(a generic plan once it costs no more than the custom ones), so the same
index probe costs less. One function per table and statement, with static
SQL, created in ``init()`` and replaced whenever its definition changes
(``CREATE OR REPLACE``); the uninstall hook drops them with the others
(prefix ``ov_association_``).

They answer for the superuser's path only: the reader's record rules are
added by the ORM as literal SQL, which a function cannot take (see
``governed_queries._ov_rows_query``), and a ``kinds`` filter or a past
moment keeps the literal form too.
"""

from odoo.tools import SQL

PREFIX = "ov_association_reach_"


def name(kind, table):
    return f"{PREFIX}{kind}_{table}"[:63]


def install_actor_functions(cr, table):
    """``reach(actor, now_us)`` → targets; ``check(actor, target, now_us)`` → bool."""
    window = "row.ov_reach_from_us <= p_now AND row.ov_reach_to_us > p_now"
    cr.execute(
        SQL(
            """CREATE OR REPLACE FUNCTION %(function)s(p_actor integer, p_now bigint)
               RETURNS SETOF integer LANGUAGE plpgsql STABLE ROWS 100 AS $$
               BEGIN
                   RETURN QUERY SELECT row.ov_target_id FROM %(table)s row
                   WHERE row.ov_reach_actor_id = p_actor AND %(window)s;
               END $$""",
            function=SQL.identifier(name("ids", table)),
            table=SQL.identifier(table),
            window=SQL(window),
        )
    )
    cr.execute(
        SQL(
            """CREATE OR REPLACE FUNCTION %(function)s(
                   p_actor integer, p_target integer, p_now bigint)
               RETURNS boolean LANGUAGE plpgsql STABLE AS $$
               BEGIN
                   RETURN EXISTS (SELECT 1 FROM %(table)s row
                                  WHERE row.ov_reach_actor_id = p_actor
                                    AND row.ov_target_id = p_target AND %(window)s);
               END $$""",
            function=SQL.identifier(name("check", table)),
            table=SQL.identifier(table),
            window=SQL(window),
        )
    )


def install_scope_function(cr, table, target_column, target_required):
    """``scope(sa, now_us)`` → the targets of an SA's effective rows."""
    cr.execute(
        SQL(
            """CREATE OR REPLACE FUNCTION %(function)s(p_sa integer, p_now bigint)
               RETURNS SETOF integer LANGUAGE plpgsql STABLE ROWS 100 AS $$
               BEGIN
                   RETURN QUERY SELECT row.%(target)s FROM %(table)s row
                   WHERE row.sa_id = p_sa AND row.state = 'active'%(present)s
                     AND row.ov_date_from_us <= p_now AND row.ov_date_to_us > p_now
                     AND EXISTS (SELECT 1 FROM ov_sa WHERE ov_sa.id = p_sa AND ov_sa.active);
               END $$""",
            function=SQL.identifier(name("scope", table)),
            target=SQL.identifier(target_column),
            table=SQL.identifier(table),
            present=SQL("")
            if target_required
            else SQL(" AND row.%s IS NOT NULL", SQL.identifier(target_column)),
        )
    )


def drop_all(cr):
    cr.execute(
        "SELECT proname, pg_get_function_identity_arguments(oid) FROM pg_proc"
        " WHERE proname LIKE %s",
        [PREFIX + "%"],
    )
    for function, parameters in cr.fetchall():
        cr.execute(
            SQL(
                "DROP FUNCTION IF EXISTS %s(%s)",
                SQL.identifier(function),
                SQL(", ").join(SQL(_type(part)) for part in parameters.split(", ")),
            )
        )


def _type(parameter):
    """The type of ``p_actor integer``: the functions take integers and bigints."""
    kind = parameter.split()[-1]
    if kind not in ("integer", "bigint"):
        raise ValueError(f"unexpected parameter {parameter!r}")
    return kind
