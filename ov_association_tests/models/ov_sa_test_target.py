from odoo import fields, models


class OvSaTestTarget(models.Model):
    _name = "ov.sa_test_target"
    _inherit = "ov.sa.association.mixin"
    _description = "SA association of a test target"

    _ov_target_field = "target_id"
    _ov_deletion_policy = "dependent"
    _ov_allowed_kinds = ("assignment", "access", "binding")
    _ov_exclusive_kinds = ("assignment",)
    _ov_records_label = "Test Targets"
    _ov_menu_sequence = 900

    target_id = fields.Many2one(
        "ov.test.target",
        string="Test target",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
