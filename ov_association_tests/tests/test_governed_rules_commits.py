"""Governed record rules across committed transactions (issue 23).

Plain pytest, run by pytest-odoo only: each step commits and the next one
opens a fresh cursor, in one process, so Odoo's rule cache stays warm from one
transaction to the next, as in a server. What the rule says must follow each
commit: a grant is seen by the next transaction, a revoke is too.
"""
# Committing is the point: the next transaction must see it.
# pylint: disable=invalid-commit

import uuid

from odoo import api

# The fixtures are used by name: pytest finds them in this module.
from .test_concurrency import (  # noqa: F401  # pylint: disable=unused-import
    _env,
    governed,
    registry,
)

GROUP = "ov_association_tests.group_governed_only"


def _visible(registry, user_id, target_id):  # noqa: F811 (fixture name)
    """Whether ``user_id`` sees ``target_id`` through Odoo's own search, in a
    transaction of its own."""
    with registry.cursor() as cr:
        env = api.Environment(cr, user_id, {})
        return bool(env["ov.test.target"].search_count([("id", "=", target_id)]))


def test_grant_and_revoke_are_seen_by_the_next_transaction(registry, governed):  # noqa: F811
    tag = uuid.uuid4().hex[:8]
    with registry.cursor() as cr:
        env = _env(cr)
        user = env["res.users"].create(
            {
                "name": f"Rule reader {tag}",
                "login": f"ov_rule_reader_{tag}",
                "groups_id": [
                    (6, 0, [env.ref("ov_association_base.group_ov_user").id, env.ref(GROUP).id])
                ],
            }
        )
        env["ov.actor"].browse(governed["actor"]).write({"user_id": user.id})
        user_id = user.id
        cr.commit()
    try:
        # Nothing reached yet: the group narrows to nothing (and warms the cache).
        assert _visible(registry, user_id, governed["target"]) is False
        with registry.cursor() as cr:
            env = _env(cr)
            parent = env["ov.sa_test_target"].browse(governed["rows"][0])
            parent.action_activate()
            row = env["ov.actor_sa_test_target"].create(
                {
                    "sa_test_target_id": parent.id,
                    "actor_id": governed["actor"],
                    "association_kind": "access",
                }
            )
            row.action_activate()
            row_id = row.id
            cr.commit()
        assert _visible(registry, user_id, governed["target"]) is True
        with registry.cursor() as cr:
            _env(cr)["ov.actor_sa_test_target"].browse(row_id).action_revoke("test")
            cr.commit()
        assert _visible(registry, user_id, governed["target"]) is False
    finally:
        with registry.cursor() as cr:
            # Plain SQL: relinking through the ORM would audit it, and the
            # fixture removes the actor with its events.
            cr.execute("UPDATE ov_actor SET user_id = NULL WHERE id = %s", [governed["actor"]])
            cr.execute("SET LOCAL ov_association.audit_maintenance = 'on'")
            cr.execute(
                "DELETE FROM ov_association_event WHERE model = 'ov.actor' AND res_id = %s",
                [governed["actor"]],
            )
            _env(cr)["res.users"].browse(user_id).unlink()
            cr.commit()
