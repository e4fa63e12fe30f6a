"""What an actor row's reach rests on beside its parent: the holder (issue 22).

An actor row reaches only while its actor's membership in the parent's SA is
active and inside its window, the SA is active and the actor is active
(docs/design.md §3 "Actor ⊆ SA"). Every governed read answers from one index on the
actor table, so the row carries, kept by the database:

* ``ov_holder_live``: that membership exists and is active, the SA and the
  actor are active;
* ``ov_member_from_us`` / ``ov_member_to_us``: that membership's window;

and two generated columns, ``ov_reach_from_us`` / ``ov_reach_to_us``: the
row's own window cut to the membership's. ``ov_reach_actor_id`` (the actor
while the row is live, see ``actor_association_mixin``) includes the holder,
so suspending a membership, its window passing, archiving the SA or the actor
take reach away at the moment they happen and give it back when undone,
with no cron and no change to the reads.

The same triggers make actor ⊆ SA hold at commit under concurrency: a row
that becomes (or stays) live with a new window, parent or actor first
updates its parent row and its actor's active membership (a no-op UPDATE, at
most once per transaction). Once: a version this transaction wrote carries
its id in ``xmin``, unless a savepoint wrote it (the subtransaction's id),
as every ORM transition does; so the last parent, membership, SA and actor
written are also kept in transaction-local settings, which a rolled-back
savepoint restores with its writes (``ov_association_holder_first_write``,
used by every trigger that writes what a row rests on). Without them, the rows of one parent or
of one membership wrote it again for each row inside a savepoint (50 000
versions of one membership for a window change of 50 000 actor rows, each
scan longer than the one before: 33 s instead of 7). Under REPEATABLE READ two transactions that
update one row cannot both commit, so a concurrent change of the parent
(state, window), of the membership (state, window) or of the SA or actor
(which update their active memberships) fails one of them with a
serialization error, which Odoo retries. Locks are taken in one order:
parent, membership, actor row.
"""

from odoo.tools import SQL

from . import audit_sql, schema_sql

_PREFIX = "ov_association_holder_"

# The holder of (SA, actor): membership active, SA and actor active.
_HOLDER = """
CREATE OR REPLACE FUNCTION ov_association_holder(p_sa integer, p_actor integer)
RETURNS TABLE (live boolean, from_us bigint, to_us bigint)
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(sa.active AND actor.active AND membership.id IS NOT NULL, false),
           membership.ov_date_from_us, membership.ov_date_to_us
      FROM ov_sa sa
      JOIN ov_actor actor ON actor.id = p_actor
      LEFT JOIN ov_sa_membership membership
        ON membership.sa_id = sa.id AND membership.actor_id = actor.id
       AND membership.state = 'active'
     WHERE sa.id = p_sa
$$;
"""

# Recompute the holder columns of the rows of one actor table, for one SA,
# one actor, or both (NULL: any). Only rows whose values change are written.
_REFRESH = """
CREATE OR REPLACE FUNCTION ov_association_holder_refresh(
    actor_table text, parent_table text, parent_column text, p_sa integer, p_actor integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'WITH fresh AS ('
        '  SELECT row.id, COALESCE(holder.live, false) AS live, holder.from_us, holder.to_us'
        '    FROM %1$I row JOIN %2$I parent ON parent.id = row.%3$I'
        '    LEFT JOIN LATERAL ov_association_holder(parent.sa_id, row.actor_id) holder ON true'
        '   WHERE ($1 IS NULL OR parent.sa_id = $1) AND ($2 IS NULL OR row.actor_id = $2))'
        ' UPDATE %1$I row SET ov_holder_live = fresh.live,'
        '        ov_member_from_us = fresh.from_us, ov_member_to_us = fresh.to_us'
        '   FROM fresh WHERE row.id = fresh.id'
        '    AND (row.ov_holder_live, row.ov_member_from_us, row.ov_member_to_us)'
        '        IS DISTINCT FROM (fresh.live, fresh.from_us, fresh.to_us)',
        actor_table, parent_table, parent_column)
      USING p_sa, p_actor;
END $$;
"""

# Whether this transaction writes ``key`` in ``slot`` (parent, membership,
# sa, actor) for the first time in a row: the last key written in each slot
# is kept in a transaction-local setting, which a rolled-back savepoint
# restores with its writes. The triggers' ``xmin`` check alone cannot tell
# inside a savepoint (see the module docstring).
_FIRST_WRITE = """
CREATE OR REPLACE FUNCTION ov_association_holder_first_write(slot text, key text)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('ov_association.rests_on_' || slot, true) IS NOT DISTINCT FROM key THEN
        RETURN false;
    END IF;
    PERFORM set_config('ov_association.rests_on_' || slot, key, true);
    RETURN true;
END $$;
"""

# A change of a membership: its pair's rows, in every actor table (one
# trigger per table, its names in TG_ARGV). It first writes its SA and its
# actor (once per transaction): a membership created and activated in one
# transaction is invisible to a concurrent archiving of that SA or actor,
# which must still conflict with it (the concurrent soak found both a missed
# grant and a leak without it). A deadlock with an archiving, which takes
# the other order, is detected by PostgreSQL and retried by Odoo.
_FOLLOW_MEMBERSHIP = """
CREATE OR REPLACE FUNCTION ov_association_holder_follow_membership() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed record;
BEGIN
    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
    IF ov_association_holder_first_write('sa', changed.sa_id::text) THEN
        UPDATE ov_sa SET write_date = write_date
         WHERE id = changed.sa_id AND xmin <> xid(pg_current_xact_id());
    END IF;
    IF ov_association_holder_first_write('actor', changed.actor_id::text) THEN
        UPDATE ov_actor SET write_date = write_date
         WHERE id = changed.actor_id AND xmin <> xid(pg_current_xact_id());
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM ov_association_holder_refresh(
            TG_ARGV[0], TG_ARGV[1], TG_ARGV[2], OLD.sa_id, OLD.actor_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.sa_id IS DISTINCT FROM OLD.sa_id
                              OR NEW.actor_id IS DISTINCT FROM OLD.actor_id) THEN
        PERFORM ov_association_holder_refresh(
            TG_ARGV[0], TG_ARGV[1], TG_ARGV[2], NEW.sa_id, NEW.actor_id);
    END IF;
    RETURN NULL;
END $$;
"""

# An SA or an actor archived or restored (TG_ARGV[3]: which), or a parent
# moved to another SA: the rows resting on it.
_FOLLOW_RECORD = """
CREATE OR REPLACE FUNCTION ov_association_holder_follow_record() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_ARGV[3] = 'actor' THEN
        PERFORM ov_association_holder_refresh(TG_ARGV[0], TG_ARGV[1], TG_ARGV[2], NULL, NEW.id);
    ELSE
        PERFORM ov_association_holder_refresh(TG_ARGV[0], TG_ARGV[1], TG_ARGV[2], NEW.id, NULL);
    END IF;
    RETURN NULL;
END $$;
"""

# Archiving or restoring an SA or an actor writes its memberships that are not
# ended, so that it conflicts with a concurrent creation or activation of an
# actor row under them (which writes the membership too, see the fill
# trigger), and with a concurrent change of such a membership's state (both
# then derive the rows' holder from one row: one of them sees the other).
_TOUCH_MEMBERSHIPS = """
CREATE OR REPLACE FUNCTION ov_association_touch_memberships() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'UPDATE ov_sa_membership SET write_date = write_date'
        ' WHERE %I = $1 AND state IN (''draft'', ''active'', ''suspended'')', TG_ARGV[0])
      USING NEW.id;
    RETURN NULL;
END $$;
"""


def ensure_functions(cr):
    for statement in (
        _FIRST_WRITE,
        _HOLDER,
        _REFRESH,
        _FOLLOW_MEMBERSHIP,
        _FOLLOW_RECORD,
        _TOUCH_MEMBERSHIPS,
    ):
        cr.execute(statement)


def install_membership_touch(cr):
    """Once: archiving an SA or an actor writes its memberships not ended."""
    ensure_functions(cr)
    for table, column in (("ov_sa", "sa_id"), ("ov_actor", "actor_id")):
        audit_sql.replace_trigger(
            cr,
            table,
            "ov_touch_memberships",
            SQL(
                "CREATE TRIGGER ov_touch_memberships AFTER UPDATE OF active ON %s FOR EACH ROW"
                " WHEN (OLD.active IS DISTINCT FROM NEW.active)"
                " EXECUTE FUNCTION ov_association_touch_memberships(%s)",
                SQL.identifier(table),
                SQL(audit_sql.trigger_literal(column)),
            ),
        )


def install_holder_cache(cr, actor_table, parent_table, parent_column):
    """The holder columns of ``actor_table`` and the triggers that keep them.

    Returns True when the columns were new (the caller fills them)."""
    ensure_functions(cr)
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s"
        " AND column_name = 'ov_member_from_us'",
        [actor_table],
    )
    created = not cr.fetchone()
    for column in ("ov_member_from_us", "ov_member_to_us"):
        cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s bigint",
                SQL.identifier(actor_table),
                SQL.identifier(column),
            )
        )
    _install_reach_window(cr, actor_table)
    fill = f"{_PREFIX}fill_{actor_table}"[:63]
    cr.execute(
        SQL(
            """CREATE OR REPLACE FUNCTION %(fill)s() RETURNS trigger LANGUAGE plpgsql AS $$
               DECLARE
                   parent_sa integer;
               BEGIN
                   SELECT parent.sa_id INTO parent_sa
                     FROM %(parent_table)s parent WHERE parent.id = NEW.%(parent)s;
                   IF TG_OP = 'INSERT' OR NEW.%(parent)s IS DISTINCT FROM OLD.%(parent)s
                      OR NEW.actor_id IS DISTINCT FROM OLD.actor_id THEN
                       SELECT COALESCE(holder.live, false), holder.from_us, holder.to_us
                         INTO NEW.ov_holder_live, NEW.ov_member_from_us, NEW.ov_member_to_us
                         FROM ov_association_holder(parent_sa, NEW.actor_id) holder;
                       NEW.ov_holder_live := COALESCE(NEW.ov_holder_live, false);
                   END IF;
                   IF NEW.state IN ('active', 'suspended') THEN
                       -- Write what this row rests on, once per transaction
                       -- (see the module docstring): parent, then membership.
                       IF ov_association_holder_first_write(
                              'parent', TG_TABLE_NAME || ':' || NEW.%(parent)s) THEN
                           UPDATE %(parent_table)s SET write_date = write_date
                            WHERE id = NEW.%(parent)s AND xmin <> xid(pg_current_xact_id());
                       END IF;
                       IF ov_association_holder_first_write(
                              'membership', parent_sa || ':' || NEW.actor_id) THEN
                           UPDATE ov_sa_membership SET write_date = write_date
                            WHERE sa_id = parent_sa AND actor_id = NEW.actor_id
                              AND state = 'active' AND xmin <> xid(pg_current_xact_id());
                       END IF;
                   END IF;
                   RETURN NEW;
               END $$""",
            fill=SQL.identifier(fill),
            parent_table=SQL.identifier(parent_table),
            parent=SQL.identifier(parent_column),
        )
    )
    audit_sql.replace_trigger(
        cr,
        actor_table,
        "ov_holder_fill",
        SQL(
            "CREATE TRIGGER ov_holder_fill BEFORE INSERT OR UPDATE OF %s, actor_id, state,"
            " date_from, date_to ON %s FOR EACH ROW EXECUTE FUNCTION %s()",
            SQL.identifier(parent_column),
            SQL.identifier(actor_table),
            SQL.identifier(fill),
        ),
    )

    def arguments(*more):
        names = (actor_table, parent_table, parent_column, *more)
        return SQL(", ").join(SQL(audit_sql.trigger_literal(name)) for name in names)

    follow = f"ov_holder_{actor_table}"[:63]
    for table, timing, function, extra in (
        (
            "ov_sa_membership",
            "AFTER INSERT OR DELETE OR UPDATE OF state, date_from, date_to, sa_id, actor_id",
            "ov_association_holder_follow_membership",
            (),
        ),
        ("ov_sa", "AFTER UPDATE OF active", "ov_association_holder_follow_record", ("sa",)),
        ("ov_actor", "AFTER UPDATE OF active", "ov_association_holder_follow_record", ("actor",)),
    ):
        audit_sql.replace_trigger(
            cr,
            table,
            follow,
            SQL(
                "CREATE TRIGGER %s %s ON %s FOR EACH ROW EXECUTE FUNCTION %s(%s)",
                SQL.identifier(follow),
                SQL(timing),
                SQL.identifier(table),
                SQL.identifier(function),
                arguments(*extra),
            ),
        )
    # A parent moved to another SA (only a script can): its rows follow.
    audit_sql.replace_trigger(
        cr,
        parent_table,
        follow,
        SQL(
            "CREATE TRIGGER %s AFTER UPDATE OF sa_id ON %s FOR EACH ROW"
            " WHEN (OLD.sa_id IS DISTINCT FROM NEW.sa_id)"
            " EXECUTE FUNCTION ov_association_holder_follow_record(%s)",
            SQL.identifier(follow),
            SQL.identifier(parent_table),
            arguments("sa"),
        ),
    )
    if created:
        refresh_all(cr, actor_table, parent_table, parent_column)
    return created


def refresh_all(cr, actor_table, parent_table, parent_column):
    """Recompute every row's holder columns (a new install or an upgrade)."""
    cr.execute(
        "SELECT ov_association_holder_refresh(%s, %s, %s, NULL, NULL)",
        [actor_table, parent_table, parent_column],
    )


def _install_reach_window(cr, table):
    """``ov_reach_from_us`` / ``ov_reach_to_us``: the row's window cut to its
    membership's, generated by the database like the row's own window columns."""
    for column, source, member, pick, open_end in (
        ("ov_reach_from_us", "date_from", "ov_member_from_us", "GREATEST", schema_sql.MIN_US),
        ("ov_reach_to_us", "date_to", "ov_member_to_us", "LEAST", schema_sql.MAX_US),
    ):
        cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s bigint GENERATED ALWAYS AS "
                "(%s(COALESCE((EXTRACT(EPOCH FROM %s) * 1000000)::bigint, %s),"
                " COALESCE(%s, %s))) STORED",
                SQL.identifier(table),
                SQL.identifier(column),
                SQL(pick),
                SQL.identifier(source),
                open_end,
                SQL.identifier(member),
                open_end,
            )
        )


def drop_functions(cr):
    """Remove the functions (and, with them, every trigger using them)."""
    cr.execute("SELECT proname FROM pg_proc WHERE proname LIKE %s", [_PREFIX + "fill_%"])
    for (function,) in cr.fetchall():
        cr.execute(SQL("DROP FUNCTION IF EXISTS %s() CASCADE", SQL.identifier(function)))
    for function, arguments in (
        ("ov_association_holder_follow_membership", ""),
        ("ov_association_holder_follow_record", ""),
        ("ov_association_touch_memberships", ""),
        ("ov_association_holder_refresh", "text, text, text, integer, integer"),
        ("ov_association_holder", "integer, integer"),
        ("ov_association_holder_first_write", "text, text"),
    ):
        cr.execute(
            SQL(
                "DROP FUNCTION IF EXISTS %s(%s) CASCADE",
                SQL.identifier(function),
                SQL(arguments),
            )
        )
