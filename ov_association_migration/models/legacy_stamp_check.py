from odoo import api, models


class OvLegacyStampCheck(models.AbstractModel):
    _inherit = "ov.legacy.stamp.check"

    @api.model
    def _ov_declared_legacy_fields(self):
        """Stamps a migration plan names are legacy on their way out (step 7)."""
        declared = super()._ov_declared_legacy_fields()
        # Read in SQL: it also runs when the registry loads, for every plan,
        # whoever (if anyone) is logged in.
        self.env.cr.execute(
            """SELECT model.model, field.name FROM ov_migration_plan plan
               JOIN ir_model model ON model.id = plan.legacy_model_id
               JOIN ir_model_fields field ON field.id IN (plan.sa_field_id, plan.actor_field_id)"""
        )
        declared.update(self.env.cr.fetchall())
        return declared
