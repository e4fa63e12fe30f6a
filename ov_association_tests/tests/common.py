"""Shared base of the conformance suite: pair discovery and record factories.

A *pair* is a concrete SA-layer model and the actor-layer model whose parent
field points at it. Pairs are discovered by inheritance from the registry, so
every governed class installed in the database is checked, including ones
added later by other addons.
"""

import os
from dataclasses import dataclass
from datetime import timedelta

from odoo import fields
from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.ov_association_base import policy

OUR_ADDON_PREFIXES = ("ov_association", "ov_sa_")


@dataclass(frozen=True)
class Pair:
    sa_model: str
    actor_model: str

    @property
    def name(self):
        return f"{self.sa_model} / {self.actor_model}"


# Set by the fast loop (``make test TIERS=odoo ADDONS=ov_sa_x``): the addons
# whose pairs the suite checks, the others installed beside them aside.
ADDONS_ENV = "OV_CONFORMANCE_ADDONS"


def discover_pairs(env):
    only = {name for name in os.environ.get(ADDONS_ENV, "").split(",") if name}
    pairs = []
    for sa_model in env["ov.sa.association.mixin"]._ov_concrete_models():
        if only and env[sa_model]._original_module not in only:
            continue
        actor = env[sa_model]._ov_actor_model()
        pairs.append(Pair(sa_model, actor._name if actor is not None else None))
    if only and not pairs:
        raise AssertionError(
            f"{ADDONS_ENV}={','.join(sorted(only))}: no pair of these addons is installed"
        )
    return pairs


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
        # each pair says its targets need.
        readers = cls.env["res.groups"].browse()
        for pair in cls.pairs:
            for xmlid in cls.env[pair.sa_model]._ov_conformance_reader_groups():
                readers |= cls.env.ref(xmlid)
        (cls.manager_user | cls.member_user | cls.peer_user).write(
            {"groups_id": [(4, group.id) for group in readers]}
        )
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
        """A fresh target record of the pair's native class."""
        Sa = self.env[pair.sa_model]
        Target = self.env[Sa._ov_target_model()]
        sequence = self.next_sequence()
        vals = _required_values(Target, sequence)
        if "company_id" in Target._fields and company:
            vals["company_id"] = company.id
        vals.update(Sa._ov_conformance_target_values(sequence))
        return Target.create(vals)

    def sa_kind(self, pair, exclusive=None):
        """An allowed SA-layer kind, exclusive or not when asked."""
        Sa = self.env[pair.sa_model]
        kinds = [
            kind
            for kind in Sa._ov_allowed_kinds
            if exclusive is None or (kind in Sa._ov_exclusive_kinds) == exclusive
        ]
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
        Actor = self.env[pair.actor_model]
        parent = parent or self.make_sa_row(pair, "active")
        row = Actor.create(
            {
                Actor._ov_parent_field: parent.id,
                "actor_id": (actor or self.actor).id,
                "association_kind": kind or self.actor_kind(pair, parent.association_kind),
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


def _required_values(Model, sequence):
    """Simple values for the required fields of ``Model`` that have no default."""
    vals = {}
    defaults = Model.default_get(list(Model._fields))
    for name, field in Model._fields.items():
        if not field.required or name in defaults or field.compute or field.related:
            continue
        if name in ("id", "create_uid", "write_uid", "create_date", "write_date"):
            continue
        if field.type in ("char", "text", "html"):
            vals[name] = f"Conformance {Model._description} {sequence}"
        elif field.type == "many2one":
            record = Model.env[field.comodel_name].search([], limit=1)
            vals[name] = record.id
        elif field.type == "selection":
            vals[name] = field.get_values(Model.env)[0]
        elif field.type in ("integer", "float", "monetary"):
            vals[name] = 1
        elif field.type == "boolean":
            vals[name] = True
        elif field.type == "date":
            vals[name] = fields.Date.today()
        elif field.type == "datetime":
            vals[name] = fields.Datetime.now()
    return vals
