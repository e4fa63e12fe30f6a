from odoo import fields, models
from odoo.tools import SQL


class OvTestTarget(models.Model):
    """A stand-in for a native Odoo class: the pair below governs it.

    It also carries the *legacy* direct stamp (``stamp_sa_id`` /
    ``stamp_actor_id``, with its window) that ADR 0003 replaces: the
    baseline the benchmark compares the association path with, and the
    legacy data the migration tests move onto associations. No business
    model ever gets such columns.
    """

    _name = "ov.test.target"
    _description = "Governance test target"
    _parent_store = True
    _check_company_auto = True
    _order = "name, id"

    name = fields.Char(required=True)
    company_id = fields.Many2one("res.company", index=True)
    parent_id = fields.Many2one(
        "ov.test.target", index=True, ondelete="cascade", check_company=True
    )
    parent_path = fields.Char(index=True)
    stamp_sa_id = fields.Many2one(
        "ov.sa", string="Legacy stamped SA", index=True, ondelete="set null"
    )
    stamp_actor_id = fields.Many2one("ov.actor", string="Legacy stamped actor", ondelete="set null")
    # The legacy window of the stamp, which the migration tests carry over.
    stamp_date_from = fields.Datetime("Legacy stamp from")
    stamp_date_to = fields.Datetime("Legacy stamp until")

    def init(self):
        result = super().init()
        # What a competent team gives the stamp: "my page" sorted by name.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS ov_test_target_stamp_actor_name_idx"
                " ON ov_test_target (stamp_actor_id, name, id)"
            )
        )
        return result
