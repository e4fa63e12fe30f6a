"""Pure tier: code that needs no Odoo. Run with ``pytest -p no:odoo tests``."""

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, "tools"))


def load_module(relative_path, name):
    """Import one file of an addon without importing the addon (and Odoo)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(REPO_ROOT, relative_path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def policy():
    return load_module("ov_association_base/policy.py", "ov_policy_under_test")


@pytest.fixture(scope="session")
def arguments():
    return load_module("ov_association_base/arguments.py", "ov_arguments_under_test")


@pytest.fixture(scope="session")
def stamps():
    return load_module("ov_association_base/stamps.py", "ov_stamps_under_test")


@pytest.fixture(scope="session")
def committed_root(tmp_path_factory):
    """The repository's Python sources as committed (tracked files only).

    A pair that ``make pair`` wrote into the working tree and nobody committed
    yet is a pair for ``make pair`` itself, which then refuses to scaffold its
    model again; the tests that scaffold ``crm.lead`` judge against this tree,
    so they pass with or without such an addon present."""
    listed = subprocess.run(
        ["git", "-C", REPO_ROOT, "ls-files", "-z"], capture_output=True, check=False
    )
    if listed.returncode:
        return REPO_ROOT  # not a git checkout: the tree is what was shipped
    root = tmp_path_factory.mktemp("committed")
    for relative in listed.stdout.decode().split("\0"):
        source = os.path.join(REPO_ROOT, relative)
        if relative.endswith(".py") and os.path.isfile(source):
            os.makedirs(os.path.dirname(os.path.join(root, relative)), exist_ok=True)
            shutil.copyfile(source, os.path.join(root, relative))
    return str(root)
