"""Pure tier: code that needs no Odoo. Run with ``pytest -p no:odoo tests``."""

import importlib.util
import os
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
