from odoo import models
from odoo.tools import SQL

from odoo.addons.ov_association_base import policy

from ..sql import shape as shape_sql


class OvMigrationPlanShape(models.AbstractModel):
    """A plan (ov.migration.plan) as the statement builders of ``sql/`` see it:
    its settings resolved to tables, columns and the plan's company scope."""

    _name = "ov.migration.plan.shape"
    _description = "Migration plan as SQL sees it"

    def _ov_shape(self):
        """The plan's settings resolved for the statement builders (sql/)."""
        self.ensure_one()
        env = self.env
        Legacy = env[self.legacy_model].sudo().with_context(active_test=False)
        # A rule's domain selects only what its user may select (docs/design.md §5):
        # their field access, and the record rules of every model on its
        # paths, the legacy model's included. An empty domain selects every
        # record of the plan's scope, and names none.
        Mine = env[self.legacy_model].with_context(active_test=False)
        pair = env[self.pair_model]
        actor_model = pair._ov_actor_model()
        rules = []
        for number, rule in enumerate(self.rule_ids.sorted(lambda r: (r.sequence, r.id)), 1):
            domain = rule._ov_domain()
            if domain:
                condition = SQL(
                    "%s IN %s",
                    SQL.identifier("legacy", "id"),
                    Mine._search(domain).subselect(),
                )
            else:
                condition = SQL("TRUE")
            rules.append(shape_sql.Rule(number, condition, rule.sa_kind, rule.actor_kind or None))
        company_field = Legacy._fields.get("company_id")
        return shape_sql.Shape(
            plan_id=self.id,
            uid=env.uid,
            reason=env._(
                "Backfilled from %(model)s.%(fields)s by plan %(plan)s",
                model=self.legacy_model,
                fields="/".join(field.name for _side, field in self._ov_stamp_fields()),
                plan=self.name,
            ),
            legacy_table=Legacy._table,
            target_company_column="company_id"
            if company_field and company_field.store and company_field.type == "many2one"
            else None,
            sa=self._ov_side(self.sa_field_id, "ov.sa"),
            actor=self._ov_side(self.actor_field_id, "ov.actor"),
            default_sa_id=self.default_sa_id.id or None,
            rules=tuple(rules),
            date_from=self._ov_date_sql(self.date_from_field_id),
            date_to=self._ov_date_sql(self.date_to_field_id),
            granted_by=SQL.identifier("legacy", self.granted_by_field_id.name)
            if self.granted_by_field_id
            else SQL("NULL::integer"),
            sa_model=pair._name,
            sa_table=pair._table,
            target_column=pair._ov_target_field,
            sa_allowed=tuple(pair._ov_allowed_kinds),
            sa_exclusive=tuple(pair._ov_exclusive_kinds),
            target_condition=pair._ov_target_condition_sql("legacy"),
            actor_model=actor_model._name if actor_model is not None else None,
            actor_table=actor_model._table if actor_model is not None else None,
            parent_column=actor_model._ov_parent_field if actor_model is not None else None,
            actor_allowed=tuple(actor_model._ov_allowed_kinds) if actor_model is not None else (),
            actor_exclusive=tuple(actor_model._ov_exclusive_kinds)
            if actor_model is not None
            else (),
            admitted={
                kind: tuple(sorted(kinds)) for kind, kinds in policy.ACTOR_KINDS_ADMITTED.items()
            },
            create_memberships=self.create_memberships,
            company_id=self.company_id.id,
            readable_ids=None if env.su else Mine._search([]).subselect(),
        )

    def _ov_scope_sql(self, alias):
        """Which legacy rows (alias ``alias``) the plan covers (plan_scope.py)."""
        self.ensure_one()
        company_field = self.env[self.legacy_model]._fields.get("company_id")
        return shape_sql.in_scope(
            alias, "company_id" if company_field else None, self.company_id.id
        )

    def _ov_side(self, field, governance_model):
        if not field:
            return None
        return shape_sql.Side(column=field.name, direct=field.relation == governance_model)

    def _ov_date_sql(self, field):
        if not field:
            return SQL("NULL::timestamp")
        return SQL("%s::timestamp", SQL.identifier("legacy", field.name))
