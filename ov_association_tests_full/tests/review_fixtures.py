"""Access review campaigns for the adversarial suite (issue 27): one opened
in each of its two companies, so that the discovered attacks
(``test_adversarial_discovered``) have campaigns and items to attack.
"""

from datetime import timedelta

from odoo import fields
from odoo.tests.common import new_test_user


def make_review_fixtures(cls):
    """An open campaign of company A over its member scope (the manager
    reviews) and one of company B; nothing when the addon is absent."""
    env = cls.env
    if "ov.access.review" not in env:
        return
    reviewer_b = new_test_user(
        env,
        "ov_adv_review_b",
        groups="ov_association_base.group_ov_manager",
        company_id=cls.company_b.id,
        company_ids=[(6, 0, cls.company_b.ids)],
    )
    deadline = fields.Datetime.now() + timedelta(days=14)
    Review = env["ov.access.review"]
    cls.review_a = Review.create(
        {
            "name": "Adversarial review A",
            "sa_ids": [(6, 0, cls.sa_a1.ids)],
            "include_memberships": True,
            "reviewer_rule": "user",
            "reviewer_id": cls.users["manager"].id,
            "fallback_reviewer_id": cls.users["manager"].id,
            "date_deadline": deadline,
        }
    )
    cls.review_b = Review.create(
        {
            "name": "Adversarial review B",
            "company_id": cls.company_b.id,
            "sa_ids": [(6, 0, cls.sa_b.ids)],
            "include_memberships": True,
            "reviewer_rule": "user",
            "reviewer_id": reviewer_b.id,
            "fallback_reviewer_id": reviewer_b.id,
            "date_deadline": deadline,
        }
    )
    (cls.review_a | cls.review_b).action_open()
