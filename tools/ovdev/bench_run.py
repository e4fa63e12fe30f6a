"""The benchmark itself, run inside Odoo by ``make bench`` (see bench.py).

Data is made set-based in SQL; the association path and the legacy stamp are
timed side by side on the same rows, in the same run, from one client.
"""

import argparse
import contextlib
import json
import random
import time
from datetime import timedelta

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry

from . import bench_history
from .bench_stats import growth, percent, ratio, summarize

SAS = 50
ACTORS = 500
ACTIVATE_ROWS = 10_000
SA_MODEL = "ov.sa_test_target"
ACTOR_MODEL = "ov.actor_sa_test_target"
TARGET_MODEL = "ov.test.target"


def log(message):
    print(f"bench: {message}", flush=True)


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def _declare_audit_maintenance(cr):
    """The benchmark empties the audit log between workloads: the documented
    escape of its immutability trigger, for this transaction only."""
    cr.execute("SET LOCAL ov_association.audit_maintenance = 'on'")


def fill_targets(cr, size):
    """``size`` targets, set-based. The target table's secondary indexes are
    dropped first and rebuilt once filled (a sort each, instead of ``size``
    insertions into each): ten million rows fill in a few minutes."""
    _declare_audit_maintenance(cr)
    cr.execute(
        "TRUNCATE ov_test_target, ov_sa_test_target, ov_actor_sa_test_target,"
        " ov_sa_membership, ov_association_event RESTART IDENTITY CASCADE"
    )
    cr.execute("DELETE FROM ov_actor WHERE name LIKE 'bench actor %'")
    cr.execute("DELETE FROM ov_sa WHERE code LIKE 'BENCH-%'")
    cr.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = 'ov_test_target' AND i.schemaname = current_schema()
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                             WHERE c.conname = i.indexname)"""
    )
    indexes = cr.fetchall()
    for index, _definition in indexes:
        cr.execute(f'DROP INDEX "{index}"')
    # md5 names: a realistic, unordered sort key for "my page".
    cr.execute(
        """INSERT INTO ov_test_target (id, name, parent_path, create_date, write_date)
           SELECT g, md5(g::text), g || '/', now(), now() FROM generate_series(1, %s) g""",
        [size],
    )
    cr.execute("SELECT setval('ov_test_target_id_seq', %s)", [size])
    cr.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for _index, definition in indexes:
        cr.execute(definition)


def fill_governance(env, fraction):
    """SAs, actors, memberships, association rows and the equivalent stamps."""
    cr = env.cr
    _declare_audit_maintenance(cr)
    cr.execute(
        "TRUNCATE ov_sa_test_target, ov_actor_sa_test_target, ov_sa_membership,"
        " ov_association_event RESTART IDENTITY CASCADE"
    )
    cr.execute(
        "UPDATE ov_test_target SET stamp_sa_id = NULL, stamp_actor_id = NULL"
        " WHERE stamp_sa_id IS NOT NULL"
    )
    company = env.company.id
    cr.execute("SELECT count(*) FROM ov_sa WHERE code LIKE 'BENCH-%'")
    if not cr.fetchone()[0]:
        cr.execute(
            """INSERT INTO ov_sa (name, code, complete_name, parent_path, company_id, active,
                                  create_date, write_date)
               SELECT 'bench SA ' || g, 'BENCH-' || g, 'bench SA ' || g, '', %s, true,
                      now(), now()
               FROM generate_series(1, %s) g""",
            [company, SAS],
        )
        cr.execute("UPDATE ov_sa SET parent_path = id || '/' WHERE code LIKE 'BENCH-%'")
        cr.execute(
            """INSERT INTO ov_actor (name, active, create_date, write_date)
               SELECT 'bench actor ' || g, true, now(), now() FROM generate_series(1, %s) g""",
            [ACTORS],
        )
    # Each actor is a member of 1 to 3 SAs.
    cr.execute(
        """INSERT INTO ov_sa_membership (sa_id, actor_id, company_id, state,
                                         create_date, write_date)
           SELECT DISTINCT sa.ids[1 + (a.id * 7 + k * 13) %% array_length(sa.ids, 1)], a.id,
                  %s, 'active', now(), now()
           FROM ov_actor a
           CROSS JOIN (SELECT array_agg(id ORDER BY id) ids FROM ov_sa
                       WHERE code LIKE 'BENCH-%%') sa
           CROSS JOIN generate_series(0, 2) k
           WHERE a.name LIKE 'bench actor %%' AND k <= a.id %% 3""",
        [company],
    )
    # One SA row per governed target: every 1/fraction-th target, round-robin
    # over the SAs, with a mix of states and kinds drawn from a hash of the
    # target's rank, so that every SA gets the same mix.
    step = max(1, round(1 / fraction))
    cr.execute(
        """INSERT INTO ov_sa_test_target (sa_id, target_id, company_id, state, association_kind,
                                          create_date, write_date)
           SELECT sa.ids[1 + g.k %% array_length(sa.ids, 1)], g.id, %s,
                  CASE abs(hashint4(g.k)) %% 20 WHEN 1 THEN 'suspended'
                                                WHEN 2 THEN 'expired'
                                                WHEN 3 THEN 'revoked'
                                                ELSE 'active' END,
                  CASE WHEN abs(hashint4(-g.k)) %% 10 < 6 THEN 'assignment'
                       WHEN abs(hashint4(-g.k)) %% 10 < 9 THEN 'access'
                       ELSE 'binding' END,
                  now(), now()
           FROM (SELECT id, id / %s AS k FROM ov_test_target WHERE id %% %s = 0) g
           CROSS JOIN (SELECT array_agg(id ORDER BY id) ids FROM ov_sa
                       WHERE code LIKE 'BENCH-%%') sa""",
        [company, step, step],
    )
    # 1 to 3 actor rows per SA row, for members of its SA: the current one
    # (active, a few suspended) takes the parent's kind; the others are its
    # history (an expired and a revoked handover). So the single-valued stamp
    # below can hold exactly the same reach, and the two paths answer the same
    # question on the same rows.
    cr.execute(
        """INSERT INTO ov_actor_sa_test_target (sa_test_target_id, actor_id, company_id, state,
                                               association_kind, create_date, write_date)
           SELECT s.id, m.actor_id, s.company_id,
                  CASE WHEN s.state IN ('expired', 'revoked') THEN s.state
                       WHEN m.rank = 2 THEN 'expired'
                       WHEN m.rank = 3 THEN 'revoked'
                       WHEN s.id % 25 = 7 THEN 'suspended'
                       ELSE 'active' END,
                  CASE WHEN m.rank = 1 THEN s.association_kind ELSE 'access' END,
                  now(), now()
           FROM ov_sa_test_target s
           JOIN LATERAL (SELECT actor_id, row_number() OVER () AS rank
                         FROM (SELECT actor_id FROM ov_sa_membership
                               WHERE sa_id = s.sa_id
                               ORDER BY md5(actor_id::text || s.id::text)
                               LIMIT 1 + s.id % 3) picked) m ON true"""
    )
    # The legacy stamp: the same effective reach, on the target row itself
    # (an active SA row whose holder is suspended stamps the SA alone).
    cr.execute(
        """UPDATE ov_test_target t SET stamp_sa_id = s.sa_id, stamp_actor_id = a.actor_id
           FROM ov_sa_test_target s
           LEFT JOIN LATERAL (SELECT actor_id FROM ov_actor_sa_test_target
                              WHERE sa_test_target_id = s.id AND state = 'active'
                              ORDER BY id LIMIT 1) a ON true
           WHERE s.target_id = t.id AND s.state = 'active'"""
    )
    # The handover links' foreign keys are deferred: check them now, so that a
    # caller may still TRUNCATE these tables in this transaction (the migration
    # section does), which PostgreSQL refuses while trigger events are pending.
    cr.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cr.execute("SET CONSTRAINTS ALL DEFERRED")
    counts = {}
    for table in ("ov_sa_test_target", "ov_actor_sa_test_target", "ov_sa_membership"):
        cr.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cr.fetchone()[0]
    return counts


@contextlib.contextmanager
def _autocommit(dsn):
    """A plain client connection outside any transaction block."""
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def vacuum(dsn, tables):
    """VACUUM ANALYZE (visibility map for index-only scans, fresh statistics)."""
    with _autocommit(dsn) as cur:
        for table in tables:
            cur.execute(f"VACUUM ANALYZE {table}")


# ----------------------------------------------------------------------
# Workloads
# ----------------------------------------------------------------------
def samples(cr, repeats, seed):
    """(actor, sa, target) triples: actors with effective rows, one of their targets."""
    rng = random.Random(seed)
    cr.execute(
        """SELECT actor_id, array_agg(ov_target_id) FROM ov_actor_sa_test_target
           WHERE ov_reach_actor_id IS NOT NULL GROUP BY actor_id"""
    )
    reach = cr.fetchall()
    cr.execute("SELECT id FROM ov_sa WHERE code LIKE 'BENCH-%'")
    sas = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT max(id) FROM ov_test_target")
    max_target = cr.fetchone()[0]
    picked = []
    for index in range(repeats):
        actor, targets = rng.choice(reach)
        # Half the checks hit a reachable target, half a random one.
        target = rng.choice(targets) if index % 2 == 0 else rng.randint(1, max_target)
        picked.append((actor, rng.choice(sas), target))
    return picked


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


def _shuffled(pairs, rng):
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
    with _autocommit(dsn) as cur:
        for per_sample in statements[:20]:  # warm the caches
            for assoc, stamp in per_sample.values():
                cur.execute(assoc)
                cur.execute(stamp)
        for per_sample in statements:
            for name, bucket, sql in _shuffled(per_sample, rng):
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
        for name, bucket, call in _shuffled(workloads, rng):
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


# ----------------------------------------------------------------------
# Writes
# ----------------------------------------------------------------------
def time_activation(env, count):
    """Activate ``count`` new actor rows through the ORM; rows per second."""
    cr = env.cr
    cr.execute(
        """INSERT INTO ov_actor_sa_test_target (sa_test_target_id, actor_id, company_id, state,
                                               association_kind, create_date, write_date)
           SELECT s.id, m.actor_id, s.company_id, 'draft', 'access', now(), now()
           FROM ov_sa_test_target s
           JOIN LATERAL (SELECT actor_id FROM ov_sa_membership
                         WHERE sa_id = s.sa_id AND state = 'active'
                         ORDER BY md5(actor_id::text || s.id::text || 'w') LIMIT 1) m ON true
           WHERE s.state = 'active' AND s.association_kind IN ('access', 'assignment')
           ORDER BY s.id LIMIT %s RETURNING id""",
        [count],
    )
    rows = env[ACTOR_MODEL].browse([row[0] for row in cr.fetchall()])
    start = time.perf_counter()
    rows.action_activate()
    env.flush_all()
    elapsed = time.perf_counter() - start
    cr.commit()
    return {"rows": len(rows), "seconds": elapsed, "rows_per_second": len(rows) / elapsed}


def time_cron(env, count):
    """Past-date ``count`` active SA rows (and their children), then run the cron."""
    cr = env.cr
    past = fields.Datetime.now() - timedelta(days=1)
    earlier = past - timedelta(days=30)
    cr.execute(
        """WITH picked AS (SELECT id FROM ov_sa_test_target WHERE state = 'active'
                           ORDER BY id LIMIT %s)
           UPDATE ov_sa_test_target s SET date_from = %s, date_to = %s
           FROM picked WHERE s.id = picked.id""",
        [count, earlier, past],
    )
    picked = cr.rowcount
    cr.execute(
        """UPDATE ov_actor_sa_test_target a SET date_from = s.date_from, date_to = s.date_to
           FROM ov_sa_test_target s WHERE s.id = a.sa_test_target_id AND s.date_to = %s""",
        [past],
    )
    cr.commit()
    start = time.perf_counter()
    expired = env["ov.governance.cron"]._cron_expire_past_rows()
    elapsed = time.perf_counter() - start
    cr.execute(
        "SELECT count(*) FROM ov_actor_sa_test_target WHERE date_to = %s AND state = 'expired'",
        [past],
    )
    children = cr.fetchone()[0]
    again = env["ov.governance.cron"]._cron_expire_past_rows()
    cr.commit()
    return {
        "sa_rows_past_dated": picked,
        "expired_by_cron": expired,
        "actor_rows_expired_by_cascade": children,
        "seconds": elapsed,
        "rows_per_second": (expired + children) / elapsed,
        "second_run_expired": again,
    }


# ----------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--fractions", default="0.01,0.1")
    parser.add_argument("--repeats", type=int, default=1000)
    parser.add_argument("--cron-rows", type=int, default=100_000)
    parser.add_argument("--activate-rows", type=int, default=ACTIVATE_ROWS)
    parser.add_argument("--migration-sizes", default="1000000")
    parser.add_argument(
        "--governed",
        type=int,
        default=0,
        help="governed targets at every size (the fractions follow): growth at a fixed reach",
    )
    parser.add_argument(
        "--sections",
        default="reads,explain,native,writes,handover,migration",
        help="comma-separated sections to run",
    )
    parser.add_argument("--output", required=True)
    args = parser.parse_args(argv)
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    sizes = [int(s) for s in args.sizes.split(",")]
    fractions = [float(f) for f in args.fractions.split(",")]
    sections = set(args.sections.split(","))
    report = {
        "rows": [],
        "plans": {},
        "data": {},
        "rows_returned": {},
        "writes": {},
        "migration": [],
        "explain": [],
        "handover": {},
        "fill": {},
        "growth": [],
    }
    tables = [
        "ov_test_target",
        "ov_sa_test_target",
        "ov_actor_sa_test_target",
        "ov_sa_membership",
        "ov_actor",
        "ov_sa",
    ]
    for size in sizes if {"reads", "explain", "native"} & sections else ():
        with registry.cursor() as cr:
            log(f"filling {size} targets")
            start = time.perf_counter()
            fill_targets(cr, size)
            cr.commit()
            report["fill"][str(size)] = time.perf_counter() - start
            log(f"filled {size} targets in {report['fill'][str(size)]:.0f} s")
        for fraction in [args.governed / size] if args.governed else fractions:
            key = f"N={size} governed={percent(fraction)}"
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                log(f"{key}: filling governance rows")
                report["data"][key] = fill_governance(env, fraction)
                if "explain" in sections:
                    log(f"{key}: writing a year of audit history")
                    moment = bench_history.fill(cr, fields.Datetime.now())
                    cr.execute("SELECT count(*) FROM ov_association_event")
                    report["data"][key]["audit events (a year)"] = cr.fetchone()[0]
            vacuum(args.dsn, [*tables, "ov_association_event"])
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                picked = samples(cr, args.repeats, seed=size + int(fraction * 1000))
                rng = random.Random(size)
                if "reads" in sections:
                    log(f"{key}: timing raw SQL ({args.repeats} runs per workload)")
                    raw, plans, returned = time_raw(env, args.dsn, picked, rng)
                    report["plans"][key] = plans
                    report["rows_returned"][key] = returned
                    report["rows"] += rows_for("raw SQL", size, fraction, raw)
                    log(f"{key}: timing the ORM")
                    report["rows"] += rows_for("ORM", size, fraction, time_orm(env, picked, rng))
                if "explain" in sections:
                    log(f"{key}: timing explanations and bulk checks")
                    figures = {
                        name: summarize(samples_ms)
                        for name, samples_ms in time_explain(env, picked, rng, size).items()
                    }
                    log(f"{key}: timing answers as of {moment} (a month before the history ends)")
                    as_of, equal, actors = bench_history.time_as_of(env, picked, moment)
                    figures.update(as_of)
                    report["data"][key]["as-of now equals live"] = f"{equal} ({actors} actors)"
                    for name, figure in figures.items():
                        report["explain"].append(
                            {
                                "N": size,
                                "governed": percent(fraction),
                                "workload": name,
                                "median ms": figure["median_ms"],
                                "p95 ms": figure["p95_ms"],
                            }
                        )
                cr.rollback()
            if "native" in sections:
                # Imported here: it imports this module.
                from . import bench_native

                native = bench_native.run(registry, args.dsn, size, fraction, args.repeats, key)
                report["plans"].setdefault(key, {}).update(native["plans"])
                report["data"][key]["native"] = native["figures"]
                report["rows"] += rows_for("native (as a user)", size, fraction, native["timings"])
    if len({row["N"] for row in report["rows"]}) > 1:
        report["growth"] = growth(report["rows"])
    if "writes" in sections:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            log(f"writes: activating {args.activate_rows} actor rows")
            report["writes"]["activate actor rows"] = time_activation(env, args.activate_rows)
            log(f"writes: expiry cron over {args.cron_rows} past-dated SA rows")
            report["writes"]["expiry cron"] = time_cron(env, args.cron_rows)
    if "handover" in sections:
        # Imported here: it imports this module.
        from . import bench_handover

        report["handover"] = bench_handover.run(registry, args.dsn)
    if "migration" in sections:
        # Imported here: it imports this module.
        from . import bench_migration

        for size in (int(s) for s in args.migration_sizes.split(",") if s):
            for fraction in fractions:
                log(f"migration: N={size} stamped={percent(fraction)}")
                report["migration"].append(bench_migration.run(registry, args.dsn, size, fraction))
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
