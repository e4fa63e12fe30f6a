"""The world the adversarial RPC suite attacks (issue 9): who, what, and where.

Two companies; users with passwords (portal, plain actor, governance manager,
and a plain actor without the native read groups), of company A only; SAs,
actors and memberships; and for every installed pair, targets and association
rows in several states, companies and scopes. ``AdversarialCase``
(``adversarial_common``) builds them once per class and attacks them.

Secrets are marker strings: every governed record, SA and actor an attacker
must not see carries a distinctive token (``zqx-…``) in its name, e-mail, city
or code, and sale orders a distinctive amount; ``pair_tag`` names a pair in
its targets' tokens.
"""

from odoo.tests.common import new_test_user

from .common import ConformanceCase, _required_values, create_target, reader_groups
from .rpc_client import RpcUser

# Sale orders also carry an amount nobody could guess.
AMOUNTS = {"a1": 645546.37, "a2": 918273.64, "b": 827364.55, "nn": 736455.46}
SA_CODES = {"a1": "ZQX-SA-A1", "a2": "ZQX-SA-A2", "b": "ZQX-SA-B"}
ACTOR_NAMES = {"other": "ZQX-ACTOR-OTHER", "b": "ZQX-ACTOR-B"}


def pair_tag(pair):
    return pair.sa_model.split(".sa_", 1)[-1]


class AdversarialFixtures:
    """The builders of ``AdversarialCase.setUpClass`` (class methods on its ``env``)."""

    # ------------------------------------------------------------------
    # Users and governance
    # ------------------------------------------------------------------
    @classmethod
    def _make_users(cls):
        env = cls.env
        readers = env["res.groups"].browse()
        for pair in cls.pairs:
            groups, problem = reader_groups(env, pair)
            if problem:
                raise AssertionError(problem)  # names the hook to implement
            readers |= groups
        companies = {"company_id": cls.company_a.id, "company_ids": [(6, 0, cls.company_a.ids)]}
        specs = {
            "portal": ("base.group_portal", False),
            "actor": ("ov_association_base.group_ov_user", True),
            "manager": ("ov_association_base.group_ov_manager", True),
            # A plain actor without the native read groups: what related
            # fields of its own rows show of records it cannot read.
            "nonative": ("ov_association_base.group_ov_user", False),
        }
        cls.users = {}
        cls.rpc_users = {}
        for key, (group, with_readers) in specs.items():
            login = f"ov_adv_{key}"
            password = f"{login}-Pw-7b2e!"
            user = new_test_user(
                env, login, groups=group, password=password, name=f"Adversarial {key}", **companies
            )
            if with_readers and readers:
                user.write({"groups_id": [(4, group.id) for group in readers]})
            cls.users[key] = user
            cls.rpc_users[key] = RpcUser(key, login, password, user.id)
        cls.spare_user = new_test_user(env, "ov_adv_spare", **companies)

    @classmethod
    def add_rpc_user(cls, key, groups, company, name):
        """One more attacker with a password, of ``company`` only."""
        login = f"ov_adv_{key}"
        password = f"{login}-Pw-7b2e!"
        user = new_test_user(
            cls.env,
            login,
            groups=groups,
            password=password,
            name=name,
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        cls.users[key] = user
        cls.rpc_users[key] = RpcUser(key, login, password, user.id)
        return user

    @classmethod
    def _make_governance(cls):
        env = cls.env
        Sa, Actor = env["ov.sa"], env["ov.actor"]
        cls.sa_a1 = Sa.create({"name": "Adversarial member scope", "code": SA_CODES["a1"]})
        cls.sa_a2 = Sa.create({"name": f"{SA_CODES['a2']} scope", "code": SA_CODES["a2"]})
        cls.sa_b = Sa.create(
            {
                "name": f"{SA_CODES['b']} scope",
                "code": SA_CODES["b"],
                "company_id": cls.company_b.id,
            }
        )
        cls.actor = Actor.create({"user_id": cls.users["actor"].id, "name": "Adversarial Actor"})
        cls.nonative = Actor.create(
            {"user_id": cls.users["nonative"].id, "name": "Adversarial NoNative"}
        )
        cls.manager_actor = Actor.create({"user_id": cls.users["manager"].id})
        cls.other = Actor.create({"name": ACTOR_NAMES["other"]})
        cls.actor_b = Actor.create({"name": ACTOR_NAMES["b"], "company_id": cls.company_b.id})
        cls.archived = Actor.create({"name": "Adversarial archived", "active": False})
        cls.memberships = {
            "actor": cls._membership(cls.sa_a1, cls.actor),
            "nonative": cls._membership(cls.sa_a1, cls.nonative),
            "other_a1": cls._membership(cls.sa_a1, cls.other),
            "other_a2": cls._membership(cls.sa_a2, cls.other),
            "b": cls._membership(cls.sa_b, cls.actor_b),
            "draft": cls._membership(cls.sa_a2, cls.nonative, activate=False),
        }

    @classmethod
    def _membership(cls, sa, actor, activate=True):
        membership = cls.env["ov.sa.membership"].create({"sa_id": sa.id, "actor_id": actor.id})
        if activate:
            membership.action_activate()
        return membership

    # ------------------------------------------------------------------
    # Targets and association rows
    # ------------------------------------------------------------------
    @classmethod
    def _make_target(cls, pair, slot, company):
        """A target of ``pair`` whose visible values carry the slot's token."""
        cls._sequence += 1
        Sa = cls.env[pair.sa_model]
        Target = cls.env[Sa._ov_target_model()].with_company(company)
        token = f"zqx-{slot}-{pair_tag(pair)}"
        vals = _required_values(Target, cls._sequence)
        vals.update(Sa._ov_conformance_target_values(cls._sequence))
        target_fields = Target._fields
        company_field = target_fields.get("company_id")
        if company_field is not None and company_field.store:
            # Where the company is optional the target has none: it is then
            # readable from both companies, and only the association says
            # which company governs it (what the company rules must protect).
            vals["company_id"] = company.id if company_field.required else False
        name_key = Target._rec_name or ""
        if (
            name_key in target_fields
            and target_fields[name_key].compute
            and "name" in target_fields
        ):
            name_key = "name"  # e.g. a location's complete_name is computed from it
        if name_key in target_fields and target_fields[name_key].type == "char":
            vals[name_key] = f"{token.upper()}-name"
        for name, value in (("email", f"{token}@example.com"), ("city", f"{token.upper()}-city")):
            if (
                name in target_fields
                and target_fields[name].store
                and target_fields[name].type == "char"
            ):
                vals[name] = value
        partner_field = target_fields.get("partner_id")
        if (
            partner_field is not None
            and partner_field.type == "many2one"
            and partner_field.comodel_name == "res.partner"
        ):
            vals["partner_id"] = (
                cls.env["res.partner"]
                .create(
                    {
                        "name": f"{token.upper()}-partner",
                        "email": f"{token}-partner@example.com",
                        "city": f"{token.upper()}-partner-city",
                        "is_company": True,
                    }
                )
                .id
            )
        target = create_target(pair, Target, vals)  # a refusal names the hook and field
        if Target._name == "sale.order" and slot in AMOUNTS:
            cls._add_amount(target, AMOUNTS[slot])
        return target

    @classmethod
    def _add_amount(cls, order, amount):
        product = getattr(cls, "_product", None)
        if product is None:
            product = cls._product = cls.env["product.product"].create({"name": "Adversarial item"})
        cls.env["sale.order.line"].create(
            {
                "order_id": order.id,
                "product_id": product.id,
                "product_uom_qty": 1,
                "price_unit": amount,
                "tax_id": [(6, 0, [])],
            }
        )

    @classmethod
    def _sa_kind(cls, pair):
        Sa = cls.env[pair.sa_model]
        free = [k for k in Sa._ov_allowed_kinds if k not in Sa._ov_exclusive_kinds]
        return (free or list(Sa._ov_allowed_kinds))[0]

    @classmethod
    def _actor_kind(cls, pair, parent_kind):
        from odoo.addons.ov_association_base import policy

        Actor = cls.env[pair.actor_model]
        admitted = [
            k for k in Actor._ov_allowed_kinds if policy.actor_kind_admitted(parent_kind, k)
        ]
        free = [k for k in admitted if k not in Actor._ov_exclusive_kinds]
        return (free or admitted)[0]

    @classmethod
    def _sa_row(cls, pair, sa, target, state="active"):
        Sa = cls.env[pair.sa_model]
        row = Sa.create(
            {
                "sa_id": sa.id,
                Sa._ov_target_field: target.id,
                "association_kind": cls._sa_kind(pair),
            }
        )
        return ConformanceCase.bring_to(row, state)

    @classmethod
    def _actor_row(cls, pair, parent, actor, state="active"):
        Actor = cls.env[pair.actor_model]
        row = Actor.create(
            {
                Actor._ov_parent_field: parent.id,
                "actor_id": actor.id,
                "association_kind": cls._actor_kind(pair, parent.association_kind),
            }
        )
        return ConformanceCase.bring_to(row, state)

    @classmethod
    def _make_pair_rows(cls, pair):
        """Rows of one pair in several states, companies and scopes."""
        a, b = cls.company_a, cls.company_b
        rows = {"targets": {}}
        targets = rows["targets"]
        for slot, company in (("a1", a), ("a2", a), ("b", b), ("nn", a), ("dr", a), ("su", a)):
            targets[slot] = cls._make_target(pair, slot, company)
        rows["a1"] = cls._sa_row(pair, cls.sa_a1, targets["a1"])
        rows["a2"] = cls._sa_row(pair, cls.sa_a2, targets["a2"])
        rows["b"] = cls._sa_row(pair, cls.sa_b, targets["b"])
        rows["nn"] = cls._sa_row(pair, cls.sa_a1, targets["nn"])
        rows["draft"] = cls._sa_row(pair, cls.sa_a1, targets["dr"], "draft")
        rows["suspended"] = cls._sa_row(pair, cls.sa_a1, targets["su"], "suspended")
        rows["revoked"] = cls._sa_row(pair, cls.sa_a1, cls._make_target(pair, "rv", a), "revoked")
        rows["own"] = cls._actor_row(pair, rows["a1"], cls.actor)
        rows["own_draft"] = cls._actor_row(pair, rows["a1"], cls.actor, "draft")
        rows["peer"] = cls._actor_row(pair, rows["a1"], cls.other)
        rows["other"] = cls._actor_row(pair, rows["a2"], cls.other)
        rows["other_b"] = cls._actor_row(pair, rows["b"], cls.actor_b)
        rows["nn_own"] = cls._actor_row(pair, rows["nn"], cls.nonative)
        # A draft no one may activate while its parent is suspended.
        rows["under_suspended"] = cls._actor_row(pair, rows["suspended"], cls.other, "draft")
        if cls.env[pair.sa_model]._ov_deletion_policy == "dependent":
            targets["del"] = cls._make_target(pair, "del", a)
            rows["del"] = cls._sa_row(pair, cls.sa_a1, targets["del"])
            rows["del_own"] = cls._actor_row(pair, rows["del"], cls.actor)
        return rows
