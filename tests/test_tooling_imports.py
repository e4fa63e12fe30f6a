"""Every package the tests and the tooling import is one the tooling installs.

``make test TIERS=pure`` must run on an interpreter that has neither Odoo nor
psycopg2 (Debian's own ``python3``): what it imports comes from the
``test`` extras of ``pyproject.toml``. A test module that imports a package
declared nowhere fails at collection there, and nowhere else: the machine
that wrote it had the package through Odoo. This reads the imports instead.
"""

import ast
import pathlib
import re
import sys

from ovdev.addons import REPO_ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11: the test extras bring tomli
    import tomli as tomllib

ROOT = pathlib.Path(REPO_ROOT)
# Imported only where Odoo runs (the odoo tier, the bench, the demo), each
# such import behind the check that the interpreter imports Odoo 18.0.
ODOO = {"odoo"}
# Imported inside a try that falls back without it (tools/ovdev/tooling.py).
OPTIONAL = {"packaging"}
# The import name of a declared distribution, where the two differ.
IMPORT_NAME = {"pytest-odoo": "pytest_odoo", "pytest-postgresql": "pytest_postgresql"}


def _declared():
    with open(ROOT / "pyproject.toml", "rb") as f:
        extras = tomllib.load(f)["project"]["optional-dependencies"]["test"]
    names = set()
    for requirement in extras:
        distribution = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower()
        names.add(IMPORT_NAME.get(distribution, distribution.replace("-", "_")))
    return names


def _local():
    """Modules of this repository that tests and tools import by name."""
    names = {path.stem for path in (ROOT / "tests").glob("*.py")}
    names |= {path.name for path in (ROOT / "tools").iterdir() if path.is_dir()}
    names |= {path.stem for path in (ROOT / "tools").glob("*.py")}
    return names


def _imports():
    """``{top-level module: [files]}`` of the absolute imports in tests/ and tools/."""
    found = {}
    for path in sorted([*(ROOT / "tests").glob("*.py"), *(ROOT / "tools").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                found.setdefault(module.split(".")[0], []).append(str(path.relative_to(ROOT)))
    return found


def test_every_third_party_import_is_a_declared_test_extra():
    local, declared = _local(), _declared()
    undeclared = {
        module: files
        for module, files in _imports().items()
        if module not in sys.stdlib_module_names
        and module not in local
        and module not in ODOO | OPTIONAL
        and module not in declared
    }
    assert undeclared == {}, (
        "imported by the tests or the tooling but not in pyproject.toml's test extras: "
        f"{undeclared}"
    )


def test_the_packages_the_pure_tier_was_missing_are_declared():
    # psycopg2 (issue 26) and lxml (the scaffold's tests) were missing once
    # on Debian's python3.
    assert {"psycopg2", "lxml", "pytest", "hypothesis"} <= _declared()
