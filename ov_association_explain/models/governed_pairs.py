from odoo import models


class OvSaAssociationMixin(models.AbstractModel):
    """Every pair explains its answers: ``check_governed_many``,
    ``explain_governed``, ``search_reaching_actors``."""

    _name = "ov.sa.association.mixin"
    _inherit = ["ov.sa.association.mixin", "ov.association.governed.explain.mixin"]
