"""The base case and attack helpers of the adversarial RPC suite (issue 9).

The suite attacks the addons over real HTTP, as users with passwords, through
``/web/dataset/call_kw``, ``/jsonrpc`` and ``/xmlrpc/2/object``. Every attack
runs inside a savepoint of the test transaction that is rolled back afterwards,
so one attack that gets through cannot change what the next one sees; the
database is compared before and after each attack.

The users, SAs and rows attacked are built by ``adversarial_fixtures``.
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
from odoo.tests.common import HttpCase
from odoo.tools import SQL

from .adversarial_fixtures import ACTOR_NAMES, AMOUNTS, SA_CODES, AdversarialFixtures, pair_tag
from .common import discover_pairs
from .rpc_client import VIAS, RpcClient

_logger = logging.getLogger(__name__)
# OV_ADVERSARIAL_TRACE=1 logs every attack's outcome (to see what passes).
TRACE = os.environ.get("OV_ADVERSARIAL_TRACE") == "1"


def _some(items, shown=4):
    more = f" (+{len(items) - shown} more)" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


class AdversarialCase(AdversarialFixtures, HttpCase):
    """Two companies, four users with passwords, and rows of every pair
    (built by ``AdversarialFixtures``), attacked one call at a time."""

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
