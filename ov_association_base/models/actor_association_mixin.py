from odoo import models
from odoo.tools import SQL

from .. import policy
from . import audit_sql


class OvActorAssociationMixin(models.AbstractModel):
    """Actor layer of a governed pair: actor ↔ one SA-association row.

    A concrete model declares its parent Many2one (required,
    ``ondelete='cascade'``) and::

        _ov_parent_field = "sa_sale_order_id"
        _ov_allowed_kinds = ("assignment", "access")
        _ov_exclusive_kinds = ("assignment",)
    """

    _name = "ov.actor.association.mixin"
    _inherit = [
        "ov.association.actor.subset.mixin",
        "ov.association.kind.mixin",
        "ov.association.views.mixin",
    ]
    _description = "Actor association"
    _check_company_auto = True
    _order = "id desc"

    def _setup_complete(self):
        super()._setup_complete()
        if self._abstract:
            return
        sa_mixin = self.pool["ov.sa.association.mixin"]
        self._ov_verify_declaration(
            policy.actor_declaration_errors,
            "_ov_parent_field",
            ("_ov_parent_field", "_ov_allowed_kinds", "_ov_exclusive_kinds"),
            sa_models=[
                name
                for name, cls in self.pool.items()
                if not cls._abstract and issubclass(cls, sa_mixin)
            ],
        )

    def init(self):
        super().init()
        if self._abstract:
            return
        cr = self.env.cr
        parent = self.env[self._fields[self._ov_parent_field].comodel_name]
        audit_sql.install_parent_cache(
            cr,
            self._table,
            self._ov_parent_field,
            parent._table,
            parent._ov_target_field,
        )
        # "My targets" (DESIGN §4): one index-only scan on the actor table.
        # The predicate is what _ov_effective_sql emits.
        cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s (actor_id, ov_target_id) "
                "INCLUDE (association_kind, date_from, date_to) "
                "WHERE state = 'active' AND ov_parent_state = 'active'",
                SQL.identifier(f"{self._table}_ov_reach_idx"),
                SQL.identifier(self._table),
            )
        )

    def _ov_view_fields(self):
        return ["actor_id", self._ov_parent_field]

    def _compute_display_name(self):
        for record in self:
            parent = record._ov_parent().display_name or self.env._("deleted association")
            record.display_name = f"{record.actor_id.name or '?'} @ {parent}"

    def action_open_target(self):
        """Open the governed record of this actor association."""
        self.ensure_one()
        parent = self._ov_parent()
        target = parent[parent._ov_target_field]
        return {
            "type": "ir.actions.act_window",
            "res_model": target._name,
            "res_id": target.id,
            "view_mode": "form",
            "target": "current",
        }
