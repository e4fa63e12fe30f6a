"""The conformance suite, its tables: declarations, transitions, kinds.

The rules whose expected answers are tables (docs/design.md §2 and §3) compare the
library with the tables written out by hand in ``contract_tables``, never with
``ov_association_base.policy``. Each rule is one test; inside it every
discovered pair is a sub-test named after the pair.
"""

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from . import contract_tables as contract
from .common import ConformanceCase


@tagged("post_install", "-at_install", "ov_conformance")
class TestConformanceTables(ConformanceCase):
    # ------------------------------------------------------------------
    def test_01_declarations(self):
        """Declarations are the ones written out, and consistent with the fields."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="declarations as written out"):
                expected = contract.PAIRS.get(pair.sa_model)
                if expected is None:
                    self.skipTest(f"{pair.sa_model} is not a pair of this repository")
                Sa, Actor = self.env[pair.sa_model], self.env[pair.actor_model]
                declared = {
                    "target_field": Sa._ov_target_field,
                    "deletion_policy": Sa._ov_deletion_policy,
                    "allowed": tuple(Sa._ov_allowed_kinds),
                    "exclusive": tuple(Sa._ov_exclusive_kinds),
                    "actor_model": pair.actor_model,
                    "parent_field": Actor._ov_parent_field,
                    "actor_allowed": tuple(Actor._ov_allowed_kinds),
                    "actor_exclusive": tuple(Actor._ov_exclusive_kinds),
                }
                self.assertEqual(declared, expected)
                kinds = [value for value, _label in Sa._fields["association_kind"].selection]
                self.assertEqual(kinds[:3], list(contract.KINDS))
            with self.pair_case(pair, rule="declarations"):
                Sa, Actor = self.env[pair.sa_model], self.env[pair.actor_model]
                target = Sa._fields[Sa._ov_target_field]
                self.assertEqual(target.type, "many2one")
                required, ondelete = contract.DELETION_POLICIES[Sa._ov_deletion_policy]
                self.assertEqual(bool(target.required), required, f"[{pair.name}] required")
                self.assertEqual(target.ondelete.lower(), ondelete, f"[{pair.name}] ondelete")
                parent = Actor._fields[Actor._ov_parent_field]
                self.assertEqual(parent.comodel_name, pair.sa_model)
                self.assertTrue(parent.required)
                self.assertEqual(parent.ondelete.lower(), "cascade")
                for Model in (Sa, Actor):
                    kinds = dict(Model._fields["association_kind"].selection)
                    self.assertTrue(Model._ov_allowed_kinds)
                    self.assertLessEqual(set(Model._ov_allowed_kinds), set(kinds))
                    self.assertLessEqual(
                        set(Model._ov_exclusive_kinds), set(Model._ov_allowed_kinds)
                    )
                    self.assertFalse(Model._fields["association_kind"].default)
                    index = Model._ov_exclusive_index_name()
                    self.env.cr.execute(
                        "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index]
                    )
                    row = self.env.cr.fetchone()
                    if Model._ov_exclusive_kinds:
                        self.assertTrue(row, f"[{Model._name}] exclusivity index missing")
                        self.assertIn("UNIQUE", row[0])
                        self.assertIn("'active'", row[0])
                    else:
                        self.assertFalse(row, f"[{Model._name}] stray exclusivity index")

    # ------------------------------------------------------------------
    def _layers(self, pair):
        return (
            ("SA layer", lambda state: self.make_sa_row(pair, state)),
            ("actor layer", lambda state: self.make_actor_row(pair, state)),
        )

    def test_03_transitions(self):
        """Allowed transitions work; every other one raises; state is guarded."""
        states = list(contract.STATES)
        for pair in self.pairs:
            with self.pair_case(pair, rule="the state selection"):
                selection = self.env[pair.sa_model]._fields["state"].selection
                self.assertEqual([value for value, _label in selection], states)
            for layer, make in self._layers(pair):
                with self.pair_case(pair, rule="transitions", layer=layer):
                    for old in states:
                        for new in states:
                            row = make(old)
                            method = contract.TRANSITIONS.get((old, new))
                            if method:
                                getattr(row, method)()
                                self.assertEqual(row.state, new, f"{layer} {old}->{new}")
                            else:
                                with self.assertRaises(UserError, msg=f"{layer} {old}->{new}"):
                                    row._ov_transition(new)
                                self.assertEqual(row.state, old)
                    row = make("draft")
                    with self.assertRaises(UserError):
                        row.write({"state": "active"})
                    with self.assertRaises(UserError):
                        row.create({**row.copy_data()[0], "state": "active"})
                    self.assertEqual(row.state, "draft")
                    row.unlink()
                    self.assertFalse(row.exists())
                    for state in ("active", "suspended", "expired", "revoked"):
                        row = make(state)
                        with self.assertRaises(UserError, msg=f"{layer} unlink {state}"):
                            row.unlink()
                        self.assertTrue(row.exists())
                with self.pair_case(pair, rule="cache is not writable"):
                    actor_row = self.make_actor_row(pair, "active")
                    for name in ("ov_target_id", "ov_parent_state"):
                        with self.assertRaises(UserError):
                            actor_row.write({name: False})
                with self.pair_case(pair, rule="scope and governed record are fixed"):
                    Sa = self.env[pair.sa_model]
                    draft = self.make_sa_row(pair, "draft")
                    with self.assertRaises(UserError):
                        draft.write({"sa_id": self.other_sa.id})
                    with self.assertRaises(UserError):
                        draft.write({Sa._ov_target_field: self.make_target(pair).id})
                    child = self.make_actor_row(pair, "draft")
                    with self.assertRaises(UserError):
                        child.write({"actor_id": self.peer.id})
                    draft.write({"sa_id": draft.sa_id.id})  # same value: allowed

    # ------------------------------------------------------------------
    def test_04_kinds(self):
        """Kinds: required, allowed, governed change, actor matrix."""
        for pair in self.pairs:
            Sa = self.env[pair.sa_model]
            with self.pair_case(pair, rule="kind required and allowed"):
                target = self.make_target(pair)
                with self.assertRaises(ValidationError):
                    Sa.create({"sa_id": self.sa.id, Sa._ov_target_field: target.id})
                kinds = [v for v, _l in Sa._fields["association_kind"].selection]
                for kind in set(kinds) - set(Sa._ov_allowed_kinds):
                    with self.assertRaises(ValidationError):
                        self.make_sa_row(pair, target=target, kind=kind)
                with self.assertRaises(ValidationError):
                    self.make_sa_row(pair, target=target, kind="no-such-kind")
            for Model in self.layers(pair):
                with self.pair_case(
                    pair, rule="kind changes only through action_change_kind", layer=Model._name
                ):
                    self._check_kind_change(pair, Model)
            with self.pair_case(pair, rule="actor kinds follow the matrix"):
                Actor = self.env[pair.actor_model]
                for sa_kind in Sa._ov_allowed_kinds:
                    parent = self.make_sa_row(pair, "active", kind=sa_kind)
                    for actor_kind in Actor._ov_allowed_kinds:
                        if contract.admitted(sa_kind, actor_kind):
                            row = self.make_actor_row(pair, parent=parent, kind=actor_kind)
                            self.assertEqual(row.association_kind, actor_kind)
                            row.unlink()
                        else:
                            with self.assertRaises(ValidationError, msg=f"{sa_kind}/{actor_kind}"):
                                self.make_actor_row(pair, parent=parent, kind=actor_kind)
            actor_kinds = self.env[pair.actor_model]._ov_allowed_kinds if pair.actor_model else ()
            for sa_kind in Sa._ov_allowed_kinds:
                for new_kind in Sa._ov_allowed_kinds:
                    for child_kind in actor_kinds:
                        with self.pair_case(
                            pair,
                            rule="SA kind change keeps children admitted",
                            change=f"{sa_kind}->{new_kind}",
                            child=child_kind,
                        ):
                            self._check_sa_kind_change(pair, sa_kind, new_kind, child_kind)

    def _check_kind_change(self, pair, Model):
        """A live row's kind is written only by ``action_change_kind``, with a
        reason, to another allowed (and, for an actor row, admitted)
        non-exclusive kind, and never once the row has ended."""
        self.require(
            pair,
            len(Model._ov_allowed_kinds) >= 2,
            f"{Model._name} allows one kind only: a row has no other kind to change to",
        )
        sa_layer = Model._name == pair.sa_model
        make = self.make_sa_row if sa_layer else self.make_actor_row
        if sa_layer:
            row = make(pair, "active")
        else:
            # Under a parent of a kind that admits two non-exclusive kinds, if any.
            roomy = [
                parent_kind
                for parent_kind in self.env[pair.sa_model]._ov_allowed_kinds
                if len(
                    [
                        k
                        for k in Model._ov_allowed_kinds
                        if contract.admitted(parent_kind, k) and k not in Model._ov_exclusive_kinds
                    ]
                )
                >= 2
            ]
            parent = self.make_sa_row(pair, "active", kind=roomy[0]) if roomy else None
            row = make(pair, "active", parent=parent)
        others = [k for k in Model._ov_allowed_kinds if k != row.association_kind]
        admitted = (
            others
            if sa_layer
            else [k for k in others if contract.admitted(row._ov_parent().association_kind, k)]
        )
        changeable = [k for k in admitted if k not in Model._ov_exclusive_kinds]
        draft = make(pair, "draft")
        draft.write({"association_kind": draft.association_kind})
        with self.assertRaises(UserError):
            row.write({"association_kind": (changeable or admitted or others)[0]})
        self.require(
            pair,
            changeable,
            (
                f"{Model._name} has no non-exclusive kind besides {row.association_kind}"
                if sa_layer
                else f"under no SA-layer kind may a row of {Model._name} take another"
                " non-exclusive kind"
            )
            + ": action_change_kind has nothing to change a row to",
        )
        with self.assertRaises(UserError):
            row.action_change_kind(changeable[0], reason="")
        old = row.association_kind
        row.action_change_kind(changeable[0], reason="re-scoped")
        self.assertEqual(row.association_kind, changeable[0])
        event = self.events(row, event="kind_change")
        self.assertEqual(len(event), 1)
        self.assertEqual((event.old_kind, event.new_kind), (old, changeable[0]))
        self.assertEqual(event.reason, "re-scoped")
        row.action_revoke()
        with self.assertRaises(UserError):
            row.action_change_kind(old, reason="too late")

    def _check_sa_kind_change(self, pair, sa_kind, new_kind, child_kind):
        """An active parent of ``sa_kind`` with a live child of ``child_kind``
        moves to ``new_kind`` exactly when the written-out matrix admits the
        child under the new kind; a change to the same kind changes nothing."""
        if not contract.admitted(sa_kind, child_kind):
            self.skipTest(f"{sa_kind} does not admit a {child_kind} child: no such parent")
        parent = self.make_sa_row(pair, "active", kind=sa_kind)
        child = self.make_actor_row(pair, "active", parent=parent, kind=child_kind)
        if new_kind == sa_kind:
            self.assertIs(parent.action_change_kind(new_kind, reason="same"), True)
            self.assertFalse(self.events(parent, event="kind_change"))
        elif contract.admitted(new_kind, child_kind):
            parent.action_change_kind(new_kind, reason="widen")
            self.assertEqual(parent.association_kind, new_kind)
            self.assertEqual(len(self.events(parent, event="kind_change")), 1)
        else:
            with self.assertRaises(UserError):
                parent.action_change_kind(new_kind, reason="narrow")
            self.assertEqual(parent.association_kind, sa_kind)
            self.assertFalse(self.events(parent, event="kind_change"))
        self.assertEqual((child.association_kind, child.state), (child_kind, "active"))
