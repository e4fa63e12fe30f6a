"""Adversarial suite of issue 9: the doors already shut, which must stay so.

The same users and endpoints as ``test_adversarial_rpc`` (which attacks the
seven classes of doors the issue lists): a plain actor reads only its own
rows, writes and creates nothing, asks only its own reach; forged context
markers, private methods and audit-event rewrites are refused; a portal user
reaches no governance model. A refusal must be a clear Odoo error and leave
the database as it was; each test lists every problem it found before failing.
"""

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.ov_association_tests.tests.rpc_client import VIAS

from .adversarial_rpc_common import UNINSTALL_KEYS, AdversarialRpcCase, empty


@tagged("post_install", "-at_install", "ov_adversarial")
class TestAdversarialRpcHeld(AdversarialRpcCase):
    # ------------------------------------------------------------------
    # Doors already shut: they must stay shut
    # ------------------------------------------------------------------
    def test_held_actor_reads_only_own_rows(self):
        """A plain actor sees neither other actors' rows nor other SAs' rows."""
        for pair in self.pairs:
            rows = self.rows[pair]
            for model, hidden, secrets in (
                (pair.actor_model, rows["peer"] | rows["other"] | rows["other_b"],
                 self.actor_tokens("other", "b") + self.target_tokens(["a2", "b"], [pair])
                 + self.sa_tokens("a2", "b")),
                (pair.sa_model, rows["a2"] | rows["b"],
                 self.target_tokens(["a2", "b"], [pair]) + self.sa_tokens("a2", "b")),
            ):  # fmt: skip
                spec = self.spec(model)
                for via in VIAS:
                    for label, method, args, kwargs, expect, harmless in (
                        ("search_read", "search_read", [], {"domain": [], "fields": []},
                         "success", None),
                        ("web_search_read", "web_search_read", [],
                         {"domain": [], "specification": spec}, "success", None),
                        ("search hidden ids", "search", [[("id", "in", hidden.ids)]], {},
                         "success", empty),
                        ("read hidden rows", "read", [hidden.ids, []], {}, "refusal", None),
                    ):  # fmt: skip
                        self.attack(
                            label, via, "actor", model, method, args, kwargs,
                            expect=expect, secrets=secrets, harmless=harmless,
                        )  # fmt: skip
        self.assertNoProblems()

    def test_held_actor_cannot_write_or_create(self):
        """A plain actor changes nothing: no state, no rows."""
        for via in VIAS:
            for pair in self.pairs:
                rows = self.rows[pair]
                Sa, Actor = self.env[pair.sa_model], self.env[pair.actor_model]
                for label, model, method, args in (
                    ("write state of own row", pair.actor_model, "write",
                     [rows["own_draft"].ids, {"state": "active"}]),
                    ("write state of an SA row", pair.sa_model, "write",
                     [rows["draft"].ids, {"state": "active"}]),
                    ("create an actor row", pair.actor_model, "create",
                     [{Actor._ov_parent_field: rows["a1"].id, "actor_id": self.actor.id,
                       "association_kind": rows["own"].association_kind}]),
                    ("create an SA row", pair.sa_model, "create",
                     [{"sa_id": self.sa_a1.id,
                       Sa._ov_target_field: rows["targets"]["a1"].id,
                       "association_kind": rows["a1"].association_kind}]),
                    ("activate own draft", pair.actor_model, "action_activate",
                     [rows["own_draft"].ids]),
                    ("unlink own draft", pair.actor_model, "unlink", [rows["own_draft"].ids]),
                    ("reassign own row", pair.actor_model, "action_reassign",
                     [rows["own"].ids, self.other.id]),
                    ("extend own window", pair.actor_model, "action_change_window",
                     [rows["own"].ids, False, False]),
                    ("transfer an SA row", pair.sa_model, "action_transfer",
                     [rows["a1"].ids, self.sa_a2.id]),
                    ("hand over own rows", "ov.actor", "action_hand_over",
                     [self.actor.ids, self.other.id]),
                ):  # fmt: skip
                    self.attack(label, via, "actor", model, method, args)
        self.assertNoProblems()

    def test_held_forged_handover_context(self):
        """The handover marker that lets a successor start under a suspended
        parent cannot be sent over RPC."""
        for via in VIAS:
            for pair in self.pairs:
                rows = self.rows[pair]
                for marker in (True, "1", {"handover": True}):
                    self.attack(
                        f"activate under a suspended parent with forged marker {marker!r}",
                        via, "manager", pair.actor_model, "action_activate",
                        [rows["under_suspended"].ids], {"context": {"ov_handover": marker}},
                        mentions=("cannot be active",),
                    )  # fmt: skip
        self.assertNoProblems()

    def test_held_private_methods(self):
        """Private methods cannot be called over RPC."""
        for via in VIAS:
            for who in ("actor", "manager"):
                for pair in self.pairs:
                    draft = self.rows[pair]["own_draft"]
                    for method, args in (
                        ("_ov_transition", [draft.ids, "active"]),
                        ("_ov_system_write", [draft.ids, {"state": "active"}]),
                    ):
                        self.attack(
                            f"call {method}", via, who, pair.actor_model, method, args,
                            errors={"odoo.exceptions.AccessError"},
                        )  # fmt: skip
        self.assertNoProblems()

    def test_held_forged_system_write_context(self):
        """The system-write marker cannot be sent in a JSON/XML context."""
        for via in VIAS:
            for who in ("actor", "manager"):
                for pair in self.pairs:
                    rows = self.rows[pair]
                    for marker in (True, "ov_association_system_write", "1"):
                        context = {"context": {"ov_association_system_write": marker}}
                        for label, model, row, vals in (
                            ("write state", pair.sa_model, rows["draft"], {"state": "active"}),
                            ("write state", pair.actor_model, rows["own_draft"],
                             {"state": "active"}),
                            ("write the target cache", pair.actor_model, rows["own"],
                             {"ov_target_id": rows["targets"]["a2"].id}),
                        ):  # fmt: skip
                            self.attack(
                                f"{label} with forged marker {marker!r}", via, who, model,
                                "write", [row.ids, vals], context,
                            )  # fmt: skip
        self.assertNoProblems()

    def test_held_portal_has_no_access(self):
        """A portal user reaches no governance model."""
        models = sorted(
            name
            for name, Model in self.env.registry.items()
            if name.startswith("ov.") and not Model._abstract
        )
        for via in VIAS:
            for model in models:
                self.attack(
                    "search_read", via, "portal", model, "search_read", [],
                    {"domain": [], "fields": ["display_name"]},
                    errors={"odoo.exceptions.AccessError"},
                )  # fmt: skip
            for pair in self.pairs:
                target = self.rows[pair]["targets"]["a1"]
                self.attack(
                    "governed query", via, "portal", pair.sa_model, "search_governed_targets",
                    [], {"sa_id": self.sa_a1.id},
                )  # fmt: skip
                self.attack(
                    "governed check", via, "portal", pair.sa_model, "check_governed",
                    [target.id], {"actor_id": self.actor.id},
                )  # fmt: skip
        self.assertNoProblems()

    def test_held_events_append_only(self):
        """Nobody writes, deletes or creates audit events."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM ov_association_event WHERE model = %s AND res_id = %s LIMIT 1",
                self.pairs[0].sa_model,
                self.rows[self.pairs[0]]["a1"].id,
            )
        )
        event = self.env.cr.fetchone()[0]
        for via in VIAS:
            for who in ("actor", "manager"):
                for label, method, args in (
                    ("rewrite an event", "write", [[event], {"reason": "rewritten"}]),
                    ("rewrite an event's state", "write", [[event], {"new_state": "revoked"}]),
                    ("delete an event", "unlink", [[event]]),
                    ("forge an event", "create",
                     [{"model": "ov.sa", "res_id": self.sa_a1.id, "event": "create"}]),
                ):  # fmt: skip
                    self.attack(label, via, who, "ov.association.event", method, args)
                    for key in UNINSTALL_KEYS:
                        self.attack(
                            f"{label} under {key}", via, who, "ov.association.event", method,
                            args, {"context": {key: True}},
                        )  # fmt: skip
        self.assertNoProblems()

    def test_held_actor_asks_only_own_reach(self):
        """A plain actor may not query another actor's reach, nor a foreign SA's."""
        for via in VIAS:
            for pair in self.pairs:
                target = self.rows[pair]["targets"]["a2"]
                for label, method, args, kwargs in (
                    ("another actor's targets", "search_governed_targets", [],
                     {"actor_id": self.other.id}),
                    ("another actor's check", "check_governed", [target.id],
                     {"actor_id": self.other.id}),
                    ("targets of an SA one is not in", "search_governed_targets", [],
                     {"sa_id": self.sa_a2.id}),
                ):  # fmt: skip
                    self.attack(
                        label, via, "actor", pair.sa_model, method, args, kwargs,
                        errors={"odoo.exceptions.AccessError"},
                    )  # fmt: skip
        self.assertNoProblems()
