"""The addons of this repository, read from their manifests without Odoo."""

import ast
import os

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
SA_MIXIN = "ov.sa.association.mixin"


def _class_attributes(node):
    """{name: literal value} of a class body's simple assignments."""
    values = {}
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                try:
                    values[target.id] = ast.literal_eval(statement.value)
                except ValueError:
                    continue
    return values


def _declares_sa_layer(text):
    """Whether a source defines a model of its own (``_name``) on the SA mixin;
    an extension of the mixin (``_name`` absent or the mixin's) is no pair."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            attributes = _class_attributes(node)
            inherit = attributes.get("_inherit", ())
            inherit = [inherit] if isinstance(inherit, str) else list(inherit)
            if SA_MIXIN in inherit and attributes.get("_name", SA_MIXIN) != SA_MIXIN:
                return True
    return False


def declares_pairs(name, root=REPO_ROOT):
    """Whether addon ``name`` declares a governed pair (an SA-layer model),
    read from its sources without Odoo."""
    for folder, _dirs, files in os.walk(os.path.join(root, name)):
        for file in files:
            if file.endswith(".py"):
                with open(os.path.join(folder, file), encoding="utf-8") as f:
                    if _declares_sa_layer(f.read()):
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
