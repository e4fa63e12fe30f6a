"""What the actor ⊆ SA races of ``test_subset_races`` share (issue 22).

The invariants a fresh cursor checks once a race is over (no live actor row
outside its parent, none counted live on a membership, SA or actor that no
longer holds it, none reaching without ground); the race itself (one
transaction held open while another runs, the loser retried as Odoo retries a
request); the committed rows a race starts from, and what it leaves of them.
Plain pytest with real cursors, like ``test_concurrency`` whose helpers it uses.
"""
# Two transactions that never commit cannot race: committing is the point.
# pylint: disable=invalid-commit

import time

import psycopg2.errors

from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from odoo.addons.ov_association_tests.tests.test_concurrency import (
    HOLD_SECONDS,
    _env,
    _in_thread,
)

# Live children outside their parent's window, or active under an ended parent.
_OUTSIDE_PARENT = """
    SELECT count(*) FROM ov_actor_sa_test_target c
      JOIN ov_sa_test_target p ON p.id = c.sa_test_target_id
     WHERE p.target_id = %s AND c.state IN ('active', 'suspended')
       AND ((p.date_to IS NOT NULL AND (c.date_to IS NULL OR c.date_to > p.date_to))
         OR (p.date_from IS NOT NULL AND (c.date_from IS NULL OR c.date_from < p.date_from))
         OR (c.state = 'active' AND p.state NOT IN ('active', 'suspended')))
"""

# Rows counted as held (or reaching) though their membership is not active,
# or their SA or actor is archived.
_HOLDER_GONE = """
    SELECT count(*) FROM ov_actor_sa_test_target c
      JOIN ov_sa_test_target p ON p.id = c.sa_test_target_id
      JOIN ov_sa s ON s.id = p.sa_id
      JOIN ov_actor a ON a.id = c.actor_id
      LEFT JOIN ov_sa_membership m
        ON m.sa_id = p.sa_id AND m.actor_id = c.actor_id AND m.state = 'active'
     WHERE p.target_id = %s
       AND (c.ov_holder_live OR c.ov_reach_actor_id IS NOT NULL)
       AND (m.id IS NULL OR NOT s.active OR NOT a.active)
"""

# Rows reaching though not active under an active parent.
_REACH_WITHOUT_GROUND = """
    SELECT count(*) FROM ov_actor_sa_test_target c
      JOIN ov_sa_test_target p ON p.id = c.sa_test_target_id
     WHERE p.target_id = %s AND c.ov_reach_actor_id IS NOT NULL
       AND (c.state <> 'active' OR p.state <> 'active' OR NOT c.ov_holder_live)
"""


def _assert_invariants(cr, target_id):
    for name, query in (
        ("live child outside its parent", _OUTSIDE_PARENT),
        ("child held without its holder", _HOLDER_GONE),
        ("child reaching without ground", _REACH_WITHOUT_GROUND),
    ):
        cr.execute(query, [target_id])
        assert cr.fetchone()[0] == 0, name


def _race(pool, first, second):
    """``first`` in a transaction held open while ``second`` runs in another.

    ``first`` commits. ``second`` commits or fails to serialize; failed, it
    is run again (as Odoo retries a request), and then commits or is refused.
    Returns ``(waited, second's outcome, the retry's outcome or None)``.
    """
    with mute_logger("odoo.sql_db"):
        cr1 = pool.cursor()
        try:
            env1 = _env(cr1)
            first(env1)
            env1.flush_all()  # what it writes is written (and locked) now
            thread, outcome = _in_thread(pool, second)
            time.sleep(HOLD_SECONDS)
            waited = thread.is_alive()
            cr1.commit()
        finally:
            cr1.close()
        thread.join(timeout=30)
        assert not thread.is_alive()
        retried = None
        if "error" in outcome:
            assert isinstance(outcome["error"], psycopg2.errors.SerializationFailure), outcome
            thread, retried = _in_thread(pool, second)
            thread.join(timeout=30)
            if "error" in retried:
                assert isinstance(retried["error"], (UserError, ValidationError)), retried
    return waited, outcome, retried


def _committed(outcome):
    return outcome is not None and outcome.get("result") == "committed"


def _refused(outcome):
    return outcome is not None and isinstance(outcome.get("error"), (UserError, ValidationError))


def _new_parent(cr, governed, date_to=False):
    """A committed active SA row of a non-exclusive kind on the fixture's target."""
    env = _env(cr)
    parent = env["ov.sa_test_target"].create(
        {
            "sa_id": governed["sa"],
            "target_id": governed["target"],
            "association_kind": "access",
            "date_to": date_to,
        }
    )
    parent.action_activate()
    return parent


def _new_child(cr, governed, parent_id, date_to=False, activate=True):
    env = _env(cr)
    child = env["ov.actor_sa_test_target"].create(
        {
            "sa_test_target_id": parent_id,
            "actor_id": governed["actor"],
            "association_kind": "access",
            "date_to": date_to,
        }
    )
    if activate:
        child.action_activate()
    return child


def _states(cr, parent_id, child_id):
    cr.execute("SELECT state, date_to FROM ov_sa_test_target WHERE id = %s", [parent_id])
    parent = cr.fetchone()
    cr.execute(
        "SELECT state, date_to, ov_holder_live, ov_reach_actor_id"
        " FROM ov_actor_sa_test_target WHERE id = %s",
        [child_id],
    )
    return parent, cr.fetchone()


def _governed(registry, governed):
    with registry.cursor() as cr:
        return _env(cr)["ov.sa_test_target"].check_governed(
            governed["target"], actor_id=governed["actor"]
        )
