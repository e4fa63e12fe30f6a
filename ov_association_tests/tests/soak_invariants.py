"""The invariants the concurrent soak checks in SQL once its workers have stopped.

Each query returns the offending rows; each offending row is one violation,
described in words. The rules are docs/design.md §3, restated here in SQL
independently of the library's own definitions (its generated columns,
caches and helper SQL are what is being checked).
"""

from collections import Counter, defaultdict

from . import contract_tables as contract

# "Effective": active and now inside [date_from, date_to), open ends empty.
_WINDOW = """({t}.date_from IS NULL OR {t}.date_from <= now() AT TIME ZONE 'UTC')
    AND ({t}.date_to IS NULL OR {t}.date_to > now() AT TIME ZONE 'UTC')"""


def _effective(alias):
    return f"({alias}.state = 'active' AND {_WINDOW.format(t=alias)})"


_SOAK_ROWS = """
    ov_actor_sa_test_target a
    JOIN ov_sa_test_target p ON p.id = a.sa_test_target_id
    WHERE p.sa_id = ANY(%(sas)s)"""

# What the governed queries treat as an effective actor row: its reach column
# (the library's generated column over its own state, cached parent state and
# cached holder) and its window.
_REACHES = "a.ov_reach_actor_id IS NOT NULL AND " + _WINDOW.format(t="a")

CHECKS = {
    "effective actor row without an effective parent": f"""
        SELECT a.id, a.state, p.id, p.state FROM {_SOAK_ROWS}
        AND {_REACHES} AND NOT {_effective("p")}""",
    "effective actor row without an effective membership": f"""
        SELECT a.id, a.actor_id, p.sa_id FROM {_SOAK_ROWS} AND {_REACHES}
        AND NOT EXISTS (
            SELECT 1 FROM ov_sa_membership m WHERE m.actor_id = a.actor_id
            AND m.sa_id = p.sa_id AND {_effective("m")})""",
    # A draft created under a parent that had already ended is let be (the
    # contract is silent; it can never be activated): only a row that existed
    # when its parent ended must have followed it. Such a row was logged
    # before the parent's end, or saw the parent live when it was inserted.
    "live actor row its parent's end left behind": f"""
        SELECT a.id, a.state, a.ov_parent_state, p.id, p.state FROM {_SOAK_ROWS}
        AND a.state IN ('draft', 'active', 'suspended') AND p.state IN ('expired', 'revoked')
        AND (a.ov_parent_state IN ('draft', 'active', 'suspended')
             OR (SELECT min(e.id) FROM ov_association_event e
                 WHERE e.model = 'ov.actor_sa_test_target' AND e.res_id = a.id)
              < (SELECT max(e.id) FROM ov_association_event e
                 WHERE e.model = 'ov.sa_test_target' AND e.res_id = p.id
                 AND e.new_state IN ('expired', 'revoked')))""",
    "active or suspended actor row under a draft parent": f"""
        SELECT a.id, a.state, p.id FROM {_SOAK_ROWS}
        AND a.state IN ('active', 'suspended') AND p.state = 'draft'""",
    "live actor row of an ended membership (no effective or suspended one left)": f"""
        SELECT a.id, a.state, a.actor_id, p.sa_id FROM {_SOAK_ROWS}
        AND a.state IN ('draft', 'active', 'suspended') AND NOT EXISTS (
            SELECT 1 FROM ov_sa_membership m WHERE m.actor_id = a.actor_id
            AND m.sa_id = p.sa_id AND ({_effective("m")} OR m.state = 'suspended'))""",
    "effective actor row of an archived SA or actor": f"""
        SELECT a.id, a.actor_id, p.sa_id FROM {_SOAK_ROWS} AND {_REACHES}
        AND (NOT (SELECT active FROM ov_sa WHERE id = p.sa_id)
             OR NOT (SELECT active FROM ov_actor WHERE id = a.actor_id))""",
    "active actor row with an effective holder the governed queries miss": f"""
        SELECT a.id, a.actor_id, p.sa_id FROM {_SOAK_ROWS}
        AND {_effective("a")} AND {_effective("p")} AND a.ov_reach_actor_id IS NULL
        AND (SELECT active FROM ov_sa WHERE id = p.sa_id)
        AND (SELECT active FROM ov_actor WHERE id = a.actor_id)
        AND EXISTS (SELECT 1 FROM ov_sa_membership m WHERE m.actor_id = a.actor_id
                    AND m.sa_id = p.sa_id AND m.state = 'active')""",
    "actor row cache differs from its parent": f"""
        SELECT a.id, a.ov_target_id, a.ov_parent_state, p.target_id, p.state FROM {_SOAK_ROWS}
        AND (a.ov_target_id IS DISTINCT FROM p.target_id
             OR a.ov_parent_state IS DISTINCT FROM p.state)""",
    "two active exclusive SA rows on one target": """
        SELECT target_id, association_kind, array_agg(id) FROM ov_sa_test_target
        WHERE sa_id = ANY(%(sas)s) AND state = 'active' AND association_kind = 'assignment'
        GROUP BY target_id, association_kind HAVING count(*) > 1""",
    "two active exclusive actor rows on one parent": f"""
        SELECT a.sa_test_target_id, a.association_kind, array_agg(a.id) FROM {_SOAK_ROWS}
        AND a.state = 'active' AND a.association_kind = 'assignment'
        GROUP BY a.sa_test_target_id, a.association_kind HAVING count(*) > 1""",
    "actor kind not admitted by its live parent's kind": f"""
        SELECT a.id, a.association_kind, p.association_kind FROM {_SOAK_ROWS}
        AND a.state IN ('draft', 'active', 'suspended')
        AND NOT (p.association_kind, a.association_kind) IN %(admitted)s""",
    "two active memberships of one actor in one SA": """
        SELECT sa_id, actor_id, array_agg(id) FROM ov_sa_membership
        WHERE sa_id = ANY(%(sas)s) AND state = 'active'
        GROUP BY sa_id, actor_id HAVING count(*) > 1""",
}


def invariant_violations(cr, sas):
    admitted = tuple(
        (parent, child)
        for parent, children in contract.ACTOR_KINDS_ADMITTED.items()
        for child in children
    )
    violations = []
    for name, query in CHECKS.items():
        cr.execute(query, {"sas": sas, "admitted": admitted})
        violations += [f"{name}: {row}" for row in cr.fetchall()]
    return violations


def audit_problems(cr, ledger):
    """Differences between the audit log and the committed operations' ledgers.

    Per row: the log's events must be exactly the ledger's (as a multiset),
    and in log order they must form a valid path ending in the row's state.
    """
    rows = defaultdict(set)
    for model, res_id, *_event in ledger:
        rows[model].add(res_id)
    logged = defaultdict(list)
    for model, ids in rows.items():
        cr.execute(
            """SELECT res_id, event, old_state, new_state, old_kind, new_kind
               FROM ov_association_event WHERE model = %s AND res_id = ANY(%s) ORDER BY id""",
            [model, list(ids)],
        )
        for res_id, *event in cr.fetchall():
            logged[model, res_id].append(tuple(event))
    expected = defaultdict(Counter)
    for model, res_id, *event in ledger:
        expected[model, res_id][tuple(event)] += 1
    problems = []
    for key in sorted(set(expected) | set(logged)):
        if Counter(logged[key]) != expected[key]:
            missing = expected[key] - Counter(logged[key])
            extra = Counter(logged[key]) - expected[key]
            problems.append(f"{key}: log lacks {dict(missing)}, log has extra {dict(extra)}")
    problems += path_problems(cr, logged)
    return problems


def path_problems(cr, logged):
    """Rows whose logged events (``{(model, id): [(event, old, new, old kind,
    new kind), …]}`` in log order) do not follow the transitions (docs/design.md §3) to the
    row's current state."""
    tables = {
        "ov.sa_test_target": "ov_sa_test_target",
        "ov.actor_sa_test_target": "ov_actor_sa_test_target",
        "ov.sa.membership": "ov_sa_membership",
    }
    current = {}
    for model, table in tables.items():
        ids = [res_id for (m, res_id) in logged if m == model]
        cr.execute(f"SELECT id, state FROM {table} WHERE id = ANY(%s)", [ids])
        current.update({(model, res_id): state for res_id, state in cr.fetchall()})
    problems = []
    for key, events in logged.items():
        state, deleted = None, False
        for event, old, new, _old_kind, _new_kind in events:
            if deleted:
                problems.append(f"{key}: {event} after its deletion")
            if event == "create":
                ok = state is None and new == "draft"
                state = new
            elif event == "transition":
                ok = old == state and (old, new) in contract.TRANSITIONS
                state = new
            elif event == "kind_change":
                ok = old == new == state
            else:  # delete
                ok = old == state
                deleted = True
            if not ok:
                problems.append(f"{key}: {event} {old} -> {new} does not follow {state}")
        if not deleted and current.get(key) != state:
            problems.append(f"{key}: the log ends in {state}, the row is {current.get(key)}")
    return problems
