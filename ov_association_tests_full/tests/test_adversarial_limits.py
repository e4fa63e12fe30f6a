"""Adversarial suite, issue 21 classes 7 and 10: oversized and malformed arguments.

One call with four million ids held a worker for half a minute and a gigabyte;
a ``"self"`` key made ``/ov/v1/*`` answer a Python ``TypeError``; writing
``manager_id: "abc"`` on an SA cleared its responsible without a word. Every
public argument of the governed reads, of the handovers and of the routes is
attacked here over real HTTP, as the governance manager (who may call them
all): each oversized or malformed value must be refused with a clear error
that names it, repeats none of a huge value, and changes nothing.

The limits are those of ``ov_association_base/arguments.py`` (the README's
table); the values below are written out, one past each limit.
"""

import json
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.ov_association_base import arguments
from odoo.addons.ov_association_tests.tests.adversarial_common import AdversarialCase

USER_ERROR = {"odoo.exceptions.UserError", "odoo.exceptions.ValidationError"}
# Past each documented limit.
IDS_PAST_LIMIT = list(range(1, 10_002))  # 10 001 ids, the limit is 10 000
KINDS_PAST_LIMIT = ["access"] * 101  # the limit is 100
DOMAIN_PAST_LIMIT = [["id", "!=", 0]] * 2_501  # 10 004 elements, the limit is 10 000
HUGE_TEXT = "z" * (10 * 1024 * 1024)  # 10 MiB
LONG_ORDER = "id," * 400  # 1 200 characters, the limit is 1 000
# An error message repeats at most this much of what it refuses.
SHORT_ANSWER = 4_000
ROUTES = ("check", "check_many", "targets", "explain", "reaching_actors")


def answered(outcome):
    """What a caller reads of an answer: the raw response without Odoo's
    traceback (``error.data.debug`` of a JSON-RPC error), which repeats the
    code's lines, not the values sent, and grows with the depth of the call;
    the message, its arguments and everything else count."""
    try:
        body = json.loads(outcome.raw)
    except ValueError:
        return outcome.raw
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        data = body["error"].get("data")
        if isinstance(data, dict):
            data.pop("debug", None)
    return json.dumps(body)


def nested(depth):
    """A domain whose lists nest ``depth`` deep."""
    domain = [1]
    for _level in range(depth - 1):
        domain = [domain]
    return domain


@tagged("post_install", "-at_install", "ov_adversarial")
class TestAdversarialLimits(AdversarialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.test_pair = next(p for p in cls.pairs if p.sa_model == "ov.sa_test_target")
        # sudo: an API key of the manager, as the manager makes it in Preferences.
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.users["manager"])
            .sudo()
            ._generate(None, "ov limits", None)
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def unchanged_and_short(self, outcome, before):
        """What ``attack`` checks by default, and an answer that stays short."""
        found = [f"changed the database: {c}" for c in self.differences(before, self.snapshot())]
        answer = answered(outcome)
        if len(answer) > SHORT_ANSWER:
            found.append(f"answered {len(answer)} characters (the value echoed back?)")
        return found

    def refuse(self, label, model, method, args, kwargs, mentions):
        self.each_via(
            label, "manager", model, method, args, kwargs,
            errors=USER_ERROR, mentions=mentions, then=self.unchanged_and_short,
        )  # fmt: skip

    def route(self, name, body):
        """POST ``body`` (a dict, or bytes as they are) to ``/ov/v1/<name>`` with the key."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.url_open(
            f"/ov/v1/{name}",
            data=data,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"},
            timeout=120,
        )

    def route_problems(self, name, params, mentions):
        """What is wrong with the answer of ``/ov/v1/<name>`` to ``params``."""
        self.attacks += 1
        response = self.route(name, {"jsonrpc": "2.0", "method": "call", "params": params})
        label = ", ".join(f"{k}={str(v)[:30]}" for k, v in params.items() if k != "model")
        try:
            answer = response.json().get("result")
        except ValueError:
            answer = None
        problems = []
        if not isinstance(answer, dict) or answer.get("ok") is not False:
            problems.append(f"not refused as invalid_argument: {response.text[:200]}")
        else:
            error = answer.get("error") or {}
            if error.get("code") != "invalid_argument":
                problems.append(f"code {error.get('code')!r}: {str(error)[:200]}")
            for mention in mentions:
                if mention not in error.get("message", ""):
                    problems.append(f"does not name {mention}: {error.get('message', '')[:200]}")
        if len(response.text) > SHORT_ANSWER:
            problems.append(f"answered {len(response.text)} characters")
        if problems:
            key = (label, "manager", f"/ov/v1/{name}", "POST", "; ".join(problems))
            self.problems.setdefault(key, ["; ".join(problems), []])[1].append("http")

    # ------------------------------------------------------------------
    # The governed reads over the three RPC endpoints
    # ------------------------------------------------------------------
    def test_governed_reads_refuse_oversized_arguments(self):
        model = self.test_pair.sa_model
        target = self.rows[self.test_pair]["targets"]["a1"].id
        sa = {"sa_id": self.sa_a1.id}
        actor = {"actor_id": self.actor.id}
        cases = [
            ("10 001 ids", "check_governed_many", [IDS_PAST_LIMIT], actor, ["target_ids", "10000"]),
            ("101 kinds", "check_governed", [target], {**actor, "kinds": KINDS_PAST_LIMIT},
             ["kinds", "100"]),
            ("101 kinds", "search_reaching_actors", [target], {"kinds": KINDS_PAST_LIMIT},
             ["kinds", "100"]),
            ("101 kinds", "explain_governed", [target], {**actor, "kinds": KINDS_PAST_LIMIT},
             ["kinds", "100"]),
            ("domain of 2 501 terms", "search_governed_targets", [],
             {**sa, "domain": DOMAIN_PAST_LIMIT}, ["domain", "10000"]),
            ("domain 20 deep", "search_governed_targets", [], {**sa, "domain": nested(20)},
             ["domain", "deep"]),
            ("limit 10 001", "search_governed_targets", [], {**sa, "limit": 10_001},
             ["limit", "10000"]),
            ("10 MiB order", "search_governed_targets", [], {**sa, "order": HUGE_TEXT}, ["order"]),
            ("1 200-character order", "search_governed_targets", [], {**sa, "order": LONG_ORDER},
             ["order", "1000"]),
            ("10 MiB at", "check_governed", [target], {**actor, "at": HUGE_TEXT}, ["at"]),
            ("10 MiB kind", "check_governed_many", [[target]], {**actor, "kinds": [HUGE_TEXT]},
             ["kinds"]),
        ]  # fmt: skip
        for label, method, args, kwargs, mentions in cases:
            self.refuse(label, model, method, args, kwargs, mentions)
        self.assertNoProblems()

    def test_governed_reads_name_unknown_and_missing_arguments(self):
        model = self.test_pair.sa_model
        target = self.rows[self.test_pair]["targets"]["a1"].id
        actor = {"actor_id": self.actor.id}
        cases = [
            ("unknown argument", "check_governed", [target], {**actor, "actor": 1}, ["actor"]),
            ("unknown argument", "check_governed_many", [[target]], {"target": 1}, ["target"]),
            ("unknown argument", "search_governed_targets", [], {"sa": 1}, ["sa"]),
            ("unknown argument", "explain_governed", [target], {"why": 1}, ["why"]),
            ("unknown argument", "search_reaching_actors", [target], {"actor_id": 1},
             ["actor_id"]),
            ("missing target_id", "check_governed", [], actor, ["target_id"]),
            ("missing target_ids", "check_governed_many", [], actor, ["target_ids"]),
            ("missing target_id", "explain_governed", [], actor, ["target_id"]),
            ("missing target_id", "search_reaching_actors", [], {}, ["target_id"]),
        ]  # fmt: skip
        for label, method, args, kwargs, mentions in cases:
            self.refuse(label, model, method, args, kwargs, mentions)
        self.assertNoProblems()

    # ------------------------------------------------------------------
    # Handovers and the SA's responsible
    # ------------------------------------------------------------------
    def test_handovers_refuse_oversized_and_malformed_arguments(self):
        pair, rows = self.test_pair, self.rows[self.test_pair]
        sa_rows, actor_rows = [rows["a1"].id], [rows["peer"].id]
        many = list(range(1, 10_002))
        cases = [
            (pair.actor_model, "action_reassign", [actor_rows, self.actor.id],
             {"reason": HUGE_TEXT}, ["reason", "10000"]),
            (pair.sa_model, "action_transfer", [sa_rows, self.sa_a2.id], {"reason": HUGE_TEXT},
             ["reason", "10000"]),
            (pair.sa_model, "action_change_window", [sa_rows],
             {"date_to": "2999-01-01 00:00:00", "reason": HUGE_TEXT}, ["reason", "10000"]),
            (pair.sa_model, "action_transfer", [sa_rows, self.sa_a2.id],
             {"keep_actor_rows": HUGE_TEXT}, ["keep_actor_rows"]),
            (pair.sa_model, "action_change_window", [sa_rows], {"date_to": HUGE_TEXT},
             ["date_to"]),
            (pair.actor_model, "action_reassign", [actor_rows, self.actor.id],
             {"date": HUGE_TEXT}, ["date"]),
            (pair.actor_model, "action_reassign", [actor_rows, HUGE_TEXT], {}, ["new_actor_id"]),
            (pair.actor_model, "action_reassign", [actor_rows, self.actor.id], {"when": 1},
             ["when"]),
            (pair.sa_model, "action_transfer", [sa_rows, self.sa_a2.id], {"keep": True},
             ["keep"]),
            (pair.sa_model, "action_change_window", [sa_rows], {"date_until": False},
             ["date_until"]),
            (pair.actor_model, "action_reassign", [many, self.actor.id], {}, ["10000"]),
            (pair.sa_model, "action_transfer", [many, self.sa_a2.id], {}, ["10000"]),
            (pair.sa_model, "action_change_window", [many], {"date_to": False}, ["10000"]),
        ]  # fmt: skip
        # Everything of an actor to another, in one step.
        hand_over = [self.other.ids, self.actor.id]
        cases += [
            ("ov.actor", "action_hand_over", hand_over, {"reason": HUGE_TEXT},
             ["reason", "10000"]),
            ("ov.actor", "action_hand_over", hand_over, {"to": 1}, ["to"]),
            ("ov.actor", "action_hand_over", [self.other.ids], {}, ["successor_id"]),
            ("ov.actor", "action_hand_over", [self.other.ids, HUGE_TEXT], {}, ["successor_id"]),
            ("ov.actor", "action_hand_over", [[self.other.id, self.actor_b.id], self.actor.id], {},
             ["one actor"]),
        ]  # fmt: skip
        for model, method, args, kwargs, mentions in cases:
            self.refuse(f"{method} {sorted(kwargs)}", model, method, args, kwargs, mentions)
        self.assertNoProblems()

    def test_lifecycle_reasons_keep_to_the_reason_limit(self):
        """A reason goes to the audit log with the change: 10 MiB of it is refused."""
        pair, rows = self.test_pair, self.rows[self.test_pair]
        for model, method, row in (
            (pair.sa_model, "action_suspend", rows["a1"]),
            (pair.sa_model, "action_revoke", rows["a1"]),
            (pair.sa_model, "action_expire", rows["a1"]),
            (pair.actor_model, "action_revoke", rows["peer"]),
            ("ov.sa.membership", "action_suspend", self.memberships["other_a1"]),
        ):
            self.refuse(
                f"{method} 10 MiB reason", model, method, [row.ids], {"reason": HUGE_TEXT},
                ["reason", "10000"],
            )  # fmt: skip
            self.refuse(
                f"{method} reason a list", model, method, [row.ids], {"reason": [HUGE_TEXT] * 3},
                ["reason"],
            )  # fmt: skip
        self.assertNoProblems()

    def test_sa_responsible_must_be_an_id(self):
        """``manager_id: "abc"`` cleared the responsible; now it is refused."""
        sa = self.sa_a1
        sa.manager_id = self.users["manager"]
        for value in ("abc", [self.users["manager"].id], 1.5, True):
            self.refuse(
                f"manager_id={value!r}", "ov.sa", "write", [sa.ids],
                {"vals": {"manager_id": value}}, ["manager_id"],
            )  # fmt: skip
            self.refuse(
                f"create manager_id={value!r}", "ov.sa", "create",
                [{"name": "Limits SA", "code": "LIMITS", "manager_id": value}], {}, ["manager_id"],
            )  # fmt: skip
        self.assertNoProblems()
        self.assertEqual(sa.manager_id, self.users["manager"])

    # ------------------------------------------------------------------
    # The /ov/v1/* routes
    # ------------------------------------------------------------------
    def test_routes_refuse_bad_arguments_as_invalid_argument(self):
        target = self.rows[self.test_pair]["targets"]["a1"].id
        model = "ov.test.target"
        base = {
            "check": {"model": model, "target_id": target},
            "check_many": {"model": model, "target_ids": [target]},
            "targets": {"model": model, "sa_id": self.sa_a1.id},
            "explain": {"model": model, "target_id": target},
            "reaching_actors": {"model": model, "target_id": target},
        }
        for name in ROUTES:
            self.route_problems(name, {**base[name], "self": 1}, ["self"])
            self.route_problems(name, {**base[name], "unknown": 1}, ["unknown"])
            self.route_problems(name, {**base[name], "kinds": KINDS_PAST_LIMIT}, ["kinds"])
            self.route_problems(name, {**base[name], "at": "9" * 5_000}, ["at"])
            self.route_problems(name, {**base[name], "model": "x" * 5_000}, ["model"])
            self.route_problems(name, {**base[name], "x" * 5_000: 1}, ["unknown"])
        self.route_problems("check_many", {**base["check_many"], "target_ids": IDS_PAST_LIMIT},
                            ["target_ids", "10000"])  # fmt: skip
        for argument, value, mentions in (
            ("limit", 10_001, ["limit", "10000"]),
            ("domain", DOMAIN_PAST_LIMIT, ["domain", "10000"]),
            ("domain", nested(20), ["domain", "deep"]),
            ("order", LONG_ORDER, ["order", "1000"]),
        ):
            self.route_problems("targets", {**base["targets"], argument: value}, mentions)
        self.assertNoProblems()

    def test_targets_route_answers_one_page_at_most(self):
        """Without a limit ``/ov/v1/targets`` answers ``MAX_LIMIT`` ids at most:
        a page (``offset`` for the next). The limit is made 1 here: the
        server runs in this process, and reads it when called."""
        rows = self.rows[self.test_pair]
        # The effective rows of SA A1 (a1, nn; del where the pair has one).
        reached = sorted(
            rows[slot][self.target_field(self.test_pair)].id
            for slot in ("a1", "nn", "del")
            if slot in rows
        )
        self.assertGreaterEqual(len(reached), 2)
        params = {"model": "ov.test.target", "sa_id": self.sa_a1.id, "order": "id"}

        def targets(**extra):
            body = {"jsonrpc": "2.0", "method": "call", "params": {**params, **extra}}
            return self.route("targets", body).json()["result"]

        self.assertEqual(targets(), {"ok": True, "data": reached})
        with patch.object(arguments, "MAX_LIMIT", 1):
            self.assertEqual(targets(), {"ok": True, "data": reached[:1]})
            self.assertEqual(targets(offset=1), {"ok": True, "data": reached[1:2]})
            refused = targets(limit=2)
        self.assertEqual(refused["error"]["code"], "invalid_argument")
        self.assertIn("limit must be a non-negative integer up to 1,", refused["error"]["message"])

    def test_routes_declare_the_body_limit(self):
        """Odoo refuses a longer body from the request's length, before reading it."""
        routing = {
            rule.rule: rule.endpoint.routing
            for rule in self.env["ir.http"].routing_map().iter_rules()
            if rule.rule.startswith("/ov/v1/")
        }
        for name in ROUTES:
            with self.subTest(route=name):
                self.assertEqual(routing[f"/ov/v1/{name}"].get("max_content_length"), 1_048_576)

    def too_large(self, response):
        """Odoo's answer to a body past the route's limit: its JSON-RPC error
        (the route never runs, so the answer is not the route's own shape)."""
        error = response.json().get("error") or {}
        return (error.get("data") or {}).get("name") == "werkzeug.exceptions.RequestEntityTooLarge"

    def test_routes_refuse_a_body_past_the_limit_before_parsing_it(self):
        """Four million ids (about 44 MB of JSON) are refused unread, by length."""
        ids = ",".join(["1234567890"] * 4_000_000)
        body = (
            '{"jsonrpc": "2.0", "method": "call", "params": {"model": "ov.test.target", '
            f'"target_ids": [{ids}]}}}}'
        ).encode()
        self.assertGreater(len(body), 40_000_000)
        response = self.route("check_many", body)
        self.assertTrue(self.too_large(response), response.text[:300])
        self.assertLess(len(response.text), 20_000)
        # Just past the limit is refused too; just under it is read.
        small = {"jsonrpc": "2.0", "method": "call",
                 "params": {"model": "ov.test.target", "target_ids": [1]}}  # fmt: skip
        text = json.dumps(small)
        under = (text[:-1] + " " * (1_048_576 - len(text)) + "}").encode()
        self.assertEqual(len(under), 1_048_576)
        self.assertEqual(self.route("check_many", under).json()["result"]["ok"], True)
        self.assertTrue(self.too_large(self.route("check_many", under + b" ")))
