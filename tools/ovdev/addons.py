"""The addons of this repository, read from their manifests without Odoo."""

import ast
import os

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_manifest(addon_dir):
    with open(os.path.join(addon_dir, "__manifest__.py"), encoding="utf-8") as f:
        return ast.literal_eval(f.read())


def repo_addons(root=REPO_ROOT):
    """Names of the installable addons at the top of the repository, sorted."""
    names = []
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if os.path.isfile(os.path.join(path, "__manifest__.py")):
            if read_manifest(path).get("installable", True):
                names.append(name)
    return names
