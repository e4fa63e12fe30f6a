"""Find the PostgreSQL server the Odoo tier and the demo use.

Order of precedence for each setting: the ``PG*`` environment variables, then
the Odoo configuration file named by ``ODOO_RC`` (``db_host``, ``db_port``,
``db_user``, ``db_password``), then 127.0.0.1:5432 as the current OS user.
When nothing answers there and PostgreSQL's server binaries are installed, a
throwaway cluster is started in a temporary directory (pytest-postgresql's
executor) and removed afterwards.
"""

import configparser
import contextlib
import getpass
import glob
import os
import shutil
import socket
import tempfile
from dataclasses import dataclass

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5432
# Odoo refuses to connect as this role (odoo/service/server.py).
REFUSED_ROLE = "postgres"
THROWAWAY_ROLE = "ov_odoo"


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str
    password: str = ""

    def odoo_options(self):
        """The ``[options]`` entries of an Odoo configuration file."""
        return {
            "db_host": self.host,
            "db_port": str(self.port),
            "db_user": self.user,
            "db_password": self.password or "False",
        }

    def dsn(self, database):
        """A libpq connection string for ``database`` on this server."""
        params = {"host": self.host, "port": self.port, "user": self.user, "dbname": database}
        if self.password:
            params["password"] = self.password
        return " ".join(f"{key}={_dsn_value(value)}" for key, value in params.items())

    def libpq_env(self):
        """Environment for libpq-based tools (click-odoo reads it too)."""
        env = {"PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _dsn_value(value):
    """A value as libpq reads it in a connection string (quoted when it must be)."""
    text = str(value)
    if text and not any(c in text for c in " '\\"):
        return text
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _odoo_rc_options(environ):
    path = environ.get("ODOO_RC")
    if not path or not os.path.isfile(path):
        return {}
    parser = configparser.ConfigParser()
    parser.read(path)
    if not parser.has_section("options"):
        return {}
    return {
        key: value for key, value in parser.items("options") if value not in ("", "False", "None")
    }


def discover(environ=None):
    """Return the configured server, without checking that it answers."""
    environ = os.environ if environ is None else environ
    rc = _odoo_rc_options(environ)
    host = environ.get("PGHOST") or rc.get("db_host") or DEFAULT_HOST
    port = int(environ.get("PGPORT") or rc.get("db_port") or DEFAULT_PORT)
    user = environ.get("PGUSER") or rc.get("db_user") or getpass.getuser()
    password = environ.get("PGPASSWORD") or rc.get("db_password") or ""
    if user == REFUSED_ROLE:
        raise SystemExit(
            f"PostgreSQL role {REFUSED_ROLE!r} is refused by Odoo: set PGUSER to "
            "another superuser role (for instance: createuser -s $USER)."
        )
    return PgServer(host, port, user, password)


def connect(server, database="postgres"):
    """A psycopg2 connection (Odoo's own driver) in autocommit mode."""
    import psycopg2

    conn = psycopg2.connect(server.dsn(database))
    conn.autocommit = True
    return conn


def drop_database(server, name):
    """DROP DATABASE IF EXISTS, without needing PostgreSQL's client programs."""
    from psycopg2 import sql

    conn = connect(server)
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def answers(server, timeout=2.0):
    """True when something accepts connections at the server's address."""
    if server.host.startswith("/"):
        return os.path.exists(os.path.join(server.host, f".s.PGSQL.{server.port}"))
    try:
        with socket.create_connection((server.host, server.port), timeout=timeout):
            return True
    except OSError:
        return False


def find_pg_ctl():
    """Path of ``pg_ctl`` on PATH or in Debian's versioned directories."""
    found = shutil.which("pg_ctl")
    if found:
        return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return candidates[-1] if candidates else None


def free_port():
    with socket.socket() as sock:
        sock.bind((DEFAULT_HOST, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(environ=None, log=print):
    """Yield a reachable :class:`PgServer`, starting a throwaway one if needed."""
    configured = discover(environ)
    if answers(configured):
        yield configured
        return
    pg_ctl = find_pg_ctl()
    if not pg_ctl:
        raise SystemExit(
            f"No PostgreSQL answers at {configured.host}:{configured.port} and no "
            "PostgreSQL server binaries (pg_ctl) are installed: start PostgreSQL "
            "13+ or set PGHOST/PGPORT/PGUSER."
        )
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        raise SystemExit(
            f"No PostgreSQL answers at {configured.host}:{configured.port}; a "
            "throwaway cluster cannot be started as root (initdb refuses): start "
            "the system PostgreSQL or run as another user."
        )
    from pytest_postgresql.executors import PostgreSQLExecutor

    workdir = tempfile.mkdtemp(prefix="ov-pg-")
    port = free_port()
    executor = PostgreSQLExecutor(
        executable=pg_ctl,
        host=DEFAULT_HOST,
        port=port,
        datadir=os.path.join(workdir, "data"),
        unixsocketdir=workdir,
        logfile=os.path.join(workdir, "postgresql.log"),
        startparams="-w",
        dbname="postgres",
        user=THROWAWAY_ROLE,
    )
    log(
        f"pg: nothing answers at {configured.host}:{configured.port}; "
        f"starting a throwaway cluster on {DEFAULT_HOST}:{port}"
    )
    executor.start()
    try:
        yield PgServer(DEFAULT_HOST, port, THROWAWAY_ROLE)
    finally:
        executor.stop()
        shutil.rmtree(workdir, ignore_errors=True)
