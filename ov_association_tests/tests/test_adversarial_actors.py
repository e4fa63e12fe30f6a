"""Adversarial suite, security round 3: what a hostile RPC pass found after
the first fixes (issue 21).

* A company-less actor works for several companies: a manager of one of them
  moved it to his company, archived it (taking its reach in another company
  away) or renamed it, with no audit event for the move.
* The audit chain's positions (``chain_index``) and seals told a manager of
  one company how many events the others wrote, and when.
* A governed read's domain Odoo cannot parse answered a bare ``KeyError``;
  ``action_change_kind`` without its reason a ``TypeError``.
"""

from odoo.tests import tagged

from .adversarial_common import AdversarialCase

USER_ERROR = {"odoo.exceptions.UserError", "odoo.exceptions.ValidationError"}


@tagged("post_install", "-at_install", "ov_adversarial")
class TestAdversarialActors(AdversarialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.add_rpc_user(
            "manager_b",
            "ov_association_base.group_ov_manager",
            cls.company_b,
            "Adversarial manager of B",
        )

    def test_shared_actors_change_only_by_managers_of_each_company(self):
        # ``other`` has no company and memberships in SAs of company A only.
        self.assertFalse(self.other.company_id)
        for vals in (
            {"company_id": self.company_b.id},
            {"active": False},
            {"name": "zqx-renamed-by-b"},
        ):
            self.each_via(
                f"write {sorted(vals)} of a shared actor of company A",
                "manager_b",
                "ov.actor",
                "write",
                [self.other.ids, vals],
                errors={"odoo.exceptions.AccessError"},
            )
        # A manager of company A may not move it to a company that is not
        # theirs, nor to one its memberships are not of.
        self.each_via(
            "move a shared actor to another company",
            "manager",
            "ov.actor",
            "write",
            [self.other.ids, {"company_id": self.company_b.id}],
            mentions=["company_id"],
        )
        # ... and moving it to company A, where all its memberships are, is
        # allowed and audited.
        self.attack(
            "move a shared actor to the company of its memberships",
            "web",
            "manager",
            "ov.actor",
            "write",
            [self.other.ids, {"company_id": self.company_a.id}],
            expect="success",
            then=lambda outcome, before: (
                []
                if ("ov.actor", self.other.id, "actor_company_changed", self.users["manager"].id)
                in self.new_events(before)
                else [f"no actor_company_changed event: {self.new_events(before)}"]
            ),
        )
        self.assertNoProblems()

    def test_chain_positions_are_for_system_administrators(self):
        for fields in (["chain_index"], ["hash"], ["keyed"]):
            self.each_via(
                f"read {fields[0]} of audit events",
                "manager",
                "ov.association.event",
                "search_read",
                [[]],
                {"fields": fields, "limit": 5},
                errors={"odoo.exceptions.AccessError"},
            )
        self.each_via(
            "count events by chain position",
            "manager",
            "ov.association.event",
            "search_count",
            [[("chain_index", ">", 0)]],
            errors={"odoo.exceptions.AccessError"},
        )
        self.assertNoProblems()

    def test_unreadable_domains_and_missing_reasons_are_named(self):
        # Any pair whose targets the actor may read (the refusals asked for
        # are about the arguments, not the rights).
        actor = self.users["actor"]
        readable = [
            pair
            for pair in self.pairs
            if self.env[self.env[pair.sa_model]._ov_target_model()]
            .with_user(actor)
            .has_access("read")
        ]
        if not readable:
            self.skipTest(
                f"{actor.login} reads the targets of no pair: name the groups that read"
                " them in _ov_conformance_reader_groups()"
            )
        pair = readable[0]
        for domain in ([["id", "any", []]], [["id", "not any", []]]):
            self.each_via(
                f"domain {domain}",
                "actor",
                pair.sa_model,
                "search_governed_targets",
                [],
                {"domain": domain},
                errors=USER_ERROR,
                mentions=["domain"],
            )
        row = self.rows[pair]["a1"]
        self.each_via(
            "change the kind without a reason",
            "manager",
            pair.sa_model,
            "action_change_kind",
            [row.ids],
            {"new_kind": row.association_kind},
            errors=USER_ERROR,
            mentions=["reason"],
        )
        self.assertNoProblems()
