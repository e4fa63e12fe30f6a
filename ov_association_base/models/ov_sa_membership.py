from odoo import fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .. import policy
from . import reach_holder_sql


class OvSaMembership(models.Model):
    """An actor's membership in an SA, with the association lifecycle."""

    _name = "ov.sa.membership"
    _inherit = "ov.association.lifecycle.mixin"
    _description = "SA membership"
    _check_company_auto = True
    _order = "id desc"
    _rec_names_search = ["actor_id", "sa_id", "sa_id.code"]

    # restrict: deleting an SA or an actor must not take used memberships
    # with it (only drafts are deleted, docs/design.md §5); archive them instead.
    sa_id = fields.Many2one(
        "ov.sa",
        string="SA",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    actor_id = fields.Many2one(
        "ov.actor",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="sa_id.company_id", store=True, index=True)

    def init(self):
        result = super().init()
        # At most one active membership per SA and actor, race-safe.
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS ov_sa_membership_active_uniq
               ON ov_sa_membership (sa_id, actor_id) WHERE state = 'active'"""
        )
        # Archiving an SA or an actor writes its active memberships: the
        # actor rows' lock order (reach_holder_sql).
        reach_holder_sql.install_membership_touch(self.env.cr)
        return result

    def _compute_display_name(self):
        for membership in self:
            membership.display_name = (
                f"{membership.actor_id.name or '?'} ∈ {membership.sa_id.display_name or '?'}"
            )

    def _ov_event_row_columns(self):
        return {"row_sa_id": "sa_id", "row_actor_id": "actor_id"}

    def _ov_draft_only_fields(self):
        return [*super()._ov_draft_only_fields(), "sa_id", "actor_id"]

    def _ov_exclusivity_error(self, error):
        if error.diag.constraint_name != "ov_sa_membership_active_uniq":
            return super()._ov_exclusivity_error(error)
        return ValidationError(
            self.env._(
                "%(memberships)s: an actor has at most one active membership per SA.",
                memberships=", ".join(self.mapped("display_name")),
            )
        )

    def _ov_after_transition(self, new_state, reason):
        """Membership ended: the actor's rows in that SA are revoked."""
        super()._ov_after_transition(new_state, reason)
        # The holder trigger (reach_holder_sql) followed the new state.
        self.env["ov.association.actor.subset.mixin"]._ov_holder_changed()
        if new_state not in policy.TERMINAL_STATES:
            return
        why = self.env._("Membership %(state)s", state=new_state)
        for name in self.env["ov.actor.association.mixin"]._ov_concrete_models():
            # sudo: an ended membership must end every row of that actor in
            # that SA, including rows a company rule hides from the user.
            Rows = self.env[name].sudo()
            parent_model = self.env[Rows._fields[Rows._ov_parent_field].comodel_name]
            rows_of_members = SQL(
                "(SELECT row.id FROM %s row JOIN %s parent ON parent.id = row.%s"
                " JOIN ov_sa_membership membership ON membership.actor_id = row.actor_id"
                " AND membership.sa_id = parent.sa_id WHERE membership.id IN %s)",
                SQL.identifier(Rows._table),
                SQL.identifier(parent_model._table),
                SQL.identifier(Rows._ov_parent_field),
                tuple(self.ids),
            )
            Rows.search(
                [("id", "in", rows_of_members), ("state", "in", policy.OPEN_STATES)]
            ).action_revoke(why)
