from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.ov_association_base import policy


class OvMigrationRule(models.Model):
    """Step 1 of the ADR: what the stamped rows a domain selects become.

    A legacy stamp that mixed meanings is split by domain: the first rule (by
    sequence) whose domain matches a row gives its kinds; a row no rule
    matches is skipped as unclassified.
    """

    _name = "ov.migration.rule"
    _inherit = "ov.migration.plan.line"
    _description = "Classification rule of a migration plan"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(
        required=True, help="What the stamp means on these rows, e.g. 'salesperson'."
    )
    domain = fields.Char(
        default="[]", required=True, help="Domain on the legacy model; [] matches every row."
    )
    sa_kind = fields.Selection(list(policy.KINDS), string="SA kind", required=True)
    actor_kind = fields.Selection(
        list(policy.KINDS), help="Kind of the actor rows (plans with an actor stamp)."
    )

    def _ov_domain(self):
        """The rule's domain as a list, or a UserError naming the rule."""
        self.ensure_one()
        try:
            domain = safe_eval(self.domain or "[]")
            if not isinstance(domain, list):
                raise ValueError(domain)
            model = self.env[self.plan_id.legacy_model]
            model._search(domain)  # unknown fields and operators fail here
        except Exception as error:
            raise UserError(
                self.env._(
                    "Classification rule %(rule)s of plan %(plan)s: invalid domain %(domain)s "
                    "(%(error)s).",
                    rule=self.name,
                    plan=self.plan_id.name,
                    domain=self.domain,
                    error=error,
                )
            ) from None
        return domain
