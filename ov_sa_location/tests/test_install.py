from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_installed_with_its_dependencies(self):
        Module = self.env["ir.module.module"]
        module = Module.search([("name", "=", "ov_sa_location")])
        self.assertEqual(module.state, "installed")
        depends = set(module.dependencies_id.mapped("name"))
        self.assertIn("ov_association_base", depends)
        self.assertFalse(
            Module.search([("name", "in", list(depends)), ("state", "!=", "installed")])
        )
