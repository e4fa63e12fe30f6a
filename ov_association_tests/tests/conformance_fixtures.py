"""``ConformanceCase``: the governance fixtures every rule of the conformance
suite shares (companies, users, actors, SAs and memberships), one pair's
sub-test in its own savepoint, pairs chosen by what they can do, and the
factories of targets and association rows.
"""

from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.ov_association_base import policy

from .conformance_hooks import (
    _required_values,
    create_target,
    reader_groups,
    unreadable_target_problem,
)
from .conformance_pairs import describe_kinds, discover_pairs

# Which of state_mix_targets the actor reaches, in order.
STATE_MIX_REACHED = [True, False, False, False, True, False]


class ConformanceCase(TransactionCase):
    """Governance fixtures shared by every rule of the conformance suite."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.pairs = discover_pairs(cls.env)
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Conformance Other Co"})
        cls.manager_user = new_test_user(
            cls.env,
            "ov_conf_manager",
            groups="ov_association_base.group_ov_manager",
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.member_user = new_test_user(
            cls.env,
            "ov_conf_member",
            groups="ov_association_base.group_ov_user",
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.peer_user = new_test_user(
            cls.env,
            "ov_conf_peer",
            groups="ov_association_base.group_ov_user",
            company_ids=[(6, 0, cls.company.ids)],
        )
        # Governance never grants native read rights: give the users the groups
        # each pair says its targets need. A pair whose hook is wrong does not
        # stop the others: what is wrong is kept, and its sub-tests say it
        # (``pair_isolation``).
        users = cls.manager_user | cls.member_user | cls.peer_user
        readers = cls.env["res.groups"].browse()
        cls.reader_problems = {}
        for pair in cls.pairs:
            groups, problem = reader_groups(cls.env, pair)
            readers |= groups
            if problem:
                cls.reader_problems[pair.sa_model] = problem
        users.write({"groups_id": [(4, group.id) for group in readers]})
        for pair in cls.pairs:
            if pair.sa_model not in cls.reader_problems:
                problem = unreadable_target_problem(cls.env, pair, users)
                if problem:
                    cls.reader_problems[pair.sa_model] = problem
        Actor = cls.env["ov.actor"]
        cls.actor = Actor.create({"user_id": cls.member_user.id})
        cls.peer = Actor.create({"user_id": cls.peer_user.id})
        cls.outsider = Actor.create({"name": "Outsider"})
        Sa = cls.env["ov.sa"]
        cls.sa = Sa.create({"name": "Conformance SA", "code": "CONF"})
        cls.other_sa = Sa.create({"name": "Conformance SA 2", "code": "CONF2"})
        cls.membership = cls.make_membership(cls.sa, cls.actor)
        cls.peer_membership = cls.make_membership(cls.sa, cls.peer)
        cls.make_membership(cls.other_sa, cls.peer)
        cls._sequence = 0

    # ------------------------------------------------------------------
    # One pair at a time, and pairs chosen by what they can do
    # ------------------------------------------------------------------
    @contextmanager
    def pair_case(self, pair, flush=True, **params):
        """One pair's sub-test (named after the pair and ``params``) in its
        own savepoint: whatever fails in it, even the database, fails that
        sub-test only, and the next pair starts from a usable transaction.
        Every loop of the suite over pairs runs its body in one."""
        with self.subTest(**params, pair=pair.name), self.pair_isolation(pair, flush=flush):
            yield

    @contextmanager
    def pair_isolation(self, pair, flush=True):
        """Roll back to a savepoint when the body fails; an AccessError where
        the pair's readers cannot read its targets becomes an AssertionError
        naming ``READER_HOOK``. ``flush=False`` leaves the ORM's pending
        writes alone (for a check that a read flushes what it needs itself)."""
        cr = self.env.cr
        try:
            with cr.savepoint(flush=flush):
                try:
                    yield
                except Exception:
                    if not flush:
                        cr.clear()  # what a flushing savepoint does on rollback
                    raise
        except AccessError as error:
            problem = getattr(self, "reader_problems", {}).get(pair.sa_model)
            if problem:
                raise AssertionError(problem) from error
            raise

    def pick_pair(self, what, accept, pairs=None):
        """The first of ``pairs`` (default: the suite's) that ``accept`` takes:
        a pair chosen by what it can do, never by its name or its place in
        the list. Skips the test, saying what each pair's kinds lack, when
        none qualifies."""
        pairs = self.pairs if pairs is None else list(pairs)
        for pair in pairs:
            if accept(pair):
                return pair
        kinds = "; ".join(describe_kinds(self.env, pair) for pair in pairs)
        self.skipTest(f"no pair has {what}: {kinds or 'no pair is installed'}")

    def any_pair(self):
        """A pair for a rule every pair obeys alike: the first discovered (no
        name, kind or place is assumed); skips when no pair is installed."""
        return self.pick_pair("a layer", lambda pair: True)

    def pair_with_actor_layer(self):
        """A pair with an actor layer."""
        return self.pick_pair("an actor layer", lambda pair: bool(pair.actor_model))

    def pair_with_exclusive_kind(self, pairs=None):
        """A pair with an exclusive kind in one of its layers."""
        return self.pick_pair(
            "an exclusive kind",
            lambda pair: bool(
                self.env[pair.sa_model]._ov_exclusive_kinds
                or (pair.actor_model and self.env[pair.actor_model]._ov_exclusive_kinds)
            ),
            pairs,
        )

    def pair_with_two_free_sa_kinds(self, pairs=None):
        """A pair whose SA layer allows two non-exclusive kinds (a row of one
        can be changed to the other)."""
        return self.pick_pair(
            "two non-exclusive SA-layer kinds",
            lambda pair: len(self.kinds(self.env[pair.sa_model], exclusive=False)) >= 2,
            pairs,
        )

    def layers(self, pair):
        """The pair's SA-layer model and, when it has one, its actor-layer model."""
        return [self.env[name] for name in (pair.sa_model, pair.actor_model) if name]

    def require(self, pair, possible, why):
        """Skip the current sub-test when the pair's kinds make it impossible."""
        if not possible:
            self.skipTest(f"{pair.sa_model}: {why} ({describe_kinds(self.env, pair)})")

    def kinds(self, Model, exclusive=None, admitted_under=None):
        """``Model``'s allowed kinds, in order: exclusive or not when asked,
        admitted under an SA-layer kind when given (actor layer)."""
        return [
            kind
            for kind in Model._ov_allowed_kinds
            if (exclusive is None or (kind in Model._ov_exclusive_kinds) == exclusive)
            and (admitted_under is None or policy.actor_kind_admitted(admitted_under, kind))
        ]

    def parent_kinds(self, pair, actor_kind=None):
        """The SA-layer kinds that admit ``actor_kind`` (default: that admit
        some kind the actor layer allows)."""
        Sa = self.env[pair.sa_model]
        wanted = [actor_kind] if actor_kind else self.env[pair.actor_model]._ov_allowed_kinds
        return [
            kind
            for kind in Sa._ov_allowed_kinds
            if any(policy.actor_kind_admitted(kind, child) for child in wanted)
        ]

    # ------------------------------------------------------------------
    # Factories
    # ------------------------------------------------------------------
    @classmethod
    def make_membership(cls, sa, actor, activate=True):
        membership = cls.env["ov.sa.membership"].create({"sa_id": sa.id, "actor_id": actor.id})
        if activate:
            membership.action_activate()
        return membership

    @classmethod
    def next_sequence(cls):
        cls._sequence += 1
        return cls._sequence

    def make_target(self, pair, company=None):
        """A fresh target record of the pair's native class; if the target
        refuses the values, an AssertionError naming the field and the hook
        (``create_target``)."""
        Sa = self.env[pair.sa_model]
        Target = self.env[Sa._ov_target_model()]
        sequence = self.next_sequence()
        vals = _required_values(Target, sequence)
        if "company_id" in Target._fields and company:
            vals["company_id"] = company.id
        vals.update(Sa._ov_conformance_target_values(sequence))
        return create_target(pair, Target, vals)

    def sa_kind(self, pair, exclusive=None):
        """An allowed SA-layer kind, exclusive or not when asked; one that
        admits an actor-layer kind first."""
        kinds = self.kinds(self.env[pair.sa_model], exclusive)
        if pair.actor_model:
            parents = self.parent_kinds(pair)
            kinds.sort(key=lambda kind: kind not in parents)
        return kinds[0] if kinds else None

    def actor_kind(self, pair, parent_kind):
        Actor = self.env[pair.actor_model]
        admitted = [
            kind
            for kind in Actor._ov_allowed_kinds
            if policy.actor_kind_admitted(parent_kind, kind)
        ]
        non_exclusive = [k for k in admitted if k not in Actor._ov_exclusive_kinds]
        return (non_exclusive or admitted or [None])[0]

    def make_sa_row(self, pair, state="draft", target=None, sa=None, kind=None, **vals):
        Sa = self.env[pair.sa_model]
        target = target or self.make_target(pair)
        row = Sa.create(
            {
                "sa_id": (sa or self.sa).id,
                Sa._ov_target_field: target.id,
                "association_kind": kind or self.sa_kind(pair),
                **vals,
            }
        )
        return self.bring_to(row, state)

    def make_actor_row(self, pair, state="draft", parent=None, actor=None, kind=None, **vals):
        """An actor row; without a parent, under a fresh active one of a kind
        that admits ``kind``. Skips the sub-test when the pair's kinds admit
        no such row."""
        Actor = self.env[pair.actor_model]
        if not parent:
            parent_kinds = self.parent_kinds(pair, kind)
            self.require(
                pair,
                parent_kinds,
                f"no SA-layer kind admits {f'a {kind}' if kind else 'any actor-layer'} row",
            )
            parent = self.make_sa_row(pair, "active", kind=parent_kinds[0])
        if not kind:
            kind = self.actor_kind(pair, parent.association_kind)
            self.require(pair, kind, f"{parent.association_kind} admits no actor-layer kind")
        row = Actor.create(
            {
                Actor._ov_parent_field: parent.id,
                "actor_id": (actor or self.actor).id,
                "association_kind": kind,
                **vals,
            }
        )
        return self.bring_to(row, state)

    @staticmethod
    def bring_to(row, state):
        """Take a draft row to ``state`` through allowed transitions."""
        path = {
            "draft": [],
            "active": ["action_activate"],
            "suspended": ["action_activate", "action_suspend"],
            "expired": ["action_activate", "action_expire"],
            "revoked": ["action_revoke"],
        }[state]
        for method in path:
            getattr(row, method)()
        return row

    def state_mix_targets(self, pair):
        """Targets of six actor rows, one per case a governed read must tell
        apart; the actor reaches exactly ``STATE_MIX_REACHED`` of them:
        active, suspended, expired, not started yet, ending within the hour,
        under a suspended parent."""
        rows = [
            self.make_actor_row(pair, "active"),
            self.make_actor_row(pair, "suspended"),
            self.make_actor_row(pair, "expired"),
            self.make_actor_row(pair, "active", date_from=self.hours(1)),
            self.make_actor_row(pair, "active", date_to=self.hours(1)),
            self.make_actor_row(pair, "active"),
        ]
        rows[-1]._ov_parent().action_suspend()
        return [row._ov_parent()[row._ov_parent()._ov_target_field].id for row in rows]

    def events(self, records, **filters):
        domain = [("model", "=", records._name), ("res_id", "in", records.ids)]
        domain += [(key, "=", value) for key, value in filters.items()]
        return self.env["ov.association.event"].search(domain, order="id")

    @staticmethod
    def hours(n):
        return fields.Datetime.now() + timedelta(hours=n)
