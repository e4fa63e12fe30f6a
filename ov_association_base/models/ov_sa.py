from odoo import api, fields, models
from odoo.exceptions import ValidationError


class OvSa(models.Model):
    """An SA: the organisational scope governance is granted in."""

    _name = "ov.sa"
    _description = "Governance scope (SA)"
    _parent_store = True
    _check_company_auto = True
    _order = "complete_name"
    _rec_name = "complete_name"

    name = fields.Char(required=True)
    code = fields.Char(required=True, help="Unique per company.")
    complete_name = fields.Char(compute="_compute_complete_name", store=True, recursive=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    parent_id = fields.Many2one(
        "ov.sa", string="Parent SA", index=True, ondelete="restrict", check_company=True
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("ov.sa", "parent_id", string="Child SAs")
    membership_ids = fields.One2many("ov.sa.membership", "sa_id", string="Memberships")
    note = fields.Text()

    _sql_constraints = [
        (
            "code_company_uniq",
            "UNIQUE (code, company_id)",
            "An SA code is unique per company.",
        ),
    ]

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for sa in self:
            if sa.parent_id:
                sa.complete_name = f"{sa.parent_id.complete_name} / {sa.name}"
            else:
                sa.complete_name = sa.name

    @api.constrains("parent_id")
    def _check_parent_not_cyclic(self):
        if self._has_cycle():
            raise ValidationError(
                self.env._("SA %(sa)s cannot be its own ancestor.", sa=self[0].display_name)
            )
