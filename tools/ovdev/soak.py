"""``make soak``: the model-based and the concurrent soak, long, on a copy of the test template.

The database is made as the odoo tier makes its own (click-odoo-initdb from
the cached template with every addon), the two soak tests of
``ov_association_tests`` run under pytest-odoo with long settings passed as
``OV_SOAK_*`` variables, and the figures they leave in a JSON report are
summed up at the end. The exit status is non-zero when anything mismatched,
broke an invariant, escaped unexpectedly, or the tests failed.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

from . import pg
from .addons import REPO_ROOT, repo_addons
from .odoo_env import ODOO_MISSING, initdb_command, odoo_version, write_config
from .tiers import TEMPLATE_CACHE_PREFIX

TESTS = (
    "ov_association_tests/tests/test_soak_model.py",
    "ov_association_tests/tests/test_soak_concurrent.py",
)


def run(seconds, workers, examples, steps):
    if odoo_version() != 18:
        print(ODOO_MISSING.format(python=sys.executable))
        return 1
    started = time.monotonic()
    with pg.server() as server, tempfile.TemporaryDirectory(prefix="ov-soak-") as tmp:
        config = write_config(os.path.join(tmp, "odoo.conf"), server, os.path.join(tmp, "data"))
        database = f"ovsoak_{os.getpid()}"
        env = {**os.environ, **server.libpq_env()}
        init = subprocess.run(
            initdb_command(config, database, repo_addons(), TEMPLATE_CACHE_PREFIX),
            env=env,
            check=False,
        )
        if init.returncode:
            print("soak: database initialisation failed")
            return 1
        report_path = os.path.join(tmp, "soak.json")
        soak_env = {
            "OV_SOAK_REPORT": report_path,
            "OV_SOAK_SECONDS": str(seconds),
            "OV_SOAK_WORKERS": str(workers),
            "OV_SOAK_EXAMPLES": str(examples),
            "OV_SOAK_STEPS": str(steps),
            "OV_SOAK_RANDOM": "1",
        }
        try:
            tests = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-p",
                    "no:cacheprovider",
                    "-s",
                    f"--odoo-config={config}",
                    f"--odoo-database={database}",
                    "--odoo-log-level=warn",
                    *TESTS,
                ],
                cwd=REPO_ROOT,
                env={**env, **soak_env},
                check=False,
            )
        finally:
            pg.drop_database(server, database)
        report = {}
        if os.path.exists(report_path):
            with open(report_path, encoding="utf-8") as f:
                report = json.load(f)
    lines, failed = summary(report, tests.returncode, time.monotonic() - started)
    print("\n".join(lines))
    return 1 if failed else 0


def summary(report, pytest_status, elapsed):
    """The closing lines of ``make soak`` and whether the soak failed."""
    model = report.get("model", {})
    concurrent = report.get("concurrent", {})
    violations = concurrent.get("violations", [])
    mismatches = concurrent.get("mismatches", []) + (
        [model["failure"]] if model.get("failure") else []
    )
    unexpected = concurrent.get("unexpected", 0)
    lines = ["", "=" * 72]
    if model:
        lines.append(
            f"soak model:      {model['examples']} examples, {model['operations']} operations, "
            f"{model['comparisons']} comparisons in {model['seconds']:.0f}s"
        )
    else:
        lines.append("soak model:      no report (the test did not run to its end)")
    if concurrent:
        lines.append(
            f"soak concurrent: {concurrent['workers']} workers, {concurrent['seconds']:.0f}s, "
            f"seed {concurrent['seed']}: {concurrent['committed']} operations committed, "
            f"{concurrent['ops_per_second']:.1f} ops/s, {concurrent['retries']} retries, "
            f"{concurrent['refused']} refused by the contract, {unexpected} unexpected errors"
        )
    else:
        lines.append("soak concurrent: no report (the test did not run to its end)")
    lines += [f"  violation: {v}" for v in violations[:20]]
    lines += [f"  mismatch: {m}" for m in mismatches[:5]]
    lines += [f"  unexpected: {f}" for f in concurrent.get("failures", [])[:5]]
    failed = bool(
        violations or mismatches or unexpected or pytest_status or not model or not concurrent
    )
    lines.append(
        f"soak: {len(violations)} invariant violations, {len(mismatches)} model/real mismatches, "
        f"{concurrent.get('retries', 0)} retries, {concurrent.get('ops_per_second', 0):.1f} ops/s "
        f"in {elapsed / 60:.1f} min: {'FAILED' if failed else 'OK'}"
    )
    return lines, failed
