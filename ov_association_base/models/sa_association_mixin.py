from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .. import policy
from . import reach_functions, schema_sql


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
        "ov.association.governed.query.mixin",
        "ov.association.governed.rule.mixin",
        "ov.association.my.targets.mixin",
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
        # name_search finds a row by what its display name shows.
        type(self)._rec_names_search = ["sa_id.code", "sa_id", self._ov_target_field]
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
        # _ov_granting_sql emits; the window and kind ride along so the index
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
        reach_functions.install_scope_function(
            self.env.cr,
            self._table,
            self._ov_target_field,
            self._fields[self._ov_target_field].required,
        )

    # ------------------------------------------------------------------
    # Layer rules
    # ------------------------------------------------------------------
    def _ov_exclusivity_scope_field(self):
        return self._ov_target_field

    def _ov_granting_sql(self, alias):
        # An archived SA governs nothing (issue 22). On a read by SA the
        # planner probes that one SA once (sa_id = x makes ov_sa.id = x).
        live = SQL(
            "%s AND EXISTS (SELECT 1 FROM ov_sa WHERE ov_sa.id = %s AND ov_sa.active)",
            super()._ov_granting_sql(alias),
            SQL.identifier(alias, "sa_id"),
        )
        if self._fields[self._ov_target_field].required:
            return live
        # Optional policy: a row whose target was deleted governs nothing.
        return SQL("%s AND %s IS NOT NULL", live, SQL.identifier(alias, self._ov_target_field))

    def _ov_view_fields(self):
        return ["sa_id", self._ov_target_field]

    @api.model
    def _ov_target_condition_sql(self, alias):
        """Override to state in SQL which records of the target model the pair
        governs, when its Python constraints refuse some (e.g. contacts of a
        company). Set-based writers that bypass those constraints, like the
        migration backfill, apply it; ``alias`` names the target table.
        """
        return SQL("TRUE")

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

    @api.model
    def _ov_pairs_governing(self, model_name):
        """Names of the concrete SA-layer models whose target is ``model_name``."""
        return [
            name
            for name in self.env["ov.sa.association.mixin"]._ov_concrete_models()
            if self.env[name]._ov_target_model() == model_name
        ]

    @api.model
    def _ov_pairs(self):
        """Every installed pair, as ``(SA layer, actor layer or None)``, in
        the order of the SA layers' names: the one list of pairs."""
        return [
            (self.env[name], self.env[name]._ov_actor_model())
            for name in self.env["ov.sa.association.mixin"]._ov_concrete_models()
        ]

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
        # Odoo computes the display name of a many2one's record as superuser:
        # name only what the real user may read (guard mixin).
        visible = self._ov_readable(self)
        targets = self._ov_readable(self.mapped(self._ov_target_field))
        kinds = dict(self._fields["association_kind"].selection)
        for record in self:
            if record not in visible:
                record.display_name = self.env._("Restricted association")
                continue
            target = record[self._ov_target_field]
            kind = kinds.get(record.association_kind, record.association_kind or "?")
            if not target:
                governed = self.env._("deleted record")
            elif target in targets:
                governed = target.display_name
            else:
                governed = self.env._("restricted record")
            record.display_name = (
                f"{record.sa_id.code or record.sa_id.name or '?'} → {governed} ({kind})"
            )

    def _ov_check_unlink(self):
        """The database takes actor rows with their SA row: only drafts may go.

        A draft SA row can have revoked children (revoked while it was a
        draft); deleting it would delete their history. Under every context
        (guard_mixin).
        """
        result = super()._ov_check_unlink()
        used = self._ov_actor_rows().filtered(lambda child: child.state != "draft")
        if used:
            raise UserError(
                self.env._(
                    "%(record)s has actor associations that are not drafts "
                    "(%(children)s): it cannot be deleted; revoke it instead.",
                    record=used[0]._ov_parent().display_name,
                    children=", ".join(used.mapped("display_name")),
                )
            )
        return result

    def _ov_event_row_columns(self):
        return {"row_sa_id": "sa_id", "row_target_id": self._ov_target_field}

    def _ov_fixed_fields(self):
        # A new scope, or a new governed record, is a new row (history stays).
        return [*super()._ov_fixed_fields(), "sa_id", self._ov_target_field]

    def _ov_check_kind_matrix(self):
        children = self._ov_actor_rows().filtered(lambda c: c.state in policy.OPEN_STATES)
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
