"""Pre-commit hook: no new governance stamp on a native model (ADR 0003, step 7).

Refuses a relational field (Many2one, Many2many, One2many) whose comodel is
an SA, an actor, a membership or an association row (``ov.sa_*`` /
``ov.actor_sa_*``), declared on an Odoo model outside the ``ov.*``
namespace, typically ``_inherit = "sale.order"``. Governance lives in
association rows (``ov.sa_x`` / ``ov.actor_sa_x``), never on the native
record.

A stamp that already exists and is being migrated may stay while a
migration plan declares it: mark its line with ``# ov-legacy-stamp``.

Standalone (no Odoo import), so integrators can run it in their own
repositories: ``python tools/ov_stamp_check.py FILE...``, or as the
``ov-no-new-stamps`` hook of this repository's ``.pre-commit-hooks.yaml``.
Exit status 1 when a stamp is found, 0 otherwise.
"""

import ast
import sys

GOVERNANCE_MODELS = frozenset({"ov.sa", "ov.actor", "ov.sa.membership"})
ASSOCIATION_PREFIXES = ("ov.sa_", "ov.actor_sa_")
RELATIONAL = frozenset({"Many2one", "Many2many", "One2many"})
PRAGMA = "ov-legacy-stamp"


def _governance_model(name):
    return name in GOVERNANCE_MODELS or name.startswith(ASSOCIATION_PREFIXES)


def _string(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _model_name(cls):
    """The model a class defines or extends: its ``_name``, else its first ``_inherit``."""
    found = {}
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and target.id in ("_name", "_inherit"):
                value = statement.value
                if isinstance(value, ast.List | ast.Tuple) and value.elts:
                    value = value.elts[0]
                found[target.id] = _string(value)
    return found.get("_name") or found.get("_inherit")


def _comodel(call):
    for keyword in call.keywords:
        if keyword.arg == "comodel_name":
            return _string(keyword.value)
    return _string(call.args[0]) if call.args else None


def _relational_call(value):
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in RELATIONAL
        and isinstance(value.func.value, ast.Name)
        and value.func.value.id == "fields"
    )


def stamps_in(source, filename="<source>"):
    """``(line, class, field, model, comodel)`` of every new stamp in ``source``."""
    tree = ast.parse(source, filename)
    lines = source.splitlines()
    found = []
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef):
            continue
        model = _model_name(cls)
        if not model or model.startswith("ov."):
            continue
        for statement in cls.body:
            if not (isinstance(statement, ast.Assign) and _relational_call(statement.value)):
                continue
            comodel = _comodel(statement.value)
            if not comodel or not _governance_model(comodel):
                continue
            end = getattr(statement, "end_lineno", statement.lineno)
            if any(PRAGMA in line for line in lines[statement.lineno - 1 : end]):
                continue
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    found.append((statement.lineno, cls.name, target.id, model, comodel))
    return found


def main(argv=None):
    paths = sys.argv[1:] if argv is None else argv
    status = 0
    for path in paths:
        if not path.endswith(".py"):
            continue
        with open(path, encoding="utf-8") as f:
            source = f.read()
        try:
            found = stamps_in(source, path)
        except SyntaxError as error:
            print(f"{path}: cannot parse ({error.msg}); not checked")
            continue
        for line, cls, field, model, comodel in found:
            status = 1
            print(
                f"{path}:{line}: {cls}.{field} stamps {comodel} on {model}: a native "
                f"record does not carry its governance (ADR 0003, step 7). Create an "
                f"association pair (ov.sa_x / ov.actor_sa_x, see ov_association_base) "
                f"instead; a legacy stamp a migration plan declares may keep "
                f"'# {PRAGMA}' on its line."
            )
    return status


if __name__ == "__main__":
    sys.exit(main())
