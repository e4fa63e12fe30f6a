"""Odoo's own screens under the governed rule vs a stamp rule (``make bench`` section ``native``).

A list of ``ov.test.target`` opened by a plain internal user (not the
superuser, not ``su``: the record rules apply), twice over on the same rows:

* **A**: a user in ``ov_association_tests.group_governed_only``: the global
  rule ``governed.only('ov.sa_test_target', ...)`` narrows the list to the
  targets their actor reaches (one subquery of the association, rendered
  ``id = ANY(ARRAY(subquery))``); no stamp rule applies to them.
* **B**: another user, outside that group (``governed.only`` adds nothing),
  under a rule on the legacy stamp, ``[('stamp_actor_id.user_id', '=',
  user.id)]``, a rule of a group only B is in; B's actor is stamped on
  exactly the rows A's actor reaches (the stamp is filled from A's reach).

Each: Odoo's own ``web_search_read(domain=[], specification={'name': {}},
limit=80)`` (the default order, ``name, id``; it counts too when the page is
full, as the web client's list does) and ``search_count([])``; both users,
both calls, in a random order at every repeat, the ORM cache invalidated
before each call (the rule domain cache, an ormcache, stays warm, as in
production). Ratio of medians A / B. The ``EXPLAIN (ANALYZE, BUFFERS)`` of
every statement on ``ov_test_target`` the calls run goes to ``plans.txt``.

The governed background is ``bench_fill.fill_governance`` (500 actors, their
SA and actor rows, their stamps); A's actor gets ``fraction`` × N targets of
its own, between the ones that fill governs (``id % step = step // 2``),
through the same kind of rows (an SA row, an active actor row), so that its
reach is exactly ``fraction`` × N targets.
"""

import random
import re
import threading
import time

from odoo import SUPERUSER_ID, api

from .bench_db import log, vacuum
from .bench_fill import TARGET_MODEL, declare_audit_maintenance
from .bench_plans import reach_is_initplan
from .bench_reads import shuffled
from .bench_stats import percent

GOVERNED_GROUP = "ov_association_tests.group_governed_only"
READ_GROUPS = ("base.group_user", "ov_association_base.group_ov_user")
NATIVE_SA_CODE = "NATIVE-BENCH"  # not 'BENCH-%': fill_governance spreads over those
LOGINS = {"A": "bench-native-governed", "B": "bench-native-stamp"}
STAMP_GROUP = "bench native: legacy stamp rule"
STAMP_RULE = "bench native: legacy stamp (stamp_actor_id.user_id = user)"
STAMP_DOMAIN = "[('stamp_actor_id.user_id', '=', user.id)]"
PAGE = 80
# Below this many targets a sequential scan is the planner's right answer.
SEQ_SCAN_MATTERS_FROM = 100_000
SEQ_SCAN = re.compile(r"Seq Scan on ov_test_target\b")


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def _ensure_users(env):
    """Users A and B, their actors, B's group and its stamp rule (made once per database)."""
    Users = env["res.users"].with_context(active_test=False, no_reset_password=True)
    read_groups = [env.ref(xmlid).id for xmlid in READ_GROUPS]
    stamp_group = env["res.groups"].search([("name", "=", STAMP_GROUP)], limit=1)
    if not stamp_group:
        stamp_group = env["res.groups"].create({"name": STAMP_GROUP})
    extra = {"A": env.ref(GOVERNED_GROUP).id, "B": stamp_group.id}
    users, actors = {}, {}
    for path, login in LOGINS.items():
        user = Users.search([("login", "=", login)], limit=1)
        if not user:
            user = Users.create(
                {
                    "name": f"bench native {path}",
                    "login": login,
                    "company_id": env.company.id,
                    "company_ids": [(6, 0, [env.company.id])],
                    "groups_id": [(6, 0, [*read_groups, extra[path]])],
                }
            )
        actor = env["ov.actor"].with_context(active_test=False).search([("user_id", "=", user.id)])
        if not actor:
            actor = env["ov.actor"].create(
                {"name": f"bench native actor {path}", "user_id": user.id}
            )
        users[path], actors[path] = user, actor
    Rule = env["ir.rule"].with_context(active_test=False)
    if not Rule.search([("name", "=", STAMP_RULE)]):
        Rule.create(
            {
                "name": STAMP_RULE,
                "model_id": env["ir.model"]._get_id(TARGET_MODEL),
                "groups": [(6, 0, [stamp_group.id])],
                "domain_force": STAMP_DOMAIN,
                "perm_read": True,
                "perm_write": True,
                "perm_create": True,
                "perm_unlink": True,
            }
        )
    # Neither is the superuser, nor anything but a plain internal user.
    assert users["A"].has_group(GOVERNED_GROUP) and not users["B"].has_group(GOVERNED_GROUP)
    assert not any(user._is_superuser() or user._is_admin() for user in users.values())
    return users, actors


def fill(env, fraction):
    """A's actor reaches ``fraction`` × N targets; B's actor is stamped on the same rows.

    Runs after ``bench_fill.fill_governance`` (which emptied the association
    tables and the stamps). Returns the users and the number of rows reached.
    """
    step = max(1, round(1 / fraction))
    if step < 2:
        raise SystemExit(
            f"bench native: governed fraction {fraction} too large: A's own targets lie"
            " between the ones fill_governance governs (at most 0.5)"
        )
    users, actors = _ensure_users(env)
    env.flush_all()
    cr = env.cr
    declare_audit_maintenance(cr)
    company = env.company.id
    cr.execute("SELECT id FROM ov_sa WHERE code = %s", [NATIVE_SA_CODE])
    row = cr.fetchone()
    if row:
        sa = row[0]
    else:
        cr.execute(
            """INSERT INTO ov_sa (name, code, complete_name, parent_path, company_id, active,
                                  create_date, write_date)
               VALUES ('bench native SA', %s, 'bench native SA', '', %s, true, now(), now())
               RETURNING id""",
            [NATIVE_SA_CODE, company],
        )
        sa = cr.fetchone()[0]
        cr.execute("UPDATE ov_sa SET parent_path = id || '/' WHERE id = %s", [sa])
    cr.execute(
        """INSERT INTO ov_sa_membership (sa_id, actor_id, company_id, state,
                                         create_date, write_date)
           VALUES (%s, %s, %s, 'active', now(), now())""",
        [sa, actors["A"].id, company],
    )
    # The shape of fill_governance's rows: one SA row per governed target, its
    # current holder an active actor row of the parent's kind.
    cr.execute(
        """INSERT INTO ov_sa_test_target (sa_id, target_id, company_id, state, association_kind,
                                          create_date, write_date)
           SELECT %s, id, %s, 'active', 'assignment', now(), now()
           FROM ov_test_target WHERE id %% %s = %s""",
        [sa, company, step, step // 2],
    )
    cr.execute(
        """INSERT INTO ov_actor_sa_test_target (sa_test_target_id, actor_id, company_id, state,
                                               association_kind, create_date, write_date)
           SELECT id, %s, company_id, 'active', association_kind, now(), now()
           FROM ov_sa_test_target WHERE sa_id = %s""",
        [actors["A"].id, sa],
    )
    # The stamp, from the reach itself: the same rows, by construction.
    cr.execute(
        """UPDATE ov_test_target t SET stamp_sa_id = %s, stamp_actor_id = %s
           FROM ov_actor_sa_test_target a
           WHERE a.ov_reach_actor_id = %s AND a.ov_target_id = t.id""",
        [sa, actors["B"].id, actors["A"].id],
    )
    stamped = cr.rowcount
    cr.execute(
        "SELECT count(*) FROM ov_actor_sa_test_target WHERE ov_reach_actor_id = %s",
        [actors["A"].id],
    )
    reached = cr.fetchone()[0]
    assert reached == stamped, (reached, stamped)
    size = env[TARGET_MODEL].sudo().search_count([])
    assert reached == (size - step // 2) // step + 1, (reached, size, step)
    env.invalidate_all()
    return users, reached


def clean(env):
    """Remove A's rows and B's stamps: the sections after this one find the
    data as fill_governance left it (the users, their actors and the rule stay)."""
    cr = env.cr
    declare_audit_maintenance(cr)
    cr.execute("SELECT id FROM ov_sa WHERE code = %s", [NATIVE_SA_CODE])
    (sa,) = cr.fetchone()
    cr.execute(
        "UPDATE ov_test_target SET stamp_sa_id = NULL, stamp_actor_id = NULL"
        " WHERE stamp_sa_id = %s",
        [sa],
    )
    cr.execute(
        """DELETE FROM ov_actor_sa_test_target WHERE sa_test_target_id IN
               (SELECT id FROM ov_sa_test_target WHERE sa_id = %s)""",
        [sa],
    )
    cr.execute("DELETE FROM ov_sa_test_target WHERE sa_id = %s", [sa])
    cr.execute("DELETE FROM ov_sa_membership WHERE sa_id = %s", [sa])
    env.invalidate_all()


# ----------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------
def _calls(env, users):
    """(A, B) of each workload, callables without arguments, each as its user."""
    models = {path: env(user=user)[TARGET_MODEL] for path, user in users.items()}
    assert not any(model.env.su for model in models.values())

    def page(model):
        return lambda: model.web_search_read(domain=[], specification={"name": {}}, limit=PAGE)

    def count(model):
        return lambda: model.search_count([])

    workloads = {
        "web_search_read": (page(models["A"]), page(models["B"])),
        "search_count": (count(models["A"]), count(models["B"])),
    }
    return workloads, models


def _rules(env, users):
    """The rules on the target that apply to A and to B: the same (the global
    governed rule is empty for B, outside its group), and for B the stamp
    rule; the test addon's other group rules are for its own groups."""
    applied = {
        path: {
            rule.get_external_id()[rule.id] or rule.name
            for rule in env(user=user)["ir.rule"]._get_rules(TARGET_MODEL).sudo()
        }
        for path, user in users.items()
    }
    governed = "ov_association_tests.rule_governed_only"
    assert governed in applied["A"] and STAMP_RULE in applied["B"], applied
    assert applied["A"] == applied["B"] - {STAMP_RULE}, applied
    return {path: sorted(names) for path, names in applied.items()}


def _same_rows(models, expected):
    """A and B see exactly the same rows: as many, the same first page, the same set."""
    counts = {path: model.search_count([]) for path, model in models.items()}
    pages = {
        path: [r["id"] for r in model.web_search_read([], {"name": {}}, limit=PAGE)["records"]]
        for path, model in models.items()
    }
    sets = {path: set(model.search([]).ids) for path, model in models.items()}
    assert counts["A"] == counts["B"] == expected, (counts, expected)
    assert pages["A"] == pages["B"] and len(pages["A"]) == min(PAGE, expected), pages
    assert sets["A"] == sets["B"]
    return counts["A"]


def _time(env, workloads, repeats, rng):
    timings = {name: ([], []) for name in workloads}
    for _warm in range(min(20, repeats)):
        for pair in workloads.values():
            for call in pair:
                env.invalidate_all()
                call()
    for _repeat in range(repeats):
        for name, bucket, call in shuffled(workloads, rng):
            env.invalidate_all()
            start = time.perf_counter()
            call()
            timings[name][bucket].append((time.perf_counter() - start) * 1000)
    return timings


def _statements(env, call):
    """The statements on ov_test_target that ``call`` runs (Odoo's query hooks)."""
    seen = []

    def hook(cr, query, params, start, delay):
        text = query.decode() if isinstance(query, bytes) else query
        if re.search(r'\bFROM "ov_test_target"', text):
            seen.append((text, params))

    thread = threading.current_thread()
    before = getattr(thread, "query_hooks", ())
    thread.query_hooks = (*before, hook)
    try:
        env.invalidate_all()
        call()
    finally:
        thread.query_hooks = before
    return seen


def _plans(env, workloads):
    """EXPLAIN (ANALYZE, BUFFERS) of each statement of each call, as it ran."""
    cr = env.cr
    plans, seq_scans, initplans = {}, [], {}
    for name, pair in workloads.items():
        for path, call in zip(("A", "B"), pair, strict=True):
            for index, (query, params) in enumerate(_statements(env, call), 1):
                cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params)
                plan = "\n".join(row[0] for row in cr.fetchall())
                label = f"native {path} ({'governed rule' if path == 'A' else 'stamp rule'})"
                key = f"{label} / {name} / statement {index}"
                plans[key] = cr.mogrify(query, params).decode() + "\n\n" + plan
                if path == "A" and SEQ_SCAN.search(plan):
                    seq_scans.append(key)
                if path == "A" and "= ANY(ARRAY(SELECT" in query:
                    # The reach: computed once, before the target is scanned.
                    initplans[key] = reach_is_initplan(plan)
    return plans, seq_scans, initplans


def run(registry, dsn, size, fraction, repeats, key):
    """Fill, check, time and explain; the report's rows, plans and figures."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        log(f"{key}: native: A's actor reaching {percent(fraction)} of the targets")
        users, reached = fill(env, fraction)
        cr.commit()
    vacuum(dsn, ["ov_test_target", "ov_sa_test_target", "ov_actor_sa_test_target"])
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        users = {path: user.with_env(env) for path, user in users.items()}
        workloads, models = _calls(env, users)
        rules = _rules(env, users)
        seen = _same_rows(models, reached)
        log(f"{key}: native: timing web_search_read and search_count as users A and B")
        timings = _time(env, workloads, repeats, random.Random(size + int(fraction * 1000)))
        plans, seq_scans, initplans = _plans(env, workloads)
        cr.rollback()
    with registry.cursor() as cr:
        clean(api.Environment(cr, SUPERUSER_ID, {}))
        cr.commit()
    vacuum(dsn, ["ov_test_target", "ov_sa_test_target", "ov_actor_sa_test_target"])
    if seq_scans:
        banner = "!" * 72
        where = "; ".join(seq_scans)
        log(f"{banner}\n{key}: native: Seq Scan on ov_test_target in A's plans: {where}\n{banner}")
    return {
        "timings": timings,
        "plans": plans,
        "figures": {
            "rows seen by A and by B": seen,
            "rules on the target": rules,
            "A seq scans of ov_test_target": seq_scans,
            "A reach as an InitPlan": initplans,
            "seq scan matters": size >= SEQ_SCAN_MATTERS_FROM,
        },
    }
