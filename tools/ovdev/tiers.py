"""The three test tiers: lint, pure, odoo. Each prints one summary line."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

from . import pg
from .addons import REPO_ROOT, declares_pairs, repo_addons, with_dependencies
from .odoo_env import initdb_command, odoo_problem, write_config
from .results import TierResult, count_junit, count_pre_commit

# pytest's exit code when it collected nothing: not a failure for a tier.
PYTEST_NO_TESTS = 5
TEMPLATE_CACHE_PREFIX = "ovtest"
# The conformance suite: its addon, its modules, and the variable that keeps
# it to the pairs of some addons (read by its pair discovery, tests/common.py).
CONFORMANCE_ADDON = "ov_association_tests"
CONFORMANCE_MODULES = (
    "test_conformance.py",
    "test_conformance_queries.py",
    "test_conformance_tables.py",
    "test_conformance_records.py",
)
CONFORMANCE_ADDONS_ENV = "OV_CONFORMANCE_ADDONS"


def odoo_selection(addons):
    """``(installed, tested, env)`` of the odoo tier for ``addons``.

    Without addons: every addon installed, every addon's tests. With some
    (the fast loop): only those, the addons of this repository they depend
    on and the conformance suite's addon are installed; their own tests run,
    and, for those that declare pairs, the conformance suite for their pairs
    only."""
    if not addons:
        every = repo_addons()
        return every, every, {}
    installed = with_dependencies([*addons, CONFORMANCE_ADDON])
    tested = list(addons)
    env = {}
    pair_addons = [name for name in addons if declares_pairs(name)]
    if CONFORMANCE_ADDON not in addons and pair_addons:
        tested += [f"{CONFORMANCE_ADDON}/tests/{module}" for module in CONFORMANCE_MODULES]
        env[CONFORMANCE_ADDONS_ENV] = ",".join(pair_addons)
    return installed, tested, env


def _run(cmd, env=None, capture=False):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(
        cmd,
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        text=True,
        capture_output=capture,
        check=False,
    )


def lint():
    proc = _run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color=never"],
        capture=True,
    )
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    passed, failed, skipped = count_pre_commit(proc.stdout)
    if proc.returncode and not failed:
        failed = 1  # pre-commit itself failed (config error, install error)
    return TierResult("lint", passed, failed, skipped)


def _pytest(args, junit, env=None):
    proc = _run([sys.executable, "-m", "pytest", *args, f"--junitxml={junit}"], env=env)
    if proc.returncode == PYTEST_NO_TESTS:
        return 0, 0, 0
    passed, failed, skipped = count_junit(junit) if os.path.exists(junit) else (0, 0, 0)
    if proc.returncode and not failed:
        failed = 1  # collection or internal error: pytest reported no test as failed
    return passed, failed, skipped


def pure(workdir):
    counts = _pytest(
        ["-p", "no:odoo", "-p", "no:cacheprovider", "tests"],
        os.path.join(workdir, "pure.xml"),
    )
    return TierResult("pure", *counts)


def odoo(workdir, addons=None, keep_db=False, database=None, http_port=None, template_prefix=None):
    message = odoo_problem()
    if message:
        if os.environ.get("OV_SKIP_ODOO_IF_MISSING") == "1":
            print("!" * 72)
            print("odoo tier SKIPPED: odoo not importable")
            print("!" * 72)
            return TierResult("odoo", note="SKIPPED: odoo not importable")
        print(message)
        return TierResult("odoo", failed=1, note="odoo not importable")
    try:
        installed, tested, selection_env = odoo_selection(addons)
    except ValueError as error:
        print(f"odoo tier: {error}")
        return TierResult("odoo", failed=1, note="unknown addon")
    with pg.server() as server:
        config = write_config(
            os.path.join(workdir, "odoo.conf"),
            server,
            os.path.join(workdir, "data"),
            http_port=http_port,
        )
        database = database or f"ovtest_{os.getpid()}"
        env = {**server.libpq_env(), **selection_env}
        started = time.monotonic()
        print(f"odoo tier: installing {', '.join(installed)} in {database}")
        prefix = template_prefix or TEMPLATE_CACHE_PREFIX
        init = _run(initdb_command(config, database, installed, prefix), env=env)
        print(f"odoo tier: database ready in {time.monotonic() - started:.1f}s")
        if init.returncode:
            return TierResult("odoo", failed=1, note="database initialisation failed")
        try:
            counts = _pytest(
                [
                    "-p",
                    "no:cacheprovider",
                    f"--odoo-config={config}",
                    f"--odoo-database={database}",
                    "--odoo-log-level=warn",
                    # HttpCase tests (the adversarial RPC suite) need a server;
                    # pytest-odoo starts one on a free port.
                    "--odoo-http",
                    *tested,
                ],
                os.path.join(workdir, "odoo.xml"),
                env=env,
            )
        finally:
            if keep_db:
                print(f"odoo tier: kept database {database}")
            else:
                pg.drop_database(server, database)
    return TierResult("odoo", *counts)


def run(tiers, addons=None, keep_db=False, database=None, http_port=None, template_prefix=None):
    workdir = tempfile.mkdtemp(prefix="ov-test-")
    results = []
    try:
        for tier in tiers:
            started = time.monotonic()
            if tier == "lint":
                result = lint()
            elif tier == "pure":
                result = pure(workdir)
            else:
                result = odoo(workdir, addons, keep_db, database, http_port, template_prefix)
            result.note = " ".join(
                filter(None, [result.note, f"{time.monotonic() - started:.0f}s"])
            )
            results.append(result)
            print(result.line(), flush=True)
            if not result.ok:
                break
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return results
