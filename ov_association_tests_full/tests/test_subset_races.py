"""Actor ⊆ SA under concurrency (docs/design.md §3, issue 22): two real transactions
on the test database, as in ``test_concurrency``. Plain pytest, run by
pytest-odoo only: each transaction commits, which an Odoo test case cannot.

Each test races a change of what an actor row rests on (its parent's window
or state, its actor's membership, the SA, the actor) against a change of the
actor row itself. One transaction holds its work open while the other runs;
the one that waits may fail to serialize (Odoo retries it, and so do these
tests: the retry may then be refused). Whatever committed, a fresh cursor
then finds no live actor row outside its parent, and no row counted live on
a membership, SA or actor that no longer holds it (the invariants and the
race are in ``subset_races_common``).
"""
# Two transactions that never commit cannot race: committing is the point.
# pylint: disable=invalid-commit

import datetime

import psycopg2.errors
import pytest

from odoo import fields

# The fixtures are used by name: pytest finds them in this module.
from odoo.addons.ov_association_tests.tests.test_concurrency import (  # noqa: F401  # pylint: disable=unused-import
    governed,
    registry,
)

from .subset_races_common import (
    _assert_invariants,
    _committed,
    _governed,
    _new_child,
    _new_parent,
    _race,
    _refused,
    _states,
)

DAY = datetime.timedelta(days=1)


@pytest.fixture
def archive_events(registry, governed):  # noqa: F811 (fixtures)
    """The fixture's SA and actor archived by a test: their audit events go
    with them (plain SQL, see test_concurrency)."""
    yield
    with registry.cursor() as cr:
        cr.execute("SET LOCAL ov_association.audit_maintenance = 'on'")
        cr.execute(
            """DELETE FROM ov_association_event
               WHERE (model = 'ov.sa' AND res_id = %s) OR (model = 'ov.actor' AND res_id = %s)""",
            [governed["sa"], governed["actor"]],
        )
        cr.commit()


# ----------------------------------------------------------------------
# 1. Parent window shortened vs child window extended (the write skew)
# ----------------------------------------------------------------------
@pytest.mark.parametrize("parent_first", [True, False, True, False, True])
def test_parent_shortened_vs_child_extended(registry, governed, parent_first):  # noqa: F811
    """The parent's end moved to +20 days while its child's (+10) goes to +40.

    Before the trigger the two committed side by side and the child ended
    after its parent (13 of 14 rounds). Parent first: the extension, retried,
    is refused and the child keeps +10. Child first: the shortening, retried,
    cuts the child back to +20.
    """
    now = fields.Datetime.now()
    parent_end, child_end = now + 60 * DAY, now + 10 * DAY
    shorter, longer = now + 20 * DAY, now + 40 * DAY
    with registry.cursor() as cr:
        parent = _new_parent(cr, governed, date_to=parent_end)
        child = _new_child(cr, governed, parent.id, date_to=child_end)
        parent_id, child_id = parent.id, child.id
        cr.commit()

    def shorten(env):
        env["ov.sa_test_target"].browse(parent_id).action_change_window(date_to=shorter)

    def extend(env):
        env["ov.actor_sa_test_target"].browse(child_id).action_change_window(date_to=longer)

    first, second = (shorten, extend) if parent_first else (extend, shorten)
    waited, outcome, retried = _race(registry, first, second)
    assert waited, "the second change should wait for the first"
    assert isinstance(outcome.get("error"), psycopg2.errors.SerializationFailure), outcome
    with registry.cursor() as cr:
        parent_row, child_row = _states(cr, parent_id, child_id)
        assert parent_row == ("active", shorter)
        if parent_first:
            assert _refused(retried), retried
            assert "would leave the window" in str(retried["error"])
            assert child_row[:2] == ("active", child_end)
        else:
            assert _committed(retried), retried
            assert child_row[:2] == ("active", shorter)
        _assert_invariants(cr, governed["target"])


# ----------------------------------------------------------------------
# 2. Parent suspended or revoked vs child activated
# ----------------------------------------------------------------------
@pytest.mark.parametrize("end", ["action_suspend", "action_revoke"])
@pytest.mark.parametrize("parent_first", [True, False])
def test_parent_ended_vs_child_activated(registry, governed, end, parent_first):  # noqa: F811
    """A draft child activated while its parent is suspended or revoked: never
    an active child the parent's end did not see."""
    with registry.cursor() as cr:
        parent = _new_parent(cr, governed)
        child = _new_child(cr, governed, parent.id, activate=False)
        parent_id, child_id = parent.id, child.id
        cr.commit()

    def end_parent(env):
        getattr(env["ov.sa_test_target"].browse(parent_id), end)(reason="race")

    def activate(env):
        env["ov.actor_sa_test_target"].browse(child_id).action_activate()

    first, second = (end_parent, activate) if parent_first else (activate, end_parent)
    waited, outcome, retried = _race(registry, first, second)
    assert waited, "the second transaction should wait for the first"
    assert isinstance(outcome.get("error"), psycopg2.errors.SerializationFailure), outcome
    ended = "suspended" if end == "action_suspend" else "revoked"
    with registry.cursor() as cr:
        parent_row, child_row = _states(cr, parent_id, child_id)
        assert parent_row[0] == ended
        if parent_first:
            # The activation, retried, sees the parent's end.
            assert _refused(retried), retried
            expected_child = "draft" if ended == "suspended" else "revoked"
        else:
            assert _committed(retried), retried
            expected_child = "active" if ended == "suspended" else "revoked"
        assert child_row[0] == expected_child
        assert child_row[3] is None, "no reach under an ended or suspended parent"
        _assert_invariants(cr, governed["target"])
    assert _governed(registry, governed) is False


# ----------------------------------------------------------------------
# 3. Membership suspended vs child created and activated
# ----------------------------------------------------------------------
@pytest.mark.parametrize("membership_first", [True, False])
def test_membership_suspended_vs_child_granted(registry, governed, membership_first):  # noqa: F811
    """A child granted while its actor's membership is suspended: either the
    grant is refused, or the child is there and does not reach."""
    with registry.cursor() as cr:
        parent_id = _new_parent(cr, governed).id
        cr.commit()
    made = {}

    def suspend(env):
        env["ov.sa.membership"].browse(governed["membership"]).action_suspend(reason="race")

    def grant(env):
        made["child"] = _new_child(env.cr, governed, parent_id).id

    first, second = (suspend, grant) if membership_first else (grant, suspend)
    waited, outcome, retried = _race(registry, first, second)
    assert waited, "the second transaction should wait for the first"
    assert isinstance(outcome.get("error"), psycopg2.errors.SerializationFailure), outcome
    with registry.cursor() as cr:
        cr.execute("SELECT state FROM ov_sa_membership WHERE id = %s", [governed["membership"]])
        assert cr.fetchone() == ("suspended",)
        cr.execute(
            "SELECT state, ov_holder_live, ov_reach_actor_id FROM ov_actor_sa_test_target"
            " WHERE sa_test_target_id = %s",
            [parent_id],
        )
        children = cr.fetchall()
        if membership_first:
            assert _refused(retried), retried
            assert children == []
        else:
            assert _committed(retried), retried
            assert children == [("active", False, None)]
        _assert_invariants(cr, governed["target"])
    assert _governed(registry, governed) is False


# ----------------------------------------------------------------------
# 4. SA archived vs child granted; actor archived vs child activated
# ----------------------------------------------------------------------
@pytest.mark.parametrize("archive_first", [True, False])
@pytest.mark.usefixtures("archive_events")
def test_sa_archived_vs_child_granted(registry, governed, archive_first):  # noqa: F811
    with registry.cursor() as cr:
        parent_id = _new_parent(cr, governed).id
        cr.commit()
    made = {}

    def archive(env):
        env["ov.sa"].browse(governed["sa"]).write({"active": False})

    def grant(env):
        made["child"] = _new_child(env.cr, governed, parent_id).id

    first, second = (archive, grant) if archive_first else (grant, archive)
    waited, outcome, retried = _race(registry, first, second)
    assert waited, "the second transaction should wait for the first"
    assert isinstance(outcome.get("error"), psycopg2.errors.SerializationFailure), outcome
    with registry.cursor() as cr:
        cr.execute("SELECT active FROM ov_sa WHERE id = %s", [governed["sa"]])
        assert cr.fetchone() == (False,)
        cr.execute(
            "SELECT ov_holder_live, ov_reach_actor_id FROM ov_actor_sa_test_target"
            " WHERE sa_test_target_id = %s",
            [parent_id],
        )
        children = cr.fetchall()
        if archive_first:
            # Retried, the grant is refused, or made without reach.
            assert _refused(retried) or _committed(retried), retried
            assert children in ([], [(False, None)])
        else:
            assert _committed(retried), retried
            assert children == [(False, None)]
        _assert_invariants(cr, governed["target"])
    assert _governed(registry, governed) is False


@pytest.mark.parametrize("archive_first", [True, False])
@pytest.mark.usefixtures("archive_events")
def test_actor_archived_vs_child_activated(registry, governed, archive_first):  # noqa: F811
    with registry.cursor() as cr:
        parent_id = _new_parent(cr, governed).id
        child_id = _new_child(cr, governed, parent_id, activate=False).id
        cr.commit()

    def archive(env):
        env["ov.actor"].browse(governed["actor"]).write({"active": False})

    def activate(env):
        env["ov.actor_sa_test_target"].browse(child_id).action_activate()

    first, second = (archive, activate) if archive_first else (activate, archive)
    waited, outcome, retried = _race(registry, first, second)
    assert waited, "the second transaction should wait for the first"
    assert isinstance(outcome.get("error"), psycopg2.errors.SerializationFailure), outcome
    with registry.cursor() as cr:
        cr.execute("SELECT active FROM ov_actor WHERE id = %s", [governed["actor"]])
        assert cr.fetchone() == (False,)
        _parent_row, child_row = _states(cr, parent_id, child_id)
        if archive_first:
            assert _refused(retried) or _committed(retried), retried
            assert child_row[0] in ("draft", "active")
        else:
            assert _committed(retried), retried
            assert child_row[0] == "active"
        assert child_row[2:] == (False, None)
        _assert_invariants(cr, governed["target"])
    assert _governed(registry, governed) is False


# ----------------------------------------------------------------------
# 5. Membership suspended vs parent window change
# ----------------------------------------------------------------------
@pytest.mark.parametrize("child_clipped", [True, False])
@pytest.mark.parametrize("membership_first", [True, False])
def test_membership_suspended_vs_window(registry, governed, membership_first, child_clipped):  # noqa: F811
    """Both may commit; whatever did, the child is inside its parent and not
    held by the suspended membership."""
    now = fields.Datetime.now()
    shorter = now + 20 * DAY
    child_end = False if child_clipped else now + 10 * DAY
    with registry.cursor() as cr:
        parent_id = _new_parent(cr, governed).id
        child_id = _new_child(cr, governed, parent_id, date_to=child_end).id
        cr.commit()

    def suspend(env):
        env["ov.sa.membership"].browse(governed["membership"]).action_suspend(reason="race")

    def shorten(env):
        env["ov.sa_test_target"].browse(parent_id).action_change_window(date_to=shorter)

    first, second = (suspend, shorten) if membership_first else (shorten, suspend)
    _waited, outcome, retried = _race(registry, first, second)
    # A serialization failure is allowed, not required; the retry commits.
    assert _committed(outcome) or _committed(retried), (outcome, retried)
    with registry.cursor() as cr:
        cr.execute("SELECT state FROM ov_sa_membership WHERE id = %s", [governed["membership"]])
        assert cr.fetchone() == ("suspended",)
        parent_row, child_row = _states(cr, parent_id, child_id)
        assert parent_row == ("active", shorter)
        assert child_row == ("active", shorter if child_clipped else child_end, False, None)
        _assert_invariants(cr, governed["target"])
    assert _governed(registry, governed) is False
