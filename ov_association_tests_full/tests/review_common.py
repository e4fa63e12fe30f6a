"""Shared base of the access review tests (docs/design.md §6, issue 27).

The conformance fixtures (``ConformanceCase``), a pair with an actor layer
chosen by what it can do, the SA's responsible and a fallback reviewer, and
a factory of campaigns kept to the conformance SA and that pair (the
database holds other rows: demo data, other tests').
"""

from datetime import timedelta

from odoo import fields
from odoo.tests.common import new_test_user
from odoo.tools import SQL

from odoo.addons.ov_association_tests.tests.common import ConformanceCase


class ReviewCase(ConformanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fallback_user = new_test_user(
            cls.env,
            "ov_review_fallback",
            groups="ov_association_base.group_ov_manager",
            company_ids=[(6, 0, cls.company.ids)],
        )
        # The SA's responsible reviews its rows (the default reviewer rule).
        cls.sa.manager_id = cls.manager_user
        cls.Review = cls.env["ov.access.review"]

    def setUp(self):
        super().setUp()
        self.pair = self.pick_pair("an actor layer", lambda pair: bool(pair.actor_model))

    def make_review(self, pair=None, **vals):
        pair = pair or self.pair
        model = self.env["ir.model"]._get(pair.sa_model)
        return self.Review.create(
            {
                "name": "Quarterly review",
                "pair_model_ids": [(6, 0, model.ids)],
                "sa_ids": [(6, 0, self.sa.ids)],
                "fallback_reviewer_id": self.fallback_user.id,
                "date_deadline": fields.Datetime.now() + timedelta(days=14),
                **vals,
            }
        )

    def opened(self, pair=None, **vals):
        review = self.make_review(pair, **vals)
        review.with_user(self.manager_user).action_open()
        return review

    def item_of(self, review, row):
        return review.item_ids.filtered(
            lambda item: item.res_model == row._name and item.res_id == row.id
        )

    @staticmethod
    def keys(review):
        return {(item.res_model, item.res_id) for item in review.item_ids}

    def as_reviewer(self, items, user=None):
        return items.with_user(user or self.manager_user)

    def backdate(self, table, record_id, column, days):
        """Move a moment of a fixture into the past (the audit log through
        its maintenance switch, for this transaction only)."""
        self.env.flush_all()
        self.env.cr.execute("SET LOCAL ov_association.audit_maintenance = 'on'")
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET %s = %s - make_interval(days => %s) WHERE id = %s",
                SQL.identifier(table),
                SQL.identifier(column),
                SQL.identifier(column),
                days,
                record_id,
            )
        )
        self.env.cr.execute("SET LOCAL ov_association.audit_maintenance = 'off'")
        self.env.invalidate_all()
