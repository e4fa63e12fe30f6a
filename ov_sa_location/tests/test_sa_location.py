from odoo.tests import TransactionCase, tagged

from odoo.addons.ov_association_base.tests.common import my_rows


@tagged("post_install", "-at_install")
class TestSaLocation(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sa = cls.env["ov.sa"].create({"name": "Warehouse SA", "code": "LOC-TEST"})
        cls.actor = cls.env["ov.actor"].create({"name": "Keeper"})
        cls.env["ov.sa.membership"].create(
            {"sa_id": cls.sa.id, "actor_id": cls.actor.id}
        ).action_activate()
        Location = cls.env["stock.location"]
        cls.zone = Location.create({"name": "Governed zone", "usage": "view"})
        cls.aisle = Location.create({"name": "Aisle", "location_id": cls.zone.id})
        cls.shelf = Location.create({"name": "Shelf", "location_id": cls.aisle.id})
        cls.elsewhere = Location.create({"name": "Elsewhere"})

    def _govern(self, location):
        row = self.env["ov.sa_location"].create(
            {"sa_id": self.sa.id, "location_id": location.id, "association_kind": "access"}
        )
        row.action_activate()
        child = self.env["ov.actor_sa_location"].create(
            {
                "sa_location_id": row.id,
                "actor_id": self.actor.id,
                "association_kind": "access",
            }
        )
        child.action_activate()
        return row, child

    def test_governed_location_covers_its_children(self):
        self._govern(self.zone)
        SaLocation = self.env["ov.sa_location"]
        reached = SaLocation.search_governed_targets(actor_id=self.actor.id)
        self.assertEqual(reached, self.zone | self.aisle | self.shelf)
        self.assertEqual(SaLocation.search_governed_targets(sa_id=self.sa.id), reached)
        self.assertTrue(SaLocation.check_governed(self.shelf.id, actor_id=self.actor.id))
        self.assertFalse(SaLocation.check_governed(self.elsewhere.id, actor_id=self.actor.id))
        self.assertEqual(
            SaLocation.search_governed_targets(
                actor_id=self.actor.id, domain=[("name", "=", "Shelf")]
            ),
            self.shelf,
        )

    def test_explain_a_location_covered_by_its_ancestor(self):
        if "ov.association.governed.explain.mixin" not in self.env.registry:
            self.skipTest("needs ov_association_explain, not installed")
        row, _child = self._govern(self.zone)
        SaLocation = self.env["ov.sa_location"]
        explained = SaLocation.explain_governed(self.shelf.id, actor_id=self.actor.id)
        self.assertTrue(explained["allowed"])
        (path,) = explained["paths"]
        self.assertEqual(path["sa_row"]["id"], row.id)
        self.assertEqual(
            [reason["code"] for reason in path["sa_row"]["reasons"]], ["covered_by_ancestor"]
        )
        self.assertTrue(path["effective"])
        self.assertEqual(
            SaLocation.check_governed_many(
                [self.zone.id, self.shelf.id, self.elsewhere.id], actor_id=self.actor.id
            ),
            {self.zone.id: True, self.shelf.id: True, self.elsewhere.id: False},
        )
        self.assertEqual(
            SaLocation.explain_governed(self.elsewhere.id, actor_id=self.actor.id)["paths"], []
        )

    def test_deleting_a_location_empties_the_association(self):
        spare = self.env["stock.location"].create({"name": "Spare"})
        row, child = self._govern(spare)
        spare.unlink()
        self.env.invalidate_all()
        self.assertTrue(row.exists() and child.exists())
        self.assertFalse(row.location_id)
        self.assertEqual(row.state, "active")
        self.assertFalse(row.is_effective)
        self.assertFalse(child.is_effective)
        self.assertFalse(self.env["ov.sa_location"].search_governed_targets(actor_id=self.actor.id))
        event = self.env["ov.association.event"].search(
            [("model", "=", row._name), ("res_id", "=", row.id), ("event", "=", "target_deleted")]
        )
        self.assertEqual(len(event), 1)

    def test_demo_my_locations(self):
        bob = self.env.ref("ov_association_base.demo_user_bob", raise_if_not_found=False)
        if not bob:
            self.skipTest("demo data is not installed")
        action = "ov_sa_location.ov_actor_sa_location_action_my"
        self.assertEqual(
            my_rows(self.env, action, bob),
            self.env.ref("ov_sa_location.demo_actor_location_bob_shelf"),
        )
        alice = self.env.ref("ov_association_base.demo_user_alice")
        self.assertFalse(my_rows(self.env, action, alice))  # her row is suspended
