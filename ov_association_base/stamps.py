"""ADR 0003 step 7, "do not create new legacy", as plain data (no Odoo import).

A *stamp* is a relational field of a model outside the ``ov.*`` namespace
whose comodel is a governance model: an SA, an actor, a membership or an
association row. Governance lives in association rows, never on the native
record, so every such field is legacy: allowed only while a migration plan
declares it (``ov_association_migration``). The registry-load check of the
base addon, the conformance suite and the pre-commit hook
(``tools/ov_stamp_check.py``) all apply this rule.
"""

GOVERNANCE_MODELS = frozenset({"ov.sa", "ov.actor", "ov.sa.membership"})
RELATIONAL_TYPES = frozenset({"many2one", "one2many", "many2many"})
NAMESPACE = "ov."


def is_governance_model(name, association_models=()):
    """Whether ``name`` is a model that carries governance: stamping it is legacy."""
    return name in GOVERNANCE_MODELS or name in association_models


def undeclared_stamps(fields, association_models, declared):
    """The stamp fields nobody declared legacy, as sorted ``model.field`` names.

    :param fields: iterable of ``(model, field, type, comodel)``
    :param association_models: names of the concrete association models
    :param declared: set of ``(model, field)`` that a migration plan declares
    """
    found = set()
    for model, field, ftype, comodel in fields:
        if model.startswith(NAMESPACE) or ftype not in RELATIONAL_TYPES:
            continue
        if not comodel or not is_governance_model(comodel, association_models):
            continue
        if (model, field) not in declared:
            found.add(f"{model}.{field}")
    return sorted(found)


def advice(names):
    """The message every check gives for undeclared stamps."""
    return (
        "New legacy governance stamps (ADR 0003, step 7): "
        + ", ".join(names)
        + ". A native record does not carry its SA or actor: create an association pair "
        "(ov.sa_x / ov.actor_sa_x) instead, or, for a stamp that already exists, "
        "declare it in a migration plan (Governance → Migration)."
    )
