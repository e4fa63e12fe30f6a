"""Governed record rules (docs/design.md §4): a record rule's domain asks the association.

A record rule on any model may call ``governed`` in its domain::

    [('id', 'in', governed.reach('ov.sa_sale_order'))]
    [('id', 'in', governed.scope('ov.sa_sale_order', kinds=['assignment']))]
    governed.only('ov.sa_sale_order', 'ov_sa_sale_order.group_governed_only')

``reach`` and ``scope`` are one SQL subquery each, not an id list: Odoo caches
a rule's domain per user, so everything that may change (the clock, the
user's actor, memberships, windows, states) is read by the subquery when the
query runs. They name the evaluating user by id only, and the fields they
read are flushed before the query runs (``SQL.to_flush``), so rows written
earlier in the transaction count.

Odoo evaluates a rule's domain twice over: in SQL for every search, and in
Python (``filtered_domain``) when it checks records it already holds (a write,
a report, ``check_access``). Python cannot run a subquery, so the rule's
``('id', 'in', ids)`` is rewritten as ``('id', '=', match)`` when the rule is
computed (``IrRule._compute_domain``): in SQL, ``id = ANY(ARRAY(subquery))``
(the same rows, the subquery run once); in Python, ``record_id == match``
asks the database about that one record, on the current cursor.
"""

import sys

from odoo import api, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from . import schema_sql

# The context key with which a read asks for "my reach" of a pair (the "My X"
# menus): rules written with ``governed.only`` narrow to it, as for a member of
# the pair's group. It can only narrow: nobody widens anything with it.
CONTEXT_KEY = "ov_governed_only"
_FILTERED_DOMAIN_CODE = models.BaseModel.filtered_domain.__code__
MAX_ASKED_PAIRS = 100  # more names than any database has pairs


def asked_pairs(value):
    """The pairs a context value of ``ov_governed_only`` asks for: a name or a
    list of names; anything else a client may send asks for none (the key can
    only narrow, so ignoring it is safe) and keeps the rule cache's key
    hashable."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and len(value) <= MAX_ASKED_PAIRS:
        return tuple(item for item in value if isinstance(item, str))
    return ()


class GovernedIds(SQL):
    """``governed.reach``/``governed.scope``: a subquery selecting record ids."""

    __slots__ = ("subquery",)

    def __init__(self, subquery):
        super().__init__("%s", subquery)
        self.subquery = subquery

    def match(self, env, negated=False):
        return GovernedMatch(self.subquery, env, negated)


class GovernedMatch(SQL):
    """``ANY(ARRAY(subquery))`` (``ALL`` for a negated term), which an id is
    compared to: in SQL by ``=``/``!=``, in Python by ``==``, probing the
    database through ``env`` (the environment the rule was computed for)."""

    __slots__ = ("subquery", "env", "negated", "known")

    def __init__(self, subquery, env, negated):
        super().__init__("%s(ARRAY%s)", SQL("ALL" if negated else "ANY"), subquery)
        self.subquery, self.env, self.negated = subquery, env, negated
        self.known = None  # (ids asked about, ids inside), see _prime

    def __eq__(self, other):
        # An id from filtered_domain (int.__eq__ gives way to this one); a bool
        # is an int too, and is never an id.
        if type(other) is not int:
            return super().__eq__(other) if isinstance(other, SQL) else NotImplemented
        if self.known is None:
            self._prime(sys._getframe(1))
        if self.known is not None and other in self.known[0]:
            return other in self.known[1]
        [(inside,)] = self.env.execute_query(
            SQL(
                "SELECT EXISTS (SELECT 1 FROM %s AS governed(id) WHERE governed.id = %s)",
                self.subquery,
                other,
            )
        )
        # 'not in' became '!=': filtered_domain then asks "value not in data".
        return inside

    def _prime(self, caller):
        """Ask the database once about every record ``filtered_domain`` is
        going to compare with this match, one by one (a check of 80 records
        is then one query, not 80). Odoo has no hook between a rule's domain
        and the records it checks, and the library adds no override to
        Odoo's models: the records are ``self`` of the calling frame, when it
        is Odoo's own ``filtered_domain``; otherwise each id is probed."""
        if caller.f_code is not _FILTERED_DOMAIN_CODE:
            return
        ids = [id_ for id_ in caller.f_locals["self"]._ids if type(id_) is int]
        if not ids:
            return
        rows = self.env.execute_query(
            SQL(
                "SELECT governed.id FROM %s AS governed(id) WHERE governed.id = ANY(%s)",
                self.subquery,
                ids,
            )
        )
        self.known = (frozenset(ids), frozenset(id_ for (id_,) in rows))

    __hash__ = object.__hash__  # SQL defines __eq__, hence no hash of its own


def bind_rule_domain(domain, env):
    """``domain`` with each governed ``in``/``not in`` term made evaluable in
    Python too (see the module's docstring), nested ``any`` terms included
    (the rules of ``_inherits`` parents); the same list if there is none."""
    bound, changed = [], False
    for term in domain:
        if isinstance(term, (list, tuple)) and len(term) == 3:
            left, operator, right = term
            if isinstance(right, GovernedIds) and operator in ("in", "not in"):
                negated = operator == "not in"
                term = (left, "!=" if negated else "=", right.match(env, negated))
                changed = True
            elif isinstance(right, GovernedMatch):
                term = (left, operator, GovernedMatch(right.subquery, env, right.negated))
                changed = True
            elif operator in ("any", "not any") and isinstance(right, list):
                inner = bind_rule_domain(right, env)
                if inner is not right:
                    term, changed = (left, operator, inner), True
        bound.append(term)
    return bound if changed else domain


class GovernedRuleContext:
    """``governed`` in a record rule's domain, for the user evaluating it."""

    def __init__(self, env):
        self._env = env

    def reach(self, pair, kinds=None):
        """Ids of the records of ``pair``'s target model that the user's actor
        reaches (effective actor rows, docs/design.md §3), with ``kinds`` of the actor
        layer if given."""
        return GovernedIds(
            self._pair(pair)._ov_rule_reach_sql(self._env.user, self._kinds(pair, kinds, True))
        )

    def scope(self, pair, kinds=None):
        """Ids of the records that effective SA rows of ``pair`` govern in the
        SAs the user is an effective member of, with ``kinds`` of the SA layer."""
        return GovernedIds(
            self._pair(pair)._ov_rule_scope_sql(self._env.user, self._kinds(pair, kinds, False))
        )

    def asked(self, pair):
        """Whether this read asks for the user's reach through ``pair`` (the
        "My X" menus send ``ov_governed_only``)."""
        self._pair(pair)
        return pair in asked_pairs(self._env.context.get(CONTEXT_KEY))

    def only(self, pair, group, keep=None):
        """The domain of a global rule that narrows ``pair``'s target model to
        the user's reach for members of ``group`` (an xml id) and for reads
        that ask for it (``asked``); no condition for anyone else. ``keep``, a
        domain, names records that stay visible all the same (what Odoo itself
        needs to run, e.g. the partners of users)."""
        if not isinstance(group, str) or not self._env.ref(group, raise_if_not_found=False):
            raise UserError(
                self._env._("governed.only: %(group)s is not the xml id of a group.", group=group)
            )
        if not (self.asked(pair) or self._env.user.has_group(group)):
            return []
        reached = [("id", "in", self.reach(pair))]
        return expression.OR([keep, reached]) if keep else reached

    def _pair(self, pair):
        pairs = self._env["ov.sa.association.mixin"]._ov_concrete_models()
        if pair not in pairs:
            raise UserError(
                self._env._(
                    "governed: %(pair)s is not a governed pair (SA-layer model); "
                    "the installed pairs are %(pairs)s.",
                    pair=pair,
                    pairs=", ".join(pairs) or "none",
                )
            )
        # sudo: a rule is evaluated for users who may not read the association
        # tables; its SQL names the user and keeps to their companies itself.
        return self._env[pair].sudo()

    def _kinds(self, pair, kinds, actor_layer):
        return self._env[pair]._ov_query_kinds(kinds, actor_layer=actor_layer)


class IrRule(models.Model):
    _inherit = "ir.rule"

    @api.model
    def _eval_context(self):
        return {**super()._eval_context(), "governed": GovernedRuleContext(self.env)}

    def _compute_domain(self, model_name, mode="read"):
        # The cached domain, its governed terms bound to this environment.
        return bind_rule_domain(super()._compute_domain(model_name, mode), self.env)

    def _compute_domain_context_values(self):
        # The key's value as the rule reads it (asked_pairs): hashable whatever
        # a client sends, one cache entry per meaning.
        keys = self._compute_domain_keys()
        for key, value in zip(keys, super()._compute_domain_context_values(), strict=True):
            yield asked_pairs(value) if key == CONTEXT_KEY else value

    def _compute_domain_keys(self):
        # The cached domain of a rule using governed.only depends on the key.
        return [*super()._compute_domain_keys(), CONTEXT_KEY]


class OvGovernedRuleMixin(models.AbstractModel):
    """The SQL behind ``governed.reach`` and ``governed.scope`` on an SA layer."""

    _name = "ov.association.governed.rule.mixin"
    _description = "Governed record rules"

    def _ov_rule_reach_sql(self, user, kinds):
        actor_model = self._ov_actor_model()
        if actor_model is None:
            return SQL("(SELECT NULL::integer WHERE FALSE)")
        table = actor_model._table
        conditions = [
            # One actor per user (ov_actor.user_uniq): an InitPlan, then the
            # reach index alone. An archived actor's rows have no reach.
            SQL(
                "%s = (SELECT ov_actor.id FROM ov_actor WHERE ov_actor.user_id = %s)",
                SQL.identifier(table, "ov_reach_actor_id"),
                user.id,
            ),
            actor_model._ov_window_sql(table, schema_sql.NOW_US),
        ]
        rows = self._ov_rule_rows(table, "ov_target_id", conditions, kinds)
        return self._ov_rule_flushed(actor_model, self._ov_expand_target_query(rows))

    def _ov_rule_scope_sql(self, user, kinds):
        table = self._table
        Membership = self.env["ov.sa.membership"]
        member_sas = SQL(
            "(SELECT membership.sa_id FROM ov_sa_membership membership"
            " JOIN ov_actor ON ov_actor.id = membership.actor_id"
            " WHERE ov_actor.user_id = %s AND ov_actor.active AND %s)",
            user.id,
            Membership._ov_effective_sql("membership", schema_sql.NOW_US),
        )
        conditions = [
            SQL("%s IN %s", SQL.identifier(table, "sa_id"), member_sas),
            self._ov_effective_sql(table, schema_sql.NOW_US),
        ]
        rows = self._ov_rule_rows(table, self._ov_target_field, conditions, kinds)
        return self._ov_rule_flushed(None, self._ov_expand_target_query(rows))

    def _ov_rule_rows(self, table, column, conditions, kinds):
        """``(SELECT column FROM table WHERE conditions)``, within the reader's
        companies (the association tables' company rule, inside the SQL as in
        every governed read, docs/design.md §5) and of ``kinds`` if given."""
        conditions = [
            *conditions,
            SQL("%s = ANY(%s)", SQL.identifier(table, "company_id"), list(self.env.companies.ids)),
        ]
        if kinds:
            conditions.append(
                SQL("%s IN %s", SQL.identifier(table, "association_kind"), tuple(kinds))
            )
        return SQL(
            "(SELECT %s FROM %s WHERE %s)",
            SQL.identifier(table, column),
            SQL.identifier(table),
            SQL(" AND ").join(conditions),
        )

    def _ov_rule_flushed(self, actor_model, subquery):
        """``subquery`` carrying the fields it reads, flushed before it runs."""
        models_fields = [
            (
                self,
                [
                    "sa_id",
                    "state",
                    "date_from",
                    "date_to",
                    "company_id",
                    "association_kind",
                    self._ov_target_field,
                ],
            ),
            (self.env["ov.sa.membership"], ["sa_id", "actor_id", "state", "date_from", "date_to"]),
            (self.env["ov.sa"], ["active"]),
            (self.env["ov.actor"], ["active", "user_id"]),
        ]
        if actor_model is not None:
            models_fields.append(
                (
                    actor_model,
                    [
                        "actor_id",
                        "state",
                        "date_from",
                        "date_to",
                        "company_id",
                        "association_kind",
                        actor_model._ov_parent_field,
                    ],
                )
            )
        flushes = [
            SQL(to_flush=Model._fields[name]) for Model, names in models_fields for name in names
        ]
        return SQL("%s" * (len(flushes) + 1), *flushes, subquery)
