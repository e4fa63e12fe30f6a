from odoo import fields, models


class OvActorSaTestTarget(models.Model):
    _name = "ov.actor_sa_test_target"
    _inherit = "ov.actor.association.mixin"
    _description = "Actor association of a test target"

    _ov_parent_field = "sa_test_target_id"
    _ov_allowed_kinds = ("assignment", "access", "binding")
    _ov_exclusive_kinds = ("assignment",)

    sa_test_target_id = fields.Many2one(
        "ov.sa_test_target",
        string="SA association",
        required=True,
        ondelete="cascade",
        index=True,
    )
