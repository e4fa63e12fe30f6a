from odoo import api, models
from odoo.exceptions import ValidationError

from odoo.addons.ov_association_base import policy


class OvMigrationPlanSettings(models.AbstractModel):
    """Whether a plan's settings (ov.migration.plan) make a plan that can run:
    checked when they are saved, and again before a step."""

    _name = "ov.migration.plan.settings"
    _description = "Migration plan settings check"

    @api.constrains("legacy_model_id", "pair_model", "sa_field_id", "actor_field_id")
    def _check_settings(self):
        for plan in self:
            problem = plan._ov_settings_problem()
            if problem:
                raise ValidationError(
                    self.env._(
                        "Migration plan %(plan)s: %(problem)s", plan=plan.name, problem=problem
                    )
                )

    def _ov_settings_problem(self):
        """What is wrong with the plan's settings, in one sentence, or None."""
        env = self.env
        if self.pair_model not in self._ov_pair_model_names():
            return env._(
                "the target pair (pair_model) %(pair)s is not an installed SA-layer "
                "association model.",
                pair=self.pair_model,
            )
        pair = env[self.pair_model]
        governed = pair._fields[pair._ov_target_field].comodel_name
        if governed != self.legacy_model:
            return env._(
                "the pair %(pair)s governs %(governed)s, not the legacy model %(legacy)s.",
                pair=self.pair_model,
                governed=governed,
                legacy=self.legacy_model,
            )
        if not self.sa_field_id and not self.actor_field_id:
            return env._("name the SA stamp, the actor stamp or both.")
        for label, field in (
            (env._("SA stamp"), self.sa_field_id),
            (env._("actor stamp"), self.actor_field_id),
            (env._("effective from"), self.date_from_field_id),
            (env._("effective until"), self.date_to_field_id),
            (env._("granted by"), self.granted_by_field_id),
        ):
            if field and field.model_id != self.legacy_model_id:
                return env._(
                    "the %(label)s %(field)s is not a field of %(model)s.",
                    label=label,
                    field=field.name,
                    model=self.legacy_model,
                )
        expected = (
            (env._("SA stamp"), self.sa_field_id, ("many2one",), None),
            (env._("actor stamp"), self.actor_field_id, ("many2one",), None),
            (env._("effective from"), self.date_from_field_id, ("date", "datetime"), None),
            (env._("effective until"), self.date_to_field_id, ("date", "datetime"), None),
            (env._("granted by"), self.granted_by_field_id, ("many2one",), "res.users"),
        )
        for label, field, types, relation in expected:
            if field and (
                not field.store
                or field.ttype not in types
                or (relation and field.relation != relation)
            ):
                return env._(
                    "the %(label)s %(field)s must be a stored %(types)s field%(relation)s.",
                    label=label,
                    field=field.name,
                    types=" or ".join(types),
                    relation=f" to {relation}" if relation else "",
                )
        company_field = env[self.legacy_model]._fields.get("company_id")
        if company_field and not (company_field.store and company_field.type == "many2one"):
            return env._(
                "the legacy model %(model)s has a company it does not store: the plan "
                "could not keep to its company's records.",
                model=self.legacy_model,
            )
        if self.actor_field_id and pair._ov_actor_model() is None:
            return env._("the pair %(pair)s has no actor layer.", pair=self.pair_model)
        if self.sa_field_id == self.actor_field_id:
            return env._("the SA stamp and the actor stamp must differ.")
        return None

    def _ov_classification_problem(self):
        """Why the plan cannot run yet (step 1 incomplete), or None."""
        self.ensure_one()
        env = self.env
        problem = self._ov_settings_problem()
        if problem:
            return problem
        if not self.rule_ids:
            return env._(
                "it has no classification: say what each stamped row becomes "
                "(assignment, access or binding) before anything is migrated."
            )
        if not self.sa_field_id and not self.default_sa_id:
            return env._("without an SA stamp, the plan needs a default SA.")
        kinds = {kind for kind, _label in policy.KINDS}
        for rule in self.rule_ids:
            if rule.sa_kind not in kinds:
                return env._("rule %(rule)s has no SA kind.", rule=rule.display_name)
            if self.actor_field_id and rule.actor_kind not in kinds:
                return env._(
                    "rule %(rule)s needs an actor kind (the plan has an actor stamp).",
                    rule=rule.display_name,
                )
            rule._ov_domain()  # raises a UserError naming the rule if invalid
        return None
