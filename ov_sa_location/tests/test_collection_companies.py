"""Collection scope keeps to the reader's companies (issue 21, class 6).

A company-A association row on a company-less parent location covers the
parent's children that lie in the companies the reader may see, and the
company-less ones; every read (targets, check, check_many, explain, who
reaches) gives the same answer for the same record, live and as of a past
moment, through the superuser's plan-cached functions and a user's literal SQL.
"""

import unittest

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.ov_association_base.models import reach_functions


@tagged("post_install", "-at_install")
class TestCollectionCompanies(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "ov.association.governed.explain.mixin" not in cls.env.registry:
            # Every read is compared with its explanation, live and as of a moment.
            raise unittest.SkipTest("needs ov_association_explain (and history), not installed")
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Collection Co B"})
        cls.user = new_test_user(
            cls.env,
            "ov_collection_reader",
            groups="ov_association_base.group_ov_user,stock.group_stock_user",
            company_id=cls.company_a.id,
            company_ids=[(6, 0, (cls.company_a | cls.company_b).ids)],
        )
        cls.sa = cls.env["ov.sa"].create({"name": "Collection SA", "code": "COLL-A"})
        cls.actor = cls.env["ov.actor"].create({"user_id": cls.user.id})
        cls.env["ov.sa.membership"].create(
            {"sa_id": cls.sa.id, "actor_id": cls.actor.id}
        ).action_activate()
        Location = cls.env["stock.location"]
        cls.parent = Location.create({"name": "Shared zone", "usage": "view", "company_id": False})
        cls.child_a, cls.child_none, cls.child_b = Location.create(
            [
                {"name": "A aisle", "location_id": cls.parent.id, "company_id": cls.company_a.id},
                {"name": "Open aisle", "location_id": cls.parent.id, "company_id": False},
                {"name": "B aisle", "location_id": cls.parent.id, "company_id": cls.company_b.id},
            ]
        )
        # A company-B location below the B aisle: covered only where B is seen.
        cls.shelf_b = Location.create(
            {"name": "B shelf", "location_id": cls.child_b.id, "company_id": cls.company_b.id}
        )
        row = cls.env["ov.sa_location"].create(
            {"sa_id": cls.sa.id, "location_id": cls.parent.id, "association_kind": "access"}
        )
        row.action_activate()
        cls.env["ov.actor_sa_location"].create(
            {"sa_location_id": row.id, "actor_id": cls.actor.id, "association_kind": "access"}
        ).action_activate()
        cls.row = row
        cls.asked = cls.parent | cls.child_a | cls.child_none | cls.child_b | cls.shelf_b

    def readers(self, companies):
        """Every form of reader, each seeing ``companies``: the user (literal
        SQL, with its record rules), the superuser through the plan-cached
        functions, and the superuser's literal SQL."""
        context = {"allowed_company_ids": companies.ids}
        Sa = self.env["ov.sa_location"]
        return {
            "user": Sa.with_user(self.user).with_context(**context),
            "superuser, plan-cached": Sa.sudo().with_context(**context),
            "superuser, literal": Sa.sudo().with_context(ov_literal_sql=True, **context),
        }

    def answers(self, Sa, at=None):
        """What each read says of every asked location: {name: (check,
        check_many, in targets, explain allowed, an effective path)}."""
        ids = self.asked.ids
        many = Sa.check_governed_many(ids, actor_id=self.actor.id, at=at)
        targets = Sa.search_governed_targets(actor_id=self.actor.id, at=at)
        answers = {}
        for location in self.asked:
            explained = Sa.explain_governed(location.id, actor_id=self.actor.id, at=at)
            answers[location.name] = (
                Sa.check_governed(location.id, actor_id=self.actor.id, at=at),
                many[location.id],
                location in targets,
                explained["allowed"],
                any(path["effective"] for path in explained["paths"]),
            )
        return answers

    def test_company_a_reader_is_not_given_company_b_children(self):
        yes, no = (True,) * 5, (False,) * 5
        expected = {
            "Shared zone": yes,
            "A aisle": yes,
            "Open aisle": yes,
            "B aisle": no,
            "B shelf": no,
        }
        at = fields.Datetime.now()
        for form, Sa in self.readers(self.company_a).items():
            for moment in (None, at):
                with self.subTest(form=form, at=moment):
                    self.assertEqual(self.answers(Sa, at=moment), expected)

    def test_reader_of_both_companies_is_given_every_child(self):
        expected = dict.fromkeys(
            ("Shared zone", "A aisle", "Open aisle", "B aisle", "B shelf"), (True,) * 5
        )
        at = fields.Datetime.now()
        for form, Sa in self.readers(self.company_a | self.company_b).items():
            for moment in (None, at):
                with self.subTest(form=form, at=moment):
                    self.assertEqual(self.answers(Sa, at=moment), expected)

    def test_who_reaches_keeps_to_the_managers_companies(self):
        Sa = self.env["ov.sa_location"].sudo()
        at = fields.Datetime.now()
        for companies, reached in (
            (self.company_a, self.env["ov.actor"]),
            (self.company_a | self.company_b, self.actor),
        ):
            scoped = Sa.with_context(allowed_company_ids=companies.ids)
            for moment in (None, at):
                with self.subTest(companies=companies.mapped("name"), at=moment):
                    self.assertEqual(
                        scoped.search_reaching_actors(self.child_b.id, at=moment), reached
                    )
                    self.assertEqual(
                        scoped.search_reaching_actors(self.child_none.id, at=moment), self.actor
                    )

    def test_superuser_reads_stay_plan_cached(self):
        Sa = self.env["ov.sa_location"].with_context(allowed_company_ids=self.company_a.ids)
        query = Sa._ov_target_query(actor=self.actor)
        self.assertIn(reach_functions.name("ids", "ov_actor_sa_location"), query.code)
        self.env.cr.execute(SQL("SELECT array_agg(id ORDER BY id) FROM %s AS t(id)", query))
        self.assertEqual(
            self.env.cr.fetchone()[0], sorted((self.parent | self.child_a | self.child_none).ids)
        )
