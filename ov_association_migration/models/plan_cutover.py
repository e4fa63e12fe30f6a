from odoo import api, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..sql import cutover


class OvMigrationPlanCutover(models.AbstractModel):
    """Steps 5 to 7 of the ADR on a plan (ov.migration.plan): freeze, demote,
    retire, reset."""

    _name = "ov.migration.plan.cutover"
    _description = "Migration plan cutover"

    # ------------------------------------------------------------------
    # Step 5: freeze
    # ------------------------------------------------------------------
    def action_freeze(self):
        """The legacy stamp stops being a source of truth: writes are refused."""
        self._ov_check_manager()
        for plan in self:
            written = plan._ov_odoo_written_stamps()
            if written:
                raise UserError(
                    self.env._(
                        "Migration plan %(plan)s: %(model)s.%(fields)s is written by Odoo "
                        "itself (computed or defaulted by its module), so freezing it would "
                        "break Odoo's own flows. Demote it to a derived cache, or leave it alone.",
                        plan=plan.name,
                        model=plan.legacy_model,
                        fields=", ".join(written),
                    )
                )
            plan._ov_step("frozen")
            # Writes made before the freeze land before its trigger exists;
            # the trigger names the plan when it refuses one.
            self.env[plan.legacy_model].flush_model()
            plan.flush_recordset(["name"])
            shape = plan._ov_shape()
            cutover.install_freeze(
                self.env.cr,
                plan.id,
                plan.legacy_model,
                shape.legacy_table,
                [field.name for _side, field in plan._ov_stamp_fields()],
                shape.target_company_column,
                shape.company_id,
            )
        return True

    # ------------------------------------------------------------------
    # Step 6: demote
    # ------------------------------------------------------------------
    def action_demote(self):
        """The legacy stamp becomes a cache of the associations, kept by the database."""
        self._ov_check_manager()
        for plan in self:
            plan._ov_check_invertible()
            plan._ov_step("demoted")
            shape = plan._ov_shape()
            # Pending writes meet the freeze they were made under; the cache
            # is then computed from the associations and the mapping.
            plan._ov_flush_plan_tables(shape)
            table = self.env[plan.legacy_model]._table
            cutover.drop_plan(self.env.cr, plan.id, table)  # a freeze gives way
            for side, _field in plan._ov_stamp_fields():
                association_table, target = plan._ov_followed(side)
                cutover.install_demote(
                    self.env.cr,
                    shape,
                    side,
                    plan._ov_derived_sql(side),
                    association_table,
                    target,
                )
            self.env[plan.legacy_model].invalidate_model()
        return True

    def _ov_check_invertible(self):
        """A cache maps back: two stamp values for one SA or actor are ambiguous."""
        self.ensure_one()
        for side, _field in self._ov_stamp_fields():
            lines = self.map_ids.filtered(lambda line, side=side: line.side == side)
            targets = lines.mapped(f"{side}_id")
            for target in targets:
                sources = lines.filtered(lambda line, t=target, s=side: line[f"{s}_id"] == t)
                if len(sources) > 1:
                    raise UserError(
                        self.env._(
                            "Migration plan %(plan)s: %(target)s is mapped from %(sources)s; "
                            "a demoted stamp could not say which one to show. Map each to "
                            "its own %(side)s first.",
                            plan=self.name,
                            target=target.display_name,
                            sources=", ".join(sources.mapped("source_name")),
                            side=side,
                        )
                    )

    def _ov_followed(self, side):
        """(association table, SQL text naming the governed legacy row, %s = OLD/NEW)."""
        pair = self.env[self.pair_model]
        if side == "sa":
            return pair._table, f"%s.{pair._ov_target_field}"
        return pair._ov_actor_model()._table, "%s.ov_target_id"

    def _ov_derived_sql(self, side):
        """The stamp value the live associations give legacy row ``target``.

        The row of the plan's kinds and company that is live (active, and for
        actor rows their parent too), exclusive kinds first, then the newest; mapped back
        to the stamp's comodel through the plan's mapping (or, for users, the
        actor's user).
        """
        pair = self.env[self.pair_model]
        layer = pair if side == "sa" else pair._ov_actor_model()
        subject = "sa_id" if side == "sa" else "actor_id"
        kinds = tuple(
            sorted({rule.sa_kind if side == "sa" else rule.actor_kind for rule in self.rule_ids})
        )
        if side == "sa":
            target_column = SQL.identifier("row", pair._ov_target_field)
            live = SQL("row.state = 'active'")
        else:
            target_column = SQL("row.ov_target_id")
            live = SQL("row.ov_reach_actor_id IS NOT NULL")
        field = self.sa_field_id if side == "sa" else self.actor_field_id
        value = SQL.identifier("row", subject)
        if field.relation != ("ov.sa" if side == "sa" else "ov.actor"):
            fallback = (
                SQL("(SELECT user_id FROM ov_actor WHERE id = row.actor_id)")
                if side == "actor" and field.relation == "res.users"
                else SQL("NULL::integer")
            )
            value = SQL(
                "COALESCE((SELECT min(map.source_id) FROM ov_migration_map map"
                " WHERE map.plan_id = %s AND map.side = %s AND map.%s = row.%s), %s)",
                self.id,
                side,
                SQL.identifier(subject),
                SQL.identifier(subject),
                fallback,
            )
        exclusive = tuple(layer._ov_exclusive_kinds)
        first = SQL("row.association_kind IN %s DESC,", exclusive) if exclusive else SQL()
        return SQL(
            "SELECT %s FROM %s row WHERE %s = target AND %s AND row.association_kind IN %s"
            " AND row.company_id = %s ORDER BY %s row.id DESC LIMIT 1",
            value,
            SQL.identifier(layer._table),
            target_column,
            live,
            kinds,
            self.company_id.id,
            first,
        )

    @api.model
    @tools.ormcache()
    def _ov_demoted_columns(self):
        """(association model, legacy model, column) of every demoted stamp."""
        result = []
        # sudo: the ORM cache of a demoted column is refreshed whoever writes
        # the associations.
        plans = (
            self.env["ov.migration.plan"].sudo().search([("state", "in", ("demoted", "retired"))])
        )
        for plan in plans:
            if plan.legacy_model not in self.env:
                continue
            pair = self.env[plan.pair_model]
            for side, field in plan._ov_stamp_fields():
                layer = pair if side == "sa" else pair._ov_actor_model()
                result.append((layer._name, plan.legacy_model, field.name))
        return tuple(result)

    # ------------------------------------------------------------------
    # Step 7: retire
    # ------------------------------------------------------------------
    def action_retire(self):
        """Report what still reads the stamp; dropping it is for its owner."""
        self._ov_check_manager()
        for plan in self:
            plan._ov_step("retired")
            plan._ov_replace_report("retire", plan._ov_readers())
        return True

    def _ov_readers(self):
        """Views, rules, filters, server actions, exports and fields reading a stamp."""
        env = self.env
        lines = []
        # sudo: the report covers every reader, including those hidden from the manager.
        for _side, field in self._ov_stamp_fields():
            name = field.name
            found = []
            for rule in (
                env["ir.rule"]
                .sudo()
                .search(
                    [("model_id", "=", self.legacy_model_id.id), ("domain_force", "ilike", name)]
                )
            ):
                found.append((env._("Record rule"), rule.name))
            for view in env["ir.ui.view"].sudo().search([("model", "=", self.legacy_model)]):
                if f'name="{name}"' in (view.arch_db or ""):
                    found.append((env._("View"), view.xml_id or view.name))
            for saved in (
                env["ir.filters"]
                .sudo()
                .search([("model_id", "=", self.legacy_model), ("domain", "ilike", name)])
            ):
                found.append((env._("Saved filter"), saved.name))
            for action in (
                env["ir.actions.server"]
                .sudo()
                .search([("model_id", "=", self.legacy_model_id.id), ("code", "ilike", name)])
            ):
                found.append((env._("Server action"), action.name))
            for model_name, model in env.registry.items():
                for other in model._fields.values():
                    depends = env.registry.field_depends.get(other, ())
                    if (model_name == self.legacy_model and name in depends) or any(
                        path.endswith(f".{name}") for path in depends
                    ):
                        found.append((env._("Computed field"), f"{model_name}.{other.name}"))
            lines += [
                {
                    "category": "reader",
                    "subject": kind,
                    "detail": f"{self.legacy_model}.{name}: {what}",
                    "count": 1,
                }
                for kind, what in sorted(set(found))
            ]
        return lines

    # ------------------------------------------------------------------
    # Reset
    # ------------------------------------------------------------------
    def action_reset(self):
        """Back to draft: triggers removed; what was backfilled stays."""
        self._ov_check_manager()
        for plan in self:
            # Pending writes meet the triggers they were made under (the
            # freeze; the demoted cache and what its associations follow).
            plan._ov_flush_plan_tables()
            cutover.drop_plan(self.env.cr, plan.id, self.env[plan.legacy_model]._table)
            plan._ov_step("draft")
        return True

    def unlink(self):
        for plan in self:
            if plan.legacy_model in self.env:
                cutover.drop_plan(self.env.cr, plan.id, self.env[plan.legacy_model]._table)
        return super().unlink()
