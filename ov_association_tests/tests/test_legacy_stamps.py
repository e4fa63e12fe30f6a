"""ADR 0003 step 7, "do not create new legacy", on the live registry (issue 10)."""

from odoo.tests import tagged
from odoo.tests.common import TransactionCase

CHECK_LOGGER = "odoo.addons.ov_association_base.models.legacy_stamps"


@tagged("post_install", "-at_install")
class TestLegacyStamps(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Custom fields rebuild the registry: in test mode, resetting it after
        # each test reads them back through this test's cursor (rolled back).
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)

    def setUp(self):
        self.addCleanup(self.registry.reset_changes)  # runs last: after the rollback
        super().setUp()

    def test_no_undeclared_stamp_in_this_database(self):
        """Conformance: no model outside ov.* points at governance, unless a
        migration plan declares the field legacy."""
        self.assertEqual(self.env["ov.legacy.stamp.check"].ov_undeclared_stamp_fields(), [])

    def add_field(self, model, name, comodel, ttype="many2one"):
        self.env["ir.model.fields"].create(
            {
                "model_id": self.env["ir.model"]._get_id(model),
                "name": name,
                "field_description": name,
                "ttype": ttype,
                "relation": comodel,
                "state": "manual",
            }
        )

    def test_a_new_stamp_field_fails_the_check(self):
        self.env["ir.model"].create(
            {"name": "Legacy ticket", "model": "x_ov_legacy_ticket", "state": "manual"}
        )
        self.add_field("x_ov_legacy_ticket", "x_sa_id", "ov.sa")
        self.add_field("x_ov_legacy_ticket", "x_watcher_ids", "ov.actor", "many2many")
        self.add_field("x_ov_legacy_ticket", "x_partner_id", "res.partner")
        Check = self.env["ov.legacy.stamp.check"]
        self.assertEqual(
            Check.ov_undeclared_stamp_fields(),
            ["x_ov_legacy_ticket.x_sa_id", "x_ov_legacy_ticket.x_watcher_ids"],
        )
        with self.assertLogs(CHECK_LOGGER, "WARNING") as logged:
            Check._register_hook()
        self.assertIn(
            "New legacy governance stamps (ADR 0003, step 7): x_ov_legacy_ticket.x_sa_id, "
            "x_ov_legacy_ticket.x_watcher_ids. A native record does not carry its SA or actor",
            logged.output[0],
        )

    def test_a_plan_declares_a_stamp_legacy(self):
        if "ov.sa_sale_order" not in self.env:
            self.skipTest("ov_sa_sale_order is not installed: plan declaration NOT TESTED")
        if "ov.migration.plan" not in self.env:
            self.skipTest("ov_association_migration is not installed: plan declaration NOT TESTED")
        self.add_field("sale.order", "x_legacy_sa_id", "ov.sa")
        Check = self.env["ov.legacy.stamp.check"]
        self.assertEqual(Check.ov_undeclared_stamp_fields(), ["sale.order.x_legacy_sa_id"])
        self.env["ov.migration.plan"].create(
            {
                "name": "Legacy SA of orders",
                "legacy_model_id": self.env["ir.model"]._get_id("sale.order"),
                "pair_model": "ov.sa_sale_order",
                "sa_field_id": self.env["ir.model.fields"]._get("sale.order", "x_legacy_sa_id").id,
            }
        )
        self.assertEqual(Check.ov_undeclared_stamp_fields(), [])
