"""What ``make load`` asks, and with which credentials (no Odoo needed).

Every governed workload runs twice, once per way a caller authenticates:

* **key**: ``Authorization: Bearer <API key>``. Odoo checks the key on every
  request (PBKDF2-SHA512 over the stored hash, nothing cached): the
  simplest client, the dearest request.
* **session**: the ``session_id`` cookie that Odoo's own
  ``/web/session/authenticate`` returns for the user's login and password,
  sent with every request. ``auth='bearer'`` accepts a session instead of a
  key when the request carries the ``Sec-Fetch-*`` headers of a page
  navigation (Odoo's guard against cross-site requests made by a browser,
  which a page's script cannot set); a program that holds the cookie sends
  them itself. Odoo checks the session's token on every request, as for the
  web client: no key to hash.

Each governed workload has its stamp equivalent with the very same headers,
so that a ratio compares questions, never authentications. ``call_kw``
(Odoo's own JSON-RPC of the web client, ``auth='user'``) takes the session
only.
"""

from .load_client import Workload

SA_MODEL = "ov.sa_test_target"
TARGET_MODEL = "ov.test.target"
# What a browser sends on a page navigation; auth='bearer' asks for them
# with a session (odoo/addons/base/models/ir_http.py, _auth_method_bearer).
NAVIGATION_HEADERS = {
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Site": "same-origin",
    "Sec-Fetch-User": "?1",
}


def key_headers(key):
    return {"Authorization": f"Bearer {key}"}


def session_headers(session):
    """What an ``auth='bearer'`` route takes from a client logged in with a session."""
    return {"Cookie": f"session_id={session}", **NAVIGATION_HEADERS}


def _both(s):
    return {"target_id": s["target_id"], "actor_id": s["actor_id"]}


def _many(s):
    return {"target_ids": s["target_ids"], "actor_id": s["actor_id"]}


def _by_id(data):
    return sorted((int(k), bool(v)) for k, v in data.items())


def _allowed(data):
    return bool(data["allowed"])


def _api_pairs(auth, headers):
    """(name, governed, stamp) of the ``/ov/v1/*`` endpoints with ``headers``."""

    def pair(name, route, params, answer):
        return (
            f"{name} ({auth})",
            Workload(
                f"{route} ({auth})",
                f"/ov/v1/{route}",
                lambda s: {"model": SA_MODEL, **params(s)},
                answer,
                headers,
            ),
            Workload(
                f"stamp {route} ({auth})",
                f"/ov_test/v1/stamp/{route}",
                params,
                answer,
                headers,
            ),
        )

    return [
        pair("check", "check", _both, bool),
        pair("check_many (100 ids)", "check_many", _many, _by_id),
        pair(
            "targets (my ids)",
            "targets",
            lambda s: {"actor_id": s["actor_id"]},
            sorted,
        ),
        pair("explain", "explain", _both, _allowed),
    ]


def _call_kw(model, method, args, kwargs):
    return {"model": model, "method": method, "args": args, "kwargs": kwargs}


def workloads(key, session):
    """(name, governed workload, its stamp equivalent), in the order they run:
    the API with the key, the API with the session, then ``call_kw``."""
    cookie = {"Cookie": f"session_id={session}"}
    return [
        *_api_pairs("key", key_headers(key)),
        *_api_pairs("session", session_headers(session)),
        (
            "call_kw check_governed (session)",
            Workload(
                "call_kw check",
                f"/web/dataset/call_kw/{SA_MODEL}/check_governed",
                lambda s: _call_kw(
                    SA_MODEL, "check_governed", [s["target_id"]], {"actor_id": s["actor_id"]}
                ),
                bool,
                cookie,
                envelope=False,
            ),
            Workload(
                "call_kw stamp search_count",
                f"/web/dataset/call_kw/{TARGET_MODEL}/search_count",
                lambda s: _call_kw(
                    TARGET_MODEL,
                    "search_count",
                    [[["id", "=", s["target_id"]], ["stamp_actor_id", "=", s["actor_id"]]]],
                    {"limit": 1},
                ),
                bool,
                cookie,
                envelope=False,
            ),
        ),
    ]
