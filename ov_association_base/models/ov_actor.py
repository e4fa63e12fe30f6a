from odoo import api, fields, models


class OvActor(models.Model):
    """Someone who works inside SAs, usually linked to a user."""

    _name = "ov.actor"
    _inherit = ["ov.association.guard.mixin"]
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

    def write(self, vals):
        """Audit changes of who an actor is (DESIGN §5): the user it is linked
        to carries its whole reach, and archiving it turns that reach off."""
        watched = {"user_id", "active"} & set(vals)
        before = {actor: (actor.user_id, actor.active) for actor in self} if watched else {}
        result = super().write(vals)
        events = []
        for actor, (old_user, was_active) in before.items():
            if actor.user_id != old_user:
                events.append(
                    actor._ov_identity_event(
                        "actor_relinked", _user_label(old_user), _user_label(actor.user_id)
                    )
                )
            if actor.active != was_active:
                event = "actor_restored" if actor.active else "actor_archived"
                events.append(actor._ov_identity_event(event, str(was_active), str(actor.active)))
        if events:
            self.env["ov.association.event"]._ov_append(events)
        return result

    def _ov_identity_event(self, event, old_value, new_value):
        return {
            "model": self._name,
            "res_id": self.id,
            "event": event,
            "old_value": old_value,
            "new_value": new_value,
            "user_id": self.env.uid,
            "company_id": self.company_id.id,
        }

    @api.model
    def _ov_current_actor(self):
        """The actor of the current user (empty if none)."""
        # sudo: a user always may know their own actor, even without read rights.
        return self.sudo().search([("user_id", "=", self.env.uid)], limit=1).sudo(False)


def _user_label(user):
    """How the log names a user: login and id (the login may change later)."""
    # sudo: the log names the user whatever the writer may read of res.users.
    return f"{user.sudo().login} ({user.id})" if user else ""
