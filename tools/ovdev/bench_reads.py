"""The read workloads of ``make bench`` (sections ``reads`` and ``explain``).

The SQL the library issues and the ORM calls it offers, each beside the
legacy stamp's equivalent, timed side by side on the same samples, in the
same run, from one client; the report's rows from those timings.
"""

import time

from .bench_db import autocommit
from .bench_fill import SA_MODEL, TARGET_MODEL
from .bench_stats import percent, ratio, summarize


def raw_statements(env, actor, sa, target):
    """The SQL the library issues, and the stamp equivalent, per workload."""
    Sa = env[SA_MODEL]
    actor_rec = env["ov.actor"].browse(actor)
    sa_rec = env["ov.sa"].browse(sa)
    mine = Sa._ov_target_query(actor=actor_rec)
    page = Sa._ov_governed_search(actor_rec, None, limit=80).select()
    scope = Sa._ov_target_query(sa=sa_rec)
    cr = env.cr

    def text(sql):
        return cr.mogrify(sql.code, sql.params).decode()

    return {
        "my ids": (
            text(mine)[1:-1],
            cr.mogrify("SELECT id FROM ov_test_target WHERE stamp_actor_id = %s", [actor]).decode(),
        ),
        "my page": (
            text(page),
            cr.mogrify(
                "SELECT id FROM ov_test_target WHERE stamp_actor_id = %s"
                " ORDER BY name, id LIMIT 80",
                [actor],
            ).decode(),
        ),
        "check": (
            text(Sa._ov_check_query(actor_rec, target)),
            cr.mogrify(
                "SELECT EXISTS (SELECT 1 FROM ov_test_target WHERE id = %s"
                " AND stamp_actor_id = %s)",
                [target, actor],
            ).decode(),
        ),
        "SA scope": (
            text(scope)[1:-1],
            cr.mogrify("SELECT id FROM ov_test_target WHERE stamp_sa_id = %s", [sa]).decode(),
        ),
    }


def shuffled(pairs, rng):
    """(workload, bucket, statement) of one sample in a random order.

    Neither path nor workload always runs first (on warmer caches, or right
    after the other path's statement).
    """
    runs = [
        (name, bucket, statement)
        for name, pair in pairs.items()
        for bucket, statement in enumerate(pair)
    ]
    rng.shuffle(runs)
    return runs


def time_raw(env, dsn, picked, rng):
    statements = [raw_statements(env, *sample) for sample in picked]
    timings = {name: ([], []) for name in statements[0]}
    returned = {name: [0, 0] for name in statements[0]}
    with autocommit(dsn) as cur:
        for per_sample in statements[:20]:  # warm the caches
            for assoc, stamp in per_sample.values():
                cur.execute(assoc)
                cur.execute(stamp)
        for per_sample in statements:
            for name, bucket, sql in shuffled(per_sample, rng):
                start = time.perf_counter()
                cur.execute(sql)
                returned[name][bucket] += len(cur.fetchall())
                timings[name][bucket].append((time.perf_counter() - start) * 1000)
        plans = {}
        for name, (assoc, _stamp) in statements[0].items():
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + assoc)
            plans[name] = "\n".join(row[0] for row in cur.fetchall())
    # Same question, same rows: both paths must return as much.
    rows_returned = {
        name: {"association": assoc / len(statements), "stamp": stamp / len(statements)}
        for name, (assoc, stamp) in returned.items()
    }
    return timings, plans, rows_returned


def time_orm(env, picked, rng):
    Sa = env[SA_MODEL]
    Target = env[TARGET_MODEL]
    workloads = {
        "my ids": (
            lambda a, s, t: Sa.search_governed_targets(actor_id=a),
            lambda a, s, t: Target.search([("stamp_actor_id", "=", a)]),
        ),
        "my page": (
            lambda a, s, t: Sa.search_governed_targets(actor_id=a, limit=80),
            lambda a, s, t: Target.search([("stamp_actor_id", "=", a)], limit=80),
        ),
        "check": (
            lambda a, s, t: Sa.check_governed(t, actor_id=a),
            lambda a, s, t: bool(
                Target.search_count([("id", "=", t), ("stamp_actor_id", "=", a)], limit=1)
            ),
        ),
        "SA scope": (
            lambda a, s, t: Sa.search_governed_targets(sa_id=s),
            lambda a, s, t: Target.search([("stamp_sa_id", "=", s)]),
        ),
        # The same two sets in id order, on both paths: what is left of the
        # gap above once no native field (the default order, name) must be
        # read from every governed target.
        "my ids, by id": (
            lambda a, s, t: Sa.search_governed_targets(actor_id=a, order="id"),
            lambda a, s, t: Target.search([("stamp_actor_id", "=", a)], order="id"),
        ),
        "SA scope, by id": (
            lambda a, s, t: Sa.search_governed_targets(sa_id=s, order="id"),
            lambda a, s, t: Target.search([("stamp_sa_id", "=", s)], order="id"),
        ),
    }
    timings = {name: ([], []) for name in workloads}
    for sample in picked[:20]:
        for assoc, stamp in workloads.values():
            assoc(*sample)
            stamp(*sample)
    for sample in picked:
        for name, bucket, call in shuffled(workloads, rng):
            start = time.perf_counter()
            call(*sample)
            timings[name][bucket].append((time.perf_counter() - start) * 1000)
    return timings


def time_explain(env, picked, rng, size, many=1000):
    """Medians of ``explain_governed`` and of ``check_governed_many`` over ``many`` ids."""
    Sa = env[SA_MODEL]
    workloads = {
        "explain": lambda a, s, t: Sa.explain_governed(t, actor_id=a),
        f"check many ({many} ids)": lambda a, s, t: Sa.check_governed_many(
            [t, *(rng.randint(1, size) for _i in range(many - 1))], actor_id=a
        ),
    }
    timings = {name: [] for name in workloads}
    for sample in picked[:20]:
        for call in workloads.values():
            call(*sample)
    for sample in picked:
        for name, call in workloads.items():
            start = time.perf_counter()
            call(*sample)
            timings[name].append((time.perf_counter() - start) * 1000)
    return timings


def rows_for(label, size, fraction, timings):
    rows = []
    for name, (assoc_ms, stamp_ms) in timings.items():
        assoc, stamp = summarize(assoc_ms), summarize(stamp_ms)
        rows.append(
            {
                "path": label,
                "N": size,
                "governed": percent(fraction),
                "workload": name,
                "assoc median ms": assoc["median_ms"],
                "assoc p95 ms": assoc["p95_ms"],
                "stamp median ms": stamp["median_ms"],
                "stamp p95 ms": stamp["p95_ms"],
                "ratio": ratio(assoc, stamp),
            }
        )
    return rows
