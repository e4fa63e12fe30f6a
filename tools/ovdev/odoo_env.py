"""Locate the Odoo importable by this interpreter and write its configuration."""

import importlib.util
import os
import subprocess
import sys

from .addons import REPO_ROOT

ODOO_MISSING = (
    "Odoo 18.0 is not importable by {python}{found}. Install Odoo 18.0 for this "
    "interpreter (Odoo's Debian or Ubuntu package for the system python3, or a source "
    "checkout on its path with its requirements.txt installed), or name the interpreter "
    "that imports it with PYTHON=, then run again."
)


def odoo_version(python=sys.executable):
    """Odoo's major version as seen by ``python``, or None if not importable."""
    probe = "import odoo.release as r; print(r.version_info[0])"
    if python == sys.executable and importlib.util.find_spec("odoo") is None:
        return None
    result = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=False)
    if result.returncode:
        return None
    return int(result.stdout.strip())


def odoo_problem(python=sys.executable):
    """Why ``python`` cannot run Odoo 18.0 (what to install), or None when it can."""
    version = odoo_version(python)
    if version == 18:
        return None
    found = "" if version is None else f" (it imports Odoo {version})"
    return ODOO_MISSING.format(python=python, found=found)


def odoo_addons_paths(python=sys.executable):
    """Odoo's own addons directories (what Odoo uses when none is configured)."""
    probe = (
        "import os, odoo; root = os.path.dirname(odoo.__file__); "
        "print(os.path.join(root, 'addons')); "
        "print(os.path.abspath(os.path.join(root, '..', 'addons')))"
    )
    out = subprocess.run(
        [python, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    return [path for path in out if os.path.isdir(path)]


def write_config(path, server, data_dir=None, python=sys.executable, http_port=None):
    """Write an Odoo configuration file for ``server`` with our addons first.

    Without ``data_dir`` Odoo keeps its default filestore location; without
    ``http_port``, its default port (8069), which HTTP tests then use.
    """
    addons_path = ",".join([REPO_ROOT, *odoo_addons_paths(python)])
    options = {**server.odoo_options(), "addons_path": addons_path}
    if data_dir:
        options["data_dir"] = data_dir
    if http_port:
        options["http_port"] = http_port
    with open(path, "w", encoding="utf-8") as f:
        f.write("[options]\n")
        f.writelines(f"{key} = {value}\n" for key, value in options.items())
    return path


def initdb_command(config, database, modules, cache_prefix, demo=True):
    """click-odoo-initdb: ``database`` with ``modules``, from a cached template when it can."""
    command = [sys.executable, "-m", "click_odoo_contrib.initdb", "-c", config, "-n", database]
    command += ["-m", ",".join(modules), "--cache-prefix", cache_prefix, "--log-level", "warn"]
    return command if demo else [*command, "--no-demo"]
