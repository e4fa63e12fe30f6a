from psycopg2 import errorcodes

from odoo.exceptions import ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import TransactionCase, tagged

from odoo.addons.ov_association_base.tests.common import my_rows, refused_as_referenced


@tagged("post_install", "-at_install")
class TestSaCustomer(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sa = cls.env["ov.sa"].create({"name": "Customer SA", "code": "CUST-TEST"})
        cls.company_partner = cls.env["res.partner"].create(
            {"name": "Governed Co", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jane at Governed Co", "parent_id": cls.company_partner.id}
        )

    def _associate(self, partner, kind="binding", sa=None):
        return self.env["ov.sa_customer"].create(
            {"sa_id": (sa or self.sa).id, "partner_id": partner.id, "association_kind": kind}
        )

    def test_governed_customer_cannot_be_deleted(self):
        row = self._associate(self.company_partner)
        row.action_activate()
        row.action_revoke(reason="history stays")
        with refused_as_referenced(self, "ov_sa_customer_partner_id_fkey") as caught:
            self.company_partner.unlink()
        self.assertTrue(self.company_partner.exists())
        # What a user sees: Odoo's RPC layer turns the error into this message.
        # Up to PostgreSQL 17 Odoo 18 names the model; PostgreSQL 18 reports
        # the refusal with a code of its own, which Odoo 18 shows as the
        # database's text, naming the association table and its foreign key.
        message = str(_as_validation_error(self.env, caught[0]))
        if caught[0].pgcode == errorcodes.FOREIGN_KEY_VIOLATION:
            self.assertIn("another model requires the record being deleted", message)
            self.assertIn("Model: SA association of a customer (ov.sa_customer)", message)
        else:
            self.assertIn(
                "violates RESTRICT setting of foreign key constraint"
                ' "ov_sa_customer_partner_id_fkey" on table "ov_sa_customer"',
                message,
            )

    def test_ungoverned_customer_can_be_deleted(self):
        free = self.env["res.partner"].create({"name": "Free Co", "is_company": True})
        free.unlink()
        self.assertFalse(free.exists())

    def test_contact_is_refused_as_customer(self):
        with self.assertRaisesRegex(ValidationError, "Jane at Governed Co.*Governed Co"):
            self._associate(self.contact)
        individual = self.env["res.partner"].create({"name": "Solo trader"})
        self.assertTrue(self._associate(individual, kind="access"))

    def test_a_customer_is_bound_to_one_sa_at_a_time(self):
        self._associate(self.company_partner).action_activate()
        other_sa = self.env["ov.sa"].create({"name": "Other", "code": "CUST-TEST-2"})
        second = self._associate(self.company_partner, sa=other_sa)
        with self.assertRaisesRegex(ValidationError, "binding"):
            second.action_activate()
        self.assertEqual(second.state, "draft")

    def test_demo_my_customers(self):
        bob = self.env.ref("ov_association_base.demo_user_bob", raise_if_not_found=False)
        if not bob:
            self.skipTest("demo data is not installed")
        action = "ov_sa_customer.ov_actor_sa_customer_action_my"
        rows = my_rows(self.env, action, bob)
        self.assertEqual(rows, self.env.ref("ov_sa_customer.demo_actor_customer_bob_deco"))
        self.assertEqual(rows.partner_id, self.env.ref("base.res_partner_2"))
        carol = self.env.ref("ov_association_base.demo_user_carol")
        self.assertEqual(
            my_rows(self.env, action, carol),
            self.env.ref("ov_sa_customer.demo_actor_customer_carol_gemini"),
        )
