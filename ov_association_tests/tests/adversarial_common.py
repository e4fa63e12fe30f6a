"""Fixtures and attack helpers of the adversarial RPC suite (issue 9).

The suite attacks the addons over real HTTP, as users with passwords, through
``/web/dataset/call_kw``, ``/jsonrpc`` and ``/xmlrpc/2/object``. Every attack
runs inside a savepoint of the test transaction that is rolled back afterwards,
so one attack that gets through cannot change what the next one sees; the
database is compared before and after each attack.

Secrets are marker strings: every governed record, SA and actor an attacker
must not see carries a distinctive token (``zqx-…``) in its name, e-mail, city
or code, and sale orders a distinctive amount. A test names the tokens that
must not appear in a response, whatever its shape (result or error).

Attacks do not stop a test at the first problem: each problem is one line, and
the test fails at its end listing them all, so a run shows every door that is
still open.
"""

import json
import logging
import os
import re

from odoo import fields
from odoo.tests.common import HttpCase, new_test_user
from odoo.tools import SQL

from .common import ConformanceCase, _required_values, discover_pairs
from .rpc_client import VIAS, RpcClient, RpcUser

# Sale orders also carry an amount nobody could guess.
AMOUNTS = {"a1": 645546.37, "a2": 918273.64, "b": 827364.55, "nn": 736455.46}
SA_CODES = {"a1": "ZQX-SA-A1", "a2": "ZQX-SA-A2", "b": "ZQX-SA-B"}
ACTOR_NAMES = {"other": "ZQX-ACTOR-OTHER", "b": "ZQX-ACTOR-B"}

_logger = logging.getLogger(__name__)
# OV_ADVERSARIAL_TRACE=1 logs every attack's outcome (to see what passes).
TRACE = os.environ.get("OV_ADVERSARIAL_TRACE") == "1"


def _some(items, shown=4):
    more = f" (+{len(items) - shown} more)" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def pair_tag(pair):
    return pair.sa_model.split(".sa_", 1)[-1]


class AdversarialCase(HttpCase):
    """Two companies, four users with passwords, and rows of every pair."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        env = cls.env
        cls.pairs = [pair for pair in discover_pairs(env) if pair.actor_model]
        cls.company_a = env.company
        cls.company_b = env["res.company"].create({"name": "Adversarial Co B"})
        cls._sequence = 0
        cls._make_users()
        cls._make_governance()
        cls.rows = {pair: cls._make_pair_rows(pair) for pair in cls.pairs}
        cls._watched_tables = cls._tables_to_watch()

    # ------------------------------------------------------------------
    # Users and governance
    # ------------------------------------------------------------------
    @classmethod
    def _make_users(cls):
        env = cls.env
        readers = env["res.groups"].browse()
        for pair in cls.pairs:
            for xmlid in env[pair.sa_model]._ov_conformance_reader_groups():
                readers |= env.ref(xmlid)
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
        target = Target.create(vals)
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

    @classmethod
    def _tables_to_watch(cls):
        tables = {"ov_sa", "ov_actor", "ov_sa_membership", "res_users"}
        for pair in cls.pairs:
            Sa = cls.env[pair.sa_model]
            tables |= {
                Sa._table,
                cls.env[pair.actor_model]._table,
                cls.env[Sa._ov_target_model()]._table,
            }
        return sorted(tables)

    # ------------------------------------------------------------------
    # Per test
    # ------------------------------------------------------------------
    def setUp(self):
        super().setUp()
        self.client = RpcClient(self)
        self.problems = {}
        self.notes = []
        self.attacks = 0

    def target_field(self, pair):
        return self.env[pair.sa_model]._ov_target_field

    def parent_field(self, pair):
        return self.env[pair.actor_model]._ov_parent_field

    def target_tokens(self, slots, pairs=None):
        """Tokens of the targets of ``slots`` (of every pair unless given)."""
        tokens = []
        for pair in pairs or self.pairs:
            tokens += [f"zqx-{slot}-{pair_tag(pair)}" for slot in slots]
            Target = self.env[self.env[pair.sa_model]._ov_target_model()]
            if Target._name == "sale.order":
                tokens += [str(AMOUNTS[slot]) for slot in slots if slot in AMOUNTS]
        return tokens

    @staticmethod
    def sa_tokens(*slots):
        return [SA_CODES[slot].lower() for slot in slots]

    @staticmethod
    def actor_tokens(*keys):
        return [ACTOR_NAMES[key].lower() for key in keys]

    # ------------------------------------------------------------------
    # The database, before and after an attack
    # ------------------------------------------------------------------
    def snapshot(self):
        self.env.flush_all()
        cr = self.env.cr
        snap = {}
        for table in self._watched_tables:
            cr.execute(SQL("SELECT id, row_to_json(t)::text FROM %s t", SQL.identifier(table)))
            snap[table] = dict(cr.fetchall())
        cr.execute("SELECT count(*), coalesce(max(id), 0) FROM ov_association_event")
        snap["ov_association_event"] = cr.fetchone()
        return snap

    @staticmethod
    def differences(before, after):
        changes = []
        for table, rows in before.items():
            now = after[table]
            if table == "ov_association_event":
                if rows != now:
                    changes.append(f"{now[0] - rows[0]} new audit event(s)")
                continue
            for row_id in sorted(rows.keys() - now.keys()):
                changes.append(f"{table} #{row_id} deleted")
            for row_id in sorted(now.keys() - rows.keys()):
                changes.append(f"{table} #{row_id} created")
            for row_id in sorted(rows.keys() & now.keys()):
                if rows[row_id] == now[row_id]:
                    continue
                old, new = json.loads(rows[row_id]), json.loads(now[row_id])
                columns = [
                    f"{name} {old.get(name)!r}→{new.get(name)!r}"
                    for name in sorted(new)
                    if old.get(name) != new.get(name) and name not in ("write_date", "write_uid")
                ]
                changes.append(f"{table} #{row_id}: {', '.join(columns) or 'write_date'}")
        return changes

    def new_events(self, before):
        """Audit events written since the snapshot ``before``: (model, res_id, event, user)."""
        self.env.cr.execute(
            "SELECT model, res_id, event, user_id FROM ov_association_event WHERE id > %s "
            "ORDER BY id",
            [before["ov_association_event"][1]],
        )
        return self.env.cr.fetchall()

    def orphans(self):
        """Effective actor rows whose actor holds no effective membership."""
        cr = self.env.cr
        found = []
        now = fields.Datetime.now()
        membership_effective = self.env["ov.sa.membership"]._ov_effective_sql("m", now)
        for pair in self.pairs:
            Actor = self.env[pair.actor_model]
            parent_table = self.env[pair.sa_model]._table
            cr.execute(
                SQL(
                    "SELECT row.id FROM %s row JOIN %s parent ON parent.id = row.%s "
                    "WHERE %s AND NOT EXISTS (SELECT 1 FROM ov_sa_membership m "
                    "WHERE m.actor_id = row.actor_id AND m.sa_id = parent.sa_id AND %s)",
                    SQL.identifier(Actor._table),
                    SQL.identifier(parent_table),
                    SQL.identifier(Actor._ov_parent_field),
                    Actor._ov_effective_sql("row", now),
                    membership_effective,
                )
            )
            found += [f"{pair.actor_model} #{row_id}" for (row_id,) in cr.fetchall()]
        return found

    # ------------------------------------------------------------------
    # Attacks
    # ------------------------------------------------------------------
    def attack(
        self,
        label,
        via,
        who,
        model,
        method,
        args=(),
        kwargs=None,
        *,
        expect="refusal",
        errors=None,
        mentions=(),
        secrets=(),
        harmless=None,
        follow=None,
        then=None,
    ):
        """Run one call as ``who`` over ``via``; record every problem it shows.

        ``expect``: ``refusal`` (a clear Odoo error, in ``errors`` if given),
        ``success``, or ``either`` (a clear error or a success).
        ``harmless(result)`` judges a success: it returns what is wrong with it,
        or nothing. ``mentions``: the error message must contain each item (a
        string, or a tuple of alternatives). ``secrets``: tokens the raw
        response must not contain. ``follow(outcome)`` may return a second
        call ``(method, args, kwargs)`` to make after a success (a wizard's
        confirmation); the last call is the one judged. ``then(outcome,
        before)`` runs before the rollback and returns problems; without it
        the database must not change at all.
        """
        self.attacks += 1
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("SAVEPOINT ov_adversarial_attack")
        try:
            before = self.snapshot()
            user = self.rpc_users[who]
            outcome = self.client.call(via, user, model, method, args, kwargs)
            step = follow(outcome) if follow is not None and outcome.ok else None
            if step:
                method = f"{method}+{step[0]}"
                outcome = self.client.call(via, user, model, *step)
            found = self.judge(outcome, expect, errors, mentions, secrets, harmless)
            if TRACE:
                _logger.warning("[%s] %s as %s: %s", label, via, who, outcome.summary(400))
            if then is not None:
                found += then(outcome, before)
            else:
                changes = self.differences(before, self.snapshot())
                if changes:
                    found.append(f"changed the database: {_some(changes)}")
                orphans = self.orphans()
                if orphans:
                    found.append(f"left effective actor rows without membership: {_some(orphans)}")
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT ov_adversarial_attack")
            cr.execute("RELEASE SAVEPOINT ov_adversarial_attack")
            self.env.invalidate_all()
        if found:
            # The same problem over several endpoints is one line (ids of rows
            # an attack created may differ from one endpoint to the next).
            text = "; ".join(found)
            key = (label, who, model, method, re.sub(r"\d+", "#", text))
            self.problems.setdefault(key, [text, []])[1].append(via)
        return outcome

    @staticmethod
    def judge(outcome, expect, errors, mentions, secrets, harmless):
        found = []
        if outcome.ok:
            if expect == "refusal":
                found.append(f"not refused ({outcome.summary()})")
            elif harmless is not None:
                complaint = harmless(outcome.result)
                if complaint:
                    found.append(complaint)
        elif not outcome.clear:
            found.append(f"unclear error {outcome.summary()}")
        elif expect == "success":
            found.append(f"refused: {outcome.summary()}")
        else:
            if errors and outcome.error not in errors:
                found.append(f"wrong error class {outcome.summary()}")
            text = outcome.message.lower()
            for mention in mentions:
                options = (mention,) if isinstance(mention, str) else tuple(mention)
                if not any(option.lower() in text for option in options):
                    found.append(f"error does not name {' / '.join(options)}: {outcome.summary()}")
        raw = outcome.raw.lower()
        leaked = []
        for token in secrets:
            match = re.search(re.escape(token.lower()) + r"[\w@.-]*", raw)
            if match:
                leaked.append(match.group(0))
        if leaked:
            found.append(f"leaks {', '.join(sorted(set(leaked))[:8])}")
        return found

    def each_via(self, label, who, model, method, args=(), kwargs=None, **options):
        return [
            self.attack(label, via, who, model, method, args, kwargs, **options) for via in VIAS
        ]

    def note(self, text):
        """Something worth reporting that the suite does not assert."""
        _logger.info("adversarial note: %s", text)
        self.notes.append(text)

    def assertNoProblems(self):
        if not self.problems:
            return
        lines = [
            f"[{label}] {'/'.join(vias)} as {who}: {model}.{method}: {problem}"
            for (label, who, model, method, _key), (problem, vias) in self.problems.items()
        ]
        notes = "".join(f"\nnote: {note}" for note in self.notes)
        count = sum(len(vias) for _problem, vias in self.problems.values())
        self.fail(f"{count} of {self.attacks} attacks got through:\n" + "\n".join(lines) + notes)
