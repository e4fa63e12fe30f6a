"""A member of "Inventory: governed locations only" sees, in Odoo's own
location screens, the locations their actor reaches and every location below
them (collection scope), and no other."""

from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestGovernedLocationsOnly(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keeper = new_test_user(
            cls.env,
            "ov_governed_keeper",
            groups="stock.group_stock_user,ov_sa_location.group_governed_only",
        )
        actor = cls.env["ov.actor"].create({"user_id": cls.keeper.id})
        sa = cls.env["ov.sa"].create({"name": "Governed stock", "code": "LOC-GOV"})
        cls.env["ov.sa.membership"].create({"sa_id": sa.id, "actor_id": actor.id}).action_activate()
        Location = cls.env["stock.location"]
        cls.hall = Location.create({"name": "Governed hall", "usage": "internal"})
        cls.shelf = Location.create({"name": "Shelf A", "location_id": cls.hall.id})
        cls.bin = Location.create({"name": "Bin 1", "location_id": cls.shelf.id})
        cls.other = Location.create({"name": "Other hall", "usage": "internal"})
        row = cls.env["ov.sa_location"].create(
            {"sa_id": sa.id, "location_id": cls.shelf.id, "association_kind": "access"}
        )
        row.action_activate()
        cls.env["ov.actor_sa_location"].create(
            {"sa_location_id": row.id, "actor_id": actor.id, "association_kind": "access"}
        ).action_activate()

    def test_reached_location_and_below_only(self):
        every = self.hall | self.shelf | self.bin | self.other
        Location = self.env["stock.location"].with_user(self.keeper)
        seen = Location.search([("id", "in", every.ids)])
        self.assertEqual(sorted(seen.mapped("name")), ["Bin 1", "Shelf A"])
        self.assertEqual(Location.search_count([("id", "in", every.ids)]), 2)
        names = [name for _id, name in Location.name_search("", [("id", "in", every.ids)])]
        self.assertEqual(sorted(names), ["Governed hall/Shelf A", "Governed hall/Shelf A/Bin 1"])
        self.assertFalse(self.hall.with_user(self.keeper).has_access("read"))
        self.assertFalse(self.other.with_user(self.keeper).has_access("read"))
        self.assertTrue(self.bin.with_user(self.keeper).has_access("read"))
