"""A small client of Odoo's three public RPC endpoints, for ``HttpCase`` tests.

One call is one line: ``client.call(via, user, model, method, args, kwargs)``
with ``via`` one of ``web`` (``/web/dataset/call_kw`` with a session cookie),
``json`` (``/jsonrpc``, service ``object``, ``execute_kw``) or ``xml``
(``/xmlrpc/2/object`` through :mod:`xmlrpc.client`). Every answer, success or
error, comes back as an :class:`Outcome` holding the raw response text, so a
test can look for secrets in it whatever shape it has.
"""

import builtins
import json
import re
import xmlrpc.client
from dataclasses import dataclass

from odoo.tests.common import Opener, Transport, get_db_name
from odoo.tools import mute_logger

VIAS = ("web", "json", "xml")

# What a refusal must be (docs/design.md §5): an Odoo error a client can show as is.
CLEAR_ERRORS = frozenset(
    {
        "odoo.exceptions.UserError",
        "odoo.exceptions.ValidationError",
        "odoo.exceptions.AccessError",
        "odoo.exceptions.MissingError",
    }
)

# /xmlrpc/2 reports Odoo errors by number (odoo/addons/base/controllers/rpc.py):
# 2 is UserError and its subclasses (ValidationError, MissingError), 4 is
# AccessError; 1 is anything else, with the traceback as the fault string.
_XMLRPC_FAULTS = {
    2: "odoo.exceptions.UserError",
    3: "odoo.exceptions.AccessDenied",
    4: "odoo.exceptions.AccessError",
}

# The server logs every refused call; the test reports what matters itself.
_NOISY_LOGGERS = (
    "odoo.http",
    "odoo.sql_db",
    "odoo.service.model",
    "odoo.addons.base.controllers.rpc",
    "odoo.addons.base.models.ir_rule",
    "odoo.models",
)


@dataclass(frozen=True)
class RpcUser:
    key: str
    login: str
    password: str
    uid: int


@dataclass
class Outcome:
    """What one RPC call gave: a result, or an error's class name and message."""

    via: str
    login: str
    model: str
    method: str
    ok: bool
    result: object = None
    error: str = ""
    message: str = ""
    raw: str = ""

    @property
    def clear(self):
        return not self.ok and self.error in CLEAR_ERRORS

    def summary(self, width=160):
        if self.ok:
            text = f"accepted, returned {_short(self.result, width)}"
        else:
            first = next((line for line in self.message.splitlines() if line.strip()), "")
            text = f"{self.error}: {first}"
        return text[:width]


def _short(value, width):
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def _error_from_traceback(text):
    """The exception class and message at the end of a formatted traceback.

    PostgreSQL adds HINT/DETAIL lines after the exception line: skip them.
    """
    for line in reversed((text or "").splitlines()):
        match = re.match(r"^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?::\s*(.*))?$", line)
        if match and not match.group(1).isupper():
            name = match.group(1)
            if "." not in name and isinstance(getattr(builtins, name, None), type):
                name = f"builtins.{name}"  # as JSON-RPC names it
            return name, match.group(2) or ""
    return "unknown", text or ""


class RpcClient:
    """Calls models over HTTP on the server an ``HttpCase`` started."""

    def __init__(self, case):
        self.case = case
        self.db = get_db_name()
        self._openers = {}
        self._anonymous = Opener(case.cr)
        self._xml = xmlrpc.client.ServerProxy(
            f"{case.base_url()}/xmlrpc/2/object",
            transport=Transport(case.cr),
            allow_none=True,
        )

    # ------------------------------------------------------------------
    def call(self, via, user, model, method, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        args = list(args)
        with mute_logger(*_NOISY_LOGGERS):
            if via == "web":
                outcome = self._call_web(user, model, method, args, kwargs)
            elif via == "json":
                outcome = self._call_jsonrpc(user, model, method, args, kwargs)
            elif via == "xml":
                outcome = self._call_xmlrpc(user, model, method, args, kwargs)
            else:
                raise ValueError(f"unknown endpoint {via!r}")
        # The request ran on another cursor object: forget what this one cached.
        self.case.env.invalidate_all()
        return outcome

    # ------------------------------------------------------------------
    def _web_opener(self, user):
        opener = self._openers.get(user.key)
        if opener is None:
            # authenticate() deletes the session it made before: keep each one.
            self.case.session = None
            session = self.case.authenticate(user.login, user.password)
            self.case.addCleanup(_drop_session, session)
            opener = self._openers[user.key] = self.case.opener
        return opener

    def _call_web(self, user, model, method, args, kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
        }
        response = self._web_opener(user).post(
            f"{self.case.base_url()}/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        return self._from_json_response("web", user, model, method, response)

    def _call_jsonrpc(self, user, model, method, args, kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.db, user.uid, user.password, model, method, args, kwargs],
            },
        }
        response = self._anonymous.post(
            f"{self.case.base_url()}/jsonrpc",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        return self._from_json_response("json", user, model, method, response)

    @staticmethod
    def _from_json_response(via, user, model, method, response):
        base = {"via": via, "login": user.login, "model": model, "method": method}
        raw = response.text
        try:
            body = response.json()
        except ValueError:
            return Outcome(**base, ok=False, error=f"HTTP {response.status_code}", raw=raw)
        if "error" in body:
            data = body["error"].get("data") or {}
            return Outcome(
                **base,
                ok=False,
                error=data.get("name") or str(body["error"].get("message")),
                message=data.get("message") or str(body["error"].get("message") or ""),
                raw=raw,
            )
        return Outcome(**base, ok=True, result=body.get("result"), raw=raw)

    def _call_xmlrpc(self, user, model, method, args, kwargs):
        base = {"via": "xml", "login": user.login, "model": model, "method": method}
        try:
            result = self._xml.execute_kw(
                self.db, user.uid, user.password, model, method, args, kwargs
            )
        except xmlrpc.client.Fault as fault:
            name = _XMLRPC_FAULTS.get(fault.faultCode)
            message = fault.faultString
            if name is None:
                name, message = _error_from_traceback(fault.faultString)
            return Outcome(
                **base, ok=False, error=name, message=message, raw=str(fault.faultString)
            )
        except xmlrpc.client.ProtocolError as error:
            return Outcome(**base, ok=False, error=f"HTTP {error.errcode}", raw=str(error))
        return Outcome(**base, ok=True, result=result, raw=repr(result))


def _drop_session(session):
    # Imported late: odoo.http's root is set up once the server runs.
    from odoo import http

    http.root.session_store.delete(session)
