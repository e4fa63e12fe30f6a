"""What an SA governs and what an actor reaches, per pair (the cockpit's
smart buttons, issue 13).

One query per installed pair for a whole recordset (a page of 500 SAs costs
as many queries as there are pairs), computed from the association tables
with the live definition of effective; the buttons open the pair's rows.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class OvSa(models.Model):
    _inherit = "ov.sa"

    ov_governed_summary = fields.Json(
        "What it governs",
        compute="_compute_ov_governed_summary",
        help="Per pair: the records its effective rows govern, and its rows by state.",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_ov_governed_summary(self):
        summaries = {sa.id: [] for sa in self}
        now = fields.Datetime.now()
        for Sa, _actor_model in self.env["ov.sa.association.mixin"]._ov_pairs():
            Rows = Sa.sudo() if self.env.su else Sa
            query = Rows._search([("sa_id", "in", self.ids)])  # the reader's rules
            table = SQL.identifier(Sa._table)
            self.env.cr.execute(
                SQL(
                    "SELECT %(table)s.sa_id,"
                    " count(DISTINCT %(target)s) FILTER (WHERE %(effective)s),"
                    " count(*) FILTER (WHERE %(table)s.state = 'active'),"
                    " count(*) FILTER (WHERE %(table)s.state = 'suspended'),"
                    " count(*) FILTER (WHERE %(table)s.state IN ('expired', 'revoked'))"
                    " FROM %(from)s WHERE %(where)s GROUP BY %(table)s.sa_id",
                    table=table,
                    target=SQL.identifier(Sa._table, Sa._ov_target_field),
                    effective=Sa._ov_effective_sql(Sa._table, now),
                    **{"from": query.from_clause, "where": query.where_clause},
                )
            )
            counts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
            for sa in self:
                governed, active, suspended, ended = counts.get(sa.id, (0, 0, 0, 0))
                summaries[sa.id].append(
                    {
                        "model": Sa._name,
                        "label": self.env[Sa._ov_target_model()]._description,
                        "governed": governed,
                        "active": active,
                        "suspended": suspended,
                        "ended": ended,
                    }
                )
        for sa in self:
            sa.ov_governed_summary = summaries[sa.id]

    def action_open_governed_rows(self, model, effective=True):
        """The rows of pair ``model`` in this SA (the effective ones, which
        show the records they govern, or all of them by state)."""
        self.ensure_one()
        return _rows_action(
            self.env,
            model,
            "ov.sa.association.mixin",
            [("sa_id", "=", self.id)],
            effective,
            self.display_name,
        )


class OvActor(models.Model):
    _inherit = "ov.actor"

    ov_reach_summary = fields.Json(
        "What it reaches",
        compute="_compute_ov_reach_summary",
        help="Per pair: the records its effective rows reach, and its live rows.",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_ov_reach_summary(self):
        summaries = {actor.id: [] for actor in self}
        now = fields.Datetime.now()
        for Sa, Actor in self.env["ov.sa.association.mixin"]._ov_pairs():
            if Actor is None:
                continue
            Rows = Actor.sudo() if self.env.su else Actor
            query = Rows._search([("actor_id", "in", self.ids)])
            table = SQL.identifier(Actor._table)
            self.env.cr.execute(
                SQL(
                    "SELECT %(table)s.actor_id,"
                    " count(DISTINCT %(table)s.ov_target_id) FILTER (WHERE %(effective)s),"
                    " count(*) FILTER (WHERE %(table)s.state IN ('active', 'suspended'))"
                    " FROM %(from)s WHERE %(where)s GROUP BY %(table)s.actor_id",
                    table=table,
                    effective=Actor._ov_effective_sql(Actor._table, now),
                    **{"from": query.from_clause, "where": query.where_clause},
                )
            )
            counts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
            for actor in self:
                reached, live = counts.get(actor.id, (0, 0))
                summaries[actor.id].append(
                    {
                        "model": Actor._name,
                        "label": self.env[Sa._ov_target_model()]._description,
                        "governed": reached,
                        "live": live,
                    }
                )
        for actor in self:
            actor.ov_reach_summary = summaries[actor.id]

    def action_open_governed_rows(self, model, effective=True):
        """The rows of actor-layer model ``model`` of this actor (the
        effective ones, or all the live ones)."""
        self.ensure_one()
        return _rows_action(
            self.env,
            model,
            "ov.actor.association.mixin",
            [("actor_id", "=", self.id)],
            effective,
            self.display_name,
        )


def _rows_action(env, model, mixin, domain, effective, name):
    if model not in env[mixin]._ov_concrete_models():
        raise UserError(
            env._("model: %(model)r is not a governed model of this layer.", model=model)
        )
    Rows = env[model]
    if effective:
        domain = [*domain, ("is_effective", "=", True)]
        title = env._("%(model)s of %(name)s (effective)", model=Rows._description, name=name)
        context = {}
    else:
        title = env._("%(model)s of %(name)s", model=Rows._description, name=name)
        context = {"search_default_group_state": 1}
    return {
        "type": "ir.actions.act_window",
        "name": title,
        "res_model": model,
        "view_mode": "list,form,pivot,graph",
        # Called through the ORM service, not a button: no server adds views.
        "views": [(False, "list"), (False, "form"), (False, "pivot"), (False, "graph")],
        "domain": domain,
        "context": context,
    }
