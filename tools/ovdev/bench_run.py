"""The benchmark itself, run inside Odoo by ``make bench`` (see bench.py).

Fills the data (``bench_fill``), then runs the requested sections: reads
and explanations (``bench_reads``, ``bench_history``), Odoo's own screens
(``bench_native``), writes (``bench_writes``), handovers
(``bench_handover``), access reviews (``bench_review``) and the migration
path (``bench_migration``); writes
the report as JSON to ``--output``.
"""

import argparse
import json
import random
import time

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry

from . import bench_handover, bench_history, bench_migration, bench_native, bench_review
from .bench_db import log, vacuum
from .bench_fill import fill_governance, fill_targets, samples
from .bench_reads import rows_for, time_explain, time_orm, time_raw
from .bench_stats import growth, percent, summarize
from .bench_writes import time_activation, time_cron

ACTIVATE_ROWS = 10_000


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
    parser.add_argument("--review-rows", type=int, default=100_000)
    parser.add_argument(
        "--governed",
        type=int,
        default=0,
        help="governed targets at every size (the fractions follow): growth at a fixed reach",
    )
    parser.add_argument(
        "--sections",
        default="reads,explain,native,writes,handover,migration,review",
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
        "review": {},
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
    # The writes run on the governed rows of the last size and fraction filled:
    # alone, the section fills them too (it used to time nothing, 0 rows).
    for size in sizes if {"reads", "explain", "native", "writes"} & sections else ():
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
        report["handover"] = bench_handover.run(registry, args.dsn)
    if "review" in sections:
        report["review"] = bench_review.run(registry, args.dsn, args.review_rows)
    if "migration" in sections:
        for size in (int(s) for s in args.migration_sizes.split(",") if s):
            for fraction in fractions:
                log(f"migration: N={size} stamped={percent(fraction)}")
                report["migration"].append(bench_migration.run(registry, args.dsn, size, fraction))
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
