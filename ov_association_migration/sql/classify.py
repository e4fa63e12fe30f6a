"""Step 1 and 3 of the ADR: what each stamped legacy row becomes.

``classified(shape, ...)`` is one SELECT giving, per stamped legacy row, its
*outcome* and everything the backfill writes. The dry run aggregates it; the
backfill stores a batch of it and inserts from there: the two cannot differ.

Outcomes, in the order they are decided:

* ``migrated``: this plan already backfilled the row (idempotence, resume);
* a skip reason (``SKIP_REASONS``);
* ``governed``: an equivalent live association already exists, nothing to add;
* ``create``: the rows to insert (``new_sa``, ``new_actor``, ``new_membership``).
"""

from odoo.tools import SQL

SKIP_REASONS = {
    "empty_stamp": "Empty stamp",
    "unclassified": "No classification rule matches",
    "unmapped": "Stamp value not mapped to an SA or actor",
    "invalid_window": "Legacy dates give an empty window",
    "kind_not_allowed": "Kind not allowed on the pair",
    "policy_refused": "Target refused by the pair's policy",
    "other_company": "SA, actor and target of different companies",
    "not_member": "Actor not a member of the SA (memberships not created)",
    "parent_not_active": "Existing SA row not active",
    "window_outside_parent": "Window outside the existing SA row's",
    "exclusive_taken": "Exclusive slot already taken",
}
DONE_OUTCOMES = {
    "migrated": "Already migrated by this plan",
    "governed": "Already governed by an equivalent association",
}
CREATE = "create"


def _ident(*parts):
    return SQL.identifier(*parts)


def _in(expression, values):
    if not values:
        return SQL("FALSE")
    return SQL("%s IN %s", expression, tuple(values))


def _mapped(shape, side, name, alias):
    """The SA/actor id a stamp value maps to: itself, or its mapping line."""
    if side.direct:
        return _ident(alias, side.column), SQL()
    join = SQL(
        " LEFT JOIN ov_migration_map %s ON %s = %s AND %s = %s AND %s = %s",
        _ident(f"map_{name}"),
        _ident(f"map_{name}", "plan_id"),
        shape.plan_id,
        _ident(f"map_{name}", "side"),
        name,
        _ident(f"map_{name}", "source_id"),
        _ident(alias, side.column),
    )
    return _ident(f"map_{name}", f"{name}_id"), join


def _rule_number(shape):
    branches = SQL(" ").join(
        SQL("WHEN %s THEN %s", rule.condition, rule.number) for rule in shape.rules
    )
    return SQL("CASE %s END", branches)


def _rules_table(shape):
    rows = SQL(", ").join(
        SQL("(%s, %s::varchar, %s::varchar)", rule.number, rule.sa_kind, rule.actor_kind)
        for rule in shape.rules
    )
    return SQL("(VALUES %s) AS rule(number, sa_kind, actor_kind)", rows)


def _admitted(shape):
    """Whether the actor kind is admitted by the SA kind (docs/design.md §3 matrix)."""
    pairs = [(sa, actor) for sa, actors in shape.admitted.items() for actor in actors]
    if not pairs:
        return SQL("FALSE")
    return SQL(
        "(rule.sa_kind, rule.actor_kind) IN (%s)",
        SQL(", ").join(SQL("(%s, %s)", sa, actor) for sa, actor in pairs),
    )


def base_rows(shape, where):
    """Per stamped legacy row: stamps, mapped SA/actor, rule, window, company."""
    t = "legacy"
    sa_stamp = _ident(t, shape.sa.column) if shape.sa else SQL("NULL::integer")
    actor_stamp = _ident(t, shape.actor.column) if shape.actor else SQL("NULL::integer")
    joins = []
    if shape.sa:
        sa_expr, join = _mapped(shape, shape.sa, "sa", t)
        joins.append(join)
        if shape.default_sa_id:
            sa_expr = SQL(
                "CASE WHEN %s IS NULL THEN %s ELSE %s END", sa_stamp, shape.default_sa_id, sa_expr
            )
    else:
        sa_expr = SQL("%s::integer", shape.default_sa_id or None)
    if shape.actor:
        actor_expr, join = _mapped(shape, shape.actor, "actor", t)
        joins.append(join)
    else:
        actor_expr = SQL("NULL::integer")
    company = (
        _ident(t, shape.target_company_column)
        if shape.target_company_column
        else SQL("NULL::integer")
    )
    return SQL(
        """SELECT %(t)s.id AS target_id, %(sa_stamp)s AS sa_stamp,
                  %(actor_stamp)s AS actor_stamp, %(rule)s AS rule_number,
                  %(sa)s AS sa_id, %(actor)s AS actor_id,
                  %(date_from)s AS date_from, %(date_to)s AS date_to,
                  %(granted_by)s AS granted_by, %(company)s AS target_company,
                  (%(condition)s) AS target_ok, %(readable)s AS readable
           FROM %(table)s %(t)s%(joins)s
           WHERE (%(stamped)s) AND %(where)s""",
        t=_ident(t),
        sa_stamp=sa_stamp,
        actor_stamp=actor_stamp,
        rule=_rule_number(shape),
        sa=sa_expr,
        actor=actor_expr,
        date_from=shape.date_from,
        date_to=shape.date_to,
        granted_by=shape.granted_by,
        company=company,
        condition=shape.target_condition,
        readable=shape.readable(_ident(t, "id")),
        table=_ident(shape.legacy_table),
        joins=SQL("").join(joins),
        stamped=shape.stamped(t),
        where=where,
    )


def _probe(name, table, condition, **params):
    """``LEFT JOIN LATERAL`` giving ``name.found`` when a row matches: one
    index probe per legacy row, whatever the size of ``table`` (an EXISTS
    inside the CASE below would be planned as a hash of the whole table)."""
    return SQL(
        "LEFT JOIN LATERAL (SELECT TRUE AS found FROM %s probe WHERE "
        + condition
        + " LIMIT 1) %s ON TRUE",
        _ident(table),
        *params.values(),
        _ident(name),
    )


def classified(shape, now, where=None):
    """SELECT, per stamped legacy row matching ``where``: ``target_id``,
    ``outcome``, ``sa_id``, ``actor_id``, ``sa_kind``, ``actor_kind``,
    ``new_state``, ``date_from``, ``date_to``, ``granted_by``, ``company_id``
    (the SA's), ``parent_id`` (an SA row to hang the actor row off),
    ``is_member``, ``readable`` (by the plan's user: only those are sampled),
    and what to create: ``new_sa``, ``new_actor``,
    ``new_membership``.

    ``now`` is the moment in microseconds since the epoch (UTC), as the
    generated window columns count it.
    """
    where = where or SQL("TRUE")
    probes = [
        SQL(
            "LEFT JOIN ov_migration_plan_row done ON done.plan_id = %s"
            " AND done.target_id = base.target_id",
            shape.plan_id,
        ),
        _probe(
            "member",
            "ov_sa_membership",
            "probe.sa_id = base.sa_id AND probe.actor_id = base.actor_id"
            " AND probe.state = 'active' AND probe.ov_date_from_us <= %s"
            " AND probe.ov_date_to_us > %s",
            from_us=now,
            to_us=now,
        ),
        _probe(
            "other",
            shape.sa_table,
            "probe.%s = base.target_id AND probe.association_kind = rule.sa_kind"
            " AND probe.state = 'active'",
            target=_ident(shape.target_column),
        ),
    ]
    if shape.actor_table:
        parent = _ident(shape.parent_column)
        probes += [
            _probe(
                "live_child",
                shape.actor_table,
                "probe.%s = parent.id AND probe.actor_id = base.actor_id"
                " AND probe.association_kind = rule.actor_kind"
                " AND probe.state IN ('draft', 'active', 'suspended')",
                parent=parent,
            ),
            _probe(
                "slot",
                shape.actor_table,
                "probe.%s = parent.id AND probe.association_kind = rule.actor_kind"
                " AND probe.state = 'active'",
                parent=parent,
            ),
        ]
    else:
        probes.append(SQL("LEFT JOIN (SELECT NULL::boolean AS found) live_child ON TRUE"))
        probes.append(SQL("LEFT JOIN (SELECT NULL::boolean AS found) slot ON TRUE"))
    return _classified(shape, now, where, SQL(" ").join(probes))


def _classified(shape, now_us, where, probes):
    has_actor = SQL("base.actor_id IS NOT NULL")
    member = SQL("member.found IS NOT NULL")
    live_child = SQL("live_child.found IS NOT NULL")
    new_state = SQL(
        "CASE WHEN base.date_to IS NOT NULL"
        " AND (EXTRACT(EPOCH FROM base.date_to) * 1000000)::bigint <= %s"
        " THEN 'expired' ELSE 'active' END",
        now_us,
    )
    outcome = SQL(
        """CASE
            WHEN done.id IS NOT NULL THEN 'migrated'
            WHEN base.rule_number IS NULL THEN 'unclassified'
            WHEN base.sa_id IS NULL AND base.sa_stamp IS NULL THEN 'empty_stamp'
            WHEN base.sa_id IS NULL OR sa.id IS NULL
                 OR (base.actor_stamp IS NOT NULL AND (base.actor_id IS NULL OR actor.id IS NULL))
                THEN 'unmapped'
            WHEN base.date_from IS NOT NULL AND base.date_to IS NOT NULL
                 AND base.date_from >= base.date_to THEN 'invalid_window'
            WHEN NOT %(sa_allowed)s
                 OR (%(has_actor)s AND NOT (%(actor_allowed)s AND %(admitted)s))
                THEN 'kind_not_allowed'
            WHEN NOT base.target_ok THEN 'policy_refused'
            WHEN (base.target_company IS NOT NULL AND base.target_company <> sa.company_id)
                 OR (actor.company_id IS NOT NULL AND actor.company_id <> sa.company_id)
                 OR sa.company_id <> %(plan_company)s
                THEN 'other_company'
            WHEN %(has_actor)s AND NOT %(create_memberships)s AND NOT %(member)s
                THEN 'not_member'
            WHEN parent.id IS NOT NULL AND %(has_actor)s AND NOT %(live_child)s
                 AND parent.state <> 'active' AND %(new_state)s = 'active'
                THEN 'parent_not_active'
            WHEN parent.id IS NOT NULL AND %(has_actor)s AND NOT %(live_child)s AND NOT (
                    (parent.date_from IS NULL OR (base.date_from IS NOT NULL
                                                  AND base.date_from >= parent.date_from))
                AND (parent.date_to IS NULL OR (base.date_to IS NOT NULL
                                                AND base.date_to <= parent.date_to)))
                THEN 'window_outside_parent'
            WHEN parent.id IS NOT NULL AND (NOT %(has_actor)s OR %(live_child)s)
                THEN 'governed'
            WHEN %(new_state)s = 'active' AND (
                    (parent.id IS NULL AND %(sa_exclusive)s AND other.found IS NOT NULL)
                 OR (parent.id IS NOT NULL AND %(has_actor)s AND %(actor_exclusive)s
                     AND slot.found IS NOT NULL))
                THEN 'exclusive_taken'
            ELSE 'create'
        END""",
        sa_allowed=_in(SQL("rule.sa_kind"), shape.sa_allowed),
        actor_allowed=_in(SQL("rule.actor_kind"), shape.actor_allowed),
        admitted=_admitted(shape),
        has_actor=has_actor,
        create_memberships=SQL("TRUE" if shape.create_memberships else "FALSE"),
        member=member,
        live_child=live_child,
        new_state=new_state,
        sa_exclusive=_in(SQL("rule.sa_kind"), shape.sa_exclusive),
        actor_exclusive=_in(SQL("rule.actor_kind"), shape.actor_exclusive),
        plan_company=shape.company_id,
    )
    # The SA row a new actor row hangs off, when one of the same SA, target
    # and kind is already live (the active one first).
    parent = SQL(
        """LEFT JOIN LATERAL (
               SELECT existing.id, existing.state, existing.date_from, existing.date_to
               FROM %(sa_table)s existing
               WHERE existing.%(target)s = base.target_id AND existing.sa_id = base.sa_id
               AND existing.association_kind = rule.sa_kind
               AND existing.state IN ('draft', 'active', 'suspended')
               ORDER BY existing.state = 'active' DESC, existing.id
               LIMIT 1) parent ON TRUE""",
        sa_table=_ident(shape.sa_table),
        target=_ident(shape.target_column),
    )
    # MATERIALIZED: the outcome is read several times below; inlined, the
    # planner would evaluate the whole CASE once per read.
    return SQL(
        """WITH classified AS MATERIALIZED (
               SELECT base.target_id, %(outcome)s AS outcome, base.sa_id, base.actor_id,
                      rule.sa_kind, CASE WHEN %(has_actor)s THEN rule.actor_kind END AS actor_kind,
                      %(new_state)s AS new_state, base.date_from, base.date_to,
                      base.granted_by, sa.company_id, parent.id AS parent_id, base.readable,
                      %(has_actor)s AND %(member)s AS is_member
               FROM (%(base)s) base
               LEFT JOIN %(rules)s ON rule.number = base.rule_number
               LEFT JOIN ov_sa sa ON sa.id = base.sa_id
               LEFT JOIN ov_actor actor ON actor.id = base.actor_id
               %(parent)s
               %(probes)s)
           SELECT classified.*,
                  classified.outcome = 'create' AND classified.parent_id IS NULL AS new_sa,
                  classified.outcome = 'create' AND classified.actor_id IS NOT NULL AS new_actor,
                  classified.outcome = 'create' AND classified.actor_id IS NOT NULL
                      AND NOT classified.is_member AS new_membership
           FROM classified""",
        outcome=outcome,
        has_actor=has_actor,
        new_state=new_state,
        member=member,
        base=base_rows(shape, where),
        rules=_rules_table(shape),
        parent=parent,
        probes=probes,
    )
