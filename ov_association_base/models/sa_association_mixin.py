from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .. import policy
from . import schema_sql


def _records_to_ids(self, value, *args, **kwargs):
    """RPC form of a recordset of another model: its ids."""
    return value.ids


class OvSaAssociationMixin(models.AbstractModel):
    """SA layer of a governed pair: SA ↔ native record, and the governed queries.

    A concrete model declares::

        _ov_target_field = "sale_order_id"   # Many2one to the native class
        _ov_deletion_policy = "dependent"    # dependent | optional | restricted
        _ov_allowed_kinds = ("assignment", "access")
        _ov_exclusive_kinds = ("assignment",)
    """

    _name = "ov.sa.association.mixin"
    _inherit = [
        "ov.association.kind.mixin",
        "ov.association.deletion.mixin",
        "ov.association.views.mixin",
    ]
    _description = "SA association"
    _check_company_auto = True
    _order = "id desc"
    _ov_actor_model_name = None  # set at registry setup (_setup_complete)

    sa_id = fields.Many2one(
        "ov.sa",
        string="SA",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="sa_id.company_id", store=True, index=True, precompute=True
    )

    # ------------------------------------------------------------------
    # Declaration, checked when the registry loads
    # ------------------------------------------------------------------
    def _setup_complete(self):
        super()._setup_complete()
        if self._abstract:
            return
        self._ov_verify_declaration(
            policy.sa_declaration_errors,
            "_ov_target_field",
            ("_ov_target_field", "_ov_deletion_policy", "_ov_allowed_kinds", "_ov_exclusive_kinds"),
        )
        # Every governed query needs the actor layer: found once per registry
        # setup (all fields are set up by now) and kept on the model's class.
        type(self)._ov_actor_model_name = next(
            (
                name
                for name in self.env["ov.actor.association.mixin"]._ov_concrete_models()
                if self.env[name]._fields[self.env[name]._ov_parent_field].comodel_name
                == self._name
            ),
            None,
        )

    def init(self):
        super().init()
        if self._abstract:
            return
        # Governed queries by SA: state = 'active' is the live condition that
        # _ov_live_sql emits; the window and kind ride along so the index
        # answers the query alone.
        name = f"{self._table}_ov_sa_reach_idx"
        schema_sql.ensure_index(
            self.env.cr,
            name,
            SQL(
                "CREATE INDEX %s ON %s (sa_id, %s) "
                "INCLUDE (association_kind, ov_date_from_us, ov_date_to_us) "
                "WHERE state = 'active'",
                SQL.identifier(name),
                SQL.identifier(self._table),
                SQL.identifier(self._ov_target_field),
            ),
        )
        self._ov_install_deletion_triggers()

    # ------------------------------------------------------------------
    # Layer rules
    # ------------------------------------------------------------------
    def _ov_exclusivity_scope_field(self):
        return self._ov_target_field

    def _ov_live_sql(self, alias):
        live = super()._ov_live_sql(alias)
        if self._fields[self._ov_target_field].required:
            return live
        # Optional policy: a row whose target was deleted governs nothing.
        return SQL("%s AND %s IS NOT NULL", live, SQL.identifier(alias, self._ov_target_field))

    def _ov_view_fields(self):
        return ["sa_id", self._ov_target_field]

    @api.model
    def _ov_conformance_target_values(self, sequence):
        """Override to give values a target record needs beyond its required
        fields' simple defaults, so the conformance suite of
        ``ov_association_tests`` can create one (``sequence`` keeps names unique).
        """
        return {}

    @api.model
    def _ov_conformance_reader_groups(self):
        """Override to name the groups (xmlids) a user needs to read the targets,
        so the conformance suite's users can run governed queries on them.
        """
        return []

    def _ov_actor_model(self):
        """The actor-layer model whose parent field points at this model."""
        name = self._ov_actor_model_name
        return self.env[name] if name else None

    def _ov_actor_rows(self):
        actor_model = self._ov_actor_model()
        if actor_model is None:
            return self.env["ov.actor.association.mixin"]
        # sudo: propagation and kind checks concern every child row, including
        # rows the user's record rules hide.
        return actor_model.sudo().search([(actor_model._ov_parent_field, "in", self.ids)])

    def _compute_display_name(self):
        for record in self:
            target = record[self._ov_target_field]
            kind = dict(self._fields["association_kind"].selection).get(
                record.association_kind, record.association_kind or "?"
            )
            governed = target.display_name if target else self.env._("deleted record")
            record.display_name = (
                f"{record.sa_id.code or record.sa_id.name or '?'} → {governed} ({kind})"
            )

    def _ov_fixed_fields(self):
        # A new scope, or a new governed record, is a new row (history stays).
        return [*super()._ov_fixed_fields(), "sa_id", self._ov_target_field]

    def _ov_check_kind_matrix(self):
        children = self._ov_actor_rows().filtered(lambda c: c.state in policy.LIVE_STATES)
        for record in self:
            refused = children.filtered(
                lambda c, r=record: (
                    c._ov_parent() == r
                    and not policy.actor_kind_admitted(r.association_kind, c.association_kind)
                )
            )
            if refused:
                raise UserError(
                    self.env._(
                        "%(record)s: kind %(kind)s does not admit the actor "
                        "associations %(children)s; end them first.",
                        record=record.display_name,
                        kind=record.association_kind,
                        children=", ".join(refused.mapped("display_name")),
                    )
                )

    def _ov_after_transition(self, new_state, reason):
        super()._ov_after_transition(new_state, reason)
        actor_model = self._ov_actor_model()
        if actor_model is None:
            return
        # The database trigger updated the children's cached parent state.
        actor_model.invalidate_model(["ov_parent_state", "ov_target_id", "is_effective"])
        if new_state not in policy.TERMINAL_STATES:
            return
        children = self._ov_actor_rows()
        why = self.env._("Parent association %(state)s", state=new_state)
        if reason:
            why = f"{why}: {reason}"
        children.filtered(lambda c: c.state == "draft").action_revoke(why)
        children.filtered(lambda c: c.state in ("active", "suspended"))._ov_transition(
            new_state, why
        )

    # ------------------------------------------------------------------
    # Governed queries (DESIGN §4): SQL subqueries, never id lists
    # ------------------------------------------------------------------
    def _ov_target_query(self, actor=None, sa=None, kinds=None, target_id=None):
        """SQL subquery selecting the ids of governed targets.

        With ``actor``: the targets that actor reaches (its effective actor
        rows, optionally inside ``sa``); with only ``sa``: the targets of that
        SA's effective rows. ``kinds`` filters on the layer queried;
        ``target_id`` keeps only that record's own association rows. Use it as
        ``('id', 'in', query)`` on the target model. Written directly in SQL:
        it is on every governed read, and needs no domain parsing.
        """
        now = fields.Datetime.now()
        if actor:
            actor_model = self._ov_actor_model()
            if actor_model is None:
                return SQL("(SELECT 1 WHERE FALSE)")
            table = actor_model._table
            conditions = [actor_model._ov_reach_sql(table, actor.id, now)]
            if sa:
                conditions.append(
                    SQL(
                        "%s IN (SELECT id FROM %s WHERE sa_id = %s)",
                        SQL.identifier(table, actor_model._ov_parent_field),
                        SQL.identifier(self._table),
                        sa.id,
                    )
                )
            column = "ov_target_id"
        elif sa:
            table = self._table
            conditions = [
                SQL("%s = %s", SQL.identifier(table, "sa_id"), sa.id),
                self._ov_effective_sql(table, now),
            ]
            column = self._ov_target_field
        else:
            raise UserError(self.env._("A governed query needs an actor or an SA."))
        if kinds:
            kinds = [kinds] if isinstance(kinds, str) else kinds  # one kind, over RPC
            conditions.append(
                SQL("%s IN %s", SQL.identifier(table, "association_kind"), tuple(kinds))
            )
        if target_id:
            conditions.append(SQL("%s = %s", SQL.identifier(table, column), int(target_id)))
        subquery = SQL(
            "(SELECT %s FROM %s WHERE %s)",
            SQL.identifier(table, column),
            SQL.identifier(table),
            SQL(" AND ").join(conditions),
        )
        return self._ov_expand_target_query(subquery)

    def _ov_expand_target_query(self, subquery):
        """Override to widen governed ids to a collection (e.g. child locations)."""
        return subquery

    def _ov_governed_subject(self, actor_id, sa_id):
        """Resolve and authorise the actor/SA a governed query is about.

        Managers (and code running as superuser) may ask about anyone; other
        users about their own actor and the SAs they are an effective member of.
        """
        Actor = self.env["ov.actor"]
        privileged = self.env.su or self.env.user.has_group("ov_association_base.group_ov_manager")
        if privileged and (actor_id or sa_id):
            return Actor.browse(actor_id or ()), self.env["ov.sa"].browse(sa_id or ())
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
        return Actor.browse(actor_id or ()), self.env["ov.sa"].browse(sa_id or ())

    @api.model
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
    ):
        """Governed targets of an actor (default: the user's) or of an SA.

        Returns records of the target model (ids over RPC).
        """
        actor, sa = self._ov_governed_subject(actor_id, sa_id)
        query = self._ov_governed_search(actor, sa, kinds, domain, limit, offset, order)
        return self.env[self._ov_target_model()].browse(query)

    def _ov_governed_search(
        self, actor, sa, kinds=None, domain=None, limit=None, offset=0, order=None
    ):
        """The target-model ``Query`` behind ``search_governed_targets``.

        Access rights and record rules of the target model apply as in any
        search; the governed ids are one more condition.
        """
        Target = self.env[self._ov_target_model()]
        query = Target._search(
            domain or [], offset=offset, limit=limit, order=order or Target._order
        )
        if query.is_empty():  # the domain alone excludes everything
            return query
        # The governed ids are computed once (an InitPlan) and the target is
        # probed by primary key: no semi-join for the planner to weigh. Same
        # rows as ('id', 'in', _ov_target_query(...)), fewer steps to plan.
        query.add_where(
            SQL(
                "%s = ANY(ARRAY%s)",
                SQL.identifier(query.table, "id"),
                self._ov_target_query(actor=actor, sa=sa, kinds=kinds),
            )
        )
        return query

    @api.model
    def check_governed(self, target_id, actor_id=None, kinds=None):
        """Whether the actor (default: the user's) may reach ``target_id``."""
        actor, _sa = self._ov_governed_subject(actor_id, None)
        self.env.cr.execute(self._ov_check_query(actor, int(target_id), kinds))
        return bool(self.env.cr.fetchone()[0])

    def _ov_check_query(self, actor, target_id, kinds=None):
        """SQL answering whether ``actor`` reaches ``target_id`` (one index probe).

        Override together with ``_ov_expand_target_query``: a collection also
        covers records that have no association row of their own.
        """
        return SQL(
            "SELECT EXISTS %s",
            self._ov_target_query(actor=actor, kinds=kinds, target_id=target_id),
        )
