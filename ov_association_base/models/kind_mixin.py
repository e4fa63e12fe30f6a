import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .. import policy
from . import schema_sql


class OvAssociationKindMixin(models.AbstractModel):
    """Explicit, validated and audited ``association_kind`` (docs/design.md §3 Kinds).

    Configure with ``_ov_allowed_kinds`` and ``_ov_exclusive_kinds``. Extend
    the kinds with ``selection_add`` (and ``ondelete``) on the concrete model.
    """

    _name = "ov.association.kind.mixin"
    _inherit = "ov.association.lifecycle.mixin"
    _description = "Association kind"

    _ov_allowed_kinds = ()
    # At most one active row of these kinds per exclusivity scope (the target
    # on the SA layer, the parent row on the actor layer).
    _ov_exclusive_kinds = ()

    association_kind = fields.Selection(
        list(policy.KINDS),
        string="Kind",
        required=True,
        help="What the association means: assignment, access or binding. After "
        "the draft stage it changes only through 'Change kind', which is audited.",
    )

    def _ov_verify_declaration(self, checker, field_attribute, attributes, **facts):
        """Stop the registry from loading if the class declaration is inconsistent.

        ``checker`` is one of the declaration checks of ``policy``; it gets the
        declared attributes and what the named Many2one really is.
        """
        field = self._fields.get(getattr(self, field_attribute) or "")
        errors = checker(
            self._name,
            {name: getattr(self, name) for name in attributes},
            field
            and {
                "type": field.type,
                "required": field.required,
                "ondelete": getattr(field, "ondelete", None),
                "comodel": getattr(field, "comodel_name", None),
            },
            kind_values=[value for value, _label in self._fields["association_kind"].selection],
            **facts,
        )
        if errors:
            raise TypeError("Invalid governed-association declaration: " + "; ".join(errors))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._ov_check_kind_value(vals.get("association_kind"), self._description)
        return super().create(vals_list)

    def _ov_check_kind_value(self, kind, where):
        """Refuse a missing kind, or one the model does not allow, before the
        ORM's own selection check turns it into a bare ValueError."""
        if not kind:
            raise ValidationError(
                self.env._(
                    "%(where)s: the kind of an association is required and has no "
                    "default; choose one of %(allowed)s.",
                    where=where,
                    allowed=", ".join(self._ov_allowed_kinds),
                )
            )
        if kind not in self._ov_allowed_kinds:
            raise ValidationError(
                self.env._(
                    "%(where)s: kind %(kind)s is not allowed on %(model)s (allowed: %(allowed)s).",
                    where=where,
                    kind=kind,
                    model=self._description,
                    allowed=", ".join(self._ov_allowed_kinds),
                )
            )

    @api.constrains("association_kind")
    def _check_association_kind_matrix(self):
        # create() and write() refused kinds the model does not allow.
        self._ov_check_kind_matrix()

    def _ov_check_kind_matrix(self):
        """Override to check the kind against related rows (actor ⊆ SA matrix)."""

    def write(self, vals):
        if "association_kind" in vals:
            self._ov_check_kind_value(vals["association_kind"], self[:1].display_name)
        return super().write(vals)

    def _ov_draft_only_fields(self):
        return [*super()._ov_draft_only_fields(), "association_kind"]

    def _ov_draft_only_advice(self, names):
        if "association_kind" in names:
            return self.env._("Its kind changes only through 'Change kind', with a reason.")
        return super()._ov_draft_only_advice(names)

    def action_change_kind(self, new_kind=None, reason=None):
        """Change the kind of non-draft rows: validated, exclusive, audited."""
        if not reason or not isinstance(reason, str):
            raise UserError(
                self.env._("reason: changing the kind of an association needs a reason (a text).")
            )
        if not isinstance(new_kind, str):
            raise UserError(
                self.env._("new_kind must be a kind (a text), not %(value)r.", value=new_kind)
            )
        ended = self.filtered(lambda r: r.state in policy.TERMINAL_STATES)
        if ended:
            raise UserError(
                self.env._(
                    "%(record)s is %(state)s: an ended association keeps its kind; "
                    "create a new one instead.",
                    record=ended[0].display_name,
                    state=ended[0].state,
                )
            )
        changing = self.filtered(lambda r: r.association_kind != new_kind)
        if not changing:
            return True
        old_kinds = changing.mapped("association_kind")
        try:
            with self.env.cr.savepoint():
                changing._ov_system_write({"association_kind": new_kind})
                changing._ov_log_events(
                    "kind_change",
                    old_states=changing.mapped("state"),
                    new_states=changing.mapped("state"),
                    old_kinds=old_kinds,
                    new_kinds=[new_kind] * len(changing),
                    reason=reason,
                )
                self.env.flush_all()
        except psycopg2.errors.UniqueViolation as error:
            raise self._ov_exclusivity_error(error) from None
        return True

    # ------------------------------------------------------------------
    # Exclusivity: a partial unique index (race-safe), reported clearly
    # ------------------------------------------------------------------
    def _ov_exclusivity_scope_field(self):
        """Override to name the column exclusivity is counted per."""
        raise NotImplementedError

    def init(self):
        result = super().init()
        if not self._abstract:
            self._ov_create_exclusivity_index()
        return result

    def _ov_exclusive_index_name(self):
        return f"{self._table}_ov_exclusive_active_uniq"

    def _ov_create_exclusivity_index(self):
        name = self._ov_exclusive_index_name()
        if not self._ov_exclusive_kinds:
            schema_sql.drop_index(self.env.cr, name)
            return
        schema_sql.ensure_index(
            self.env.cr,
            name,
            SQL(
                "CREATE UNIQUE INDEX %s ON %s (%s, association_kind) "
                "WHERE state = 'active' AND association_kind IN %s",
                SQL.identifier(name),
                SQL.identifier(self._table),
                SQL.identifier(self._ov_exclusivity_scope_field()),
                tuple(self._ov_exclusive_kinds),
            ),
        )

    def _ov_exclusivity_error(self, error):
        if error.diag.constraint_name != self._ov_exclusive_index_name():
            return super()._ov_exclusivity_error(error)
        scope = self._fields[self._ov_exclusivity_scope_field()]
        return ValidationError(
            self.env._(
                "%(model)s: at most one active association of kind %(kinds)s per "
                "%(scope)s. %(records)s would make a second one: end the current "
                "one first.",
                model=self._description,
                kinds=" / ".join(self._ov_exclusive_kinds),
                scope=scope.string,
                records=", ".join(self.mapped("display_name")),
            )
        )
