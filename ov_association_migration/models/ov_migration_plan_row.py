from odoo import fields, models
from odoo.exceptions import UserError


class OvMigrationPlanRow(models.Model):
    """What a plan did for one legacy record: the backfill's memory.

    A record listed here is ``migrated`` for a rerun (idempotence, resume);
    parity and demotion read the SAs and actors of these rows. Written in
    SQL by the backfill; uninstalling the addon drops this table, never the
    associations it points at.
    """

    _name = "ov.migration.plan.row"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Legacy record migrated by a plan"
    _order = "plan_id, target_id"
    # Bookkeeping of the backfill, written in SQL: the ORM's own columns
    # would cost two foreign-key checks per migrated record for nothing.
    _log_access = False

    plan_id = fields.Many2one("ov.migration.plan", required=True, ondelete="cascade")
    # The plan's, written with the row by the backfill's SQL.
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    target_id = fields.Integer(required=True, help="Id of the legacy record.")
    outcome = fields.Char(required=True, help="create, or governed (already equivalent)")
    sa_row_id = fields.Integer("SA row")
    actor_row_id = fields.Integer("Actor row")

    def _ov_check_unlink(self):
        # The backfill's memory goes with its plan (a database cascade) or
        # with the addon (a real uninstall, as superuser: guard_mixin), never
        # by hand, whatever the context.
        result = super()._ov_check_unlink()
        if not self:
            return result
        raise UserError(
            self.env._(
                "Migration plan %(plan)s: what it migrated stays the record of the migration.",
                plan=self[:1].plan_id.name,
            )
        )

    _sql_constraints = [
        (
            "target_uniq",
            "UNIQUE (plan_id, target_id)",
            "A legacy record is migrated once per plan.",
        ),
    ]
