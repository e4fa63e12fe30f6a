"""The three test tiers: lint, pure, odoo. Each prints one summary line."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

from . import pg
from .addons import REPO_ROOT, repo_addons
from .odoo_env import initdb_command, odoo_problem, write_config
from .results import TierResult, count_junit, count_pre_commit

# pytest's exit code when it collected nothing: not a failure for a tier.
PYTEST_NO_TESTS = 5
TEMPLATE_CACHE_PREFIX = "ovtest"


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


def odoo(workdir, addons=None, keep_db=False):
    message = odoo_problem()
    if message:
        if os.environ.get("OV_SKIP_ODOO_IF_MISSING") == "1":
            print("!" * 72)
            print("odoo tier SKIPPED: odoo not importable")
            print("!" * 72)
            return TierResult("odoo", note="SKIPPED: odoo not importable")
        print(message)
        return TierResult("odoo", failed=1, note="odoo not importable")
    installed = repo_addons()
    tested = addons or installed
    with pg.server() as server:
        config = write_config(
            os.path.join(workdir, "odoo.conf"), server, os.path.join(workdir, "data")
        )
        database = f"ovtest_{os.getpid()}"
        env = server.libpq_env()
        started = time.monotonic()
        init = _run(initdb_command(config, database, installed, TEMPLATE_CACHE_PREFIX), env=env)
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


def run(tiers, addons=None, keep_db=False):
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
                result = odoo(workdir, addons, keep_db)
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
