from odoo import SUPERUSER_ID, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from ..sql import rule_parity

# Differing users a line describes by name (all are counted).
SAMPLE_USERS = 10


class OvMigrationRuleVisibility(models.AbstractModel):
    """Visibility parity of a record rule replacement (ov.migration.rule.replacement).

    For every user the rule applies to (its groups' users; every internal
    user for a global rule; never the superuser, whom no rule binds), the
    records the user sees with the stamp domain and with the governed one,
    every other rule of the model unchanged: the rule domains are evaluated
    as Odoo evaluates them for that user (``ir.rule._eval_context``, all of
    the user's companies), and the two sets are compared by the database
    (``sql/rule_parity.py``).
    """

    _name = "ov.migration.rule.visibility"
    _description = "Visibility parity of a record rule replacement"

    def _ov_rule_users(self):
        """The users the line's rule applies to, by id."""
        # sudo: parity covers every user the rule binds, whichever company
        # the manager reads, and ir.rule is Odoo's Access Rights group's.
        rule = self.rule_id.sudo()
        Users = self.env["res.users"].sudo()
        if rule.groups:
            users = rule.groups.users.filtered("active")
        else:
            users = Users.search([("share", "=", False)])
        return users.filtered(lambda user: user.id != SUPERUSER_ID).sorted("id")

    def _ov_visible_query(self, user, text):
        """The ids ``user`` sees on the plan's legacy model (a subquery) when
        the line's rule reads ``text``, every other rule as it is.

        Odoo's ``ir.rule._compute_domain`` for one user, with the one rule's
        domain given: the global rules and-ed, the user's group rules or-ed,
        the rules of ``_inherits`` parents as Odoo adds them.
        """
        model_name = self.plan_id.legacy_model
        # A clean context: a fresh session of the user over all their companies
        # (no key of the manager's, such as "My X", changes what they see).
        user_env = self.env(
            user=user.id, su=False, context={"allowed_company_ids": user.company_ids.ids}
        )
        Rule = user_env["ir.rule"]
        Model = user_env[model_name]
        global_domains = []
        for parent_model, parent_field in Model._inherits.items():
            parent_domain = Rule._compute_domain(parent_model, "read")
            if parent_domain:
                global_domains.append([(parent_field, "any", parent_domain)])
        eval_context = Rule._eval_context()
        user_groups = user_env.user.groups_id
        group_domains = []
        # sudo: as Odoo reads the rules of a user (ir.rule._compute_domain).
        for rule in Rule._get_rules(model_name, mode="read").sudo():
            source = text if rule.id == self.rule_id.id else rule.domain_force
            try:
                domain = expression.normalize_domain(
                    safe_eval(source, eval_context) if source else []
                )
            except Exception as error:
                raise UserError(
                    self.env._(
                        "Record rule %(rule)s: the domain of record rule %(other)s cannot be "
                        "evaluated for %(user)s (%(error)s).",
                        rule=self.rule_name,
                        other=rule.name,
                        user=self._ov_user_label(user),
                        error=error,
                    )
                ) from None
            if not rule.groups:
                global_domains.append(domain)
            elif rule.groups & user_groups:
                group_domains.append(domain)
        if group_domains:
            global_domains.append(expression.OR(group_domains))
        domain = expression.AND(global_domains) if global_domains else []
        # sudo: the rules are in the domain already, evaluated for the user
        # (as Odoo's _apply_ir_rules does); archived records are seen too.
        return Model.sudo().with_context(active_test=False)._search(domain).subselect()

    def _ov_visibility(self):
        """(users checked, [{'user', 'lost', 'gained', 'sample'} of each
        differing user]) of the line now. A user whose access rights do not
        read the model sees nothing either way: checked, never differing."""
        self.ensure_one()
        env = self.env
        users = self._ov_rule_users()
        Mine = env[self.plan_id.legacy_model].with_context(active_test=False)
        readable = None if env.su else Mine._search([]).subselect()
        if readable is not None:
            env.flush_query(readable)
        differing = []
        for user in users:
            if not self._ov_may_read_model(user):
                continue  # sees no record of the model, with either domain
            before = self._ov_visible_query(user, self.old_domain)
            after = self._ov_visible_query(user, self.new_domain)
            # Odoo's SQL of the two domains names every field it reads, the
            # governed rules' association fields included (SQL.to_flush).
            env.flush_query(before)
            env.flush_query(after)
            lost, gained, sample = rule_parity.compare(env.cr, before, after, readable)
            if lost or gained:
                differing.append({"user": user, "lost": lost, "gained": gained, "sample": sample})
        return len(users), differing

    def _ov_may_read_model(self, user):
        """Whether ``user``'s access rights let them read the legacy model at all."""
        user_env = self.env(user=user.id, su=False, context={})
        return user_env["ir.model.access"].check(
            self.plan_id.legacy_model, "read", raise_exception=False
        )

    def _ov_unreadable_users(self, differing):
        users = self.env["res.users"].union(*(item["user"] for item in differing))
        return users - users.with_env(self.env)._filtered_access("read")

    def _ov_user_label(self, user):
        """The user's name and login, or only their id if the manager cannot read them."""
        if user.with_env(self.env)._filtered_access("read"):
            return f"{user.name} ({user.login})"
        return self.env._("user #%(id)s (not readable)", id=user.id)

    def _ov_differences_text(self, differing):
        lines = [
            self.env._(
                "%(user)s: %(lost)s no longer seen, %(gained)s newly seen; records %(sample)s",
                user=self._ov_user_label(item["user"]),
                lost=item["lost"],
                gained=item["gained"],
                sample=", ".join(map(str, item["sample"])) or "-",
            )
            for item in differing[:SAMPLE_USERS]
        ]
        if len(differing) > SAMPLE_USERS:
            lines.append(
                self.env._("… and %(count)s more user(s)", count=len(differing) - SAMPLE_USERS)
            )
        return "\n".join(lines)
