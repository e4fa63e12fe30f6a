from odoo import api, fields, models
from odoo.exceptions import UserError

from ..sql import cutover

# Largest batch a plan takes (stamped records per savepoint): a documented
# limit, checked before the value reaches the database (docs/design.md §5).
MAX_BATCH_SIZE = 1_000_000


class OvMigrationPlanScope(models.AbstractModel):
    """A plan's company, the limits of its settings, and who may delete it
    (ov.migration.plan; docs/design.md §5).

    A plan belongs to one company: its default SA's and its mapped SAs'
    company. It covers the legacy records of that company and the shared ones
    (no company, which Odoo's company rules show to every company); every
    record when the legacy model has no company. Records of another company
    are never classified, backfilled, compared, frozen or demoted by it.
    """

    _name = "ov.migration.plan.scope"
    _description = "Migration plan company and deletion"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        help="The plan covers this company's legacy records and the shared ones; "
        "set when the plan is created.",
    )

    def _ov_check_plan_values(self, vals, creating):
        """Refuse, naming the argument, what the database would reject or what
        would move a plan to another company."""
        env = self.env
        if "company_id" in vals and not creating:
            moved = self.filtered(lambda plan: plan.company_id.id != vals["company_id"])
            if moved:
                raise UserError(
                    env._(
                        "Migration plan %(plan)s: company_id is set when the plan is created "
                        "and never changes (its records and its triggers are that company's); "
                        "create a plan in the other company instead.",
                        plan=moved[0].name,
                    )
                )
        if "batch_size" in vals:
            size = vals["batch_size"]
            if (
                isinstance(size, bool)
                or not isinstance(size, int)
                or not 1 <= size <= MAX_BATCH_SIZE
            ):
                raise UserError(
                    env._(
                        "Migration plan %(plan)s: batch_size must be a whole number from 1 "
                        "to %(max)s, got %(value)r.",
                        plan=vals.get("name") or self[:1].name or "",
                        max=MAX_BATCH_SIZE,
                        value=size,
                    )
                )
        if "pair_model" in vals and vals["pair_model"] not in self._ov_pair_model_names():
            raise UserError(
                env._(
                    "Migration plan %(plan)s: pair_model (the target pair) %(value)r is not "
                    "an installed SA-layer association model; use one of %(names)s.",
                    plan=vals.get("name") or self[:1].name or "",
                    value=vals["pair_model"],
                    names=", ".join(self._ov_pair_model_names()),
                )
            )

    def _ov_flush_legacy(self, *fnames):
        """Write the pending changes of the legacy model's ``fnames`` and of the
        company column the plan's scope reads (``_ov_scope_sql``), for SQL
        that reads them next."""
        self.ensure_one()
        Legacy = self.env[self.legacy_model]
        Legacy.flush_model([*fnames, *(["company_id"] if "company_id" in Legacy._fields else [])])

    @api.model
    def _ov_pair_model_names(self):
        return list(self.env["ov.sa.association.mixin"]._ov_concrete_models())

    def _ov_check_unlink(self):
        """Only a plan that never backfilled and holds no trigger is deleted.

        Under every context (guard_mixin in the base): only a real module
        uninstall, which runs as the superuser, removes used plans
        (``hooks.py`` drops their triggers first).
        """
        result = super()._ov_check_unlink()
        # The SQL below reads the triggers (not Odoo's) and the provenance rows.
        self.env["ov.migration.plan.row"].flush_model(["plan_id"])
        held = set(cutover.plans_with_triggers(self.env.cr, self.ids))
        for plan in self:
            if plan.state not in ("draft", "classified", "dry_run") or plan.backfill_date:
                raise UserError(
                    self.env._(
                        "Migration plan %(plan)s has backfilled: it is the record of the "
                        "migration and cannot be deleted (reset it to draft to start again).",
                        plan=plan.name,
                    )
                )
            if plan.id in held:
                raise UserError(
                    self.env._(
                        "Migration plan %(plan)s still holds a freeze or demotion trigger: "
                        "reset it first.",
                        plan=plan.name,
                    )
                )
            self.env.cr.execute(
                "SELECT 1 FROM ov_migration_plan_row WHERE plan_id = %s LIMIT 1", [plan.id]
            )
            if self.env.cr.fetchone():
                raise UserError(
                    self.env._(
                        "Migration plan %(plan)s migrated records: it is the record of the "
                        "migration and cannot be deleted.",
                        plan=plan.name,
                    )
                )
        return result
