"""Every model of the library has the core's guarantees from one place
(issue 21, "make it structural"; docs/design.md §5).

The models are discovered (``library_models``): a model added by a future
addon is checked without a line of test. What each check expects is written
out here, not read from the mixin that gives it.
"""

from odoo.tests import TransactionCase, tagged

from .library_models import library_models

GUARD = "ov.association.guard.mixin"


@tagged("post_install", "-at_install", "ov_adversarial")
class TestLibraryGuarantees(TransactionCase):
    def test_every_library_model_inherits_the_guarantees(self):
        models = library_models(self.env)
        # The core's own models at least: the discovery must find them.
        self.assertTrue(
            {"ov.sa", "ov.actor", "ov.sa.membership", "ov.association.event"} <= set(models)
        )
        missing = [name for name in models if not getattr(self.env[name], "_ov_guarded", False)]
        self.assertEqual(
            missing,
            [],
            f"inherit {GUARD} (the one place of the library's guarantees) in these models",
        )

    def test_company_scope_or_one_line_why_not(self):
        problems = []
        Rule = self.env["ir.rule"].sudo()  # sudo: the test reads every rule, global ones included
        for name in library_models(self.env):
            Model = self.env[name]
            scope = getattr(Model, "_ov_company_scope", None)
            if scope is not True:
                if not (isinstance(scope, str) and scope.strip() and "\n" not in scope):
                    problems.append(f"{name}: _ov_company_scope must be True or a one-line reason")
                continue
            field = Model._fields.get("company_id")
            if field is None or field.type != "many2one" or not field.store:
                problems.append(f"{name}: no stored company_id (or say why in _ov_company_scope)")
                continue
            rules = Rule.search(
                [("model_id.model", "=", name), ("global", "=", True), ("active", "=", True)]
            )
            if not any("company_ids" in (rule.domain_force or "") for rule in rules):
                problems.append(f"{name}: no global company record rule")
        self.assertEqual(problems, [])

    def test_the_models_without_company_scope_are_the_wizards(self):
        exempt = {
            name
            for name in library_models(self.env)
            if getattr(self.env[name], "_ov_company_scope", None) is not True
        }
        self.assertTrue(exempt, "the wizards say why they have no company")
        not_wizards = sorted(name for name in exempt if not self.env[name]._transient)
        self.assertEqual(not_wizards, [])

    def test_deletion_hooks_run_under_every_context(self):
        """No hook Odoo would skip under its module-uninstall key (``_force_unlink``)."""
        skipped = sorted(
            f"{name}.{method.__name__}"
            for name in library_models(self.env)
            for method in self.env[name]._ondelete_methods
            if not method._ondelete
        )
        self.assertEqual(skipped, [])
        for name in ("ov.sa", "ov.sa.membership", "ov.association.event"):
            hooks = {method.__name__ for method in self.env[name]._ondelete_methods}
            self.assertIn("_ov_guard_unlink", hooks, name)

    def test_derived_fields_are_refused_by_every_model(self):
        """Each model's stored computes and related fields are refused on write."""
        problems = []
        for name in library_models(self.env, transient=False):
            Model = self.env[name]
            derived = sorted(
                field_name
                for field_name, field in Model._fields.items()
                if field.store
                and field.compute
                and field.readonly
                and not field.inverse
                and field_name != "id"
            )
            if not derived or not Model._auto:
                continue
            record = Model.search([], limit=1)
            if not record:
                continue
            for field_name in derived:
                value = record[field_name]
                if Model._fields[field_name].type == "many2one":
                    value = value.id
                elif Model._fields[field_name].type in ("one2many", "many2many"):
                    continue
                try:
                    with self.env.cr.savepoint():
                        record.with_user(self.env.ref("base.user_admin")).write({field_name: value})
                    problems.append(f"{name}.{field_name} was written")
                except Exception as error:
                    if type(error).__name__ not in ("UserError", "ValidationError", "AccessError"):
                        problems.append(f"{name}.{field_name}: {type(error).__name__}: {error}")
        self.assertEqual(problems, [])
