from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .. import policy

# Context value set by the handovers (handover_reassign) around the activation
# of a successor: an object, so no RPC client can send it.
HANDOVER = object()


class OvAssociationActorSubsetMixin(models.AbstractModel):
    """The actor ⊆ SA rule (docs/design.md §3 "Actor ⊆ SA").

    An actor row hangs off one SA row (``_ov_parent_field``); it needs an
    effective membership of its actor in the parent's SA, lies inside the
    parent's window, and is active only while the parent is. It caches the
    parent's target and state (kept by database triggers) so "my targets"
    reads one table.
    """

    _name = "ov.association.actor.subset.mixin"
    _inherit = "ov.association.lifecycle.mixin"
    _description = "Actor-subset rule"

    _ov_parent_field = None
    _ov_system_fields = (
        "state",
        "ov_target_id",
        "ov_parent_state",
        "ov_holder_live",
    )

    actor_id = fields.Many2one(
        "ov.actor",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        index=True,
        precompute=True,
        readonly=True,
    )
    ov_target_id = fields.Integer(
        "Governed record id",
        readonly=True,
        copy=False,
        help="Cache of the parent row's target, kept by the database.",
    )
    ov_parent_state = fields.Selection(
        list(policy.STATES),
        string="Parent state",
        readonly=True,
        copy=False,
        help="Cache of the parent row's state, kept by the database.",
    )

    ov_holder_live = fields.Boolean(
        "Holder live",
        readonly=True,
        copy=False,
        help="Whether the actor's membership in the parent's SA is active and the SA "
        "and the actor are active, kept by the database (reach_holder_sql).",
    )

    @api.depends(
        lambda self: [f"{self._ov_parent_field}.company_id"] if self._ov_parent_field else []
    )
    def _compute_company_id(self):
        for record in self:
            record.company_id = record[self._ov_parent_field].company_id

    def _ov_parent(self):
        return self[self._ov_parent_field]

    @api.model
    def _ov_holder_changed(self):
        """The database rewrote the holder columns of actor rows (a membership,
        an SA or an actor changed): forget what the ORM cached of them."""
        for name in self.env["ov.actor.association.mixin"]._ov_concrete_models():
            self.env[name].invalidate_model(["ov_holder_live", "is_effective"])

    @api.model_create_multi
    def create(self, vals_list):
        # Lock before inserting: the insert trigger then caches the parent as
        # it stays until commit, and an end of the parent or of the membership
        # racing this creation waits for it (see _ov_lock_scope).
        self._ov_lock_scope(
            [(vals.get(self._ov_parent_field), vals.get("actor_id")) for vals in vals_list]
        )
        records = super().create(vals_list)
        # The insert trigger filled the cache columns behind the ORM's back.
        records.invalidate_recordset(["ov_target_id", "ov_parent_state", "ov_holder_live"])
        records._ov_check_subset(activating=False)
        return records

    def _ov_fixed_fields(self):
        return [*super()._ov_fixed_fields(), self._ov_parent_field, "actor_id"]

    def _ov_event_row_columns(self):
        return {"row_parent_id": self._ov_parent_field, "row_actor_id": "actor_id"}

    def write(self, vals):
        result = super().write(vals)
        # The library's own window changes check their rule themselves
        # (window_change): a membership that is no longer effective must not
        # stop a parent's shorter window from reaching its children.
        if {"date_from", "date_to"} & set(vals) and not self._ov_is_system_write():
            self._ov_check_subset(activating=False)
        return result

    def _ov_before_transition(self, new_state):
        result = super()._ov_before_transition(new_state)
        if new_state == "active":
            self._ov_lock_scope([(r._ov_parent().id, r.actor_id.id) for r in self])
            self._ov_check_subset(activating=True)
        return result

    @api.model
    def _ov_lock_scope(self, pairs):
        """Write-lock what a new or activated child depends on, before checking it.

        ``pairs`` are (parent id, actor id): the parent rows are locked, and
        the actors' active memberships in the parents' SAs. A no-op UPDATE
        rather than SELECT ... FOR UPDATE: under Odoo's REPEATABLE READ a
        concurrent end of the parent or of the membership then fails with a
        serialization error (and is retried, seeing this child) instead of
        committing over a child it could not see; and a change committed
        since this transaction began fails this one the same way.
        """
        # Only well-formed ids: anything else is left to the ORM's own checks,
        # which refuse it with a clear error rather than a ValueError here.
        pairs = [(parent, actor) for parent, actor in pairs if _is_id(parent)]
        parent_ids = tuple(sorted({parent for parent, _actor in pairs}))
        if not parent_ids:
            return
        parent_model = self.env[self._fields[self._ov_parent_field].comodel_name]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET write_date = write_date WHERE id IN %s RETURNING id, sa_id",
                SQL.identifier(parent_model._table),
                parent_ids,
            )
        )
        sa_of = dict(self.env.cr.fetchall())
        members = tuple(
            sorted(
                {
                    (sa_of[parent], actor)
                    for parent, actor in pairs
                    if _is_id(actor) and parent in sa_of
                }
            )
        )
        if members:
            self.env.cr.execute(
                "UPDATE ov_sa_membership SET write_date = write_date"
                " WHERE state = 'active' AND (sa_id, actor_id) IN %s",
                [members],
            )
        parent_model.browse(parent_ids).invalidate_recordset(["state"])

    def _ov_check_subset(self, activating):
        if not self:
            return
        self.env.flush_all()
        outsiders = self._ov_without_membership()
        for record in self:
            parent = record._ov_parent()
            # A successor takes over a row as it was: under a suspended parent
            # its predecessor was active too, and neither reaches until the
            # parent resumes. Any other activation needs an active parent.
            handover = self.env.context.get("ov_handover") is HANDOVER
            if (
                activating
                and parent.state != "active"
                and not (handover and parent.state == "suspended")
            ):
                raise UserError(
                    self.env._(
                        "%(record)s cannot be active: its SA association %(parent)s is %(state)s.",
                        record=record.display_name,
                        parent=parent.display_name,
                        state=parent.state,
                    )
                )
            if record in outsiders:
                raise ValidationError(
                    self.env._(
                        "%(record)s: actor %(actor)s holds no effective membership in SA %(sa)s.",
                        record=record.display_name,
                        actor=record.actor_id.display_name,
                        sa=parent.sa_id.display_name,
                    )
                )
            if not _window_inside(record, parent):
                raise ValidationError(
                    self.env._(
                        "%(record)s: its window must lie inside the window of its SA "
                        "association %(parent)s.",
                        record=record.display_name,
                        parent=parent.display_name,
                    )
                )

    def _ov_without_membership(self):
        """The records whose actor holds no effective membership in the parent's SA.

        One query for the whole recordset, however large.
        """
        Membership = self.env["ov.sa.membership"]
        # sudo: membership is a governance fact, whoever may read it.
        members = Membership.sudo()._search([("is_effective", "=", True)])
        parent_model = self.env[self._fields[self._ov_parent_field].comodel_name]
        self.env.cr.execute(
            SQL(
                "SELECT row.id FROM %s row JOIN %s parent ON parent.id = row.%s"
                " WHERE row.id IN %s AND (row.actor_id, parent.sa_id) NOT IN %s",
                SQL.identifier(self._table),
                SQL.identifier(parent_model._table),
                SQL.identifier(self._ov_parent_field),
                tuple(self.ids),
                members.subselect(
                    SQL.identifier(Membership._table, "actor_id"),
                    SQL.identifier(Membership._table, "sa_id"),
                ),
            )
        )
        return self.browse(row for (row,) in self.env.cr.fetchall())

    def _ov_check_kind_matrix(self):
        for record in self:
            parent = record._ov_parent()
            if not policy.actor_kind_admitted(parent.association_kind, record.association_kind):
                raise ValidationError(
                    self.env._(
                        "%(record)s: an SA association of kind %(parent_kind)s does "
                        "not admit actor kind %(kind)s (admitted: %(admitted)s).",
                        record=record.display_name,
                        parent_kind=parent.association_kind,
                        kind=record.association_kind,
                        admitted=", ".join(
                            sorted(policy.ACTOR_KINDS_ADMITTED.get(parent.association_kind, ()))
                        ),
                    )
                )

    def _ov_exclusivity_scope_field(self):
        return self._ov_parent_field


def _window_inside(child, parent):
    if parent.date_from and (not child.date_from or child.date_from < parent.date_from):
        return False
    if parent.date_to and (not child.date_to or child.date_to > parent.date_to):
        return False
    return True


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
