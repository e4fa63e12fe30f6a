"""The soak's reference model states the contract (docs/design.md §3-§4) as intended.

The odoo tier compares the real library with this model after every step, so
the model's own rules are pinned here, without Odoo.
"""

import pytest
from conftest import load_module

rm = load_module("ov_association_tests/tests/reference_model.py", "ov_reference_model")
contract = load_module("ov_association_tests/tests/contract_tables.py", "ov_contract_tables")


@pytest.fixture
def model():
    return rm.ReferenceModel()


def test_the_model_reads_the_written_out_tables():
    assert rm.contract_tables.TRANSITIONS == contract.TRANSITIONS
    model = rm.ReferenceModel()
    assert model.admitted == {
        "assignment": {"assignment", "access"},
        "access": {"access"},
        "binding": {"binding", "access"},
    }
    assert model.terminal == {"expired", "revoked"}
    assert model.live_states == {"draft", "active", "suspended"}


def test_policy_states_the_tables_as_written_out(policy):
    """The library's own tables equal the contract's, written out by hand."""
    assert dict(policy.TRANSITIONS) == contract.TRANSITIONS
    assert set(policy.TERMINAL_STATES) == contract.TERMINAL_STATES
    assert set(policy.OPEN_STATES) == contract.OPEN_STATES
    assert tuple(value for value, _label in policy.STATES) == contract.STATES
    assert tuple(value for value, _label in policy.KINDS) == contract.KINDS
    assert {k: set(v) for k, v in policy.ACTOR_KINDS_ADMITTED.items()} == {
        k: set(v) for k, v in contract.ACTOR_KINDS_ADMITTED.items()
    }
    assert dict(policy.DELETION_POLICIES) == contract.DELETION_POLICIES


def granted(model, sa=1, actor=1, target=1, kind="assignment", actor_kind="access"):
    """An active membership, an active SA row and an active actor row under it."""
    membership = model.create_membership(sa, actor)
    model.transition(membership, "action_activate")
    parent = model.create_sa_row(sa, target, kind)
    model.transition(parent, "action_activate")
    child = model.create_actor_row(parent, actor, actor_kind)
    model.transition(child, "action_activate")
    return membership, parent, child


def test_methods_follow_the_transition_table(model):
    row = model.create_sa_row(1, 1, "access")
    assert model.attempt(model.transition, row, "action_resume") == (rm.USER_ERROR, None)
    assert model.row(row).state == "draft"
    assert model.row(row).events == [("create", None, "draft", None, None)]
    model.transition(row, "action_activate")
    model.transition(row, "action_suspend")
    assert model.attempt(model.transition, row, "action_activate")[0] == rm.USER_ERROR
    model.transition(row, "action_resume")
    assert model.row(row).state == "active"


def test_actor_rows_follow_parent_and_membership(model):
    membership, parent, child = granted(model)
    assert model.actor_targets(1) == {1} and model.check(1, 1)
    model.transition(parent, "action_suspend")
    assert model.row(child).state == "active" and not model.is_effective(child)
    model.transition(parent, "action_resume")
    assert model.is_effective(child)
    draft = model.create_actor_row(parent, 1, "access")
    model.transition(membership, "action_suspend")  # a suspended membership touches nothing
    assert model.row(child).state == "active" and model.row(draft).state == "draft"
    model.transition(membership, "action_expire")
    assert [model.row(h).state for h in (child, draft)] == ["revoked", "revoked"]
    assert model.row(child).events[-1] == ("transition", "active", "revoked", None, None)


def test_parent_end_cascades(model):
    _membership, parent, active = granted(model)
    suspended = model.create_actor_row(parent, 1, "access")
    model.transition(suspended, "action_activate")
    model.transition(suspended, "action_suspend")
    draft = model.create_actor_row(parent, 1, "access")
    model.transition(parent, "action_expire")
    assert [model.row(h).state for h in (active, suspended, draft)] == [
        "expired",
        "expired",
        "revoked",
    ]


def test_actor_row_needs_membership_window_and_active_parent(model):
    parent = model.create_sa_row(1, 1, "assignment", window=(0, 10))
    assert model.attempt(model.create_actor_row, parent, 1, "access")[0] == rm.VALIDATION_ERROR
    membership = model.create_membership(1, 1)
    model.transition(membership, "action_activate")
    outside = model.attempt(model.create_actor_row, parent, 1, "access", (0, 11))
    assert outside[0] == rm.VALIDATION_ERROR
    refused = model.attempt(model.create_actor_row, parent, 1, "binding", (0, 10))
    assert refused[0] == rm.VALIDATION_ERROR  # assignment admits assignment, access
    child = model.create_actor_row(parent, 1, "access", (1, 9))
    assert model.attempt(model.transition, child, "action_activate")[0] == rm.USER_ERROR
    assert len(model.handles(rm.ACTOR_ROW)) == 1  # refused creations left nothing


def test_exclusivity_and_kind_change(model):
    _membership, parent, child = granted(model, actor_kind="assignment")
    second = model.create_sa_row(2, 1, "assignment")
    assert model.attempt(model.transition, second, "action_activate")[0] == rm.VALIDATION_ERROR
    assert model.row(second).events == [("create", None, "draft", None, None)]
    assert model.attempt(model.change_kind, parent, "access")[0] == rm.USER_ERROR
    model.transition(child, "action_revoke")
    model.change_kind(parent, "access")
    assert model.row(parent).events[-1] == (
        "kind_change",
        "active",
        "active",
        "assignment",
        "access",
    )
    model.transition(second, "action_activate")


def test_unlink_drafts_and_cascade(model):
    membership = model.create_membership(1, 1)
    model.transition(membership, "action_activate")
    parent = model.create_sa_row(1, 1, "binding")
    child = model.create_actor_row(parent, 1, "binding")
    revoked = model.create_actor_row(parent, 1, "access")
    model.transition(revoked, "action_revoke")
    assert model.attempt(model.delete, revoked)[0] == rm.USER_ERROR
    # The revoked child's history would go with its draft parent.
    assert model.attempt(model.delete, parent)[0] == rm.USER_ERROR
    assert model.handles(rm.ACTOR_ROW) == [child, revoked]
    other = model.create_sa_row(1, 2, "binding")
    draft_child = model.create_actor_row(other, 1, "binding")
    model.delete(other)
    assert model.handles(rm.SA_ROW) == [parent]
    assert model.handles(rm.ACTOR_ROW) == [child, revoked]
    assert model.row(other).events[-1] == ("delete", "draft", None, "binding", None)
    assert model.row(draft_child).events[-1] == ("delete", "draft", None, "binding", None)


def test_windows_and_cron(model):
    membership, parent, child = granted(model)
    late = model.create_sa_row(1, 2, "access", window=(2, 5))
    model.transition(late, "action_activate")
    assert not model.is_effective(late)
    model.advance(2)
    assert model.is_effective(late) and model.sa_targets(1) == {1, 2}
    model.advance(3)  # the end is exclusive
    assert not model.is_effective(late) and model.row(late).state == "active"
    assert model.expire_past_rows() == 1
    assert model.row(late).state == "expired" and model.expire_past_rows() == 0
    assert model.attempt(model.write_window, child, (None, 1))[0] == rm.USER_ERROR
    ended = model.create_sa_row(1, 3, "access", window=(None, 5))
    assert model.attempt(model.transition, ended, "action_activate")[0] == rm.USER_ERROR
    assert model.is_effective(membership) and model.may_query_sa(1, 1)
    assert not model.may_query_sa(1, 2)
