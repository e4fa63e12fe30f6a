"""Install the test and lint tooling declared as extras of the root pyproject.

The tooling goes into the interpreter that runs the command (the one that
imports Odoo): a virtual environment would hide that Odoo.
"""

import importlib.metadata
import os
import re
import subprocess
import sys

from .addons import REPO_ROOT

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib


def extras_requirements(*extras, root=REPO_ROOT):
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
    log(f"tooling: installing {', '.join(absent)}")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *absent], check=True)
