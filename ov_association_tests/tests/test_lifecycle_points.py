"""Lifecycle rules at their second points: resume, kind changes, ended rows.

docs/design.md §3: each public method performs only the moves the transition table
names it for; exclusivity counts *active* rows, so a suspended holder frees
its slot and cannot take it back while another row holds it; an SA kind
change must keep every live child (draft, active, suspended) admitted; an
ended row keeps its kind. Expected answers come from ``contract_tables``,
written out by hand.
"""

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from . import contract_tables as contract
from .common import ConformanceCase

# method -> the state it moves a row to (docs/design.md §3 Lifecycle, written out).
METHOD_STATE = {
    "action_activate": "active",
    "action_suspend": "suspended",
    "action_resume": "active",
    "action_expire": "expired",
    "action_revoke": "revoked",
}


@tagged("post_install", "-at_install", "ov_boundaries")
class TestLifecyclePoints(ConformanceCase):
    def _layers(self, pair):
        return (
            ("SA layer", lambda state, **kw: self.make_sa_row(pair, state, **kw)),
            ("actor layer", lambda state, **kw: self.make_actor_row(pair, state, **kw)),
        )

    def test_each_method_only_its_moves(self):
        for pair in self.pairs:
            for layer, make in self._layers(pair):
                for old in contract.STATES:
                    for method, new in METHOD_STATE.items():
                        with self.pair_case(pair, layer=layer, move=f"{old}.{method}"):
                            row = make(old)
                            if contract.TRANSITIONS.get((old, new)) == method:
                                getattr(row, method)()
                                self.assertEqual(row.state, new)
                            else:
                                with self.assertRaises(UserError):
                                    getattr(row, method)()
                                self.assertEqual(row.state, old)

    def test_exclusivity_with_a_suspended_holder(self):
        for pair in self.pairs:
            for Model in self.layers(pair):
                if not Model._ov_exclusive_kinds:
                    with self.pair_case(pair, layer=Model._name):
                        self.skipTest(f"{Model._name} declares no exclusive kind")
                for kind in Model._ov_exclusive_kinds:
                    with self.pair_case(pair, layer=Model._name, kind=kind):
                        holder, other = self._two_rows(pair, Model._name == pair.sa_model, kind)
                        holder.action_suspend()
                        other.action_activate()  # a suspended holder does not hold the slot
                        self.assertEqual(other.state, "active")
                        with self.assertRaises(ValidationError) as caught:
                            holder.action_resume()
                        self.assertIn(kind, str(caught.exception))
                        self.assertEqual(holder.state, "suspended")
                        other.action_revoke()
                        holder.action_resume()
                        self.assertEqual(holder.state, "active")

    def _two_rows(self, pair, sa_layer, kind):
        """An active holder of ``kind`` and a draft contender for the same slot."""
        Sa = self.env[pair.sa_model]
        if sa_layer:
            target = self.make_target(pair)
            holder = self.make_sa_row(pair, "active", target=target, kind=kind)
            return holder, self.make_sa_row(pair, "draft", target=target, kind=kind)
        parent_kinds = [k for k in Sa._ov_allowed_kinds if contract.admitted(k, kind)]
        self.require(pair, parent_kinds, f"no SA-layer kind admits {kind}: no slot to contend for")
        parent = self.make_sa_row(pair, "active", kind=parent_kinds[0])
        holder = self.make_actor_row(pair, "active", parent=parent, kind=kind)
        other = self.make_actor_row(pair, "draft", parent=parent, kind=kind, actor=self.peer)
        return holder, other

    def test_kind_change_counts_every_live_child(self):
        for pair in self.pairs:
            Sa = self.env[pair.sa_model]
            actor_kinds = self.env[pair.actor_model]._ov_allowed_kinds if pair.actor_model else ()
            narrowing = [
                (old, new, child)
                for old in Sa._ov_allowed_kinds
                for new in Sa._ov_allowed_kinds
                for child in actor_kinds
                if contract.admitted(old, child) and not contract.admitted(new, child)
            ]
            for child_state in ("draft", "active", "suspended", "expired", "revoked"):
                with self.pair_case(pair, child=child_state):
                    if not narrowing:
                        self.skipTest("no kind change of this pair narrows what is admitted")
                    old, new, child_kind = narrowing[0]
                    parent = self.make_sa_row(pair, "active", kind=old)
                    self.make_actor_row(pair, child_state, parent=parent, kind=child_kind)
                    if child_state in contract.OPEN_STATES:
                        with self.assertRaises(UserError):
                            parent.action_change_kind(new, reason="narrowed")
                        self.assertEqual(parent.association_kind, old)
                    else:
                        parent.action_change_kind(new, reason="narrowed")
                        self.assertEqual(parent.association_kind, new)

    def test_an_ended_row_keeps_its_kind(self):
        for pair in self.pairs:
            for layer, make in self._layers(pair):
                for state in ("expired", "revoked"):
                    with self.pair_case(pair, layer=layer, state=state):
                        row = make(state)
                        kind = row.association_kind
                        others = [k for k in row._ov_allowed_kinds if k != kind]
                        if not others:
                            self.skipTest("the layer allows one kind only")
                        with self.assertRaises(UserError):
                            row.action_change_kind(others[0], reason="too late")
                        self.assertEqual(row.association_kind, kind)
                        self.assertFalse(self.events(row, event="kind_change"))
        for pair in self.pairs:
            with self.pair_case(pair, rule="an expired parent ends its children"):
                parent = self.make_sa_row(pair, "active")
                children = [
                    self.make_actor_row(pair, s, parent=parent) for s in ("active", "draft")
                ]
                parent.action_expire()
                self.assertEqual([c.state for c in children], ["expired", "revoked"])
