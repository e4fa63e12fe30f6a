"""An access review campaign (docs/design.md §6, access reviews).

A campaign names what it reviews (its scope), who reviews each row (its
reviewer rule, with a fallback), its window (start and deadline) and what
happens to what nobody decided (the default). Opening it generates its items
in SQL (``review_scope``); reviewers decide them (``review_item``); closing
applies the default, seals the decisions into the audit chain and produces
the evidence (``review_closing``); reminders, escalation and recurrence are
``review_schedule``'s.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.ov_association_base import arguments, policy

STATES = [("draft", "Draft"), ("open", "Open"), ("closed", "Closed")]
REVIEWER_RULES = [
    ("sa_responsible", "The SA's responsible"),
    ("user", "A named user"),
    ("managers", "The governance managers of the company"),
]
DEFAULTS = [
    ("keep", "Keep"),
    ("revoke", "Revoke"),
    ("end_at_deadline", "Let the window end at the deadline"),
]
LAYERS = [("both", "SA and actor rows"), ("sa", "SA rows"), ("actor", "Actor rows")]
# Written by the campaign's own steps (opening, closing, the schedule) only.
SYSTEM_FIELDS = frozenset(
    {
        "state",
        "opened_at",
        "closed_at",
        "evidence_id",
        "previous_review_id",
        "next_review_id",
        "reminded_at",
        "escalated_at",
    }
)
# What a campaign says once it is open: its scope, rule and window stay as opened.
CONFIGURATION_FIELDS = frozenset(
    {
        "company_id",
        "pair_model_ids",
        "sa_ids",
        "include_child_sas",
        "layer",
        "kinds",
        "include_memberships",
        "reviewer_rule",
        "reviewer_id",
        "fallback_reviewer_id",
        "date_start",
        "date_deadline",
        "default_decision",
        "inactive_days",
        "suspended_days",
    }
)
MAX_DAYS = 3650
MAX_MONTHS = 60


class OvAccessReview(models.Model):
    _name = "ov.access.review"
    _inherit = ["ov.association.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Access review campaign"
    _order = "date_deadline desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, copy=False, tracking=True
    )
    # Scope
    pair_model_ids = fields.Many2many(
        "ir.model",
        "ov_access_review_ir_model_rel",
        "review_id",
        "model_id",
        string="Pairs",
        domain=lambda self: [
            ("model", "in", self.env["ov.sa.association.mixin"]._ov_concrete_models())
        ],
        help="The SA-layer models of the pairs reviewed (with their actor layers); empty: every "
        "installed pair.",
    )
    sa_ids = fields.Many2many(
        "ov.sa",
        "ov_access_review_sa_rel",
        "review_id",
        "sa_id",
        string="SAs",
        check_company=True,
        help="Empty: every SA of the company.",
    )
    include_child_sas = fields.Boolean("With their child SAs", default=True)
    layer = fields.Selection(LAYERS, string="Layers", default="both", required=True)
    kinds = fields.Char(help="Kinds reviewed, separated by commas; empty: every kind.")
    include_memberships = fields.Boolean("Memberships too")
    # Reviewers
    reviewer_rule = fields.Selection(REVIEWER_RULES, default="sa_responsible", required=True)
    reviewer_id = fields.Many2one("res.users", help="For a named user.")
    fallback_reviewer_id = fields.Many2one(
        "res.users",
        string="Fallback reviewer",
        required=True,
        help="Reviews what the rule gives nobody, a reviewer's own rows and the late items.",
    )
    # Window and default
    date_start = fields.Datetime("Start", required=True, default=fields.Datetime.now)
    date_deadline = fields.Datetime("Deadline", required=True)
    default_decision = fields.Selection(
        DEFAULTS, string="Undecided at the deadline", default="keep", required=True
    )
    recurrence_months = fields.Integer(
        "Repeat every (months)", help="0: once. A scheduled action opens the next campaign."
    )
    auto_open = fields.Boolean(help="Opened by the scheduled action once its start is reached.")
    # Recommendations and schedule
    inactive_days = fields.Integer("No sign-in for (days)", default=90)
    suspended_days = fields.Integer("Suspended for (days)", default=30)
    reminder_days = fields.Integer("Remind (days before the deadline)", default=3)
    escalation_days = fields.Integer("Escalate (days before the deadline)", default=1)
    # The campaign's own record of its steps
    opened_at = fields.Datetime(readonly=True, copy=False)
    closed_at = fields.Datetime(readonly=True, copy=False)
    reminded_at = fields.Datetime(readonly=True, copy=False)
    escalated_at = fields.Datetime(readonly=True, copy=False)
    sealed_count = fields.Integer("Decisions sealed", compute="_compute_seal")
    seal_hash = fields.Char("Seal of the last decision", compute="_compute_seal")
    evidence_id = fields.Many2one(
        "ir.attachment", string="Evidence (CSV)", readonly=True, copy=False
    )
    previous_review_id = fields.Many2one("ov.access.review", readonly=True, index=True, copy=False)
    next_review_id = fields.Many2one("ov.access.review", readonly=True, copy=False)
    item_ids = fields.One2many("ov.access.review.item", "review_id", string="Items")
    # Progress
    item_count = fields.Integer("Total", compute="_compute_progress")
    decided_count = fields.Integer("Decided", compute="_compute_progress")
    keep_count = fields.Integer("Kept", compute="_compute_progress")
    revoke_count = fields.Integer("Revoked", compute="_compute_progress")
    shorten_count = fields.Integer("Shortened", compute="_compute_progress")
    pending_count = fields.Integer("Pending", compute="_compute_progress")
    progress = fields.Float("Progress (%)", compute="_compute_progress")

    _sql_constraints = [
        (
            "deadline_after_start",
            "CHECK (date_deadline > date_start)",
            "An access review's deadline comes after its start.",
        ),
    ]

    @api.depends("item_ids.decision")
    def _compute_progress(self):
        counts = {}
        if self.ids:
            Item = self.env["ov.access.review.item"]
            # Counts of the reader's own items: the item rules apply.
            for review, decision, count in Item._read_group(
                [("review_id", "in", self.ids)], ["review_id", "decision"], ["__count"]
            ):
                counts.setdefault(review.id, {})[decision or "pending"] = count
        for review in self:
            found = counts.get(review.id, {})
            total = sum(found.values())
            review.item_count = total
            review.keep_count = found.get("keep", 0)
            review.revoke_count = found.get("revoke", 0)
            review.shorten_count = found.get("shorten", 0)
            review.pending_count = found.get("pending", 0)
            review.decided_count = total - review.pending_count
            review.progress = 100.0 * review.decided_count / total if total else 0.0

    # ------------------------------------------------------------------
    # Configuration checks
    # ------------------------------------------------------------------
    @api.constrains(
        "reviewer_rule",
        "reviewer_id",
        "fallback_reviewer_id",
        "company_id",
        "kinds",
        "pair_model_ids",
        "inactive_days",
        "suspended_days",
        "reminder_days",
        "escalation_days",
        "recurrence_months",
    )
    def _check_configuration(self):
        pairs = set(self.env["ov.sa.association.mixin"]._ov_concrete_models())
        for review in self:
            if review.reviewer_rule == "user" and not review.reviewer_id:
                raise ValidationError(
                    self.env._("%(review)s: name the reviewer.", review=review.display_name)
                )
            for user in review.reviewer_id | review.fallback_reviewer_id:
                if review.company_id not in user.company_ids or not user.has_group(
                    policy.USER_GROUP
                ):
                    raise ValidationError(
                        self.env._(
                            "%(review)s: %(user)s is no governance user of %(company)s.",
                            review=review.display_name,
                            user=user.display_name,
                            company=review.company_id.display_name,
                        )
                    )
            outside = set(review.pair_model_ids.mapped("model")) - pairs
            if outside:
                raise ValidationError(
                    self.env._(
                        "%(review)s: %(models)s is no governed pair.",
                        review=review.display_name,
                        models=", ".join(sorted(outside)),
                    )
                )
            review._ov_kinds()
            for name, maximum in (
                ("inactive_days", MAX_DAYS),
                ("suspended_days", MAX_DAYS),
                ("reminder_days", MAX_DAYS),
                ("escalation_days", MAX_DAYS),
                ("recurrence_months", MAX_MONTHS),
            ):
                if not 0 <= review[name] <= maximum:
                    raise ValidationError(
                        self.env._(
                            "%(review)s: %(field)s must lie between 0 and %(maximum)s.",
                            review=review.display_name,
                            field=self._fields[name].string,
                            maximum=maximum,
                        )
                    )

    def _ov_kinds(self):
        """The kinds in scope (None: every kind), each one some pair allows."""
        self.ensure_one()
        if not self.kinds:
            return None
        allowed = sorted(
            {
                kind
                for Sa, Actor in self.env["ov.sa.association.mixin"]._ov_pairs()
                for Model in (Sa, Actor)
                if Model is not None
                for kind in Model._ov_allowed_kinds
            }
        )
        given = [kind.strip() for kind in self.kinds.split(",") if kind.strip()]
        return self._ov_argument(arguments.kinds, given, allowed)

    # ------------------------------------------------------------------
    # Writes: the campaign's record of its steps is its own
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self._ov_is_system_write():
            for vals in vals_list:
                self._ov_refuse_system_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        if not self._ov_is_system_write():
            self._ov_refuse_system_fields(vals)
            configured = sorted(set(vals) & CONFIGURATION_FIELDS)
            started = self.filtered(lambda review: review.state != "draft")
            if configured and started:
                raise UserError(
                    self.env._(
                        "%(review)s is %(state)s: its %(fields)s stay as it was opened.",
                        review=started[0].display_name,
                        state=started[0].state,
                        fields=", ".join(self._fields[name].string for name in configured),
                    )
                )
        return super().write(vals)

    def _ov_refuse_system_fields(self, vals):
        reserved = sorted(set(vals) & SYSTEM_FIELDS)
        if reserved:
            raise UserError(
                self.env._(
                    "%(model)s: %(fields)s is written by the campaign's own steps "
                    "(open, close, the scheduled action), not given.",
                    model=self._description,
                    fields=", ".join(self._fields[name].string for name in reserved),
                )
            )

    def _ov_check_unlink(self):
        used = self.filtered(lambda review: review.state != "draft")
        if used:
            raise UserError(
                self.env._(
                    "%(review)s is %(state)s: an opened campaign is evidence, it is not deleted.",
                    review=used[0].display_name,
                    state=used[0].state,
                )
            )

    def copy(self, default=None):
        default = dict(default or {})
        default.setdefault("name", self.env._("%(name)s (copy)", name=self.name))
        return super().copy(default)

    # ------------------------------------------------------------------
    # Who manages a campaign
    # ------------------------------------------------------------------
    def _ov_check_manager(self, step):
        """Opening and closing are a governance manager's of the campaign's company."""
        if self.env.su:
            return
        self.check_access("write")
        if not self.env.user.has_group(policy.MANAGER_GROUP):
            raise UserError(
                self.env._("%(step)s an access review is for governance managers.", step=step)
            )

    def action_open(self):
        """Open draft campaigns: one item per live row in scope (``review_scope``)."""
        self._ov_check_manager(self.env._("Opening"))
        for review in self:
            if review.state != "draft":
                raise UserError(
                    self.env._(
                        "%(review)s is %(state)s: only a draft campaign opens.",
                        review=review.display_name,
                        state=review.state,
                    )
                )
            review._ov_open()
        return True

    def _ov_open(self):
        self.ensure_one()
        self.env.cr.execute(
            "SELECT state FROM ov_access_review WHERE id = %s FOR UPDATE", [self.id]
        )
        if self.env.cr.fetchone()[0] != "draft":
            raise UserError(
                self.env._("%(review)s was opened meanwhile.", review=self.display_name)
            )
        self._ov_system_write({"state": "open", "opened_at": fields.Datetime.now()})
        self._ov_generate_items()
        self._ov_notify_reviewers(opening=True)

    def action_close(self):
        """Close open campaigns (``review_closing``)."""
        self._ov_check_manager(self.env._("Closing"))
        for review in self:
            if review.state != "open":
                raise UserError(
                    self.env._(
                        "%(review)s is %(state)s: only an open campaign closes.",
                        review=review.display_name,
                        state=review.state,
                    )
                )
            review._ov_close()
        return True

    def action_view_items(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Items of %(review)s", review=self.name),
            "res_model": "ov.access.review.item",
            "view_mode": "list,kanban,form",
            "domain": [("review_id", "=", self.id)],
            "context": {"search_default_group_decision": 1},
        }
