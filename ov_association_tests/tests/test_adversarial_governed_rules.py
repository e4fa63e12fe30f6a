"""Governed record rules attacked over HTTP (issue 23).

The adversarial fixtures' plain actor is put in every pair's
``group_governed_only``: through Odoo's own methods on each native class, over
the three endpoints, it must get the targets it reaches (``a1``, and ``del``
where the pair is dependent) and nothing of the others, whatever context it
forges; a manager of one company in the groups is narrowed to its own reach
(none); portal users are untouched.
"""

from odoo.tests import tagged

from .adversarial_common import AdversarialCase
from .rpc_client import VIAS
from .test_governed_rules import CONTEXT_KEY, group_xmlid, missing_group_message

# Context values a client may send for the key: each must leave the answer as
# it is (the key only narrows), never break the request.
FORGED_CONTEXTS = (
    {CONTEXT_KEY: {"ov.sa_sale_order": 1}},
    {CONTEXT_KEY: ["ov.sa_sale_order"] * 5000},
    {CONTEXT_KEY: 12345},
    {CONTEXT_KEY: None},
)

UNREACHED = ("a2", "b", "nn", "dr", "su")


@tagged("post_install", "-at_install", "ov_adversarial")
class TestAdversarialGovernedRules(AdversarialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = []
        for pair in cls.pairs:
            group = cls.env.ref(group_xmlid(cls.env, pair), raise_if_not_found=False)
            if not group:
                raise AssertionError(missing_group_message(cls.env, pair))
            groups.append(group.id)
        for key in ("actor", "manager"):
            cls.users[key].write({"groups_id": [(4, group) for group in groups]})

    def targets(self, pair):
        return self.rows[pair]["targets"]

    def reached_ids(self, pair):
        targets = self.targets(pair)
        return {targets[slot].id for slot in ("a1", "del") if slot in targets}

    def every_id(self, pair):
        return [target.id for target in self.targets(pair).values()]

    def only(self, expected):
        def harmless(result):
            got = {record["id"] for record in result}
            if got != expected:
                return f"answered ids {sorted(got)}, expected {sorted(expected)}"
            return None

        return harmless

    def test_member_gets_its_reach_only(self):
        for pair in self.pairs:
            model = self.env[pair.sa_model]._ov_target_model()
            secrets = self.target_tokens(UNREACHED, [pair])
            domain = [("id", "in", self.every_id(pair))]
            for via in VIAS:
                for forged, context in enumerate(({}, *FORGED_CONTEXTS)):
                    self.attack(
                        f"search_read (context {forged})", via, "actor", model, "search_read", [],
                        {"domain": domain, "fields": ["display_name"], "context": context},
                        expect="success", harmless=self.only(self.reached_ids(pair)),
                        secrets=secrets,
                    )  # fmt: skip
                for slot in UNREACHED:
                    self.attack(
                        f"read {slot}", via, "actor", model, "read",
                        [[self.targets(pair)[slot].id], ["display_name"]], {},
                        errors={"odoo.exceptions.AccessError"}, secrets=secrets,
                    )  # fmt: skip
                self.attack(
                    "name_search", via, "actor", model, "name_search", [],
                    {"name": "", "args": domain, "limit": None},
                    expect="success", secrets=secrets,
                    harmless=lambda result, pair=pair: (
                        None
                        if {found for found, _name in result} == self.reached_ids(pair)
                        else f"name_search answered {result}"
                    ),
                )  # fmt: skip
                self.attack(
                    "read_group", via, "actor", model, "read_group",
                    [domain, ["id:count"], []], {"lazy": False},
                    expect="success", secrets=secrets,
                    harmless=lambda result, pair=pair: (
                        None
                        if result[0]["__count"] == len(self.reached_ids(pair))
                        else f"read_group counted {result[0]['__count']}"
                    ),
                )  # fmt: skip
        self.assertNoProblems()

    def test_manager_in_the_groups_is_narrowed_too(self):
        """The manager's actor reaches nothing: its governance rights on the
        association tables do not widen what the rule shows of x."""
        for pair in self.pairs:
            model = self.env[pair.sa_model]._ov_target_model()
            for via in VIAS:
                self.attack(
                    "search_read", via, "manager", model, "search_read", [],
                    {"domain": [("id", "in", self.every_id(pair))], "fields": ["display_name"]},
                    expect="either", harmless=self.only(set()),
                    secrets=self.target_tokens(("a1", *UNREACHED), [pair]),
                )  # fmt: skip
        self.assertNoProblems()

    def test_portal_untouched(self):
        """Portal users are not narrowed and not broken: what Odoo gives them
        (nothing of these targets) stays."""
        for pair in self.pairs:
            model = self.env[pair.sa_model]._ov_target_model()
            for via in VIAS:
                self.attack(
                    "search_read", via, "portal", model, "search_read", [],
                    {"domain": [("id", "in", self.every_id(pair))], "fields": ["display_name"],
                     "context": {CONTEXT_KEY: pair.sa_model}},
                    expect="either", harmless=self.only(set()),
                    secrets=self.target_tokens(("a1", *UNREACHED), [pair]),
                )  # fmt: skip
        self.assertNoProblems()
