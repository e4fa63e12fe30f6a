"""An Odoo HTTP server on a free loopback port, for the commands that call it
over HTTP (``make load``, ``make replica-check``)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request

from .pg import free_port

HOST = "127.0.0.1"

# A script, not ``python -m odoo``: the prefork server (``--workers``) starts
# its gevent process as ``python <argv[0]> gevent``, which a module's
# ``__main__.py`` cannot be (it fails on its relative import, and the master
# respawns it again and again).
LAUNCHER = """import os
os.environ["TZ"] = "UTC"
import odoo.cli
odoo.cli.main()
"""


@contextlib.contextmanager
def serving(config, database, workdir, workers=0, env=None):
    """Odoo serving ``database`` until the block ends; yields its port.

    ``-d`` without ``--db-filter``: with a filter, Odoo lists the server's
    databases on every request that has no session (a new connection each
    time, about 10 ms), which is not what a production setup pays. Its
    output goes to ``workdir/odoo.log``, shown if it does not start.
    """
    port = free_port()
    launcher = os.path.join(workdir, "odoo_server.py")
    log_path = os.path.join(workdir, "odoo.log")
    with open(launcher, "w", encoding="utf-8") as f:
        f.write(LAUNCHER)
    command = [
        sys.executable,
        launcher,
        "-c",
        config,
        "-d",
        database,
        f"--workers={workers}",
        "--max-cron-threads=0",
        f"--http-interface={HOST}",
        f"--http-port={port}",
        f"--gevent-port={free_port()}",
        "--log-level=warn",
    ]
    with open(log_path, "w", encoding="utf-8") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                with open(log_path, encoding="utf-8") as f:
                    raise RuntimeError(f"Odoo did not start:\n{f.read()[-3000:]}")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://{HOST}:{port}/web/health", timeout=2)
                break
            time.sleep(0.5)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
