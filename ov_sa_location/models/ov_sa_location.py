from odoo import api, fields, models
from odoo.tools import SQL


class OvSaLocation(models.Model):
    _name = "ov.sa_location"
    _inherit = "ov.sa.association.mixin"
    _description = "SA association of a location"

    _ov_target_field = "location_id"
    _ov_deletion_policy = "optional"
    _ov_allowed_kinds = ("access", "binding")
    _ov_exclusive_kinds = ()
    # "My …": Odoo's own views of the target, restricted to the reach.
    _ov_native_action = "stock.action_location_form"
    # The generated menus: "My Locations", and the pair's place in them.
    _ov_records_label = "Locations"
    _ov_menu_sequence = 30

    @api.model
    def _ov_conformance_reader_groups(self):
        return ["stock.group_stock_user"]

    location_id = fields.Many2one(
        "stock.location",
        ondelete="set null",
        index=True,
        check_company=True,
        help="Governs this location and every location below it. Emptied if the "
        "location is deleted; the association then governs nothing.",
    )

    def _ov_expand_target_query(self, subquery, at=None):
        """A governed location covers its descendants (collection scope, ADR §10)
        that lie in the reader's companies (``_ov_reader_companies_sql``).

        As of a past moment, through today's hierarchy (the log does not
        record it); a location deleted since still answers for itself.
        """
        expanded = SQL(
            "(SELECT covered.id FROM stock_location covered"
            " JOIN stock_location governed ON covered.parent_path LIKE governed.parent_path || %s"
            " WHERE governed.id IN %s AND %s)",
            "%",  # Odoo's SQL() cannot escape a literal percent sign
            subquery,
            self._ov_reader_companies_sql(SQL.identifier("covered", "company_id")),
        )
        if at:
            return SQL(
                "(%s UNION SELECT gone.id FROM %s AS gone(id) WHERE NOT EXISTS"
                " (SELECT 1 FROM stock_location still WHERE still.id = gone.id))",
                expanded,
                subquery,
            )
        return expanded

    def _ov_covering_targets_sql(self, target_id):
        """The location and each of its ancestors, whose rows cover it: the
        inverse of ``_ov_expand_target_query``, with the same company
        boundary (a location outside the reader's companies is covered by
        nothing). Today's hierarchy, read from the location's own
        ``parent_path`` (one primary-key probe); a location deleted since,
        itself alone."""
        return SQL(
            "(SELECT ancestor::integer FROM stock_location covered,"
            " unnest(string_to_array(rtrim(covered.parent_path, '/'), '/')) AS ancestor"
            " WHERE covered.id = %s AND %s"
            " UNION SELECT %s WHERE NOT EXISTS (SELECT 1 FROM stock_location still"
            " WHERE still.id = %s))",
            target_id,
            self._ov_reader_companies_sql(SQL.identifier("covered", "company_id")),
            target_id,
            target_id,
        )

    def _ov_covering_domain(self, target_id):
        # The rows of the location and of each of its ancestors, as the SQL
        # form decides (one definition for explanations, now and as of then).
        return [("location_id", "in", self._ov_covering_targets_sql(target_id))]

    def _ov_check_query(self, actor, target_id, kinds=None, at=None):
        # A descendant has no row of its own: test it against the covered set.
        return SQL(
            "SELECT %s IN %s", target_id, self._ov_target_query(actor=actor, kinds=kinds, at=at)
        )


class OvActorSaLocation(models.Model):
    _name = "ov.actor_sa_location"
    _inherit = "ov.actor.association.mixin"
    _description = "Actor association of a location"

    _ov_parent_field = "sa_location_id"
    _ov_allowed_kinds = ("access", "binding")
    _ov_exclusive_kinds = ()

    sa_location_id = fields.Many2one(
        "ov.sa_location",
        string="SA association",
        required=True,
        ondelete="cascade",
        index=True,
    )
    # What "My Locations" shows of the location.
    location_id = fields.Many2one(related="sa_location_id.location_id", string="Location")
    location_complete_name = fields.Char(related="location_id.complete_name", string="Full name")
    location_usage = fields.Selection(related="location_id.usage", string="Type")

    def _ov_view_fields(self):
        return ["location_complete_name", "location_usage", *super()._ov_view_fields()]
