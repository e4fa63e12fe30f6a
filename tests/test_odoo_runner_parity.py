"""Odoo's own test runner runs every Odoo test class (docs/design.md §7).

``odoo-bin --test-enable`` (OCA's CI, most integrators') runs only the test
modules an addon's ``tests/__init__.py`` imports, while pytest-odoo collects
every ``test_*.py``. So every module that holds an Odoo test class must be
imported there, and the plain-pytest modules (real cursors that commit, which
Odoo's runner has no place for) must say so: in their docstring, and in the
comment of ``tests/__init__.py`` that lists them, without being imported.
Read from the sources, without Odoo.
"""

import ast
import os
import re

import pytest
from ovdev.addons import REPO_ROOT, repo_addons


def _test_modules(addon):
    folder = os.path.join(REPO_ROOT, addon, "tests")
    if not os.path.isdir(folder):
        return folder, []
    return folder, sorted(
        name[:-3]
        for name in os.listdir(folder)
        if name.startswith("test_") and name.endswith(".py")
    )


def _imported(folder):
    path = os.path.join(folder, "__init__.py")
    if not os.path.isfile(path):
        return set(), ""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    names = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None:
            names.update(alias.name for alias in node.names)
    return names, text


def _kind(path):
    """'odoo' (a class of Odoo's test cases), 'pytest' (module-level test
    functions only) or None, and the module's docstring."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    has_class = any(
        isinstance(node, ast.ClassDef)
        and any(
            (base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")).endswith("Case")
            for base in node.bases
        )
        for node in tree.body
    )
    has_function = any(
        isinstance(node, ast.FunctionDef) and node.name.startswith("test_") for node in tree.body
    )
    kind = "odoo" if has_class else "pytest" if has_function else None
    return kind, ast.get_docstring(tree) or ""


ADDONS = [addon for addon in repo_addons() if _test_modules(addon)[1]]


@pytest.mark.parametrize("addon", ADDONS)
def test_every_odoo_test_module_is_imported(addon):
    folder, modules = _test_modules(addon)
    imported, _text = _imported(folder)
    missing = [
        module
        for module in modules
        if _kind(os.path.join(folder, f"{module}.py"))[0] == "odoo" and module not in imported
    ]
    assert not missing, (
        f"{addon}/tests/__init__.py does not import {', '.join(missing)}: Odoo's own test "
        "runner would skip them; add 'from . import <module>'"
    )


@pytest.mark.parametrize("addon", ADDONS)
def test_plain_pytest_modules_say_so(addon):
    folder, modules = _test_modules(addon)
    imported, text = _imported(folder)
    comment = " ".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    for module in modules:
        kind, docstring = _kind(os.path.join(folder, f"{module}.py"))
        if kind != "pytest":
            continue
        assert module not in imported, (
            f"{addon}/tests/{module}.py is plain pytest: Odoo's runner finds no test in it; "
            "list it in the comment of tests/__init__.py instead of importing it"
        )
        assert re.search(r"\bplain pytest\b", docstring, re.IGNORECASE), (
            f"{addon}/tests/{module}.py: its docstring must say it is plain pytest "
            "(run by pytest-odoo only) and why"
        )
        assert re.search(rf"\b{module}\b", comment), (
            f"{addon}/tests/__init__.py: name {module} in the comment listing the "
            "plain-pytest modules"
        )


def test_the_checks_tell_the_kinds_apart(tmp_path):
    """The reader of the sources, on modules written out here."""
    (tmp_path / "test_a.py").write_text(
        '"""Odoo."""\nfrom odoo.tests import TransactionCase\n\n\n'
        "class TestA(TransactionCase):\n    def test_x(self):\n        pass\n"
    )
    (tmp_path / "test_b.py").write_text(
        '"""Plain pytest: commits."""\n\n\ndef test_y():\n    pass\n'
    )
    (tmp_path / "test_c.py").write_text(
        "from . import common\n\n\nclass TestC(common.HandoverCase):\n    pass\n"
    )
    assert [_kind(str(tmp_path / f"test_{name}.py"))[0] for name in "abc"] == [
        "odoo",
        "pytest",
        "odoo",
    ]
