"""JSON endpoints of the governed reads, for integrators (``/ov/v1/*``).

``type='json'`` (JSON-RPC: the arguments go in ``params``), ``auth='bearer'``
(an API key in ``Authorization: Bearer …``, or the web session of a page
navigation), ``readonly=True`` (a read-only cursor: a replica where one is
configured). Every answer is ``{"ok": true, "data": …}`` or
``{"ok": false, "error": {"code": …, "message": …}}`` with a stable code:
``unknown_model``, ``ambiguous_model``, ``invalid_argument``,
``access_denied``. A JSON object's keys are strings: ``check_many`` answers
``{"12": true, …}``. Every route takes ``at`` (a past moment, UTC,
``"2026-03-31 17:00:00"`` or ISO 8601) for the answer as of then.
"""

import inspect

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

SA_MIXIN = "ov.sa.association.mixin"


def _error(code, message):
    return {"ok": False, "error": {"code": code, "message": message}}


class GovernedApi(http.Controller):
    def _answer(self, model, method, allowed, params):
        unknown = sorted(set(params) - set(allowed))
        if unknown:
            return _error(
                "invalid_argument",
                f"unknown argument(s) {', '.join(unknown)}; expected {', '.join(allowed)}",
            )
        pair = self._pair(model)
        if isinstance(pair, dict):
            return pair
        missing = [
            name
            for name, parameter in inspect.signature(getattr(pair, method)).parameters.items()
            if parameter.default is inspect.Parameter.empty and name not in params
        ]
        if missing:
            return _error("invalid_argument", f"missing argument(s) {', '.join(missing)}")
        try:
            data = getattr(pair, method)(**params)
        except AccessError as error:
            return _error("access_denied", str(error))
        except (UserError, ValidationError) as error:
            return _error("invalid_argument", str(error))
        if method in ("search_governed_targets", "search_reaching_actors"):
            data = data.ids
        return {"ok": True, "data": data}

    def _pair(self, model):
        """The SA-layer model to ask: named itself, or through the model it governs."""
        env = request.env
        pairs = env[SA_MIXIN]._ov_concrete_models()
        if model in pairs:
            return env[model]
        if not isinstance(model, str) or not model:
            return _error("invalid_argument", "model: name a governed model, e.g. 'sale.order'.")
        governing = env[SA_MIXIN]._ov_pairs_governing(model)
        if len(governing) == 1:
            return env[governing[0]]
        if governing:
            return _error(
                "ambiguous_model",
                f"model: {model} is governed by {', '.join(governing)}; name one of them.",
            )
        return _error(
            "unknown_model",
            f"model: {model!r} is not governed; governed: "
            + ", ".join(sorted({env[name]._ov_target_model() for name in pairs})),
        )

    @http.route("/ov/v1/check", type="json", auth="bearer", readonly=True, methods=["POST"])
    def check(self, model=None, **params):
        return self._answer(
            model, "check_governed", ("target_id", "actor_id", "kinds", "at"), params
        )

    @http.route("/ov/v1/check_many", type="json", auth="bearer", readonly=True, methods=["POST"])
    def check_many(self, model=None, **params):
        return self._answer(
            model, "check_governed_many", ("target_ids", "actor_id", "kinds", "at"), params
        )

    @http.route("/ov/v1/targets", type="json", auth="bearer", readonly=True, methods=["POST"])
    def targets(self, model=None, **params):
        return self._answer(
            model,
            "search_governed_targets",
            ("actor_id", "sa_id", "kinds", "domain", "limit", "offset", "order", "at"),
            params,
        )

    @http.route("/ov/v1/explain", type="json", auth="bearer", readonly=True, methods=["POST"])
    def explain(self, model=None, **params):
        return self._answer(
            model, "explain_governed", ("target_id", "actor_id", "kinds", "at"), params
        )

    @http.route(
        "/ov/v1/reaching_actors", type="json", auth="bearer", readonly=True, methods=["POST"]
    )
    def reaching_actors(self, model=None, **params):
        return self._answer(model, "search_reaching_actors", ("target_id", "kinds", "at"), params)
