"""Which record rules read a legacy stamp in a shape the governed rules replace.

A rule's ``domain_force`` is Python that Odoo evaluates; it is parsed here
(``ast.parse``), never evaluated, and compared with the known legacy shapes
of one stamp condition on the evaluating user:

=============================  ==================================================  ===========
stamp points at                domain                                              replacement
=============================  ==================================================  ===========
``ov.actor``                   ``[('<stamp>.user_id', '=', user.id)]``             reach
``res.users``                  ``[('<stamp>', '=', user.id)]``                     reach
``ov.sa``                      ``[('<stamp>.membership_ids.actor_id.user_id',      scope
                               '=', user.id)]``
``ov.sa``                      ``[('<stamp>.membership_ids', 'any',                scope
                               [('actor_id.user_id', '=', user.id),
                               ('is_effective', '=', True)])]`` (either order)
=============================  ==================================================  ===========

Anything else (another condition beside the stamp, an ``|``, a stamp mapped
from another model) is not rewritten: the manager gets the reason, and the
rule is theirs to rewrite by hand. A rule the visibility parity then
compares exactly is worth more than a clever rewrite that is almost right.
"""

import ast

# Characters of a rule's domain before it is parsed (docs/design.md §5), as for the
# classification rules (ov_migration_rule.MAX_DOMAIN_TEXT_LENGTH).
MAX_RULE_TEXT_LENGTH = 100_000
REACH = "reach"
SCOPE = "scope"


def _is_user_id(node):
    """``user.id``: the id of the user the rule is evaluated for."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "id"
        and isinstance(node.value, ast.Name)
        and node.value.id == "user"
    )


def _constant(node):
    return node.value if isinstance(node, ast.Constant) else None


def _term(node):
    """(left, operator, right node) of a 3-element tuple or list, or None."""
    if isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) == 3:
        left, operator, right = node.elts
        if isinstance(_constant(left), str) and isinstance(_constant(operator), str):
            return _constant(left), _constant(operator), right
    return None


def _is_effective_membership_of_user(node):
    """``[('actor_id.user_id', '=', user.id), ('is_effective', '=', True)]``,
    in either order."""
    if not isinstance(node, (ast.List, ast.Tuple)) or len(node.elts) != 2:
        return False
    terms = [_term(element) for element in node.elts]
    if None in terms:
        return False
    found = set()
    for left, operator, right in terms:
        if (left, operator) == ("actor_id.user_id", "=") and _is_user_id(right):
            found.add("user")
        elif (left, operator) == ("is_effective", "=") and _constant(right) is True:
            found.add("effective")
    return found == {"user", "effective"}


def _shape_of_term(term, stamp, relation):
    left, operator, right = term
    if relation == "ov.actor":
        if (left, operator) == (f"{stamp}.user_id", "=") and _is_user_id(right):
            return REACH
    elif relation == "res.users":
        if (left, operator) == (stamp, "=") and _is_user_id(right):
            return REACH
    elif relation == "ov.sa":
        if (left, operator) == (
            f"{stamp}.membership_ids.actor_id.user_id",
            "=",
        ) and _is_user_id(right):
            return SCOPE
        if (left, operator) == (f"{stamp}.membership_ids", "any") and (
            _is_effective_membership_of_user(right)
        ):
            return SCOPE
    return None


def recognise(text, stamp, relation):
    """``(REACH or SCOPE, None)`` when ``text`` is exactly one known stamp
    condition on ``stamp`` (a field name pointing at ``relation``), else
    ``(None, why)``, a sentence saying why no replacement is proposed."""
    if not isinstance(text, str) or not text.strip():
        return None, "the rule has no domain."
    if len(text) > MAX_RULE_TEXT_LENGTH:
        return None, f"its domain has {len(text)} characters, more than {MAX_RULE_TEXT_LENGTH}."
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, "its domain is not a Python expression this step can read."
    if relation not in ("ov.actor", "res.users", "ov.sa"):
        return None, (
            f"the stamp {stamp} points at {relation}: no governed rule reads that model "
            "(the mapping to SAs is the plan's, not the rule's)."
        )
    if not isinstance(tree, (ast.List, ast.Tuple)) or len(tree.elts) != 1:
        return None, (
            "its domain is not a single stamp condition (other conditions, '|' or '&'): "
            "rewrite it by hand with governed.reach or governed.scope."
        )
    term = _term(tree.elts[0])
    shape = _shape_of_term(term, stamp, relation) if term else None
    if shape is None:
        return None, (
            f"its condition is not one of the known shapes of the stamp {stamp} "
            f"(pointing at {relation}) on the evaluating user: rewrite it by hand."
        )
    return shape, None


def governed_domain(shape, pair):
    """The domain text of the governed rule that replaces a stamp rule."""
    return f"[('id', 'in', governed.{shape}({pair!r}))]"
