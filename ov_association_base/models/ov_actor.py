from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


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
        """Audit changes of who an actor is (docs/design.md §5): the user it is linked
        to carries its whole reach, archiving it turns that reach off, and its
        company says which companies' managers see it."""
        self._ov_check_writer_manages_its_companies()
        if "company_id" in vals:
            self._ov_check_company_change(vals["company_id"])
        watched = {"user_id", "active", "company_id"} & set(vals)
        before = (
            {actor: (actor.user_id, actor.active, actor.company_id) for actor in self}
            if watched
            else {}
        )
        result = super().write(vals)
        events = []
        for actor, (old_user, was_active, old_company) in before.items():
            if actor.company_id != old_company:
                events.append(
                    actor._ov_identity_event(
                        "actor_company_changed",
                        _company_label(old_company),
                        _company_label(actor.company_id),
                    )
                )
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
        if "active" in vals:
            self.flush_model(["active"])
            # The holder trigger (reach_holder_sql) followed the archive.
            self.env["ov.association.actor.subset.mixin"]._ov_holder_changed()
        return result

    def _ov_live_membership_companies(self):
        """Companies of the SAs these actors hold a membership in that is not ended."""
        # sudo: the rule is about every membership, those hidden from the writer included.
        memberships = (
            self.env["ov.sa.membership"]
            .sudo()
            .search(
                [("actor_id", "in", self.ids), ("state", "in", ("draft", "active", "suspended"))]
            )
        )
        return memberships.mapped("company_id")

    def _ov_check_writer_manages_its_companies(self):
        """An actor without a company works for several companies: only someone
        who manages every company it holds a membership in may change it (its
        user, its name, archiving it), or a manager of one company would take
        the reach of another's people away, unseen by that company."""
        if self.env.su or not self:
            return
        outside = self._ov_live_membership_companies() - self.env.user.company_ids
        if outside:
            raise AccessError(
                self.env._(
                    "Governance actor %(actor)s holds memberships in %(count)s compan(y/ies) "
                    "you do not manage: only a manager of each may change it.",
                    actor=self[:1].name,
                    count=len(outside),
                )
            )

    def _ov_check_company_change(self, company_id):
        """An actor's company bounds the SAs it may be a member of (check_company
        on memberships): it changes only where no membership of another company
        would be left outside it."""
        for actor in self:
            if not company_id or actor.company_id.id == company_id:
                continue
            others = actor._ov_live_membership_companies().filtered(
                lambda company: company.id != company_id
            )
            if others:
                raise UserError(
                    self.env._(
                        "Governance actor %(actor)s: company_id cannot change while it holds "
                        "memberships in SAs of another company (%(count)s): end them first.",
                        actor=actor.name,
                        count=len(others),
                    )
                )
            if company_id not in self.env.user.company_ids.ids and not self.env.su:
                raise AccessError(
                    self.env._(
                        "Governance actor %(actor)s: company_id must be one of your companies.",
                        actor=actor.name,
                    )
                )

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


def _company_label(company):
    return f"{company.sudo().name} ({company.id})" if company else ""


def _user_label(user):
    """How the log names a user: login and id (the login may change later)."""
    # sudo: the log names the user whatever the writer may read of res.users.
    return f"{user.sudo().login} ({user.id})" if user else ""
