"""The contract's rule tables (docs/design.md §3) and the declaration checker."""

import pytest

DEPENDENT_TARGET = {"type": "many2one", "required": True, "ondelete": "cascade"}
GOOD_SA = {
    "_ov_target_field": "sale_order_id",
    "_ov_deletion_policy": "dependent",
    "_ov_allowed_kinds": ("assignment", "access"),
    "_ov_exclusive_kinds": ("assignment",),
}
KINDS = ["assignment", "access", "binding"]


def test_transition_table_matches_design(policy):
    assert set(policy.TRANSITIONS) == {
        ("draft", "active"),
        ("draft", "revoked"),
        ("active", "suspended"),
        ("active", "expired"),
        ("active", "revoked"),
        ("suspended", "active"),
        ("suspended", "expired"),
        ("suspended", "revoked"),
    }
    for old, _new in policy.TRANSITIONS:
        assert old not in policy.TERMINAL_STATES
    assert not policy.transition_allowed("expired", "active")
    assert not policy.transition_allowed("draft", "suspended")


def test_actor_kind_matrix(policy):
    assert policy.actor_kind_admitted("assignment", "access")
    assert policy.actor_kind_admitted("binding", "binding")
    assert not policy.actor_kind_admitted("access", "assignment")
    assert not policy.actor_kind_admitted("assignment", "binding")
    assert not policy.actor_kind_admitted("unknown", "access")


def test_good_sa_declaration_passes(policy):
    assert policy.sa_declaration_errors("ov.sa_x", GOOD_SA, DEPENDENT_TARGET, KINDS) == []


@pytest.mark.parametrize(
    "change, field, expected",
    [
        (
            {"_ov_deletion_policy": "dependent"},
            {"type": "many2one", "required": True, "ondelete": "set null"},
            "ov.sa_x: _ov_deletion_policy is 'dependent', so 'sale_order_id' needs "
            "ondelete='cascade', not 'set null'",
        ),
        (
            {"_ov_deletion_policy": "optional"},
            DEPENDENT_TARGET,
            "ov.sa_x: _ov_deletion_policy is 'optional', so 'sale_order_id' must not be required",
        ),
        (
            {"_ov_deletion_policy": "cascading"},
            DEPENDENT_TARGET,
            "ov.sa_x: _ov_deletion_policy 'cascading' is not one of",
        ),
        ({"_ov_target_field": None}, None, "ov.sa_x: _ov_target_field is not declared"),
        (
            {},
            None,
            "ov.sa_x: _ov_target_field 'sale_order_id' is not a field of the model",
        ),
        (
            {"_ov_allowed_kinds": ()},
            DEPENDENT_TARGET,
            "_ov_allowed_kinds must be a non-empty",
        ),
        (
            {"_ov_allowed_kinds": ("assignment", "stamp")},
            DEPENDENT_TARGET,
            "_ov_allowed_kinds names unknown kinds stamp",
        ),
        (
            {"_ov_exclusive_kinds": ("binding",)},
            DEPENDENT_TARGET,
            "_ov_exclusive_kinds binding not in _ov_allowed_kinds",
        ),
    ],
)
def test_broken_sa_declarations_are_named(policy, change, field, expected):
    errors = policy.sa_declaration_errors("ov.sa_x", {**GOOD_SA, **change}, field, KINDS)
    assert any(expected in error for error in errors), errors


def test_actor_declaration_needs_dependent_parent(policy):
    attrs = {
        "_ov_parent_field": "sa_x_id",
        "_ov_allowed_kinds": ("access",),
        "_ov_exclusive_kinds": (),
    }
    parent = {
        "type": "many2one",
        "required": True,
        "ondelete": "cascade",
        "comodel": "ov.sa_x",
    }
    assert policy.actor_declaration_errors("ov.actor_sa_x", attrs, parent, ["ov.sa_x"], KINDS) == []
    loose = {**parent, "ondelete": "set null", "required": False}
    errors = policy.actor_declaration_errors("ov.actor_sa_x", attrs, loose, ["ov.sa_x"], KINDS)
    assert len(errors) == 2
    wrong = {**parent, "comodel": "sale.order"}
    errors = policy.actor_declaration_errors("ov.actor_sa_x", attrs, wrong, ["ov.sa_x"], KINDS)
    assert errors == [
        "ov.actor_sa_x: _ov_parent_field 'sa_x_id' must point to an SA-layer model, "
        "not 'sale.order'"
    ]
