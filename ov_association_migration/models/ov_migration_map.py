from odoo import fields, models
from odoo.tools import SQL

SIDES = [("sa", "SA"), ("actor", "Actor")]


class OvMigrationMap(models.Model):
    """How one stamp value (a record of the stamp's comodel) maps to an SA or actor.

    Needed when a stamp points at another model than ov.sa / ov.actor (a
    sales team, a user). A value without a line, or with an empty line, is
    skipped by the backfill as unmapped.
    """

    _name = "ov.migration.map"
    _inherit = "ov.migration.plan.line"
    _description = "Mapping of a legacy stamp value"
    _order = "side, source_name, id"

    side = fields.Selection(SIDES, required=True)
    source_id = fields.Integer("Stamp value", required=True, help="Id of the stamped record.")
    source_name = fields.Char("Stamped record")
    sa_id = fields.Many2one("ov.sa", string="SA", ondelete="restrict", check_company=True)
    actor_id = fields.Many2one("ov.actor", ondelete="restrict", check_company=True)

    _sql_constraints = [
        (
            "source_uniq",
            "UNIQUE (plan_id, side, source_id)",
            "A stamp value is mapped once per plan and side.",
        ),
    ]


class OvMigrationPlanMapping(models.AbstractModel):
    """The mapping proposal of a plan (ov.migration.plan)."""

    _name = "ov.migration.plan.mapping"
    _description = "Migration plan mapping"

    def action_propose_mapping(self):
        """Add a line for every stamp value that has none.

        A user maps to the actor linked to it; any other record to the SA or
        actor of the same name. With *create missing*, what is not found is
        created (and audited); otherwise the line stays empty for a manager
        to fill in. Only the stamp values of the plan's records count, and a
        value its manager may not read is neither named nor looked up by its
        name: its line keeps the id alone, for the manager to map.
        """
        self._ov_check_manager()
        for plan in self:
            plan._ov_check_editable()
            for side, field in plan._ov_stamp_fields():
                if field.relation != ("ov.sa" if side == "sa" else "ov.actor"):
                    plan._ov_propose_side(side, field)
        return True

    def _ov_propose_side(self, side, field):
        env = self.env
        Legacy = env[self.legacy_model]
        # What the SQL below reads: the stamp column, the scope's company, the
        # plan's mapping lines.
        self._ov_flush_legacy(field.name)
        env["ov.migration.map"].flush_model(["plan_id", "side", "source_id"])
        env.cr.execute(
            SQL(
                """SELECT DISTINCT legacy.%(column)s FROM %(table)s legacy
                   WHERE legacy.%(column)s IS NOT NULL AND legacy.%(column)s NOT IN (
                       SELECT source_id FROM ov_migration_map WHERE plan_id = %(plan)s
                       AND side = %(side)s) AND %(scope)s
                   ORDER BY 1""",
                column=SQL.identifier(field.name),
                table=SQL.identifier(Legacy._table),
                plan=self.id,
                side=side,
                scope=self._ov_scope_sql("legacy"),
            )
        )
        sources = env[field.relation].browse([row[0] for row in env.cr.fetchall()])
        readable = sources._filtered_access("read")
        lines = []
        for source in sources:
            if source in readable:
                target = self._ov_find_or_create(side, source)
                name = source.display_name
            else:
                target = env[f"ov.{side}"]
                name = env._(
                    "%(model)s #%(id)s (not readable)",
                    model=env[field.relation]._description,
                    id=source.id,
                )
            lines.append(
                {
                    "plan_id": self.id,
                    "side": side,
                    "source_id": source.id,
                    "source_name": name,
                    f"{side}_id": target.id,
                }
            )
        env["ov.migration.map"].create(lines)

    def _ov_find_or_create(self, side, source):
        env = self.env
        if side == "actor":
            Actor = env["ov.actor"].with_context(active_test=False)
            if source._name == "res.users":
                found = Actor.search([("user_id", "=", source.id)], limit=1)
            else:
                found = Actor.search([("name", "=", source.display_name)], limit=1)
            if found or not self.create_missing:
                return found
            vals = {"name": source.display_name}
            if source._name == "res.users":
                vals["user_id"] = source.id
            return self._ov_audited_create("ov.actor", vals)
        company = self.company_id  # the plan's: a mapping never reaches another company
        found = (
            env["ov.sa"]
            .with_context(active_test=False)
            .search(
                [
                    ("name", "=", source.display_name),
                    ("company_id", "=", company.id),
                ],
                limit=1,
            )
        )
        if found or not self.create_missing:
            return found
        return self._ov_audited_create(
            "ov.sa",
            {
                "name": source.display_name,
                "code": f"{source._name}-{source.id}",
                "company_id": company.id,
            },
        )

    def _ov_audited_create(self, model, vals):
        record = self.env[model].create(vals)
        self.env["ov.association.event"]._ov_append(
            [
                {
                    "model": model,
                    "res_id": record.id,
                    "event": "create",
                    "reason": self.env._(
                        "Created for the mapping of migration plan %(plan)s", plan=self.name
                    ),
                    "user_id": self.env.uid,
                    "company_id": record.company_id.id,
                }
            ]
        )
        return record
