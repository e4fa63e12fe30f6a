"""Adversarial suite, issue 21 (no side doors): an explanation answers
wherever the check answers.

A plain actor may ask about their own actor. When their own row no longer
grants and they can no longer read its SA row (their membership ended or is
suspended), ``check_governed`` answers ``false``; ``explain_governed``, the
``/ov/v1/explain`` route and the *Explain Access* wizard must answer too, with
``allowed`` false and the path of their own row, never an AccessError
(docs/design.md §6: ``allowed`` always equals ``check_governed``). Checked over every
RPC transport, the bearer routes and the wizard, for every pair, live, as of
now and as of a moment before anything ended.
"""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.ov_association_tests.tests.adversarial_common import AdversarialCase

WIZARD = "ov.association.explain.wizard"

# Each scenario: the SA's name, then what the path says, written out:
# (SA row state, its reason codes), [(own row state, its reason codes)],
# (membership state, its reason codes), whether the path grants.
ENDED = ["state_revoked", "membership_ended"]
SCENARIOS = {
    # The membership ended: the own row was revoked with it, the SA row is
    # out of the actor's sight.
    "membership ended": (
        "Explain left scope",
        ("active", []),
        [("revoked", ENDED)],
        ("revoked", ENDED),
        False,
    ),
    # The own row and the membership suspended: the SA row is out of sight.
    "own row suspended": (
        "Explain suspended scope",
        ("active", []),
        [("suspended", ["state_suspended", "membership_suspended"])],
        ("suspended", ["state_suspended", "membership_suspended"]),
        False,
    ),
    # The SA row revoked (its children with it), then the membership ended.
    "parent revoked": (
        "Explain revoked parent scope",
        ("revoked", ["state_revoked"]),
        [("revoked", ["state_revoked", "parent_not_effective", "membership_ended"])],
        ("revoked", ENDED),
        False,
    ),
    # The SA archived: nothing under it grants (issue 22), the membership stays.
    "SA archived": (
        "Explain archived scope",
        ("active", ["sa_archived"]),
        [("active", ["sa_archived"])],
        ("active", []),
        False,
    ),
}
# Before anything ended, every scenario granted.
BEFORE = (("active", []), [("active", [])], ("active", []), True)


def codes(explained):
    return [reason["code"] for reason in explained.get("reasons") or ()]


def summary(explained):
    """What an explanation says, in the shape of SCENARIOS."""
    return [
        (
            path["sa_row"]["sa"]["name"],
            (path["sa_row"]["state"], codes(path["sa_row"])),
            [(row["state"], codes(row)) for row in path["actor_rows"]],
            (path["membership"]["state"], codes(path["membership"])),
            path["effective"],
        )
        for path in explained.get("paths") or ()
    ]


@tagged("post_install", "-at_install", "ov_adversarial")
class TestAdversarialExplain(AdversarialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start = fields.Datetime.now() - timedelta(hours=2)
        # Half an hour after the grants, half an hour before anything ended.
        cls.before = fields.Datetime.to_string(start + timedelta(minutes=30))
        cls.targets = {}  # (scenario, pair) -> target
        with freeze_time(start):
            built = {}
            for number, (scenario, (sa_name, *_path)) in enumerate(SCENARIOS.items()):
                sa = cls.env["ov.sa"].create({"name": sa_name, "code": f"EXPLAIN-{number}"})
                membership = cls._membership(sa, cls.actor)
                rows = []
                for pair in cls.pairs:
                    target = cls._make_target(pair, "explain", cls.company_a)
                    parent = cls._sa_row(pair, sa, target)
                    rows.append((parent, cls._actor_row(pair, parent, cls.actor)))
                    cls.targets[scenario, pair] = target
                built[scenario] = (sa, membership, rows)
        with freeze_time(start + timedelta(hours=1)):
            sa, membership, _rows = built["membership ended"]
            membership.action_revoke()
            sa, membership, rows = built["own row suspended"]
            for _parent, own in rows:
                own.action_suspend()
            membership.action_suspend()
            sa, membership, rows = built["parent revoked"]
            for parent, _own in rows:
                parent.action_revoke()
            membership.action_revoke()
            sa, _membership, _rows = built["SA archived"]
            sa.action_archive()
        # A company-A user whose company-less actor holds a membership and
        # own rows in company B's SA: rows a company rule hides from them.
        wanderer = cls.add_rpc_user(
            "wanderer", "ov_association_base.group_ov_user", cls.company_a, "Adversarial wanderer"
        )
        actor = cls.env["ov.actor"].create(
            {"user_id": wanderer.id, "name": "Adversarial wanderer", "company_id": False}
        )
        cls._membership(cls.sa_b, actor)
        cls.abroad = {}
        for pair in cls.pairs:
            target = cls._make_target(pair, "wb", cls.company_b)
            cls._actor_row(pair, cls._sa_row(pair, cls.sa_b, target), actor)
            cls.abroad[pair] = target
        # sudo: API keys, as each user would create theirs in Preferences.
        cls.api_keys = {
            who: cls.env["res.users.apikeys"]
            .with_user(cls.users[who])
            .sudo()
            ._generate(None, "ov explain", None)
            for who in ("actor", "wanderer")
        }

    # ------------------------------------------------------------------
    # What each answer must say
    # ------------------------------------------------------------------
    @staticmethod
    def _expected(scenario, before=False):
        sa_name, *path = SCENARIOS[scenario]
        sa_row, actor_rows, membership, effective = BEFORE if before else path
        return {
            "allowed": effective,
            "paths": [(sa_name, sa_row, [tuple(row) for row in actor_rows], membership, effective)],
        }

    def _wrong_explanation(self, scenario, before=False):
        expected = self._expected(scenario, before)

        def check(result):
            if not isinstance(result, dict):
                return f"answered {result!r:.120}"
            got = {
                "allowed": result.get("allowed"),
                "paths": [
                    (name, sa_row, [tuple(row) for row in rows], membership, effective)
                    for name, sa_row, rows, membership, effective in summary(result)
                ],
            }
            if got != expected:
                return f"explained {got!r:.400} (expected {expected!r})"
            return None

        return check

    @staticmethod
    def _check(expected):
        def check(result):
            return None if result is expected else f"check answered {result!r}"

        return check

    def _wrong_wizard(self, scenario):
        _sa_name, _sa_row, actor_rows, _membership, effective = SCENARIOS[scenario]

        def check(result):
            if not isinstance(result, dict) or not result.get("res_id"):
                return f"answered {result!r:.120}"
            self.env.invalidate_all()
            wizard = self.env[WIZARD].browse(result["res_id"])
            shown = str(wizard.explanation)
            verdict = "may reach" if effective else "may not reach"
            missing = [
                text
                for text in (
                    verdict,
                    *(f"<code>{code}</code>" for _s, c in actor_rows for code in c),
                )
                if text not in shown
            ]
            if wizard.allowed is not effective or missing:
                return f"wizard allowed {wizard.allowed!r}, missing {missing} in {shown:.300}"
            return None

        return check

    # ------------------------------------------------------------------
    # The /ov/v1 routes, with the actor's API key
    # ------------------------------------------------------------------
    def route(self, label, path, params, judge, who="actor", secrets=()):
        """One JSON route call as ``who``; its problem (if any) is recorded
        like an RPC attack's, under the transport ``bearer``."""
        self.attacks += 1
        try:
            answer = self.make_jsonrpc_request(
                path, params, headers={"Authorization": f"Bearer {self.api_keys[who]}"}
            )
        except JsonRpcException as error:
            found = f"unclear error {error}"
        else:
            if not isinstance(answer, dict) or answer.get("ok") is not True:
                found = f"refused: {answer!r:.200}"
            else:
                found = judge(answer["data"])
            leaked = [token for token in secrets if token.lower() in str(answer).lower()]
            if leaked:
                found = "; ".join(filter(None, [found, f"leaks {', '.join(leaked)}"]))
        self.env.invalidate_all()
        if found:
            key = (label, who, params["model"], path, found)
            self.problems.setdefault(key, [found, []])[1].append("bearer")

    # ------------------------------------------------------------------
    def test_explain_answers_wherever_check_answers(self):
        now = fields.Datetime.to_string(fields.Datetime.now())
        for pair in self.pairs:
            model = pair.sa_model
            for scenario, (*_path, allowed) in SCENARIOS.items():
                target = self.targets[scenario, pair]
                label = f"{scenario}"
                self.each_via(
                    f"check, {label}", "actor", model, "check_governed", [target.id],
                    expect="success", harmless=self._check(allowed),
                )  # fmt: skip
                for at, before, when in ((None, False, ""), (now, False, " as of now"),
                                         (self.before, True, " before it ended")):  # fmt: skip
                    moment = {"at": at} if at else {}
                    self.each_via(
                        f"explain, {label}{when}", "actor", model, "explain_governed",
                        [target.id], moment, expect="success",
                        harmless=self._wrong_explanation(scenario, before),
                    )  # fmt: skip
                    self.route(
                        f"route explain, {label}{when}", "/ov/v1/explain",
                        {"model": model, "target_id": target.id, **moment},
                        self._wrong_explanation(scenario, before),
                    )  # fmt: skip
                self.route(
                    f"route check, {label}", "/ov/v1/check",
                    {"model": model, "target_id": target.id}, self._check(allowed),
                )  # fmt: skip
                self.each_via(
                    f"wizard, {label}", "actor", WIZARD, "create",
                    [{"target_ref": f"{target._name},{target.id}"}],
                    expect="success", harmless=self._wrong_wizard(scenario),
                    follow=lambda outcome: ("action_explain", [[outcome.result]], {}),
                )  # fmt: skip
        self.assertNoProblems()

    def test_rows_of_another_company_stay_out_of_the_explanation(self):
        """The company rule hides company B's rows from a company-A reader:
        check_governed answers false, and so does the explanation, with no
        path and nothing of company B named, never an AccessError."""

        def no_path(result):
            if not isinstance(result, dict):
                return f"answered {result!r:.120}"
            if result.get("allowed") is not False or result.get("paths") not in ([], False):
                return f"explained {summary(result)!r:.300}, allowed {result.get('allowed')!r}"
            return None

        for pair in self.pairs:
            model, target = pair.sa_model, self.abroad[pair]
            secrets = self.sa_tokens("b")
            if "company_id" in target._fields and target.company_id == self.company_b:
                # A company-B record (a sale order): its name is a secret too;
                # a company-less one (a partner, a location) is readable.
                secrets += self.target_tokens(["wb"], [pair])
            self.each_via(
                "check abroad", "wanderer", model, "check_governed", [target.id],
                expect="success", harmless=self._check(False), secrets=secrets,
            )  # fmt: skip
            for moment in ({}, {"at": fields.Datetime.to_string(fields.Datetime.now())}):
                when = " as of now" if moment else ""
                self.each_via(
                    f"explain abroad{when}", "wanderer", model, "explain_governed", [target.id],
                    moment, expect="success", harmless=no_path, secrets=secrets,
                )  # fmt: skip
                self.route(
                    f"route explain abroad{when}", "/ov/v1/explain",
                    {"model": model, "target_id": target.id, **moment}, no_path,
                    who="wanderer", secrets=secrets,
                )  # fmt: skip
        self.assertNoProblems()
