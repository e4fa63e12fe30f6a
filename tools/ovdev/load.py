"""``make load``: the governed reads under concurrent load, beside the stamp.

Builds ``ov_load`` with the benchmark's rows (``load_data``), starts Odoo
with ``--workers`` on 127.0.0.1, and drives each workload from N concurrent
clients for a bounded time (``load_client``): the ``/ov/v1/*`` JSON
endpoints with an API key and again with a session cookie, and
``check_governed`` through the web client's ``call_kw`` with the session
(``load_workloads``). Each has a stamp equivalent answered by the same
server, through the same transport and authentication, run right after it:
the ratio is measured side by side, and both paths' answers to the same
samples are compared. Then the SQL behind *check* and *my ids*, as the ORM
builds it for the same user, from N database connections (``load_sql``):
the library's own part, without Odoo's per-request cost. Fails on any error
or differing answer.

``prepare`` has checked that this interpreter imports Odoo 18.0.
"""

import json
import os
import subprocess
import sys
import tempfile
import urllib.request

from . import load_client, load_sql, odoo_server, pg
from .addons import REPO_ROOT
from .bench_stats import table
from .load_workloads import workloads
from .odoo_env import initdb_command, write_config

# OV_LOAD_DATABASE names another one (two loads on one server).
DATABASE = os.environ.get("OV_LOAD_DATABASE") or "ov_load"
HOST = odoo_server.HOST
CHECK_P99_GOAL_MS = 10.0


def log(message):
    print(f"load: {message}", flush=True)


def _fill(config, env, server, size, fraction, output):
    """Run ``load_data`` inside Odoo; its JSON (credentials, samples)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ovdev.load_data",
            "--config",
            config,
            "--database",
            DATABASE,
            "--dsn",
            server.dsn(DATABASE),
            "--size",
            str(size),
            "--fraction",
            str(fraction),
            "--output",
            output,
        ],
        env={**env, "PYTHONPATH": os.path.join(REPO_ROOT, "tools")},
        check=True,
    )
    with open(output, encoding="utf-8") as f:
        return json.load(f)


def _session(port, login, password):
    """The web client's session cookie for ``login``."""
    request = urllib.request.Request(
        f"http://{HOST}:{port}/web/session/authenticate",
        data=json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"db": DATABASE, "login": login, "password": password},
            }
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        reply = json.loads(response.read())
        cookies = response.headers.get_all("Set-Cookie") or []
    if "error" in reply:
        raise RuntimeError(f"cannot log in as {login}: {reply['error']}")
    for cookie in cookies:
        name, _sep, rest = cookie.partition("=")
        if name.strip() == "session_id":
            return rest.split(";")[0]
    raise RuntimeError("no session cookie in the login answer")


def drive(port, data, clients_list, seconds, warmup_seconds=3):
    samples = data["samples"]
    pairs = workloads(data["key"], _session(port, data["login"], data["password"]))
    log(f"warming every worker up ({warmup_seconds} s per workload)")
    for _name, governed, stamp in pairs:
        for workload in (governed, stamp):
            load_client.run(HOST, port, workload, samples, max(clients_list), warmup_seconds)
    results = []
    for clients in clients_list:
        for name, governed, stamp in pairs:
            log(f"{clients} client(s): {name}, {seconds:g} s each path")
            assoc, assoc_answers = load_client.run(HOST, port, governed, samples, clients, seconds)
            base, stamp_answers = load_client.run(HOST, port, stamp, samples, clients, seconds)
            compared = len(assoc_answers.keys() & stamp_answers.keys())
            differ = load_client.mismatches(assoc_answers, stamp_answers)
            results.append(
                {
                    "clients": clients,
                    "workload": name,
                    "association": assoc,
                    "stamp": base,
                    "answers_compared": compared,
                    "answers_differing": differ[:20],
                }
            )
    return results


def drive_sql(dsn, statements, clients_list, seconds):
    """The same comparison for the SQL behind *check* and *my ids*, from N
    database connections (``load_sql``)."""
    results = []
    for clients in clients_list:
        for name, (governed, stamp) in statements.items():
            log(f"{clients} connection(s): the SQL of {name}, {seconds:g} s each path")
            assoc, assoc_answers = load_sql.run(dsn, governed, clients, seconds)
            base, stamp_answers = load_sql.run(dsn, stamp, clients, seconds)
            differ = load_client.mismatches(assoc_answers, stamp_answers)
            results.append(
                {
                    "clients": clients,
                    "workload": f"{name}, SQL",
                    "association": assoc,
                    "stamp": base,
                    "answers_compared": len(assoc_answers.keys() & stamp_answers.keys()),
                    "answers_differing": differ[:20],
                }
            )
    return results


def report_rows(results):
    rows = []
    for result in results:
        assoc, stamp = result["association"], result["stamp"]
        rows.append(
            {
                "clients": result["clients"],
                "workload": result["workload"],
                "req/s": assoc["per_second"],
                "p50 ms": assoc["p50_ms"],
                "p95 ms": assoc["p95_ms"],
                "p99 ms": assoc["p99_ms"],
                "stamp req/s": stamp["per_second"],
                "stamp p50": stamp["p50_ms"],
                "stamp p99": stamp["p99_ms"],
                "p50 ratio": assoc["p50_ms"] / stamp["p50_ms"] if stamp["p50_ms"] else 0.0,
                "p99 ratio": assoc["p99_ms"] / stamp["p99_ms"] if stamp["p99_ms"] else 0.0,
                "errors": assoc["errors"] + stamp["errors"],
                "answers equal": f"{result['answers_compared'] - len(result['answers_differing'])}"
                f"/{result['answers_compared']}",
            }
        )
    return rows


def _ratio_summary(rows):
    """The goal of issue 26: every HTTP ratio at most 1.0, p50 and p99."""
    over = [
        f"{r['clients']} {r['workload']} ({r['p50 ratio']:.2f} / {r['p99 ratio']:.2f})"
        for r in rows
        if r["p50 ratio"] > 1.0 or r["p99 ratio"] > 1.0
    ]
    if not over:
        return "load: every HTTP ratio (p50 and p99) is at most 1.0"
    return f"load: HTTP ratios (p50 / p99) above 1.0 in {len(over)} of {len(rows)}: " + "; ".join(
        over
    )


def run(size, fraction, clients, seconds, workers, output_dir):
    clients_list = [int(c) for c in str(clients).split(",") if c]
    os.makedirs(output_dir, exist_ok=True)
    with pg.server() as server, tempfile.TemporaryDirectory(prefix="ov-load-") as tmp:
        config = write_config(os.path.join(tmp, "odoo.conf"), server, os.path.join(tmp, "data"))
        env = {**os.environ, **server.libpq_env()}
        pg.drop_database(server, DATABASE)
        try:
            subprocess.run(
                initdb_command(
                    config, DATABASE, ["ov_association_tests_full"], "ovbench", demo=False
                ),
                env=env,
                check=True,
            )
            data = _fill(config, env, server, size, fraction, os.path.join(tmp, "load_data.json"))
            log(
                f"{size} targets, {data['counts']['ov_sa_test_target']} SA rows, "
                f"{data['counts']['ov_actor_sa_test_target']} actor rows; Odoo with "
                f"{workers} workers"
            )
            with odoo_server.serving(config, DATABASE, tmp, workers, env) as port:
                results = drive(port, data, clients_list, seconds)
            sql_results = drive_sql(server.dsn(DATABASE), data["statements"], clients_list, seconds)
        finally:
            if os.environ.get("OV_LOAD_KEEP") != "1":
                pg.drop_database(server, DATABASE)
    rows = report_rows(results)
    sql_rows = report_rows(sql_results)
    output = os.path.join(output_dir, "load.json")
    with open(output, "w", encoding="utf-8") as f:
        json.dump(
            {
                "size": size,
                "fraction": fraction,
                "workers": workers,
                "seconds": seconds,
                "cores": os.cpu_count(),
                "results": results,
                "sql_results": sql_results,
            },
            f,
            indent=2,
        )
    print(f"HTTP, through Odoo with {workers} workers (clients = concurrent HTTP clients):")
    print(table(rows))
    print("SQL of the same reads as the ORM builds it for that user (clients = connections):")
    print(table(sql_rows))
    failures = [
        f"{r['clients']} client(s), {r['workload']}: {r['errors']} errors"
        for r in rows + sql_rows
        if r["errors"]
    ]
    failures += [
        f"{r['clients']} client(s), {r['workload']}: answers differ on samples "
        f"{r['answers_differing']}"
        for r in results + sql_results
        if r["answers_differing"]
    ]
    for result in results + sql_results:
        for path in ("association", "stamp"):
            for example in result[path]["error_examples"]:
                print(f"load: error example: {example}")
    most = max(clients_list)
    for label, workload in (
        ("HTTP", "check (key)"),
        ("HTTP", "check (session)"),
        ("SQL", "check, SQL"),
    ):
        found = results if label == "HTTP" else sql_results
        check = next(r for r in found if r["clients"] == most and r["workload"] == workload)
        p99 = check["association"]["p99_ms"]
        print(
            f"load: {label} {workload} p99 at {most} clients: {p99:.1f} ms "
            f"(goal < {CHECK_P99_GOAL_MS:g} ms: "
            f"{'met' if p99 < CHECK_P99_GOAL_MS else 'NOT met'})"
        )
    print(_ratio_summary(rows))
    print(f"load: figures in {output}")
    if failures:
        print("load: FAILED: " + "; ".join(failures))
        return 1
    print("load: PASSED: no error, the same answers on both paths")
    return 0
