"""``make bench``: build the benchmark database and run bench_run inside Odoo.

``prepare`` has checked that this interpreter imports Odoo 18.0.
"""

import json
import os
import subprocess
import sys
import tempfile

from . import pg
from .addons import REPO_ROOT
from .bench_stats import table
from .odoo_env import initdb_command, write_config

# OV_BENCH_DATABASE names another one (two benches on one server, a test).
BENCH_DATABASE = os.environ.get("OV_BENCH_DATABASE") or "ov_bench"


def run(
    sizes,
    fractions,
    repeats,
    cron_rows,
    output_dir,
    migration_sizes="1000000",
    sections="reads,explain,native,writes,handover,migration,review",
    governed=0,
    review_rows=100_000,
):
    os.makedirs(output_dir, exist_ok=True)
    with pg.server() as server, tempfile.TemporaryDirectory(prefix="ov-bench-") as tmp:
        config = write_config(os.path.join(tmp, "odoo.conf"), server, os.path.join(tmp, "data"))
        env = {**os.environ, **server.libpq_env()}
        pg.drop_database(server, BENCH_DATABASE)
        subprocess.run(
            initdb_command(
                config, BENCH_DATABASE, ["ov_association_tests_full"], "ovbench", demo=False
            ),
            env=env,
            check=True,
        )
        output = os.path.join(output_dir, "bench.json")
        try:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "ovdev.bench_run",
                    "--config",
                    config,
                    "--database",
                    BENCH_DATABASE,
                    "--dsn",
                    server.dsn(BENCH_DATABASE),
                    "--sizes",
                    sizes,
                    "--fractions",
                    fractions,
                    "--repeats",
                    str(repeats),
                    "--cron-rows",
                    str(cron_rows),
                    "--migration-sizes",
                    migration_sizes,
                    "--sections",
                    sections,
                    "--governed",
                    str(governed),
                    "--review-rows",
                    str(review_rows),
                    "--output",
                    output,
                ],
                env={**env, "PYTHONPATH": os.path.join(REPO_ROOT, "tools")},
                check=True,
            )
        finally:
            if os.environ.get("OV_BENCH_KEEP") != "1":
                pg.drop_database(server, BENCH_DATABASE)
    with open(output, encoding="utf-8") as f:
        report = json.load(f)
    for size, seconds in report["fill"].items():
        print(f"filled {size} targets in {seconds:.0f} s")
    if report["rows"]:
        print(table(report["rows"]))
    native_failures = _native_summary(report)
    if report["growth"]:
        print("growth with N (association median ms at each N; growth = largest N / smallest):")
        print(table(report["growth"]))
    for name, figures in report["writes"].items():
        print(
            f"{name}: "
            + ", ".join(
                f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()
            )
        )
    write_failures = _writes_measured_nothing(report["writes"])
    for failure in write_failures:
        print(f"bench: writes: {failure}")
    if report["explain"]:
        print("explanations and bulk checks (ORM, as superuser):")
        print(table(report["explain"]))
        for key, data in report["data"].items():
            if "as-of now equals live" in data:
                print(
                    f"{key}: answers as of now equal the live ones: {data['as-of now equals live']}"
                )
    if report.get("handover"):
        print(
            "handovers (ORM, as superuser): "
            + ", ".join(
                f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
                for k, v in report["handover"].items()
            )
        )
    if report.get("review"):
        print(
            "access reviews (ORM, as superuser): "
            + ", ".join(
                f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
                for k, v in report["review"].items()
            )
        )
    if report["migration"]:
        print("migration path (one plan: dry run, backfill, parity):")
        print(table([result["row"] for result in report["migration"]]))
    with open(os.path.join(output_dir, "plans.txt"), "w", encoding="utf-8") as f:
        for key, plans in report["plans"].items():
            for workload, plan in plans.items():
                f.write(f"== {key} / {workload}\n{plan}\n\n")
    print(f"bench: figures in {output}, plans in {os.path.join(output_dir, 'plans.txt')}")
    return 1 if native_failures or write_failures else 0


# What each write workload must have done for its rate to mean anything.
WRITE_COUNTS = {"activate actor rows": "rows", "expiry cron": "expired_by_cron"}


def _writes_measured_nothing(writes):
    """A write workload that timed no row: a rate of 0 rows/s is no measurement."""
    return [
        f"{name} timed no row ({field}=0): nothing to measure it on"
        for name, field in WRITE_COUNTS.items()
        if name in writes and not writes[name][field]
    ]


def _native_summary(report):
    """Section ``native``: what A and B saw, and the plans of A that fail it: a
    sequential scan of the target table where that matters (a large table),
    a reach not computed first (an InitPlan). The bench fails on any."""
    failing = []
    for key, data in report["data"].items():
        native = data.get("native")
        if not native:
            continue
        print(
            f"{key}: native: A (governed rule) and B (stamp rule) see the same"
            f" {native['rows seen by A and by B']} rows; ORM cache invalidated before each"
            " call, the rule domain cache (ormcache) warm as in production"
        )
        rules = native["rules on the target"]
        print(f"{key}: native: rules on the target: A {rules['A']}, B {rules['B']}")
        initplans = native["A reach as an InitPlan"]
        print(
            f"{key}: native: A's reach is an InitPlan in {sum(initplans.values())} of the"
            f" {len(initplans)} statements that read it"
        )
        scans = native["A seq scans of ov_test_target"]
        if scans and not native["seq scan matters"]:
            print(f"{key}: native: Seq Scan on ov_test_target in A's plans (a small table): ok")
            scans = []
        problems = [f"Seq Scan on ov_test_target: {name}" for name in scans]
        problems += [f"reach not an InitPlan: {name}" for name, ok in initplans.items() if not ok]
        if problems:
            print("!" * 72)
            for problem in problems:
                print(f"{key}: native: {problem}")
            print("!" * 72)
        failing += problems
    return failing
