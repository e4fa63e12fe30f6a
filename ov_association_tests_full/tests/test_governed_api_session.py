"""The /ov/v1/* JSON endpoints with Odoo's own session instead of an API key
(issue 26): the cheap path for an integrator that calls often.

A key is checked on every request (PBKDF2 over its stored hash); a session
is opened once with ``/web/session/authenticate`` and its cookie sent with
each request. ``auth='bearer'`` takes the cookie when the request carries
the ``Sec-Fetch-*`` headers of a page navigation, Odoo's own rule, unchanged.
"""

import json

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

NAVIGATION = {
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Site": "same-origin",
    "Sec-Fetch-User": "?1",
}


@tagged("post_install", "-at_install")
class TestGovernedApiSession(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = new_test_user(
            cls.env, "ov_session_member", groups="ov_association_base.group_ov_user"
        )
        cls.peer = new_test_user(
            cls.env, "ov_session_peer", groups="ov_association_base.group_ov_user"
        )
        cls.actor = cls.env["ov.actor"].create({"user_id": cls.member.id})
        cls.sa = cls.env["ov.sa"].create({"name": "Session SA", "code": "SESSION"})
        cls.env["ov.sa.membership"].create(
            {"sa_id": cls.sa.id, "actor_id": cls.actor.id}
        ).action_activate()
        Target = cls.env["ov.test.target"]
        cls.granted, cls.denied = Target.create(
            [{"name": "session granted"}, {"name": "session denied"}]
        )
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
        # The legacy stamp of the same grant: the load's stamp twin answers from it.
        cls.granted.stamp_actor_id = cls.actor
        # sudo: a key for the member, as the member would create it in Preferences.
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.member)
            .sudo()
            ._generate(None, "ov session", None)
        )

    def ask(self, route, headers, **params):
        return self.make_jsonrpc_request(route, params, headers=headers)

    def refusal(self, route, headers, **params):
        """(exception, message) of a request Odoo refuses before the endpoint."""
        response = self.url_open(
            route,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json", **headers},
        )
        error = response.json()["error"]["data"]
        return error["name"], error["message"]

    def test_a_session_answers_as_the_key_does(self):
        questions = [
            ("/ov/v1/check", {"target_id": self.granted.id}, True),
            ("/ov/v1/check", {"target_id": self.denied.id}, False),
            (
                "/ov/v1/check_many",
                {"target_ids": [self.granted.id, self.denied.id]},
                {str(self.granted.id): True, str(self.denied.id): False},
            ),
            ("/ov/v1/targets", {}, [self.granted.id]),
        ]
        by_key = {"Authorization": f"Bearer {self.key}"}
        for route, params, expected in questions:
            with self.subTest(route=route, params=params, via="key"):
                self.assertEqual(
                    self.ask(route, by_key, model="ov.test.target", **params),
                    {"ok": True, "data": expected},
                )
        self.authenticate("ov_session_member", "ov_session_member")
        for route, params, expected in questions:
            with self.subTest(route=route, params=params, via="session"):
                self.assertEqual(
                    self.ask(route, NAVIGATION, model="ov.test.target", **params),
                    {"ok": True, "data": expected},
                )
        # The stamp twin make load drives beside it takes the same session.
        self.assertEqual(
            self.ask(
                "/ov_test/v1/stamp/check",
                NAVIGATION,
                target_id=self.granted.id,
                actor_id=self.actor.id,
            ),
            {"ok": True, "data": True},
        )

    def test_the_session_is_the_users_own(self):
        """A session is its user: the member's rights, never more."""
        self.authenticate("ov_session_member", "ov_session_member")
        peer_actor = self.env["ov.actor"].create({"user_id": self.peer.id})
        answer = self.ask(
            "/ov/v1/check",
            NAVIGATION,
            model="ov.test.target",
            target_id=self.granted.id,
            actor_id=peer_actor.id,
        )
        self.assertEqual(answer["ok"], False)
        self.assertEqual(answer["error"]["code"], "access_denied")
        # Odoo's own rule: a key of another user beside this session is refused.
        peer_key = (
            self.env["res.users.apikeys"]  # sudo: the peer's key, made as the peer would
            .with_user(self.peer)
            .sudo()
            ._generate(None, "ov peer", None)
        )
        self.assertEqual(
            self.refusal(
                "/ov/v1/check",
                {"Authorization": f"Bearer {peer_key}"},
                model="ov.test.target",
                target_id=self.granted.id,
            ),
            ("odoo.exceptions.AccessDenied", "Session user does not match the used apikey"),
        )

    def test_odoo_still_asks_what_it_asks(self):
        """No weaker than Odoo: without the navigation headers, without a
        session, or after logging out, the request is refused before any
        governed code runs."""
        self.authenticate("ov_session_member", "ov_session_member")
        self.assertEqual(
            self.refusal("/ov/v1/check", {}, model="ov.test.target", target_id=self.granted.id),
            (
                "odoo.exceptions.AccessDenied",
                'Missing "Authorization" or Sec-headers for interactive usage',
            ),
        )
        self.url_open("/web/session/logout")
        with self.assertRaisesRegex(JsonRpcException, "werkzeug.exceptions.Unauthorized"):
            self.ask("/ov/v1/check", NAVIGATION, model="ov.test.target", target_id=self.granted.id)
