"""The *Reporting* views of the cockpit (issue 13): two read-only SQL views.

* ``ov.association.report``: every row of every installed pair (both layers)
  and every membership, one line each, for pivot and graph views by pair,
  layer, SA, actor, kind, state and start month.
* ``ov.association.event.report``: the audit log with the SA and the actor
  of each event (an actor row's SA is its parent's), for grouping by model,
  SA, actor and day.

Their SQL depends on the pairs installed: it is rebuilt when that set changes
(on install, and at the next registry load after a pair addon is removed,
whose tables are dropped with the views that read them).
"""

import hashlib

from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.ov_association_base import policy
from odoo.addons.ov_association_base.models import schema_sql

LAYERS = [("sa", "SA association"), ("actor", "Actor association"), ("membership", "Membership")]


class OvGovernanceReportView(models.AbstractModel):
    """Rebuild a report's SQL view when the pairs it reads change."""

    _name = "ov.governance.report.view"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Governance report SQL view"

    def _ov_view_sql(self):
        """Override: the SELECT of the view."""
        raise NotImplementedError

    def init(self):
        self._ov_ensure_view()

    def _register_hook(self):
        super()._register_hook()
        if not self._abstract:
            self._ov_ensure_view()

    def _ov_ensure_view(self):
        if self._abstract:
            return
        cr = self.env.cr
        select = self._ov_view_sql()
        digest = "ov:" + hashlib.sha256(select.code.encode()).hexdigest()[:16]
        cr.execute("SELECT obj_description(to_regclass(%s), 'pg_class')", [self._table])
        found = cr.fetchone()
        if found and found[0] == digest:
            return
        tools.drop_view_if_exists(cr, self._table)
        cr.execute(SQL("CREATE VIEW %s AS (%s)", SQL.identifier(self._table), select))
        cr.execute(SQL("COMMENT ON VIEW %s IS %s", SQL.identifier(self._table), digest))


class OvAssociationReport(models.Model):
    _name = "ov.association.report"
    _inherit = "ov.governance.report.view"
    _description = "Governance rows analysis"
    _auto = False
    _order = "id"

    model = fields.Char(readonly=True)
    model_description = fields.Char("Rows of", readonly=True)
    layer = fields.Selection(LAYERS, readonly=True)
    res_id = fields.Integer("Row id", readonly=True)
    sa_id = fields.Many2one("ov.sa", string="SA", readonly=True)
    actor_id = fields.Many2one("ov.actor", readonly=True)
    association_kind = fields.Char("Kind", readonly=True)
    state = fields.Selection(list(policy.STATES), readonly=True)
    is_effective = fields.Boolean("Effective", readonly=True)
    date_from = fields.Datetime("Effective from", readonly=True)
    date_to = fields.Datetime("Effective until", readonly=True)
    start_date = fields.Datetime(
        "Started", readonly=True, help="Start of the window, else creation."
    )
    company_id = fields.Many2one("res.company", readonly=True)

    def _ov_view_sql(self):
        parts = []
        for Sa, Actor in self.env["ov.sa.association.mixin"]._ov_pairs():
            parts.append(
                SQL(
                    "SELECT %(model)s, %(label)s, 'sa', row.id, row.sa_id, NULL::integer,"
                    " row.association_kind::varchar, row.state::varchar,"
                    " (%(effective)s),"
                    " row.date_from, row.date_to, COALESCE(row.date_from, row.create_date),"
                    " row.company_id FROM %(table)s row",
                    model=Sa._name,
                    label=Sa._description,
                    effective=Sa._ov_effective_sql("row", schema_sql.NOW_US),
                    table=SQL.identifier(Sa._table),
                )
            )
            if Actor is not None:
                parts.append(
                    SQL(
                        "SELECT %(model)s, %(label)s, 'actor', row.id, parent.sa_id, row.actor_id,"
                        " row.association_kind::varchar, row.state::varchar,"
                        " (%(effective)s),"
                        " row.date_from, row.date_to, COALESCE(row.date_from, row.create_date),"
                        " row.company_id FROM %(table)s row"
                        " JOIN %(parents)s parent ON parent.id = row.%(parent)s",
                        model=Actor._name,
                        label=Actor._description,
                        effective=Actor._ov_effective_sql("row", schema_sql.NOW_US),
                        table=SQL.identifier(Actor._table),
                        parents=SQL.identifier(Sa._table),
                        parent=SQL.identifier(Actor._ov_parent_field),
                    )
                )
        Membership = self.env["ov.sa.membership"]
        parts.append(
            SQL(
                "SELECT %(model)s, %(label)s, 'membership', row.id, row.sa_id, row.actor_id,"
                " NULL::varchar, row.state::varchar, (%(effective)s),"
                " row.date_from, row.date_to, COALESCE(row.date_from, row.create_date),"
                " row.company_id FROM ov_sa_membership row",
                model=Membership._name,
                label=Membership._description,
                effective=Membership._ov_effective_sql("row", schema_sql.NOW_US),
            )
        )
        # A line's id comes from its row and its part alone: it stays the same
        # when other rows come and go, and filters reach each part's table.
        return SQL(
            "SELECT rows.res_id::bigint * %s + rows.part AS id, rows.*"
            " FROM (%s) AS rows(part, model, model_description, layer, res_id, sa_id,"
            " actor_id, association_kind, state, is_effective, date_from, date_to,"
            " start_date, company_id)",
            len(parts),
            SQL(" UNION ALL ").join(
                SQL("SELECT %s, part.* FROM (%s) part", index, part)
                for index, part in enumerate(parts)
            ),
        )

    def action_open_row(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.model,
            "res_id": self.res_id,
            "view_mode": "form",
        }


class OvAssociationEventReport(models.Model):
    _name = "ov.association.event.report"
    _inherit = "ov.governance.report.view"
    _description = "Governance audit analysis"
    _auto = False
    _order = "date desc, id desc"

    date = fields.Datetime(readonly=True)
    event = fields.Selection(
        lambda self: self.env["ov.association.event"]._fields["event"].selection,
        readonly=True,
    )
    model = fields.Char(readonly=True)
    model_description = fields.Char("Record type", readonly=True)
    res_id = fields.Integer("Record id", readonly=True)
    sa_id = fields.Many2one("ov.sa", string="SA", readonly=True)
    actor_id = fields.Many2one("ov.actor", readonly=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def _ov_view_sql(self):
        parents = [
            SQL("WHEN %s THEN %s", Actor._name, Sa._name)
            for Sa, Actor in self.env["ov.sa.association.mixin"]._ov_pairs()
            if Actor is not None
        ]
        parent_model = (
            SQL("CASE event.model %s END", SQL(" ").join(parents)) if parents else SQL("NULL")
        )
        return SQL(
            """SELECT event.id, event.date, event.event::varchar AS event, event.model,
                      COALESCE(model.name->>'en_US', event.model) AS model_description,
                      event.res_id,
                      COALESCE(event.row_sa_id, parent.row_sa_id) AS sa_id,
                      CASE WHEN event.model = 'ov.actor' THEN event.res_id
                           ELSE event.row_actor_id END AS actor_id,
                      event.user_id, event.company_id
               FROM ov_association_event event
               LEFT JOIN ir_model model ON model.model = event.model
               LEFT JOIN LATERAL (
                   SELECT first.row_sa_id FROM ov_association_event first
                   WHERE event.row_parent_id IS NOT NULL AND first.model = %s
                     AND first.res_id = event.row_parent_id AND first.row_sa_id IS NOT NULL
                   ORDER BY first.id LIMIT 1) parent ON true""",
            parent_model,
        )
