"""The /ov/v1/* JSON endpoints, over real HTTP with an API key (issue 11)."""

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException


@tagged("post_install", "-at_install")
class TestGovernedApi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = new_test_user(
            cls.env, "ov_api_member", groups="ov_association_base.group_ov_user"
        )
        cls.peer = new_test_user(cls.env, "ov_api_peer", groups="ov_association_base.group_ov_user")
        Actor, Sa = cls.env["ov.actor"], cls.env["ov.sa"]
        cls.actor = Actor.create({"user_id": cls.member.id})
        cls.peer_actor = Actor.create({"user_id": cls.peer.id})
        cls.sa = Sa.create({"name": "API SA", "code": "API"})
        cls.env["ov.sa.membership"].create(
            {"sa_id": cls.sa.id, "actor_id": cls.actor.id}
        ).action_activate()
        Target = cls.env["ov.test.target"]
        cls.granted, cls.denied = Target.create([{"name": "API granted"}, {"name": "API denied"}])
        rows = cls.env["ov.sa_test_target"].create(
            [
                {"sa_id": cls.sa.id, "target_id": target.id, "association_kind": "access"}
                for target in (cls.granted, cls.denied)
            ]
        )
        rows.action_activate()
        cls.env["ov.actor_sa_test_target"].create(
            {
                "sa_test_target_id": rows[0].id,
                "actor_id": cls.actor.id,
                "association_kind": "access",
            }
        ).action_activate()
        # sudo: a key for the member, as the member would create it in Preferences.
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.member)
            .sudo()
            ._generate(None, "ov api", None)
        )

    def call(self, route, key=None, **params):
        return self.make_jsonrpc_request(
            route, params, headers={"Authorization": f"Bearer {key or self.key}"}
        )

    def test_answers_equal_the_methods(self):
        for model in ("ov.test.target", "ov.sa_test_target"):
            with self.subTest(model=model):
                self.assertEqual(
                    self.call("/ov/v1/check", model=model, target_id=self.granted.id),
                    {"ok": True, "data": True},
                )
                self.assertEqual(
                    self.call("/ov/v1/check", model=model, target_id=self.denied.id),
                    {"ok": True, "data": False},
                )
        self.assertEqual(
            self.call(
                "/ov/v1/check_many",
                model="ov.test.target",
                target_ids=[self.granted.id, self.denied.id],
            ),
            {"ok": True, "data": {str(self.granted.id): True, str(self.denied.id): False}},
        )
        self.assertEqual(
            self.call("/ov/v1/targets", model="ov.test.target"),
            {"ok": True, "data": [self.granted.id]},
        )
        explained = self.call("/ov/v1/explain", model="ov.test.target", target_id=self.denied.id)
        self.assertIs(explained["ok"], True)
        self.assertIs(explained["data"]["allowed"], False)
        self.assertEqual(
            [r["code"] for r in explained["data"]["paths"][0]["reasons"]], ["no_actor_row"]
        )

    def test_answers_as_of_a_moment(self):
        """Before the grant nothing was reachable; now it is; ``at`` is checked."""
        before, now = "2000-01-01 00:00:00", fields.Datetime.to_string(fields.Datetime.now())
        model, granted = "ov.test.target", self.granted.id
        self.assertEqual(
            self.call("/ov/v1/check", model=model, target_id=granted, at=before),
            {"ok": True, "data": False},
        )
        self.assertEqual(
            self.call("/ov/v1/check", model=model, target_id=granted, at=now),
            {"ok": True, "data": True},
        )
        self.assertEqual(
            self.call("/ov/v1/targets", model=model, at="2000-01-01T00:00:00Z"),
            {"ok": True, "data": []},
        )
        self.assertEqual(
            self.call("/ov/v1/check_many", model=model, target_ids=[granted], at=now),
            {"ok": True, "data": {str(granted): True}},
        )
        explained = self.call("/ov/v1/explain", model=model, target_id=granted, at=now)
        self.assertEqual(explained["data"]["at"], now)
        for at, code in (("last march", "invalid_argument"), ("2999-01-01", "invalid_argument")):
            with self.subTest(at=at):
                answer = self.call("/ov/v1/check", model=model, target_id=granted, at=at)
                self.assertEqual(answer["error"]["code"], code)
        # Who reaches a record is a manager's question.
        answer = self.call("/ov/v1/reaching_actors", model=model, target_id=granted)
        self.assertEqual(answer["error"]["code"], "access_denied")

    def test_reaching_actors_are_ids_over_xml_rpc(self):
        """The method itself answers RPC with ids, as search_governed_targets does."""
        manager = new_test_user(
            self.env, "ov_api_manager", groups="ov_association_base.group_ov_manager"
        )
        reaching = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            manager.id,
            "ov_api_manager",
            "ov.sa_test_target",
            "search_reaching_actors",
            [self.granted.id],
        )
        self.assertEqual(reaching, [self.actor.id])

    def test_errors_have_stable_codes(self):
        cases = [
            ({"model": "res.country", "target_id": 1}, "unknown_model"),
            ({"model": "ov.test.target", "target_id": "one"}, "invalid_argument"),
            ({"model": "ov.test.target", "target": 1}, "invalid_argument"),
            ({"model": "ov.test.target", "target_id": 1, "actor_id": 0.5}, "invalid_argument"),
            (
                {"model": "ov.test.target", "target_id": 1, "actor_id": self.peer_actor.id},
                "access_denied",
            ),
            # Found by a hostile RPC pass: each was a traceback before.
            ({"model": "ov.test.target"}, "invalid_argument"),
            ({"model": "ov.test.target", "target_id": 2**31}, "invalid_argument"),
            (
                {"model": "ov.test.target", "target_id": 1, "at": "0001-01-01T00:00:00+01:00"},
                "invalid_argument",
            ),
        ]
        for params, code in cases:
            with self.subTest(params=params):
                answer = self.call("/ov/v1/check", **params)
                self.assertIs(answer["ok"], False)
                self.assertEqual(answer["error"]["code"], code)
                self.assertNotIn("Traceback", answer["error"]["message"])

    def test_bad_searches_are_named_not_tracebacks(self):
        for params in (
            {"target_ids": [1, 2**31]},
            {"limit": 10**30},
            {"domain": [123]},
            {"domain": [["id", "=", "abc"]]},
        ):
            route = "/ov/v1/check_many" if "target_ids" in params else "/ov/v1/targets"
            with self.subTest(params=params):
                answer = self.call(route, model="ov.test.target", **params)
                self.assertEqual(answer["ok"], False)
                self.assertEqual(answer["error"]["code"], "invalid_argument")

    def test_a_key_is_required(self):
        response = self.url_open(
            "/ov/v1/check",
            data='{"jsonrpc": "2.0", "method": "call", "params": {"model": "ov.test.target", '
            f'"target_id": {self.granted.id}}}}}',
            headers={"Content-Type": "application/json", "Authorization": "Bearer wrong"},
        )
        # Odoo's own authentication answers before the endpoint runs.
        self.assertEqual(
            response.json()["error"]["data"]["name"], "werkzeug.exceptions.Unauthorized"
        )
        with self.assertRaisesRegex(JsonRpcException, "werkzeug.exceptions.Unauthorized"):
            self.make_jsonrpc_request("/ov/v1/check", {"model": "ov.test.target", "target_id": 1})

    def test_routes_are_readonly_and_bearer(self):
        routes = {
            rule.rule: rule.endpoint.routing
            for rule in self.env["ir.http"].routing_map().iter_rules()
            if rule.rule.startswith("/ov/v1/")
        }
        self.assertEqual(
            sorted(routes),
            [
                "/ov/v1/check",
                "/ov/v1/check_many",
                "/ov/v1/explain",
                "/ov/v1/reaching_actors",
                "/ov/v1/targets",
            ],
        )
        for route, routing in routes.items():
            with self.subTest(route=route):
                self.assertEqual(
                    (routing["type"], routing["auth"], routing["readonly"]),
                    ("json", "bearer", True),
                )
