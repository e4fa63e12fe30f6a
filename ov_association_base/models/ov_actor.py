from odoo import api, fields, models


class OvActor(models.Model):
    """Someone who works inside SAs, usually linked to a user."""

    _name = "ov.actor"
    _description = "Governance actor"
    _check_company_auto = True
    _order = "name"

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    user_id = fields.Many2one("res.users", ondelete="restrict", index=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Empty: the actor may be a member of SAs of any company.",
    )
    membership_ids = fields.One2many("ov.sa.membership", "actor_id", string="Memberships")

    _sql_constraints = [
        ("user_uniq", "UNIQUE (user_id)", "A user is linked to at most one actor."),
    ]

    @api.depends("user_id")
    def _compute_name(self):
        for actor in self:
            if not actor.name and actor.user_id:
                actor.name = actor.user_id.name

    @api.model
    def _ov_current_actor(self):
        """The actor of the current user (empty if none)."""
        # sudo: a user always may know their own actor, even without read rights.
        return self.sudo().search([("user_id", "=", self.env.uid)], limit=1).sudo(False)
