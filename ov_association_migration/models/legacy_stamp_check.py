from odoo import api, models


class OvLegacyStampCheck(models.AbstractModel):
    _inherit = "ov.legacy.stamp.check"

    @api.model
    def _ov_declared_legacy_fields(self):
        """Stamps a migration plan names are legacy on their way out (step 7)."""
        declared = super()._ov_declared_legacy_fields()
        # sudo: the check reads every plan, whoever runs it.
        for plan in self.env["ov.migration.plan"].sudo().search([]):
            for _side, field in plan._ov_stamp_fields():
                declared.add((plan.legacy_model, field.name))
        return declared
