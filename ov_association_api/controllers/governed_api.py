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

Sizes are limited (``arguments``, docs/design.md §5): a body longer than
``MAX_REQUEST_BYTES`` is refused by Odoo from its length, unread (HTTP 413);
an argument past its limit answers ``invalid_argument`` before any work;
``/ov/v1/targets`` answers at most ``MAX_LIMIT`` ids per call (page with
``offset``).
"""

import functools
import inspect

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.ov_association_base import arguments

SA_MIXIN = "ov.sa.association.mixin"


def _error(code, message):
    return {"ok": False, "error": {"code": code, "message": message}}


def _governed_route(name, method, allowed):
    """The route ``/ov/v1/<name>``: ``method`` of the model named by ``model``,
    called with the ``allowed`` arguments only.

    Odoo calls a route as ``route_wrapper(controller, **params)``: a JSON key
    named ``self`` collided with that first parameter, a ``TypeError`` before
    any code of ours ran. The endpoint Odoo calls here takes the controller
    positionally, so every key arrives as a parameter, and refuses the ones
    the route does not take, by name, before Odoo's wrapper sees them.
    """

    def endpoint(controller, model=None, **params):
        return controller._answer(model, method, allowed, params)

    endpoint.__name__ = endpoint.__qualname__ = name
    routed = http.route(
        f"/ov/v1/{name}",
        type="json",
        auth="bearer",
        readonly=True,
        methods=["POST"],
        # Checked against the request's length before its body is read.
        max_content_length=arguments.MAX_REQUEST_BYTES,
    )(endpoint)

    @functools.wraps(routed)
    def by_name(*controller, **params):
        try:
            arguments.known(f"/ov/v1/{name}", params, ("model", *allowed))
        except arguments.ArgumentError as error:
            return _error("invalid_argument", str(error))
        return routed(*controller, **params)

    return by_name


class GovernedApi(http.Controller):
    def _answer(self, model, method, allowed, params):
        try:
            model = arguments.text("model", model, required=True)
        except arguments.ArgumentError as error:
            return _error("invalid_argument", f"{error} Name a governed model, e.g. 'sale.order'.")
        if method == "search_governed_targets" and params.get("limit") in (None, False):
            params["limit"] = arguments.MAX_LIMIT  # one page at most
        pair = self._pair(model)
        if isinstance(pair, dict):
            return pair
        missing = [
            name
            for name, parameter in inspect.signature(getattr(pair, method)).parameters.items()
            if parameter.default is inspect.Parameter.empty
            and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
            and name not in params
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
            f"model: {arguments.shown(model)} is not governed; governed: "
            + ", ".join(sorted({env[name]._ov_target_model() for name in pairs})),
        )

    check = _governed_route("check", "check_governed", ("target_id", "actor_id", "kinds", "at"))
    check_many = _governed_route(
        "check_many", "check_governed_many", ("target_ids", "actor_id", "kinds", "at")
    )
    targets = _governed_route(
        "targets",
        "search_governed_targets",
        ("actor_id", "sa_id", "kinds", "domain", "limit", "offset", "order", "at"),
    )
    explain = _governed_route(
        "explain", "explain_governed", ("target_id", "actor_id", "kinds", "at")
    )
    reaching_actors = _governed_route(
        "reaching_actors", "search_reaching_actors", ("target_id", "kinds", "at")
    )
