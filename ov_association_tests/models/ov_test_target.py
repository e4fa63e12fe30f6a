from odoo import fields, models


class OvTestTarget(models.Model):
    """A stand-in for a native Odoo class: the pair below governs it."""

    _name = "ov.test.target"
    _description = "Governance test target"
    _parent_store = True
    _check_company_auto = True
    _order = "name, id"

    name = fields.Char(required=True)
    company_id = fields.Many2one("res.company", index=True)
    parent_id = fields.Many2one(
        "ov.test.target", index=True, ondelete="cascade", check_company=True
    )
    parent_path = fields.Char(index=True)
