"""``make replica-check``: governed reads served by a streaming replica, for real.

Starts a throwaway primary cluster and a hot standby of it (``pg_basebackup
-R``), both as an unprivileged OS user (PostgreSQL refuses root), installs
the test addon in a database of the primary, runs an Odoo server with
``db_replica_host``/``db_replica_port`` pointing at the standby, then calls
the governed reads through ``/web/dataset/call_kw`` and ``/ov/v1/check`` and a
write through ``call_kw``. The proof is the standby's own statement log: the
governed SQL appears there, the write's INSERT does not, and the row written
is on the primary. Everything is removed afterwards.
"""

import contextlib
import glob
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from . import odoo_server
from .odoo_env import write_config
from .pg import PgServer, find_pg_ctl, free_port

DATABASE = "ov_replica"
ROLE = "ov_odoo"
MARK = "ov_reach_actor_id"  # in every governed read's SQL (the actor layer's reach column)


class Missing(Exception):
    """A prerequisite this machine lacks; the message says which."""


def log(message):
    print(f"replica-check: {message}", flush=True)


def _os_user():
    """Who runs the clusters: this user, or ``postgres`` when this is root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise Missing(
            "running as root, and there is no unprivileged 'postgres' OS user to run "
            "the clusters as (PostgreSQL refuses root): create one, or run as another user"
        ) from None
    if not shutil.which("runuser"):
        raise Missing("running as root without 'runuser' to start PostgreSQL as 'postgres'")
    return "postgres"


def _binaries():
    """pg_ctl, initdb and pg_basebackup of one PostgreSQL installation."""
    names = ("pg_ctl", "initdb", "pg_basebackup")
    candidates = [os.path.dirname(path) for path in (find_pg_ctl(),) if path]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for bindir in candidates:
        found = {name: os.path.join(bindir, name) for name in names}
        if all(os.access(path, os.X_OK) for path in found.values()):
            return found
    raise Missing(
        "PostgreSQL's server binaries (pg_ctl, initdb and pg_basebackup in one "
        "directory) are not installed"
    )


def _run(command, user=None, **kwargs):
    if user:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


@contextlib.contextmanager
def clusters(workdir, user):
    """A primary and its hot standby, each on a free port; stopped and removed after."""
    bins = _binaries()
    primary, standby = os.path.join(workdir, "primary"), os.path.join(workdir, "standby")
    ports = free_port(), free_port()
    started = []
    try:
        _run([bins["initdb"], "-D", primary, "-U", ROLE, "--auth=trust", "-E", "UTF8"], user)
        with open(os.path.join(primary, "postgresql.auto.conf"), "a", encoding="utf-8") as f:
            f.write(
                f"port = {ports[0]}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{workdir}'\nwal_level = replica\n"
                "max_wal_senders = 4\nfsync = off\n"
            )
        with open(os.path.join(primary, "pg_hba.conf"), "a", encoding="utf-8") as f:
            f.write("host replication all 127.0.0.1/32 trust\n")
        _run([bins["pg_ctl"], "-D", primary, "-l", f"{primary}.log", "-w", "start"], user)
        started.append(primary)
        _run(
            [
                bins["pg_basebackup"],
                "-h",
                "127.0.0.1",
                "-p",
                str(ports[0]),
                "-U",
                ROLE,
                "-D",
                standby,
                "-R",
                "-X",
                "stream",
            ],
            user,
        )
        with open(os.path.join(standby, "postgresql.auto.conf"), "a", encoding="utf-8") as f:
            # Every statement the standby runs is logged: the proof of where reads ran.
            f.write(f"port = {ports[1]}\nhot_standby = on\nlog_statement = 'all'\n")
        _run([bins["pg_ctl"], "-D", standby, "-l", f"{standby}.log", "-w", "start"], user)
        started.append(standby)
        yield ports, f"{standby}.log"
    finally:
        for datadir in reversed(started):
            with contextlib.suppress(subprocess.CalledProcessError):
                _run([bins["pg_ctl"], "-D", datadir, "-m", "fast", "-w", "stop"], user)


def _write_config(path, ports, data_dir):
    """Odoo on the primary, its read-only cursors on the standby."""
    write_config(path, PgServer("127.0.0.1", ports[0], ROLE), data_dir)
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"db_replica_host = 127.0.0.1\ndb_replica_port = {ports[1]}\nlist_db = False\n")


def _odoo(config, *args, stdin=None):
    command = [sys.executable, "-m", "odoo", *args[:1], "-c", config, "-d", DATABASE]
    command += ["--log-level=warn", *args[1:]]
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command[:4])} failed:\n{result.stderr[-2000:]}")
    return result


FIXTURES = """
import json
admin = env.ref("base.user_admin")
admin.write({"groups_id": [(4, env.ref("ov_association_base.group_ov_manager").id)]})
actor = env["ov.actor"].create({"user_id": admin.id})
sa = env["ov.sa"].create({"name": "Replica SA", "code": "REPLICA"})
env["ov.sa.membership"].create({"sa_id": sa.id, "actor_id": actor.id}).action_activate()
target = env["ov.test.target"].create({"name": "Replica target"})
row = env["ov.sa_test_target"].create(
    {"sa_id": sa.id, "target_id": target.id, "association_kind": "access"})
row.action_activate()
env["ov.actor_sa_test_target"].create(
    {"sa_test_target_id": row.id, "actor_id": actor.id, "association_kind": "access"}
).action_activate()
key = env["res.users.apikeys"].with_user(admin).sudo()._generate(None, "replica", None)
env.cr.commit()
print("FIXTURES " + json.dumps({"target": target.id, "key": key}))
"""


def _post(url, payload, headers=None, opener=None):
    request = urllib.request.Request(
        url,
        data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": payload}).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with (opener or urllib.request.build_opener()).open(request, timeout=60) as response:
        body = json.loads(response.read())
    if "error" in body:
        raise RuntimeError(body["error"])
    return body["result"]


def _wait_replayed(ports, timeout=60):
    """Until the standby has replayed everything the primary has written."""
    import psycopg2

    with (
        contextlib.closing(
            psycopg2.connect(host="127.0.0.1", port=ports[0], user=ROLE, dbname="postgres")
        ) as primary,
        contextlib.closing(
            psycopg2.connect(host="127.0.0.1", port=ports[1], user=ROLE, dbname="postgres")
        ) as standby,
    ):
        primary.autocommit = standby.autocommit = True
        with primary.cursor() as cur:
            cur.execute("SELECT pg_current_wal_lsn()")
            target = cur.fetchone()[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with standby.cursor() as cur:
                cur.execute(
                    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
                )
                in_recovery, replayed = cur.fetchone()
            if replayed:
                return in_recovery
            time.sleep(0.2)
    raise RuntimeError("the standby did not catch up within a minute")


def _primary_count(ports, query):
    import psycopg2

    with (
        contextlib.closing(
            psycopg2.connect(host="127.0.0.1", port=ports[0], user=ROLE, dbname=DATABASE)
        ) as conn,
        conn.cursor() as cur,
    ):
        cur.execute(query)
        return cur.fetchone()[0]


def _first(path, needle):
    with open(path, encoding="utf-8", errors="replace") as f:
        return next((" ".join(line.split()) for line in f if needle in line), "")


def _count(path, needle):
    with open(path, encoding="utf-8", errors="replace") as f:
        return sum(needle in line for line in f)


def check(workdir, user):
    with clusters(workdir, user) as (ports, standby_log):
        log(f"primary on 127.0.0.1:{ports[0]}, hot standby on 127.0.0.1:{ports[1]}")
        config = os.path.join(workdir, "odoo.conf")
        _write_config(config, ports, os.path.join(workdir, "odoo-data"))
        log("installing ov_association_tests and ov_association_api in the primary")
        _odoo(
            config,
            "server",
            "-i",
            "ov_association_tests,ov_association_api",
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
        )
        output = _odoo(config, "shell", "--no-http", stdin=FIXTURES).stdout
        fixtures = json.loads(output.split("FIXTURES ", 1)[1].splitlines()[0])
        in_recovery = _wait_replayed(ports)
        log(f"standby caught up; pg_is_in_recovery() on it: {in_recovery}")
        with odoo_server.serving(config, DATABASE, workdir) as port:
            base = f"http://{odoo_server.HOST}:{port}"
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
            _post(
                f"{base}/web/session/authenticate",
                {"db": DATABASE, "login": "admin", "password": "admin"},
                opener=opener,
            )
            before = _count(standby_log, MARK)
            via_call_kw = _post(
                f"{base}/web/dataset/call_kw",
                {
                    "model": "ov.sa_test_target",
                    "method": "check_governed",
                    "args": [fixtures["target"]],
                    "kwargs": {},
                },
                opener=opener,
            )
            after_call_kw = _count(standby_log, MARK)
            via_route = _post(
                f"{base}/ov/v1/check",
                {"model": "ov.test.target", "target_id": fixtures["target"]},
                headers={"Authorization": f"Bearer {fixtures['key']}"},
            )
            after_route = _count(standby_log, MARK)
            written = _post(
                f"{base}/web/dataset/call_kw",
                {
                    "model": "ov.sa",
                    "method": "create",
                    "args": [{"name": "Written on the primary", "code": "WRITTEN"}],
                    "kwargs": {},
                },
                opener=opener,
            )
        inserts_on_standby = _count(standby_log, 'INSERT INTO "ov_sa"')
        on_primary = _primary_count(ports, "SELECT count(*) FROM ov_sa WHERE code = 'WRITTEN'")
        example = _first(standby_log, MARK)
        results = {
            "call_kw check_governed": (via_call_kw, after_call_kw - before),
            "/ov/v1/check": (via_route, after_route - after_call_kw),
        }
    ok = in_recovery and inserts_on_standby == 0 and on_primary == 1
    for name, (answer, statements) in results.items():
        log(f"{name}: answered {answer!r}; governed statements in the standby's log: {statements}")
        ok = ok and statements > 0 and answer in (True, {"ok": True, "data": True})
    log(f"a governed statement as the standby logged it: {example[:160]}")
    log(
        f"write through call_kw (ov.sa create): record {written}, found on the primary: "
        f"{on_primary}; INSERT statements in the standby's log: {inserts_on_standby}"
    )
    return ok


def run():
    workdir = tempfile.mkdtemp(prefix="ov-replica-")
    try:
        user = _os_user()
        _binaries()
        if user:
            shutil.chown(workdir, user=user)
        ok = check(workdir, user)
    except Missing as missing:
        log(f"CANNOT RUN: {missing}")
        return 2
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        log("standby, primary and their files removed")
    log("PASSED: governed reads ran on the standby, the write on the primary" if ok else "FAILED")
    return 0 if ok else 1
