import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .. import arguments, policy
from . import reach_functions, schema_sql


def _records_to_ids(self, value, *args, **kwargs):
    """RPC form of a recordset of another model: its ids."""
    return value.ids


class OvGovernedQueryMixin(models.AbstractModel):
    """The governed-query API of an SA-layer model (docs/design.md §4).

    Governed reads start from the association tables, as SQL subqueries
    (never Python id lists), and join the governed class only once the
    governed subset is known. The association tables' record rules, company
    rules included, apply inside that SQL for every caller but the superuser;
    the target model's own rights and rules apply to the final search.
    """

    _name = "ov.association.governed.query.mixin"
    _description = "Governed queries"

    # ------------------------------------------------------------------
    # Building blocks
    # ------------------------------------------------------------------
    def _ov_rows_query(self, Model, column, conditions):
        """``(SELECT column FROM Model's table WHERE conditions)``, within the
        reader's record rules on ``Model`` (none for the superuser, who
        bypasses them anyway: the fast path the benchmark measures)."""
        where = SQL(" AND ").join(conditions)
        if self.env.su:
            return SQL(
                "(SELECT %s FROM %s WHERE %s)",
                SQL.identifier(Model._table, column),
                SQL.identifier(Model._table),
                where,
            )
        query = Model._search([])  # access rights and record rules of the reader
        query.add_where(where)
        return query.subselect(SQL.identifier(Model._table, column))

    def _ov_target_query(self, actor=None, sa=None, kinds=None, target_id=None, at=None):
        """SQL subquery selecting the ids of governed targets.

        With ``actor``: the targets that actor reaches (its effective actor
        rows, optionally inside ``sa``); with only ``sa``: the targets of that
        SA's effective rows. ``kinds`` (a list, already validated) filters on
        the layer queried; ``target_id`` keeps only that record's own
        association rows. Use it as ``('id', 'in', query)`` on the target
        model. Written directly in SQL: it is on every governed read. ``at``
        (a past moment, see ``_ov_moment``) is answered by
        ``ov_association_history``.
        """
        if at:
            raise UserError(self._ov_history_missing())
        now = fields.Datetime.now()
        cached = self._ov_cached_target_query(actor, sa, kinds, target_id, now)
        if cached is not None:
            return self._ov_expand_target_query(cached)
        if actor:
            actor_model = self._ov_actor_model()
            if actor_model is None:
                return SQL("(SELECT 1 WHERE FALSE)")
            Model, table, column = actor_model, actor_model._table, "ov_target_id"
            conditions = [actor_model._ov_reach_sql(table, actor.id, now)]
            if sa:
                parents = self._ov_rows_query(
                    self, "id", [SQL("%s = %s", SQL.identifier(self._table, "sa_id"), sa.id)]
                )
                conditions.append(
                    SQL("%s IN %s", SQL.identifier(table, actor_model._ov_parent_field), parents)
                )
        elif sa:
            Model, table, column = self, self._table, self._ov_target_field
            conditions = [
                SQL("%s = %s", SQL.identifier(table, "sa_id"), sa.id),
                self._ov_effective_sql(table, now),
            ]
        else:
            raise UserError(self.env._("A governed query needs an actor or an SA."))
        if kinds:
            conditions.append(
                SQL("%s IN %s", SQL.identifier(table, "association_kind"), tuple(kinds))
            )
        if target_id:
            conditions.append(SQL("%s = %s", SQL.identifier(table, column), target_id))
        return self._ov_expand_target_query(self._ov_rows_query(Model, column, conditions))

    def _ov_cached_target_query(self, actor, sa, kinds, target_id, now):
        """The plan-cached function of this read (``reach_functions``), where
        one serves it: the superuser's reads (no record rule to add), without
        ``kinds``, for an actor alone or an SA alone. None otherwise."""
        if (
            not self.env.su
            or kinds
            or target_id
            or bool(actor) == bool(sa)
            or self.env.context.get("ov_literal_sql")  # the other form, for comparison
        ):
            return None
        now_us = schema_sql.epoch_us(now)
        if actor:
            actor_model = self._ov_actor_model()
            if actor_model is None:
                return None
            function = reach_functions.name("ids", actor_model._table)
            subject = actor.id
        else:
            function = reach_functions.name("scope", self._table)
            subject = sa.id
        return SQL("(SELECT * FROM %s(%s, %s))", SQL.identifier(function), subject, now_us)

    def _ov_expand_target_query(self, subquery, at=None):
        """Override to widen governed ids to a collection (e.g. child locations);
        ``at`` is set when the ids are those of a past moment. The widening
        keeps to ``_ov_reader_companies_sql``."""
        return subquery

    def _ov_reader_companies_sql(self, company_column):
        """Whether a record a collection scope covers lies in the companies the
        reader may see (``env.companies``; a record without a company always
        does). The one boundary of every collection read, live or as of a
        moment, literal or plan-cached, superuser included: an association
        row of company A on a company-less parent must not make a company-B
        child reachable (docs/design.md §5, governed queries keep to the reader's
        companies), and every read must give the same answer for it."""
        return SQL(
            "(%s IS NULL OR %s = ANY(%s))",
            company_column,
            company_column,
            list(self.env.companies.ids),
        )

    # ------------------------------------------------------------------
    # Arguments: validated at the boundary, one clear error each
    # ------------------------------------------------------------------
    def _ov_check_concrete(self):
        if self._abstract or not getattr(self, "_ov_target_field", None):
            raise UserError(
                self.env._(
                    "%(model)s is an abstract model: call the governed queries on a "
                    "concrete SA-layer model (%(models)s).",
                    model=self._name,
                    models=", ".join(self.env["ov.sa.association.mixin"]._ov_concrete_models()),
                )
            )

    def _ov_refuse_unknown(self, method, unknown):
        """The ``**unknown`` keyword arguments of a public method, named in a
        UserError (an RPC caller can send any key; Python would answer a
        TypeError). Nothing to do, and nothing done, when there are none."""
        if unknown:
            self._ov_argument(arguments.known_to, getattr(type(self), method), unknown)

    def _ov_moment(self, at):
        """``at`` validated: None, the live answer. A past moment is answered
        by ``ov_association_history`` (which overrides this); without it, a
        caller who asks for one is told so, never given today's answer."""
        at = self._ov_argument(arguments.moment, "at", at)
        if at is not None:
            raise UserError(self._ov_history_missing())
        return at

    def _ov_history_missing(self):
        return self.env._(
            "at: answers as of a past moment need the addon ov_association_history, "
            "which is not installed in this database."
        )

    def _ov_query_kinds(self, kinds, actor_layer):
        """Validated kinds of the layer the query reads."""
        if kinds is None or kinds is False:
            return None  # the common case, on every governed read
        layer = self._ov_actor_model() if actor_layer else self
        allowed = layer._ov_allowed_kinds if layer is not None else self._ov_allowed_kinds
        return self._ov_argument(arguments.kinds, kinds, allowed)

    def _ov_governed_subject(self, actor_id, sa_id):
        """Resolve and authorise the actor/SA a governed query is about.

        Managers (and code running as superuser) may ask about any actor and
        SA they can read; other users about their own actor and the SAs they
        are an effective member of.
        """
        actor, sa, unchecked = self._ov_subject_unchecked(actor_id, sa_id)
        self._ov_confirm_readable(unchecked)
        return actor, sa

    def _ov_subject_unchecked(self, actor_id, sa_id):
        """``(actor, sa, unchecked)``: ``_ov_governed_subject`` leaving the readability
        of a manager's ``unchecked`` records to the read, which adds ``_ov_readable_sql``
        to its statement and calls ``_ov_confirm_readable`` when that is false or it
        finds nothing: the same answers and errors, one statement instead of two."""
        self._ov_check_concrete()
        actor_id = self._ov_argument(arguments.record_id, "actor_id", actor_id)
        sa_id = self._ov_argument(arguments.record_id, "sa_id", sa_id)
        Actor, Sa = self.env["ov.actor"], self.env["ov.sa"]
        privileged = self.env.su or self.env.user.has_group(policy.MANAGER_GROUP)
        if privileged and (actor_id or sa_id):
            actor, sa = Actor.browse(actor_id or ()), Sa.browse(sa_id or ())
            if self.env.su:  # guard_mixin.readable_record: the superuser is trusted
                return actor, sa, ()
            return actor, sa, tuple((n, r) for n, r in (("actor_id", actor), ("sa_id", sa)) if r)
        own = Actor._ov_current_actor()
        if not actor_id and not sa_id:
            if not own:
                raise UserError(
                    self.env._("User %(user)s has no governance actor.", user=self.env.user.name)
                )
            actor_id = own.id
        if actor_id and not privileged and actor_id != own.id:
            raise AccessError(
                self.env._("Only governance managers may query the reach of another actor.")
            )
        if sa_id and not actor_id and not privileged:
            member = self.env["ov.sa.membership"].search_count(
                [
                    ("is_effective", "=", True),
                    ("sa_id", "=", sa_id),
                    ("actor_id", "=", own.id),
                ],
                limit=1,
            )
            if not member:
                raise AccessError(
                    self.env._("Only members of an SA and governance managers may query its scope.")
                )
        return Actor.browse(actor_id or ()), Sa.browse(sa_id or ()), ()

    def _ov_readable_sql(self, unchecked):
        """``guard_mixin.readable_record``'s search of each record, as a condition."""
        return SQL(" AND ").join(
            SQL(
                "EXISTS (%s)",
                r.with_context(active_test=False)._search([("id", "=", r.id)]).select(),
            )
            for _argument, r in unchecked
        )

    def _ov_confirm_readable(self, unchecked):
        """``_ov_readable_sql`` alone (``guard_mixin.readable_record``, the
        superuser trusted): the UserError or AccessError naming the argument."""
        for argument, record in unchecked:
            self._ov_readable_record(argument, self.env[record._name], record.id, True)

    # ------------------------------------------------------------------
    # Public API (RPC-callable)
    # ------------------------------------------------------------------
    @api.model
    @api.readonly
    @api.returns("self", downgrade=_records_to_ids)
    def search_governed_targets(
        self,
        actor_id=None,
        sa_id=None,
        kinds=None,
        domain=None,
        limit=None,
        offset=0,
        order=None,
        at=None,
        **unknown,
    ):
        """Governed targets of an actor (default: the user's) or of an SA,
        now or ``at`` a past moment (UTC).

        Returns records of the target model (ids over RPC). ``limit``: at
        most ``arguments.MAX_LIMIT``; none, every target.
        """
        self._ov_refuse_unknown("search_governed_targets", unknown)
        actor, sa, unchecked = self._ov_subject_unchecked(actor_id, sa_id)
        kinds = self._ov_query_kinds(kinds, actor_layer=bool(actor))
        domain = self._ov_argument(arguments.domain, domain)
        limit = self._ov_argument(arguments.count, "limit", limit, maximum=arguments.MAX_LIMIT)
        offset = self._ov_argument(arguments.count, "offset", offset, default=0)
        order = self._ov_argument(arguments.text, "order", order)
        at = self._ov_moment(at)
        query = self._ov_governed_search(actor, sa, kinds, domain, limit, offset, order, at)
        if unchecked and not query.is_empty():
            query.add_where(self._ov_readable_sql(unchecked))
        found = self._ov_run_search(query, domain)
        if unchecked and not found:
            self._ov_confirm_readable(unchecked)
        return found

    def _ov_run_search(self, query, domain):
        """The targets of ``query``; a domain the database refuses, as a UserError."""
        Target = self.env[self._ov_target_model()]
        if not domain:
            return Target.browse(query)
        try:
            # Run here, in a savepoint: a domain whose values do not fit its
            # fields fails in the database, and says so as a UserError.
            with self.env.cr.savepoint(flush=False):
                ids = query.get_result_ids()
        except psycopg2.Error as error:
            raise UserError(
                self.env._(
                    "domain: the database refused it (%(error)s).",
                    error=(error.pgerror or str(error)).strip().splitlines()[0],
                )
            ) from None
        return Target.browse(ids)

    def _ov_governed_search(
        self, actor, sa, kinds=None, domain=None, limit=None, offset=0, order=None, at=None
    ):
        """The target-model ``Query`` behind ``search_governed_targets``.

        Access rights and record rules of the target model apply as in any
        search; the governed ids are one more condition.
        """
        Target = self.env[self._ov_target_model()]
        try:
            query = Target._search(domain or [], offset=offset, limit=limit)
        # A malformed domain: what Odoo's domain parser raises for terms it
        # cannot read ('any' on a field that is not relational gives a bare
        # KeyError, a wrong operand an AssertionError).
        except (ValueError, TypeError, IndexError, KeyError, AssertionError) as error:
            detail = error.args[0] if error.args and error.args[0] else type(error).__name__
            raise UserError(
                self.env._(
                    "domain: Odoo cannot apply this domain to %(model)s (%(error)s).",
                    model=Target._description,
                    error=detail,
                )
            ) from None
        try:
            query.order = Target._order_to_sql(order or Target._order, query)
        except (ValueError, UserError) as error:
            raise UserError(
                self.env._("order: %(error)s", error=error.args[0] if error.args else error)
            ) from None
        if query.is_empty():  # the domain alone excludes everything
            return query
        # The governed ids are computed once (an InitPlan) and the target is
        # probed by primary key: no semi-join for the planner to weigh. Same
        # rows as ('id', 'in', _ov_target_query(...)), fewer steps to plan.
        query.add_where(
            SQL(
                "%s = ANY(ARRAY%s)",
                SQL.identifier(query.table, "id"),
                self._ov_target_query(actor=actor, sa=sa, kinds=kinds, at=at),
            )
        )
        return query

    @api.model
    @api.readonly
    def check_governed(self, target_id=None, actor_id=None, kinds=None, at=None, **unknown):
        """Whether the actor (default: the user's) may reach ``target_id``,
        now or ``at`` a past moment (UTC)."""
        self._ov_refuse_unknown("check_governed", unknown)
        target_id = self._ov_argument(arguments.record_id, "target_id", target_id, required=True)
        actor, _sa, unchecked = self._ov_subject_unchecked(actor_id, None)
        kinds = self._ov_query_kinds(kinds, actor_layer=True)
        at = self._ov_moment(at)
        query = self._ov_check_query(actor, target_id, kinds, at)
        if not unchecked:
            self.env.cr.execute(query)
            return bool(self.env.cr.fetchone()[0])
        self.env.cr.execute(SQL("SELECT (%s), %s", query, self._ov_readable_sql(unchecked)))
        allowed, readable = self.env.cr.fetchone()
        if not readable:
            self._ov_confirm_readable(unchecked)
        return bool(allowed)

    def _ov_check_query(self, actor, target_id, kinds=None, at=None):
        """SQL answering whether ``actor`` reaches ``target_id`` (one index probe).

        Override together with ``_ov_expand_target_query``: a collection also
        covers records that have no association row of their own.
        """
        actor_model = self._ov_actor_model()
        if (
            self.env.su
            and not kinds
            and not at
            and actor
            and actor_model is not None
            and not self.env.context.get("ov_literal_sql")
        ):
            # The plan-cached probe (reach_functions): same rows, planned once.
            return SQL(
                "SELECT %s(%s, %s, %s)",
                SQL.identifier(reach_functions.name("check", actor_model._table)),
                actor.id,
                target_id,
                schema_sql.epoch_us(fields.Datetime.now()),
            )
        return SQL(
            "SELECT EXISTS %s",
            self._ov_target_query(actor=actor, kinds=kinds, target_id=target_id, at=at),
        )
