"""Handovers racing other transactions (docs/design.md §6, issue 12): two real
transactions on the test database, as in ``test_concurrency``.

Plain pytest, run by pytest-odoo only: each transaction commits, which an
Odoo test case (one cursor, rolled back) cannot do."""
# Two transactions that never commit cannot race: committing is the point.
# pylint: disable=invalid-commit

import time
import uuid

import psycopg2.errors
import pytest

from odoo.exceptions import UserError

# The fixtures are used by name: pytest finds them in this module.
from odoo.addons.ov_association_tests.tests.test_concurrency import (  # noqa: F401  # pylint: disable=unused-import
    HOLD_SECONDS,
    _env,
    _in_thread,
    _race_against,
    governed,
    registry,
)


@pytest.fixture
def successors(registry, governed):  # noqa: F811 (fixtures)
    """Two more actors, effective members of the fixture's SA, a second SA
    of the same company, and the fixture's first row active with a child."""
    tag = uuid.uuid4().hex[:8]
    with registry.cursor() as cr:
        env = _env(cr)
        actors = env["ov.actor"].create([{"name": f"Successor {tag} {n}"} for n in (1, 2)])
        other_sa = env["ov.sa"].create({"name": f"Other {tag}", "code": f"OTHER-{tag}"})
        memberships = env["ov.sa.membership"].create(
            [{"sa_id": governed["sa"], "actor_id": actor.id} for actor in actors]
        )
        memberships.action_activate()
        parent = env["ov.sa_test_target"].browse(governed["rows"][0])
        parent.action_activate()
        child = env["ov.actor_sa_test_target"].create(
            {
                "sa_test_target_id": parent.id,
                "actor_id": governed["actor"],
                "association_kind": "assignment",
            }
        )
        child.action_activate()
        ids = {
            "actors": actors.ids,
            "memberships": memberships.ids,
            "other_sa": other_sa.id,
            "parent": parent.id,
            "child": child.id,
        }
        cr.commit()
    yield ids
    with registry.cursor() as cr:
        # The fixture's own rows go with its target; these first, since they
        # reference the extra actors and SA (plain SQL: see test_concurrency).
        cr.execute("SET LOCAL ov_association.audit_maintenance = 'on'")
        cr.execute(
            "SELECT id FROM ov_actor_sa_test_target WHERE actor_id = ANY(%s)", [ids["actors"]]
        )
        rows = [row[0] for row in cr.fetchall()]
        cr.execute("SELECT id FROM ov_sa_test_target WHERE sa_id = %s", [ids["other_sa"]])
        sa_rows = [row[0] for row in cr.fetchall()]
        cr.execute("DELETE FROM ov_actor_sa_test_target WHERE id = ANY(%s)", [rows])
        cr.execute("DELETE FROM ov_sa_test_target WHERE id = ANY(%s)", [sa_rows])
        cr.execute("DELETE FROM ov_sa_membership WHERE id = ANY(%s)", [ids["memberships"]])
        cr.execute(
            """DELETE FROM ov_association_event
               WHERE (model = 'ov.actor_sa_test_target' AND res_id = ANY(%s))
                  OR (model = 'ov.sa_test_target' AND res_id = ANY(%s))
                  OR (model = 'ov.sa.membership' AND res_id = ANY(%s))""",
            [rows, sa_rows, ids["memberships"]],
        )
        cr.execute("DELETE FROM ov_actor WHERE id = ANY(%s)", [ids["actors"]])
        cr.execute("DELETE FROM ov_sa WHERE id = %s", [ids["other_sa"]])
        cr.commit()


def _live_children(cr, parent_id):
    cr.execute(
        """SELECT actor_id, state FROM ov_actor_sa_test_target
           WHERE sa_test_target_id = %s AND state IN ('active', 'suspended') ORDER BY id""",
        [parent_id],
    )
    return cr.fetchall()


def test_two_reassigns_of_one_row(registry, governed, successors):  # noqa: F811
    """Two transactions reassign the same row: one wins, the other is refused
    by name once retried; the exclusive slot is held once, never empty."""
    first, second = successors["actors"]
    child = successors["child"]

    def reassign_to(actor):
        def work(env):
            return env["ov.actor_sa_test_target"].browse(child).action_reassign(actor)

        return work

    cr1 = registry.cursor()
    try:
        env1 = _env(cr1)  # referenced until the commit flushes what it holds
        reassign_to(first)(env1)
        thread, outcome = _in_thread(registry, reassign_to(second))
        time.sleep(HOLD_SECONDS)
        assert thread.is_alive(), "the second reassign should wait for the first"
        cr1.commit()
    finally:
        cr1.close()
    thread.join(timeout=30)
    assert isinstance(outcome.get("error"), psycopg2.errors.SerializationFailure), outcome
    # Retried as Odoo retries a request: refused, naming the row.
    thread, outcome = _in_thread(registry, reassign_to(second))
    thread.join(timeout=30)
    assert isinstance(outcome.get("error"), UserError), outcome
    assert "is expired: only active or suspended rows can be reassigned" in str(outcome["error"])
    with registry.cursor() as cr:
        assert _live_children(cr, successors["parent"]) == [(first, "active")]


def test_reassign_racing_a_parent_revoke(registry, governed, successors):  # noqa: F811
    """The parent revoked while a reassignment creates the successor: never an
    effective orphan (the successor's creation locks the parent)."""
    first, _second = successors["actors"]
    parent = successors["parent"]

    def reassign(env):
        done = env["ov.actor_sa_test_target"].browse(successors["child"]).action_reassign(first)
        return done["reassigned"][0][1]

    def revoke(env):
        env["ov.sa_test_target"].browse(parent).action_revoke(reason="race")

    def check(cr, successor):
        cr.execute(
            "SELECT state, ov_reach_actor_id FROM ov_actor_sa_test_target WHERE id = %s",
            [successor],
        )
        assert cr.fetchone() == ("revoked", None)
        assert _live_children(cr, parent) == []

    _race_against(registry, reassign, revoke, check)


def test_transfer_racing_a_child_activation(registry, governed, successors):  # noqa: F811
    """A child granted under a row while it is transferred ends with it (or
    follows it): never an effective child under an ended row."""
    parent = successors["parent"]
    first, _second = successors["actors"]

    def grant(env):
        child = env["ov.actor_sa_test_target"].create(
            {"sa_test_target_id": parent, "actor_id": first, "association_kind": "access"}
        )
        child.action_activate()
        return child.id

    def transfer(env):
        env["ov.sa_test_target"].browse(parent).action_transfer(successors["other_sa"])

    def check(cr, child):
        cr.execute("SELECT state FROM ov_actor_sa_test_target WHERE id = %s", [child])
        assert cr.fetchone() == ("expired",)
        cr.execute("SELECT state FROM ov_sa_test_target WHERE id = %s", [parent])
        assert cr.fetchone() == ("expired",)
        assert _live_children(cr, parent) == []

    _race_against(registry, grant, transfer, check)
