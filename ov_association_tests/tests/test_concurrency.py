"""Races between two real transactions on the test database.

These are plain pytest tests, not ``TransactionCase``: a test case shares one
cursor and never commits, so it cannot show what a second transaction sees.
Each test commits its fixtures and removes them (and their audit rows)
afterwards. They run under pytest-odoo in the odoo tier.
"""
# Two transactions that never commit cannot race: committing is the point.
# pylint: disable=invalid-commit

import threading
import time
import uuid

import psycopg2.errors
import pytest

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.modules.registry import Registry
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

# How long the first transaction holds its lock while the second one waits.
HOLD_SECONDS = 0.5


@pytest.fixture
def registry():
    return Registry(get_db_name())


def _env(cr):
    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})


@pytest.fixture
def governed(registry):
    """Committed fixtures: a target, an SA, a member actor and two draft rows."""
    tag = uuid.uuid4().hex[:8]
    with registry.cursor() as cr:
        env = _env(cr)
        target = env["ov.test.target"].create({"name": f"race {tag}"})
        sa = env["ov.sa"].create({"name": f"Race {tag}", "code": f"RACE-{tag}"})
        actor = env["ov.actor"].create({"name": f"Racer {tag}"})
        membership = env["ov.sa.membership"].create({"sa_id": sa.id, "actor_id": actor.id})
        membership.action_activate()
        Sa = env["ov.sa_test_target"]
        rows = Sa.create(
            [
                {
                    "sa_id": sa.id,
                    "target_id": target.id,
                    "association_kind": "assignment",
                }
                for _i in range(2)
            ]
        )
        ids = {
            "target": target.id,
            "sa": sa.id,
            "actor": actor.id,
            "membership": membership.id,
            "rows": rows.ids,
        }
        cr.commit()
    yield ids
    with registry.cursor() as cr:
        # Plain SQL: the ORM refuses to delete non-draft rows and audit events,
        # which is the point of the library; test debris is another matter.
        cr.execute("SELECT id FROM ov_sa_test_target WHERE target_id = %s", [ids["target"]])
        sa_rows = [r[0] for r in cr.fetchall()]
        cr.execute(
            "SELECT id FROM ov_actor_sa_test_target WHERE sa_test_target_id = ANY(%s)",
            [sa_rows],
        )
        actor_rows = [r[0] for r in cr.fetchall()]
        # The audit log refuses deletion unless maintenance is declared for
        # this transaction (the documented escape for test fixtures).
        cr.execute("SET LOCAL ov_association.audit_maintenance = 'on'")
        cr.execute("DELETE FROM ov_test_target WHERE id = %s", [ids["target"]])
        cr.execute("DELETE FROM ov_sa_membership WHERE id = %s", [ids["membership"]])
        cr.execute("DELETE FROM ov_sa WHERE id = %s", [ids["sa"]])
        cr.execute("DELETE FROM ov_actor WHERE id = %s", [ids["actor"]])
        cr.execute(
            """DELETE FROM ov_association_event
               WHERE (model = 'ov.sa_test_target' AND res_id = ANY(%s))
                  OR (model = 'ov.actor_sa_test_target' AND res_id = ANY(%s))
                  OR (model = 'ov.sa.membership' AND res_id = %s)""",
            [sa_rows, actor_rows, ids["membership"]],
        )
        cr.commit()


def _in_thread(registry, work):
    """Run ``work(env)`` in its own transaction on another thread."""
    outcome = {}

    def run():
        cr = registry.cursor()
        try:
            work(_env(cr))
            cr.commit()
            outcome["result"] = "committed"
        except Exception as error:  # the outcome is what the test asserts on
            cr.rollback()
            outcome["error"] = error
        finally:
            cr.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_exclusive_activation_race(registry, governed):
    """Two transactions activate an exclusive kind on one target: one wins."""
    first_id, second_id = governed["rows"]
    cr1 = registry.cursor()
    try:
        _env(cr1)["ov.sa_test_target"].browse(first_id).action_activate()
        thread, outcome = _in_thread(
            registry,
            lambda env: env["ov.sa_test_target"].browse(second_id).action_activate(),
        )
        time.sleep(HOLD_SECONDS)
        assert thread.is_alive(), "the second activation should wait for the first"
        cr1.commit()
    finally:
        cr1.close()
    thread.join(timeout=30)
    assert isinstance(outcome.get("error"), ValidationError), outcome
    assert "assignment" in str(outcome["error"])
    with registry.cursor() as cr:
        cr.execute(
            "SELECT id, state FROM ov_sa_test_target WHERE id = ANY(%s) ORDER BY id",
            [governed["rows"]],
        )
        assert cr.fetchall() == [(first_id, "active"), (second_id, "draft")]
        cr.execute(
            """SELECT count(*) FROM ov_association_event
               WHERE model = 'ov.sa_test_target' AND res_id = %s AND event = 'transition'""",
            [second_id],
        )
        assert cr.fetchone()[0] == 0, "the losing activation left an audit event"


def test_child_activation_locks_parent_against_revoke(registry, governed):
    """A revoke racing a child's activation cannot leave an effective orphan.

    The child's activation write-locks its parent; the concurrent revoke then
    fails to serialize (Odoo retries such requests) and, retried, sees the
    child and revokes it too.
    """
    parent_id = governed["rows"][0]
    with registry.cursor() as cr:
        _env(cr)["ov.sa_test_target"].browse(parent_id).action_activate()
        cr.commit()
    attempts = []

    def revoke(env):
        attempts.append(1)
        env["ov.sa_test_target"].browse(parent_id).action_revoke(reason="race")

    cr1 = registry.cursor()
    try:
        # A new child, created and activated in one transaction: the revoke
        # cannot see it, so only the parent lock can make the two collide.
        child = _env(cr1)["ov.actor_sa_test_target"].create(
            {
                "sa_test_target_id": parent_id,
                "actor_id": governed["actor"],
                "association_kind": "access",
            }
        )
        child.action_activate()
        child_id = child.id
        thread, outcome = _in_thread(registry, revoke)
        time.sleep(HOLD_SECONDS)
        assert thread.is_alive(), "the revoke should wait for the child's activation"
        cr1.commit()
    finally:
        cr1.close()
    thread.join(timeout=30)
    assert isinstance(outcome.get("error"), psycopg2.errors.SerializationFailure), outcome
    # What Odoo's request retry does: run the revoke again in a new transaction.
    thread, outcome = _in_thread(registry, revoke)
    thread.join(timeout=30)
    assert outcome == {"result": "committed"}
    with registry.cursor() as cr:
        cr.execute("SELECT state FROM ov_sa_test_target WHERE id = %s", [parent_id])
        assert cr.fetchone()[0] == "revoked"
        cr.execute(
            "SELECT state, ov_parent_state FROM ov_actor_sa_test_target WHERE id = %s",
            [child_id],
        )
        assert cr.fetchone() == ("revoked", "revoked")


def _race_against(registry, own_work, end, check):
    """``own_work`` in one transaction while ``end`` runs in another; then ``check``.

    ``end`` must wait for ``own_work``'s locks, fail to serialize once
    ``own_work`` commits, and, retried as Odoo retries a request, commit
    seeing what ``own_work`` did. Returns what ``own_work`` returned.
    """
    cr1 = registry.cursor()
    try:
        env1 = _env(cr1)  # referenced until the commit flushes what it holds
        made = own_work(env1)
        thread, outcome = _in_thread(registry, end)
        time.sleep(HOLD_SECONDS)
        assert thread.is_alive(), "the end should wait for the other transaction's lock"
        cr1.commit()
    finally:
        cr1.close()
    thread.join(timeout=30)
    assert isinstance(outcome.get("error"), psycopg2.errors.SerializationFailure), outcome
    thread, outcome = _in_thread(registry, end)
    thread.join(timeout=30)
    assert outcome == {"result": "committed"}
    with registry.cursor() as cr:
        check(cr, made)


def _new_child(governed, parent_id, activate):
    def work(env):
        child = env["ov.actor_sa_test_target"].create(
            {
                "sa_test_target_id": parent_id,
                "actor_id": governed["actor"],
                "association_kind": "access",
            }
        )
        if activate:
            child.action_activate()
        return child.id

    return work


def test_child_activation_locks_membership_against_its_end(registry, governed):
    """A membership ended while a child is granted cannot leave that child effective.

    Found by the concurrent soak: only the parent was locked, so the end of
    the membership, not seeing the new child, committed next to it.
    """
    parent_id = governed["rows"][0]
    with registry.cursor() as cr:
        _env(cr)["ov.sa_test_target"].browse(parent_id).action_activate()
        cr.commit()

    def end(env):
        env["ov.sa.membership"].browse(governed["membership"]).action_revoke(reason="race")

    def check(cr, child_id):
        cr.execute(
            "SELECT state, ov_reach_actor_id FROM ov_actor_sa_test_target WHERE id = %s",
            [child_id],
        )
        assert cr.fetchone() == ("revoked", None)

    _race_against(registry, _new_child(governed, parent_id, activate=True), end, check)


def test_child_creation_locks_parent_against_its_end(registry, governed):
    """A draft child created while its parent ends is revoked with it, and caches its state.

    Found by the concurrent soak: creating a draft did not lock the parent,
    so the parent's end missed the draft, whose cache kept the live state.
    """
    parent_id = governed["rows"][0]
    with registry.cursor() as cr:
        _env(cr)["ov.sa_test_target"].browse(parent_id).action_activate()
        cr.commit()

    def end(env):
        env["ov.sa_test_target"].browse(parent_id).action_revoke(reason="race")

    def check(cr, child_id):
        cr.execute(
            "SELECT state, ov_parent_state FROM ov_actor_sa_test_target WHERE id = %s",
            [child_id],
        )
        assert cr.fetchone() == ("revoked", "revoked")

    _race_against(registry, _new_child(governed, parent_id, activate=False), end, check)


def test_deletion_that_fails_to_serialize_says_so(registry, governed):
    """A deletion losing a race raises the serialization failure Odoo retries.

    Found by the concurrent soak: resetting the deleter after a failed
    DELETE ran a statement in the aborted transaction, and the client got
    "current transaction is aborted" instead, which Odoo does not retry.
    """
    draft_id = governed["rows"][1]
    cr1 = registry.cursor()
    try:
        env1 = _env(cr1)
        env1.cr.execute("SELECT state FROM ov_sa_test_target WHERE id = %s", [draft_id])
        with registry.cursor() as cr2:  # changes the row after cr1's snapshot
            env2 = _env(cr2)  # referenced until the commit flushes the write
            env2["ov.sa_test_target"].browse(draft_id).write({"date_from": "2030-01-01"})
            cr2.commit()
        with pytest.raises(psycopg2.errors.SerializationFailure), mute_logger("odoo.sql_db"):
            env1["ov.sa_test_target"].browse(draft_id).unlink()
    finally:
        cr1.rollback()
        cr1.close()
