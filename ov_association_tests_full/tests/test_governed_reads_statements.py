"""A manager's governed reads about another actor: the actor argument's
readability is checked inside the read's own statement (issue 26), with
the same answers and errors as a check of its own."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestGovernedReadsStatements(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "ov_statements_manager",
            groups="ov_association_base.group_ov_manager",
        )
        Actor = cls.env["ov.actor"]
        cls.actor = Actor.create({"name": "Statements actor"})
        cls.foreign = Actor.create({"name": "Foreign actor"})
        cls.sa = cls.env["ov.sa"].create({"name": "Statements SA", "code": "STATEMENTS"})
        Membership = cls.env["ov.sa.membership"]
        for actor in (cls.actor, cls.foreign):
            Membership.create({"sa_id": cls.sa.id, "actor_id": actor.id}).action_activate()
        Target = cls.env["ov.test.target"]
        cls.reached, cls.other = Target.create(
            [{"name": "statements reached"}, {"name": "statements other"}]
        )
        rows = cls.env["ov.sa_test_target"].create(
            [
                {"sa_id": cls.sa.id, "target_id": t.id, "association_kind": "access"}
                for t in (cls.reached, cls.other)
            ]
        )
        rows.action_activate()
        for actor, row in ((cls.actor, rows[0]), (cls.foreign, rows[1])):
            cls.env["ov.actor_sa_test_target"].create(
                {"sa_test_target_id": row.id, "actor_id": actor.id, "association_kind": "access"}
            ).action_activate()
        # An integrator's rule hides that actor from managers; its rows stay
        # readable (the library keeps an actor's rows in its own company).
        cls.env["ir.rule"].create(
            {
                "name": "Statements: one actor hidden from managers",
                "model_id": cls.env["ir.model"]._get_id("ov.actor"),
                "groups": [(6, 0, cls.env.ref("ov_association_base.group_ov_manager").ids)],
                "domain_force": f"[('id', '!=', {cls.foreign.id})]",
            }
        )
        cls.as_manager = cls.env["ov.sa_test_target"].with_user(cls.manager)

    def reads(self, actor_id):
        Sa = self.as_manager
        return {
            "check_governed": lambda: Sa.check_governed(self.reached.id, actor_id=actor_id),
            "search_governed_targets": lambda: Sa.search_governed_targets(actor_id=actor_id).ids,
            "check_governed_many": lambda: Sa.check_governed_many(
                [self.reached.id, self.other.id], actor_id=actor_id
            ),
        }

    def test_answers_in_one_statement(self):
        expected = {
            "check_governed": True,
            "search_governed_targets": [self.reached.id],
            "check_governed_many": {self.reached.id: True, self.other.id: False},
        }
        for name, read in self.reads(self.actor.id).items():
            with self.subTest(read=name):
                self.assertEqual(read(), expected[name])  # warms Odoo's caches
                self.env.invalidate_all()
                with self.assertQueryCount(1):
                    self.assertEqual(read(), expected[name])

    def test_the_superuser_still_sees_the_foreign_actors_reach(self):
        """The fixture is effective: only the manager's rules hide it."""
        Sa = self.env["ov.sa_test_target"]
        self.assertTrue(Sa.check_governed(self.other.id, actor_id=self.foreign.id))
        self.assertEqual(Sa.search_governed_targets(actor_id=self.foreign.id), self.other)

    def test_an_unreadable_actor_is_refused_even_with_readable_rows(self):
        for name, read in self.reads(self.foreign.id).items():
            with (
                self.subTest(read=name),
                self.assertRaisesRegex(AccessError, "actor_id: you cannot read"),
            ):
                read()

    def test_a_missing_actor_is_named(self):
        for name, read in self.reads(987654321).items():
            with (
                self.subTest(read=name),
                self.assertRaisesRegex(UserError, "actor_id: there is no .* with id 987654321"),
            ):
                read()

    def test_an_archived_actor_answers(self):
        """Archived: still readable (no error), and it reaches nothing."""
        self.actor.active = False
        expected = {
            "check_governed": False,
            "search_governed_targets": [],
            "check_governed_many": {self.reached.id: False, self.other.id: False},
        }
        for name, read in self.reads(self.actor.id).items():
            with self.subTest(read=name):
                self.assertEqual(read(), expected[name])

    def test_an_empty_answer_still_checks_the_actor(self):
        """Nothing found: the check runs alone, and refuses or answers."""
        Sa = self.as_manager
        with self.assertRaisesRegex(AccessError, "actor_id: you cannot read"):
            Sa.search_governed_targets(actor_id=self.foreign.id, domain=[("id", "=", 0)])
        with self.assertRaisesRegex(AccessError, "actor_id: you cannot read"):
            Sa.check_governed_many([], actor_id=self.foreign.id)
        self.assertEqual(Sa.search_governed_targets(actor_id=self.actor.id, offset=5).ids, [])
        self.assertEqual(Sa.check_governed_many([], actor_id=self.actor.id), {})
