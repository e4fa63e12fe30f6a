"""The legacy stamp's answers through the same server as ``/ov/v1/*``.

``make load`` drives these beside the governed endpoints: same transport
(JSON-RPC), same authentication (``auth='bearer'``), same read-only cursor
and same envelope, so that what differs between the two is the question's
own cost. A plain search on the stamp columns of the test-only
``ov.test.target``; never installed in production (this addon is not).
"""

from odoo import http
from odoo.http import request

TARGET = "ov.test.target"


def _ids(name, value, many=False):
    values = value if many and isinstance(value, list) else [value]
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return None, {
            "ok": False,
            "error": {"code": "invalid_argument", "message": f"{name}: expected integer ids"},
        }
    return (values if many else values[0]), None


class StampApi(http.Controller):
    @http.route(
        "/ov_test/v1/stamp/check", type="json", auth="bearer", readonly=True, methods=["POST"]
    )
    def check(self, target_id=None, actor_id=None):
        (target, error), (actor, error2) = _ids("target_id", target_id), _ids("actor_id", actor_id)
        if error or error2:
            return error or error2
        found = request.env[TARGET].search_count(
            [("id", "=", target), ("stamp_actor_id", "=", actor)], limit=1
        )
        return {"ok": True, "data": bool(found)}

    @http.route(
        "/ov_test/v1/stamp/check_many", type="json", auth="bearer", readonly=True, methods=["POST"]
    )
    def check_many(self, target_ids=None, actor_id=None):
        (targets, error), (actor, error2) = (
            _ids("target_ids", target_ids, many=True),
            _ids("actor_id", actor_id),
        )
        if error or error2:
            return error or error2
        reached = set(
            request.env[TARGET].search([("id", "in", targets), ("stamp_actor_id", "=", actor)]).ids
        )
        return {"ok": True, "data": {target: target in reached for target in targets}}

    @http.route(
        "/ov_test/v1/stamp/targets", type="json", auth="bearer", readonly=True, methods=["POST"]
    )
    def targets(self, actor_id=None):
        actor, error = _ids("actor_id", actor_id)
        if error:
            return error
        return {
            "ok": True,
            "data": request.env[TARGET].search([("stamp_actor_id", "=", actor)]).ids,
        }

    @http.route(
        "/ov_test/v1/stamp/explain", type="json", auth="bearer", readonly=True, methods=["POST"]
    )
    def explain(self, target_id=None, actor_id=None):
        """All a stamp can say about a record: its own columns."""
        (target, error), (actor, error2) = _ids("target_id", target_id), _ids("actor_id", actor_id)
        if error or error2:
            return error or error2
        record = request.env[TARGET].browse(target).exists()
        values = record.read(["stamp_sa_id", "stamp_actor_id"])[0] if record else {}
        stamped = values.get("stamp_actor_id")
        return {"ok": True, "data": {"allowed": bool(stamped and stamped[0] == actor), **values}}
