from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from .plan_line import STEP_KEY, STEP_MARKER, accepted_reason
from .plan_rules import RULE_STEP_STATES

STATES = [
    ("unsupported", "No proposal"),
    ("proposed", "Proposed"),
    ("differs", "Visibility differs"),
    ("verified", "Visibility parity"),
    ("accepted", "Differences accepted"),
    ("applied", "Applied"),
]
SIDES = [("sa", "SA stamp"), ("actor", "Actor stamp")]


class OvMigrationRuleReplacement(models.Model):
    """One record rule that reads a plan's legacy stamp, and the governed rule
    that replaces it (the retire step for rules, ADR 0003 migration path).

    Proposed by the plan (``plan_rules.py``); *verified* when every user the
    rule applies to sees the same records with the governed domain as with
    the stamp (``rule_visibility.py``); *applied* when the rule's domain is
    rewritten, audited. Written by these steps alone: managers read the lines.
    """

    _name = "ov.migration.rule.replacement"
    _inherit = ["ov.migration.rule.visibility", "ov.association.guard.mixin"]
    _description = "Record rule replacement of a migration plan"
    _order = "plan_id, id"

    plan_id = fields.Many2one(
        "ov.migration.plan", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    rule_id = fields.Many2one(
        "ir.rule",
        string="Record rule",
        ondelete="set null",
        readonly=True,
        help="Emptied if the rule is deleted; the line stays the record of the step.",
    )
    rule_name = fields.Char("Rule", readonly=True)
    side = fields.Selection(SIDES, readonly=True, help="The stamp the rule reads.")
    old_domain = fields.Text("Domain (stamp)", readonly=True)
    new_domain = fields.Text("Domain (governed)", readonly=True)
    state = fields.Selection(STATES, required=True, readonly=True)
    note = fields.Text(readonly=True, help="Why no replacement is proposed.")
    parity_date = fields.Datetime("Visibility checked on", readonly=True)
    users_checked = fields.Integer(readonly=True)
    users_differing = fields.Integer(readonly=True)
    records_lost = fields.Integer(
        "No longer seen", readonly=True, help="(user, record) pairs seen with the stamp only."
    )
    records_gained = fields.Integer(
        "Newly seen", readonly=True, help="(user, record) pairs seen with the governed rule only."
    )
    differences = fields.Text(
        readonly=True, help="Some differing users, each with some of the records concerned."
    )
    accepted_reason = fields.Text(readonly=True)
    applied_date = fields.Datetime(readonly=True)

    def _ov_check_unlink(self):
        # The plan's proposal step replaces its own open lines; nobody else
        # deletes them, whatever the context (guard_mixin in the base).
        result = super()._ov_check_unlink()
        if not self or self.env.context.get(STEP_KEY) is STEP_MARKER:
            return result
        raise UserError(
            self.env._(
                "Migration plan %(plan)s: its record rule replacements are replaced by "
                "its steps only.",
                plan=self[:1].plan_id.name,
            )
        )

    def _ov_system(self):
        # sudo: the lines are written by the steps alone; managers only read them.
        return self.sudo().with_context(**{STEP_KEY: STEP_MARKER})

    # ------------------------------------------------------------------
    # Checks shared by the steps
    # ------------------------------------------------------------------
    def _ov_check_open(self, states):
        """The line is in one of ``states``, its plan past parity, its rule as proposed."""
        self.ensure_one()
        env = self.env
        if self.state not in states:
            raise UserError(
                env._(
                    "Record rule %(rule)s (plan %(plan)s) is %(state)s: this step takes a "
                    "replacement that is %(states)s.",
                    rule=self.rule_name,
                    plan=self.plan_id.name,
                    state=dict(STATES)[self.state],
                    states=", ".join(dict(STATES)[state] for state in states),
                )
            )
        if self.plan_id.state not in RULE_STEP_STATES:
            raise UserError(
                env._(
                    "Record rule %(rule)s: plan %(plan)s must have verified parity before "
                    "its rules are replaced.",
                    rule=self.rule_name,
                    plan=self.plan_id.name,
                )
            )
        # sudo: ir.rule belongs to Odoo's Access Rights group; the step reads
        # the one rule its line names.
        rule = self.rule_id.sudo()
        if not rule or rule.domain_force != self.old_domain:
            raise UserError(
                env._(
                    "Record rule %(rule)s changed (or was deleted) since plan %(plan)s "
                    "proposed its replacement: propose the replacements again.",
                    rule=self.rule_name,
                    plan=self.plan_id.name,
                )
            )

    def _ov_store_visibility(self, checked, differing, extra=None):
        self._ov_system().write(
            {
                "parity_date": fields.Datetime.now(),
                "users_checked": checked,
                "users_differing": len(differing),
                "records_lost": sum(item["lost"] for item in differing),
                "records_gained": sum(item["gained"] for item in differing),
                "differences": self._ov_differences_text(differing) or False,
                **(extra or {}),
            }
        )

    def _ov_same_differences(self, differing):
        return (
            len(differing),
            sum(item["lost"] for item in differing),
            sum(item["gained"] for item in differing),
        ) == (self.users_differing, self.records_lost, self.records_gained)

    def _ov_audit(self, model, res_id, old, new, reason):
        self.env["ov.association.event"]._ov_append(
            [
                {
                    "model": model,
                    "res_id": res_id,
                    "event": "migration",
                    "old_value": old,
                    "new_value": new,
                    "reason": reason,
                    "user_id": self.env.uid,
                    # A plan's history is its company's, as the plan (docs/design.md §5).
                    "company_id": self.plan_id.company_id.id,
                }
            ]
        )

    # ------------------------------------------------------------------
    # Visibility parity
    # ------------------------------------------------------------------
    def action_verify(self):
        """Compare what every user the rule applies to sees, stamp against governed."""
        self.plan_id._ov_check_manager()
        for line in self:
            line._ov_check_open(("proposed", "differs", "verified", "accepted"))
            checked, differing = line._ov_visibility()
            line._ov_store_visibility(
                checked,
                differing,
                {"state": "differs" if differing else "verified", "accepted_reason": False},
            )
        return True

    def action_accept_differences(self, reason=None):
        """Accept the visibility differences verified, with a reason (audited),
        as a plan accepts its parity differences."""
        self.plan_id._ov_check_manager()
        reason = accepted_reason(
            reason,
            lambda error: UserError(
                self.env._(
                    "Record rule %(rule)s: accepting what its replacement changes needs a "
                    "reason, a text the audit log keeps%(error)s.",
                    rule=self[:1].rule_name,
                    error=error,
                )
            ),
        )
        for line in self:
            line._ov_check_open(("differs",))
            checked, differing = line._ov_visibility()
            if not line._ov_same_differences(differing):
                # What the reason accepts must be what the log records.
                raise UserError(
                    self.env._(
                        "Record rule %(rule)s: what users see changed since its visibility "
                        "was verified (%(users)s user(s) differed then, %(now)s now); "
                        "verify again before accepting the differences.",
                        rule=line.rule_name,
                        users=line.users_differing,
                        now=len(differing),
                    )
                )
            hidden = line._ov_unreadable_users(differing)
            if hidden:
                raise UserError(
                    self.env._(
                        "Record rule %(rule)s: its replacement changes what %(count)s user(s) "
                        "you cannot read see (another company): accept it as a manager of "
                        "every company it touches.",
                        rule=line.rule_name,
                        count=len(hidden),
                    )
                )
            line._ov_store_visibility(
                checked, differing, {"state": "accepted", "accepted_reason": reason}
            )
            line._ov_audit(line._name, line.id, "differs", "accepted", reason)
        return True

    # ------------------------------------------------------------------
    # Apply: the rule no longer reads the stamp
    # ------------------------------------------------------------------
    def action_apply(self):
        """Write the governed domain on the rule, audited.

        Refused, naming the rule and a user, unless visibility parity holds
        now, or the differences now are those a manager accepted.
        """
        self.plan_id._ov_check_manager()
        env = self.env
        # A record rule decides what users of every company see: replacing one
        # is Odoo's Settings right too, not a governance manager's alone (whose
        # plan keeps to one company).
        if not env.su and not env.user.has_group("base.group_system"):
            raise AccessError(
                env._(
                    "Record rule %(rule)s: replacing a record rule also takes Odoo's "
                    "Settings rights (Administration / Settings).",
                    rule=self[:1].rule_name,
                )
            )
        for line in self:
            line._ov_check_open(("proposed", "differs", "verified", "accepted"))
            checked, differing = line._ov_visibility()
            accepted = line.state == "accepted"
            if accepted and not line._ov_same_differences(differing):
                raise UserError(
                    env._(
                        "Record rule %(rule)s: what users see changed since its differences "
                        "were accepted (%(users)s user(s) then, %(now)s now, e.g. %(user)s); "
                        "verify again.",
                        rule=line.rule_name,
                        users=line.users_differing,
                        now=len(differing),
                        user=line._ov_user_label(differing[0]["user"]) if differing else "-",
                    )
                )
            if differing and not accepted:
                first = differing[0]
                raise UserError(
                    env._(
                        "Record rule %(rule)s: the governed domain would change what %(user)s "
                        "sees (%(lost)s record(s) no longer seen, %(gained)s newly seen; "
                        "%(count)s user(s) differ). Fix the associations, or verify and "
                        "accept the differences with a reason.",
                        rule=line.rule_name,
                        user=line._ov_user_label(first["user"]),
                        lost=first["lost"],
                        gained=first["gained"],
                        count=len(differing),
                    )
                )
            # sudo: the step writes the one rule its line names, with the
            # domain it proposed, once visibility parity allowed it (the
            # manager holds Settings rights, checked above; ir.rule's own
            # write right is Odoo's Access Rights group).
            line.rule_id.sudo().write({"domain_force": line.new_domain})
            if accepted:
                why = env._(
                    "Replaced by migration plan %(plan)s, differences accepted (%(users)s "
                    "user(s), %(lost)s no longer seen, %(gained)s newly seen): %(reason)s",
                    plan=line.plan_id.name,
                    users=line.users_differing,
                    lost=line.records_lost,
                    gained=line.records_gained,
                    reason=line.accepted_reason,
                )
            else:
                why = env._(
                    "Replaced by migration plan %(plan)s: visibility parity for %(users)s user(s)",
                    plan=line.plan_id.name,
                    users=checked,
                )
            line._ov_audit("ir.rule", line.rule_id.id, line.old_domain, line.new_domain, why)
            line._ov_store_visibility(
                checked, differing, {"state": "applied", "applied_date": fields.Datetime.now()}
            )
        return True
