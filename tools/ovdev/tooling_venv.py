"""The project-local virtual environment that holds the tooling when the
interpreter that imports Odoo is externally managed (PEP 668).

It is created from that interpreter with ``--system-site-packages``, so Odoo
and its Debian-packaged dependencies stay importable, and reused by later runs.
One made from another interpreter, or without the system site packages, is
replaced, with a message saying so.
"""

import os
import shutil
import subprocess

from . import interpreter
from .addons import REPO_ROOT

DEFAULT_DIR = os.path.join(REPO_ROOT, ".venv-tooling")
LOCATION_VARIABLE = "OV_TOOLING_VENV"


def location(environ=os.environ):
    return environ.get(LOCATION_VARIABLE) or DEFAULT_DIR


def python_of(path):
    return os.path.join(path, "bin", "python")


def _config(path):
    """pyvenv.cfg as a dict, or None when ``path`` is not a virtual environment."""
    try:
        with open(os.path.join(path, "pyvenv.cfg"), encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return None
    pairs = (line.split("=", 1) for line in lines if "=" in line)
    return {key.strip().lower(): value.strip() for key, value in pairs}


def made_from(path, base):
    """True when ``path`` is a virtual environment of ``base`` that sees its site packages."""
    config = _config(path)
    if not config or config.get("include-system-site-packages", "").lower() != "true":
        return False
    try:
        seen = interpreter.inspect(python_of(path))
    except interpreter.InterpreterError:
        return False
    return seen.kind == interpreter.VENV and (seen.base_prefix, seen.version) == (
        base.base_prefix,
        base.version,
    )


def ensure(base, path, log=print):
    """The python of a virtual environment at ``path`` made from ``base``, created if need be."""
    if made_from(path, base):
        log(f"tooling: using the virtual environment {path}")
        return python_of(path)
    if os.path.lexists(path):
        if _config(path) is None:
            raise SystemExit(
                f"tooling: {path} exists and is not a virtual environment; "
                f"move it away or set {LOCATION_VARIABLE} to another folder"
            )
        log(
            f"tooling: {path} was not made from {base.path} with --system-site-packages; "
            "replacing it"
        )
        shutil.rmtree(path)
    log(
        f"tooling: {base.path} is externally managed ({base.marker}): pip may not install "
        f"into it. Creating the virtual environment {path} from it, with "
        "--system-site-packages so that its Odoo stays importable"
    )
    proc = subprocess.run(
        [base.path, "-m", "venv", "--system-site-packages", path],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        shutil.rmtree(path, ignore_errors=True)
        raise SystemExit(
            f"tooling: `{base.path} -m venv` failed:\n{proc.stdout}{proc.stderr}"
            "On Debian and Ubuntu the venv module is the package python3-venv."
        )
    return python_of(path)
