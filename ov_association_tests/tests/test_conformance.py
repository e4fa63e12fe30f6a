"""The conformance suite: the association contract, run against every pair.

Each rule is one test; inside it every discovered pair is a sub-test named
after the pair, so a failure names both the pair and the rule. Here, what the
rows are and how they live: the pairs found, the native class untouched,
deletion, actor ⊆ SA, exclusivity, the audit trail and the expiry cron. The
rules whose answers are tables (declarations, transitions, kinds) are in
``test_conformance_tables``; who reaches and who sees what (governed queries,
record rules) in ``test_conformance_queries``.
"""

import os
from datetime import timedelta

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from . import contract_tables as contract
from .common import ADDONS_ENV, OUR_ADDON_PREFIXES, ConformanceCase


@tagged("post_install", "-at_install", "ov_conformance")
class TestConformance(ConformanceCase):
    def test_00_pairs_discovered(self):
        """The suite found the pairs installed (or, in the fast loop, those of
        the addons it was given), each with its actor layer."""
        only = os.environ.get(ADDONS_ENV)
        if only:
            modules = {self.env[p.sa_model]._original_module for p in self.pairs}
            self.assertTrue(self.pairs and modules <= set(only.split(",")), (only, modules))
        else:
            self.assertIn("ov.sa_test_target", [p.sa_model for p in self.pairs])
        for pair in self.pairs:
            self.assertTrue(pair.actor_model, f"[{pair.sa_model}] has no actor-layer model")

    # ------------------------------------------------------------------
    def test_02_native_class_untouched(self):
        """No addon of ours added a field, relation or override to ``x``."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="native class untouched"):
                Target = self.env[self.env[pair.sa_model]._ov_target_model()]
                own_module = Target._original_module
                for name, field in Target._fields.items():
                    ours = {
                        m
                        for m in (field._modules or ())
                        if m.startswith(OUR_ADDON_PREFIXES) and m != own_module
                    }
                    self.assertFalse(ours, f"[{pair.name}] {Target._name}.{name} added by {ours}")
                    comodel = getattr(field, "comodel_name", None) or ""
                    self.assertFalse(
                        comodel.startswith("ov.") and not own_module.startswith("ov_"),
                        f"[{pair.name}] {Target._name}.{name} points at {comodel}",
                    )
                for cls in type(Target).__mro__:
                    module = cls.__module__
                    if module.startswith("odoo.addons.ov_"):
                        addon = module.split(".")[2]
                        self.assertEqual(
                            addon,
                            own_module,
                            f"[{pair.name}] {Target._name} is extended by {module}",
                        )

    # ------------------------------------------------------------------
    def test_05_deletion_policy(self):
        """Deleting the target follows the declared policy; actors follow parents."""
        for pair in self.pairs:
            Sa = self.env[pair.sa_model]
            policy_name = Sa._ov_deletion_policy
            with self.pair_case(pair, rule=f"target deletion ({policy_name})"):
                target = self.make_target(pair)
                parent = self.make_sa_row(pair, "active", target=target)
                child = self.make_actor_row(pair, "active", parent=parent)
                if policy_name == "restricted":
                    with (
                        self.assertRaises(psycopg2.IntegrityError),
                        mute_logger("odoo.sql_db"),
                    ):
                        target.unlink()
                        self.env.flush_all()
                    self.assertTrue(parent.exists() and child.exists())
                    self.assertEqual(parent.state, "active")
                else:
                    target.unlink()
                    self.env.invalidate_all()
                if policy_name == "dependent":
                    self.assertFalse(parent.exists())
                    self.assertFalse(child.exists())
                    for row in (parent, child):
                        event = self.events(row, event="delete")
                        self.assertEqual(len(event), 1, f"[{pair.name}] {row._name}")
                        self.assertFalse(event.user_id)
                        self.assertEqual(event.old_state, "active")
                elif policy_name == "optional":
                    self.assertTrue(parent.exists() and child.exists())
                    self.assertFalse(parent[Sa._ov_target_field])
                    self.assertFalse(parent.is_effective)
                    self.assertFalse(child.ov_target_id)
                    self.assertFalse(child.is_effective)
                    self.assertEqual(len(self.events(parent, event="target_deleted")), 1)
            with self.pair_case(pair, rule="actor rows follow their parent"):
                parent = self.make_sa_row(pair, "draft")
                child = self.make_actor_row(pair, "draft", parent=parent)
                parent.unlink()
                self.assertFalse(child.exists())
                self.assertEqual(self.events(parent, event="delete").user_id, self.env.user)
                self.assertEqual(len(self.events(child, event="delete")), 1)

    # ------------------------------------------------------------------
    def test_06_actor_subset(self):
        """Actor ⊆ SA: membership, window, suspension, ending, membership end."""
        Membership = self.env["ov.sa.membership"]
        for pair in self.pairs:
            with self.pair_case(pair, rule="non-member refused"):
                with self.assertRaises(ValidationError):
                    self.make_actor_row(pair, actor=self.outsider)
                parent = self.make_sa_row(pair, "active", sa=self.other_sa)
                with self.assertRaises(ValidationError):
                    self.make_actor_row(pair, parent=parent, actor=self.actor)
            with self.pair_case(pair, rule="window inside the parent's"):
                parent = self.make_sa_row(
                    pair, "active", date_from=self.hours(-5), date_to=self.hours(10)
                )
                for window in (
                    {"date_to": self.hours(20)},
                    {},
                    {"date_from": self.hours(-6), "date_to": self.hours(5)},
                ):
                    with self.assertRaises(ValidationError, msg=str(window)):
                        self.make_actor_row(pair, parent=parent, **window)
                inside = self.make_actor_row(
                    pair,
                    "active",
                    parent=parent,
                    date_from=self.hours(-1),
                    date_to=self.hours(9),
                )
                self.assertTrue(inside.is_effective)
            with self.pair_case(pair, rule="active only while the parent is"):
                parent = self.make_sa_row(pair, "draft")
                child = self.make_actor_row(pair, "draft", parent=parent)
                with self.assertRaises(UserError):
                    child.action_activate()
                parent.action_activate()
                child.action_activate()
                self.assertTrue(child.is_effective)
                parent.action_suspend()
                self.assertEqual(child.state, "active")
                self.assertFalse(child.is_effective)
                parent.action_resume()
                self.assertTrue(child.is_effective)
            for ending in ("revoked", "expired"):
                with self.pair_case(pair, rule=f"parent {ending} ends children"):
                    parent = self.make_sa_row(pair, "active")
                    active = self.make_actor_row(pair, "active", parent=parent)
                    suspended = self.make_actor_row(pair, "suspended", parent=parent)
                    draft = self.make_actor_row(pair, "draft", parent=parent)
                    getattr(parent, contract.TRANSITIONS[("active", ending)])()
                    self.assertEqual(active.state, ending)
                    self.assertEqual(suspended.state, ending)
                    self.assertEqual(draft.state, "revoked")
            with self.pair_case(pair, rule="membership ended revokes the actor's rows"):
                leaver = self.env["ov.actor"].create({"name": "Leaver"})
                membership = self.make_membership(self.sa, leaver)
                self.make_membership(self.other_sa, leaver)
                mine = self.make_actor_row(pair, "active", actor=leaver)
                elsewhere = self.make_actor_row(
                    pair,
                    "active",
                    actor=leaver,
                    parent=self.make_sa_row(pair, "active", sa=self.other_sa),
                )
                peers = self.make_actor_row(pair, "active", actor=self.peer)
                membership.action_revoke(reason="left")
                self.assertEqual(mine.state, "revoked")
                self.assertEqual(elsewhere.state, "active")
                self.assertEqual(peers.state, "active")
                self.assertTrue(
                    Membership.search_count(
                        [("id", "=", membership.id), ("is_effective", "=", False)]
                    )
                )

    # ------------------------------------------------------------------
    def test_08_exclusivity(self):
        """At most one active row of an exclusive kind per target / parent."""
        for pair in self.pairs:
            Sa = self.env[pair.sa_model]
            for Model in self.layers(pair):
                if not Model._ov_exclusive_kinds:
                    with self.pair_case(pair, rule="exclusivity", layer=Model._name):
                        self.require(pair, False, f"{Model._name} declares no exclusive kind")
                for kind in Model._ov_exclusive_kinds:
                    with self.pair_case(pair, rule="exclusivity", layer=Model._name, kind=kind):
                        if Model._name == pair.sa_model:
                            target = self.make_target(pair)
                            first = self.make_sa_row(pair, "active", target=target, kind=kind)
                            second = self.make_sa_row(pair, "draft", target=target, kind=kind)
                        else:
                            parent_kinds = [
                                k for k in Sa._ov_allowed_kinds if contract.admitted(k, kind)
                            ]
                            self.require(pair, parent_kinds, f"no SA-layer kind admits {kind}")
                            parent = self.make_sa_row(pair, "active", kind=parent_kinds[0])
                            first = self.make_actor_row(pair, "active", parent=parent, kind=kind)
                            second = self.make_actor_row(
                                pair, "draft", parent=parent, kind=kind, actor=self.peer
                            )
                        with self.assertRaises(ValidationError) as caught:
                            second.action_activate()
                        self.assertIn(kind, str(caught.exception))
                        self.assertEqual(second.state, "draft")
                        self.assertFalse(self.events(second, event="transition"))
                        first.action_revoke()
                        second.action_activate()
                        self.assertEqual(second.state, "active")

    # ------------------------------------------------------------------
    def test_10_audit(self):
        """Each operation leaves exactly its events; events are append-only."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="audit trail"):
                kind = self.sa_kind(pair, exclusive=False) or self.sa_kind(pair)
                row = self.make_sa_row(pair, "draft", kind=kind)
                child = self.make_actor_row(pair, "active", parent=self.bring_to(row, "active"))
                row.action_suspend(reason="audit")
                row.action_resume()
                row.action_revoke(reason="done")
                trail = [
                    (e.event, e.old_state, e.new_state, e.reason or False) for e in self.events(row)
                ]
                self.assertEqual(
                    trail,
                    [
                        ("create", False, "draft", False),
                        ("transition", "draft", "active", False),
                        ("transition", "active", "suspended", "audit"),
                        ("transition", "suspended", "active", False),
                        ("transition", "active", "revoked", "done"),
                    ],
                )
                child_trail = [(e.event, e.old_state, e.new_state) for e in self.events(child)]
                self.assertEqual(
                    child_trail,
                    [
                        ("create", False, "draft"),
                        ("transition", "draft", "active"),
                        ("transition", "active", "revoked"),
                    ],
                )
                self.assertTrue(all(e.user_id == self.env.user for e in self.events(row)))
                events = self.events(row)
                with self.assertRaises(UserError):
                    events.write({"reason": "rewritten"})
                with self.assertRaises(UserError):
                    events.unlink()
                with self.assertRaises(UserError):
                    events.with_user(self.manager_user).write({"reason": "rewritten"})

    # ------------------------------------------------------------------
    def test_11_cron_expiry(self):
        """The cron expires past-dated rows, cascades, and is idempotent."""
        Cron = self.env["ov.governance.cron"]
        for pair in self.pairs:
            with self.pair_case(pair, rule="cron expiry"):
                end = self.hours(1)
                parent = self.make_sa_row(pair, "active", date_to=end)
                child = self.make_actor_row(pair, "active", parent=parent, date_to=end)
                suspended = self.make_sa_row(pair, "suspended", date_to=end)
                open_ended = self.make_sa_row(pair, "active")
                draft = self.make_sa_row(pair, "draft", date_to=end)
                member = self.env["ov.actor"].create({"name": "Temporary"})
                membership = self.env["ov.sa.membership"].create(
                    {"sa_id": self.sa.id, "actor_id": member.id, "date_to": end}
                )
                membership.action_activate()
                with freeze_time(end + timedelta(minutes=1)):
                    self.assertGreaterEqual(Cron._cron_expire_past_rows(batch_size=2), 3)
                    self.assertEqual(parent.state, "expired")
                    self.assertEqual(child.state, "expired")
                    self.assertEqual(suspended.state, "expired")
                    self.assertEqual(membership.state, "expired")
                    self.assertEqual(open_ended.state, "active")
                    self.assertEqual(draft.state, "draft")
                    self.assertEqual(
                        len(self.events(child, event="transition", new_state="expired")),
                        1,
                    )
                    self.assertEqual(Cron._cron_expire_past_rows(), 0)
                self.assertEqual(
                    len(self.events(parent, event="transition", new_state="expired")), 1
                )
