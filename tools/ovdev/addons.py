"""The addons of this repository, read from their manifests without Odoo."""

import ast
import os
import re

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_manifest(addon_dir):
    with open(os.path.join(addon_dir, "__manifest__.py"), encoding="utf-8") as f:
        return ast.literal_eval(f.read())


def with_dependencies(names, root=REPO_ROOT):
    """``names`` and the addons of this repository they depend on, directly or
    not, sorted (Odoo's own dependencies are Odoo's to install)."""
    known = set(repo_addons(root))
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValueError(
            f"not an addon of this repository: {', '.join(unknown)}"
            f" (known: {', '.join(sorted(known))})"
        )
    todo, found = list(names), set()
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        depends = read_manifest(os.path.join(root, name)).get("depends", [])
        todo.extend(dependency for dependency in depends if dependency in known)
    return sorted(found)


# A concrete SA layer: a model of its own that inherits the SA-layer mixin
# (an extension of the mixin itself names it as ``_name`` too).
_SA_LAYER = re.compile(r'_inherit\s*=\s*\[?\s*"ov\.sa\.association\.mixin"')
_MIXIN_ITSELF = re.compile(r'_name\s*=\s*"ov\.sa\.association\.mixin"')


def declares_pairs(name, root=REPO_ROOT):
    """Whether addon ``name`` declares a governed pair (an SA-layer model),
    read from its sources without Odoo."""
    for folder, _dirs, files in os.walk(os.path.join(root, name)):
        for file in files:
            if file.endswith(".py"):
                with open(os.path.join(folder, file), encoding="utf-8") as f:
                    text = f.read()
                if _SA_LAYER.search(text) and not _MIXIN_ITSELF.search(text):
                    return True
    return False


def repo_addons(root=REPO_ROOT):
    """Names of the installable addons at the top of the repository, sorted."""
    names = []
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if os.path.isfile(os.path.join(path, "__manifest__.py")):
            if read_manifest(path).get("installable", True):
                names.append(name)
    return names
