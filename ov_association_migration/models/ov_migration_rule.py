import ast

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.ov_association_base import arguments, policy
from odoo.addons.ov_association_base.models.guard_mixin import checked

# Characters of a rule's domain text, checked before it is parsed (docs/design.md §5):
# room for a domain at the library's size limit (arguments.MAX_DOMAIN_SIZE
# elements, a few characters each), never megabytes for the parser.
MAX_DOMAIN_TEXT_LENGTH = 100_000


def parse_domain(text):
    """The domain a rule's text writes: a literal list within the limits of
    ``arguments.domain``, or an ``ArgumentError`` saying what is wrong.

    Parsed with ``ast.literal_eval``, never evaluated: no operator, name or
    call runs (``9**9**9`` once held the worker for minutes at Classify).
    A classification rule selects legacy rows once, for everyone, so it has
    no use for ``uid`` or ``context_today``.
    """
    if text is None or text is False or text == "":
        return []
    if not isinstance(text, str):
        raise arguments.ArgumentError(
            f"domain must be the text of a list, not {arguments.shown(text)}."
        )
    if len(text) > MAX_DOMAIN_TEXT_LENGTH:
        raise arguments.ArgumentError(
            f"domain: {len(text)} characters is more than {MAX_DOMAIN_TEXT_LENGTH}."
        )
    try:
        domain = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise arguments.ArgumentError(
            "domain must be a literal list of search terms (texts, numbers, True, "
            "False, None and lists of them; no operator, name or call), "
            f"not {arguments.shown(text)}."
        ) from None
    if not isinstance(domain, list):
        raise arguments.ArgumentError(
            f"domain must be a list of search terms, not {arguments.shown(domain)}."
        )
    return arguments.domain(domain)


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
        default="[]",
        required=True,
        help="Domain on the legacy model, a literal list; [] matches every row.",
    )
    sa_kind = fields.Selection(list(policy.KINDS), string="SA kind", required=True)
    actor_kind = fields.Selection(
        list(policy.KINDS), help="Kind of the actor rows (plans with an actor stamp)."
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "domain" in vals:
                self._ov_check_domain_text(vals.get("name"), vals["domain"])
        return super().create(vals_list)

    def write(self, vals):
        if "domain" in vals:
            for rule in self:
                rule._ov_check_domain_text(vals.get("name", rule.name), vals["domain"])
        return super().write(vals)

    def _ov_check_domain_text(self, name, text):
        """Refuse a domain text ``parse_domain`` refuses, before it is stored."""
        checked(
            parse_domain, text, label=self.env._("Classification rule %(rule)s", rule=name or "")
        )

    def _ov_domain(self):
        """The rule's domain as a list, or a UserError naming the rule.

        Parsed as when it was written: a rule stored before the limits is
        refused here, not evaluated.
        """
        self.ensure_one()
        try:
            domain = parse_domain(self.domain or "[]")
            model = self.env[self.plan_id.legacy_model]
            model._search(domain)  # unknown fields and operators fail here
        except Exception as error:
            raise UserError(
                self.env._(
                    "Classification rule %(rule)s of plan %(plan)s: invalid domain %(domain)s "
                    "(%(error)s).",
                    rule=self.name,
                    plan=self.plan_id.name,
                    domain=arguments.shown(self.domain),
                    error=error,
                )
            ) from None
        return domain
