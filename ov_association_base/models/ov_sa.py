from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import policy


class OvSa(models.Model):
    """An SA: the organisational scope governance is granted in."""

    _name = "ov.sa"
    # The responsible gets reminders before the SA's rows end (expiry_reminder).
    _inherit = ["ov.association.guard.mixin"]
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
    manager_id = fields.Many2one(
        "res.users",
        string="Responsible",
        ondelete="set null",
        domain=lambda self: [
            ("groups_id", "in", self.env.ref(policy.MANAGER_GROUP).id),
            ("company_ids", "in", self.env.companies.ids),
        ],
        help="A governance manager of the SA's company, reminded with a to-do before "
        "this SA's associations and memberships end.",
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "UNIQUE (code, company_id)",
            "An SA code is unique per company.",
        ),
    ]

    def write(self, vals):
        if "company_id" in vals:
            self._ov_check_company_fixed(vals["company_id"])
        was_active = {sa: sa.active for sa in self} if "active" in vals else {}
        result = super().write(vals)
        if was_active:
            self._ov_after_archive(was_active)
        return result

    def _ov_after_archive(self, was_active):
        """Archiving an SA takes away the reach of every row under it, and
        restoring it gives that reach back (docs/design.md §3, issue 22): the
        database's holder trigger does it at once; here it is audited."""
        self.flush_model(["active"])
        events = [
            {
                "model": self._name,
                "res_id": sa.id,
                "event": "sa_restored" if sa.active else "sa_archived",
                "old_value": str(before),
                "new_value": str(sa.active),
                "user_id": self.env.uid,
                "company_id": sa.company_id.id,
            }
            for sa, before in was_active.items()
            if sa.active != before
        ]
        if events:
            self.env["ov.association.event"]._ov_append(events)
            self.env["ov.association.actor.subset.mixin"]._ov_holder_changed()
            for name in self.env["ov.sa.association.mixin"]._ov_concrete_models():
                self.env[name].invalidate_model(["is_effective"])

    def _ov_check_company_fixed(self, company_id):
        """An SA that governs anything keeps its company (docs/design.md §5).

        Its memberships and association rows derive their company from it:
        moving it would move every grant to another company, out of sight of
        the managers who made them, with no event.
        """
        moving = self.filtered(lambda sa: sa.company_id.id != company_id)
        if not moving:
            return
        # sudo: whether any row depends on the SA, including rows hidden from the user.
        used = self.env["ov.sa.membership"].sudo().search_count(
            [("sa_id", "in", moving.ids)], limit=1
        ) or any(
            self.env[name].sudo().search_count([("sa_id", "in", moving.ids)], limit=1)
            for name in self.env["ov.sa.association.mixin"]._ov_concrete_models()
        )
        if used:
            raise UserError(
                self.env._(
                    "SA %(sa)s has memberships or associations: its company cannot "
                    "change. Create an SA in the other company instead.",
                    sa=moving[0].display_name,
                )
            )

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for sa in self:
            if sa.parent_id:
                sa.complete_name = f"{sa.parent_id.complete_name} / {sa.name}"
            else:
                sa.complete_name = sa.name

    @api.constrains("manager_id", "company_id")
    def _check_manager_reads_the_sa(self):
        """The responsible reads what its reminders name: a governance manager
        of the SA's company (the expiry cron checks it again when it runs)."""
        group = self.env.ref(policy.MANAGER_GROUP)
        for sa in self:
            # sudo: another user's groups and companies, which the writer may not read.
            manager = sa.manager_id.sudo()
            if manager and (
                group not in manager.groups_id or sa.company_id not in manager.company_ids
            ):
                raise ValidationError(
                    self.env._(
                        "SA %(sa)s: its responsible %(user)s must be a governance manager "
                        "of %(company)s.",
                        sa=sa.display_name,
                        user=manager.name,
                        company=sa.company_id.name,
                    )
                )

    @api.constrains("parent_id")
    def _check_parent_not_cyclic(self):
        if self._has_cycle():
            raise ValidationError(
                self.env._("SA %(sa)s cannot be its own ancestor.", sa=self[0].display_name)
            )
