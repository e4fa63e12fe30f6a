"""``make demo``: install or update every addon with demo data, then serve Odoo.

``prepare`` has checked that this interpreter imports Odoo 18.0.
"""

import os
import subprocess
import sys
import tempfile

from . import pg
from .addons import repo_addons
from .odoo_env import write_config

DEMO_PASSWORD_NOTE = "demo users' password is their login (see README)"


def _database_state(server, database):
    """'missing', 'empty' (exists, Odoo not installed) or 'initialized'."""
    import psycopg2

    try:
        conn = pg.connect(server, database)
    except psycopg2.OperationalError:
        return "missing"
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT to_regclass('ir_module_module') IS NOT NULL")
            return "initialized" if cr.fetchone()[0] else "empty"
    finally:
        conn.close()


def _demo_logins(server, database):
    conn = pg.connect(server, database)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT to_regclass('ov_actor') IS NOT NULL")
            if not cr.fetchone()[0]:
                return []
            cr.execute(
                """SELECT u.login FROM ov_actor a JOIN res_users u ON u.id = a.user_id
                   WHERE u.active ORDER BY u.login"""
            )
            return [login for (login,) in cr.fetchall()]
    finally:
        conn.close()


def run(database, port, serve=True):
    addons = ",".join(repo_addons())
    with pg.server() as server, tempfile.TemporaryDirectory(prefix="ov-demo-") as tmp:
        config = write_config(os.path.join(tmp, "odoo.conf"), server)
        odoo = [sys.executable, "-m", "odoo", "-c", config, "-d", database]
        state = _database_state(server, database)
        flag = "-u" if state == "initialized" else "-i"
        print(f"demo: {'updating' if flag == '-u' else 'creating'} {database} with {addons}")
        init = subprocess.run(
            [*odoo, flag, addons, "--stop-after-init", "--log-level=warn"], check=False
        )
        if init.returncode:
            return init.returncode
        if not serve:
            return 0
        print(f"demo: Odoo at http://127.0.0.1:{port}/web/login (database {database})")
        print("demo logins: admin / admin")
        for login in _demo_logins(server, database):
            print(f"demo logins: {login} / {login}")
        print(f"demo: {DEMO_PASSWORD_NOTE}; Ctrl-C stops the server")
        sys.stdout.flush()
        return subprocess.run(
            [
                *odoo,
                "--http-interface=127.0.0.1",
                f"--http-port={port}",
                f"--db-filter=^{database}$",
            ],
            check=False,
        ).returncode
