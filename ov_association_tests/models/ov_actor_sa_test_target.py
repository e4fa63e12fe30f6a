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
    # Shown in the default views; a related field, so reading it needs the
    # right to read the parent row and the target (the side-door tests use it).
    target_name = fields.Char(related="sa_test_target_id.target_id.name", string="Target")

    def _ov_view_fields(self):
        return ["target_name", *super()._ov_view_fields()]
