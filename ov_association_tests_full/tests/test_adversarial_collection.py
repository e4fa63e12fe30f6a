"""Adversarial suite, issue 21 class 6: collection scope crosses companies.

A company-A association row on a company-less parent location covers that
location's children; a child of company B is outside what a company-A reader
may see, so no read may call it reachable. Over every RPC transport and the
``/ov/v1/*`` routes (an API key), the actor's ``check_governed_many``,
``check_governed``, ``search_governed_targets`` and ``explain_governed`` must
all say: the company-A child and the company-less child are reached, the
company-B child is not (docs/design.md §4 "Location", §5 "Governed queries apply the
association tables' company rules"), live and as of a past moment.
"""

from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.ov_association_tests.tests.adversarial_common import AdversarialCase

SA_MODEL = "ov.sa_location"
# The name of the company-B child: no answer to the company-A actor may show it.
B_CHILD_SECRET = "ZQX-COLLECTION-B-CHILD"


@tagged("post_install", "-at_install", "ov_adversarial")
class TestAdversarialCollection(AdversarialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if SA_MODEL not in cls.env:
            return
        Location = cls.env["stock.location"]
        cls.parent = Location.create(
            {"name": "Collection shared zone", "usage": "view", "company_id": False}
        )
        cls.child_a, cls.child_none, cls.child_b = Location.create(
            [
                {
                    "name": "Collection child A",
                    "location_id": cls.parent.id,
                    "company_id": cls.company_a.id,
                },
                {
                    "name": "Collection child without company",
                    "location_id": cls.parent.id,
                    "company_id": False,
                },
                {
                    "name": B_CHILD_SECRET,
                    "location_id": cls.parent.id,
                    "company_id": cls.company_b.id,
                },
            ]
        )
        row = cls.env[SA_MODEL].create(
            {"sa_id": cls.sa_a1.id, "location_id": cls.parent.id, "association_kind": "access"}
        )
        row.action_activate()
        cls.env["ov.actor_sa_location"].create(
            {"sa_location_id": row.id, "actor_id": cls.actor.id, "association_kind": "access"}
        ).action_activate()
        cls.expected = {
            cls.parent.id: True,
            cls.child_a.id: True,
            cls.child_none.id: True,
            cls.child_b.id: False,
        }
        # sudo: an API key for the actor, as the actor would create it in Preferences.
        cls.api_key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.users["actor"])
            .sudo()
            ._generate(None, "ov collection", None)
        )

    def setUp(self):
        super().setUp()
        if SA_MODEL not in self.env:
            self.skipTest("ov_sa_location is not installed")
        # A moment after the rows were made: the as-of answers must equal the live ones.
        self.moments = (None, fields.Datetime.to_string(fields.Datetime.now()))

    # ------------------------------------------------------------------
    # What each read must answer
    # ------------------------------------------------------------------
    def _wrong_checks(self, answers):
        """``answers`` ({id: bool}, keys possibly strings) against ``expected``."""
        got = {int(key): value for key, value in (answers or {}).items()}
        wrong = {
            target_id: got.get(target_id)
            for target_id, allowed in self.expected.items()
            if got.get(target_id) is not allowed
        }
        if wrong:
            return f"answered {wrong} for {self._names(wrong)}"
        return None

    def _names(self, ids):
        return ", ".join(self.env["stock.location"].browse(sorted(ids)).mapped("name"))

    def _wrong_targets(self, result):
        ours = set(self.expected)
        found = set(result or ()) & ours
        reached = {target_id for target_id, allowed in self.expected.items() if allowed}
        if found != reached:
            missing, extra = reached - found, found - reached
            return f"targets missing [{self._names(missing)}], targets extra [{self._names(extra)}]"
        return None

    def _wrong_explanation(self, target_id):
        expected = self.expected[target_id]

        def check(result):
            if not isinstance(result, dict):
                return f"answered {result!r:.120}"
            effective = any(path.get("effective") for path in result.get("paths", ()))
            if result.get("allowed") is not expected or effective is not expected:
                return (
                    f"explained {self._names([target_id])}: allowed {result.get('allowed')!r}, "
                    f"an effective path {effective!r} (expected {expected!r} for both)"
                )
            return None

        return check

    def _check(self, target_id):
        expected = self.expected[target_id]

        def check(result):
            if result is not expected:
                return f"check of {self._names([target_id])} answered {result!r}"
            return None

        return check

    # ------------------------------------------------------------------
    # The /ov/v1 routes, with the actor's API key
    # ------------------------------------------------------------------
    def route(self, label, path, params, judge):
        """One JSON route call as the actor; its problem (if any) is recorded
        like an RPC attack's, under the transport ``bearer``."""
        self.attacks += 1
        try:
            answer = self.make_jsonrpc_request(
                path, params, headers={"Authorization": f"Bearer {self.api_key}"}
            )
        except JsonRpcException as error:
            found = [f"unclear error {error}"]
        else:
            if not isinstance(answer, dict) or answer.get("ok") is not True:
                found = [f"refused: {answer!r:.160}"]
            else:
                found = [judge(answer["data"])]
                if B_CHILD_SECRET.lower() in str(answer).lower():
                    found.append(f"leaks {B_CHILD_SECRET}")
        self.env.invalidate_all()
        found = [problem for problem in found if problem]
        if found:
            key = (label, "actor", SA_MODEL, path, "; ".join(found))
            self.problems.setdefault(key, ["; ".join(found), []])[1].append("bearer")

    # ------------------------------------------------------------------
    def test_class6_collection_scope_keeps_to_the_readers_companies(self):
        ids = list(self.expected)
        secrets = [B_CHILD_SECRET]
        for at in self.moments:
            moment = {"at": at} if at else {}
            when = f" at {at}" if at else ""
            self.each_via(
                f"check_many{when}", "actor", SA_MODEL, "check_governed_many", [ids], moment,
                expect="success", harmless=self._wrong_checks, secrets=secrets,
            )  # fmt: skip
            self.each_via(
                f"targets{when}", "actor", SA_MODEL, "search_governed_targets", [], moment,
                expect="success", harmless=self._wrong_targets, secrets=secrets,
            )  # fmt: skip
            for target_id in ids:
                self.each_via(
                    f"check{when}", "actor", SA_MODEL, "check_governed", [target_id], moment,
                    expect="success", harmless=self._check(target_id), secrets=secrets,
                )  # fmt: skip
                self.each_via(
                    f"explain{when}", "actor", SA_MODEL, "explain_governed", [target_id], moment,
                    expect="success", harmless=self._wrong_explanation(target_id),
                    secrets=secrets,
                )  # fmt: skip
            for model in (SA_MODEL, "stock.location"):
                self.route(
                    f"route check_many{when}", "/ov/v1/check_many",
                    {"model": model, "target_ids": ids, **moment}, self._wrong_checks,
                )  # fmt: skip
                self.route(
                    f"route targets{when}", "/ov/v1/targets",
                    {"model": model, **moment}, self._wrong_targets,
                )  # fmt: skip
                for target_id in ids:
                    self.route(
                        f"route check{when}", "/ov/v1/check",
                        {"model": model, "target_id": target_id, **moment},
                        self._check(target_id),
                    )  # fmt: skip
                    self.route(
                        f"route explain{when}", "/ov/v1/explain",
                        {"model": model, "target_id": target_id, **moment},
                        self._wrong_explanation(target_id),
                    )  # fmt: skip
        self.assertNoProblems()
