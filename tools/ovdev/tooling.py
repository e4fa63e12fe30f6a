"""Install the test and lint tooling declared as extras of the root pyproject.

The tooling goes into the interpreter that runs the command: the one that
imports Odoo, or the virtual environment made from it when it is externally
managed (see ``prepare``).
"""

import importlib.metadata
import os
import re
import subprocess
import sys

from .addons import REPO_ROOT


def extras_requirements(*extras, root=REPO_ROOT):
    # Imported here: on Python 3.10 tomli is itself part of the tooling, and
    # the Odoo check must be able to run before any of it is installed.
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    with open(os.path.join(root, "pyproject.toml"), "rb") as f:
        optional = tomllib.load(f)["project"]["optional-dependencies"]
    requirements = []
    for extra in extras:
        requirements.extend(optional[extra])
    return requirements


def requirement_name(requirement):
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]


def applies(requirement):
    """False when the requirement's environment marker excludes this Python."""
    if ";" not in requirement:
        return True
    try:
        from packaging.markers import Marker
    except ImportError:  # without packaging, let pip decide
        return True
    return Marker(requirement.split(";", 1)[1]).evaluate()


def missing(requirements):
    absent = []
    for requirement in filter(applies, requirements):
        try:
            importlib.metadata.version(requirement_name(requirement))
        except importlib.metadata.PackageNotFoundError:
            absent.append(requirement)
    return absent


def ensure(*extras, log=print):
    """pip-install whatever of the extras' requirements is not installed."""
    absent = missing(extras_requirements(*extras))
    if not absent:
        return
    log(f"tooling: installing {', '.join(absent)} into {sys.executable}")
    command = [sys.executable, "-m", "pip", "install", "--quiet", *absent]
    returncode = subprocess.run(command, check=False).returncode
    if returncode:
        raise SystemExit(
            f"tooling: `{' '.join(command)}` failed (exit status {returncode}); "
            f"install these packages into {sys.executable} and run again"
        )
