from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.ov_association_base import policy


class OvAssociationExplainWizard(models.TransientModel):
    """*Explain access*: why an actor reaches a governed record, or not, and
    (for managers) which actors reach it."""

    _name = "ov.association.explain.wizard"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Explain access to a governed record"
    _ov_company_scope = "A wizard of one user's request; it answers through explain_governed."

    target_ref = fields.Reference("_selection_target_models", string="Record", required=True)
    actor_id = fields.Many2one(
        "ov.actor", default=lambda self: self.env["ov.actor"]._ov_current_actor()
    )
    at = fields.Datetime(
        "As of",
        help="Answer as things stood at this moment, rebuilt from the audit log; empty: now.",
    )
    allowed = fields.Boolean(readonly=True)
    explanation = fields.Html(readonly=True)
    reaching_actor_ids = fields.Many2many("ov.actor", string="Actors reaching it", readonly=True)
    # The default serves the new wizard (the form's first onchange, where the
    # compute does not run): a manager picks the actor before explaining.
    is_manager = fields.Boolean(
        compute="_compute_is_manager",
        default=lambda self: self.env.user.has_group(policy.MANAGER_GROUP),
    )

    @api.depends_context("uid")
    def _compute_is_manager(self):
        self.is_manager = self.env.user.has_group(policy.MANAGER_GROUP)

    @api.model
    def _selection_target_models(self):
        Sa = self.env["ov.sa.association.mixin"]
        models_ = {self.env[name]._ov_target_model() for name in Sa._ov_concrete_models()}
        return sorted((name, self.env[name]._description) for name in models_)

    def _ov_pair(self):
        model = self.target_ref._name
        pairs = self.env["ov.sa.association.mixin"]._ov_pairs_governing(model)
        if len(pairs) != 1:
            raise UserError(
                self.env._(
                    "Record: %(model)s is governed by %(pairs)s; explain needs exactly one pair.",
                    model=model,
                    pairs=", ".join(pairs) or self.env._("no pair"),
                )
            )
        return self.env[pairs[0]]

    def action_explain(self):
        self.ensure_one()
        if not self.target_ref:
            raise UserError(self.env._("Record: pick the governed record to explain."))
        Sa = self._ov_pair()
        explained = Sa.explain_governed(
            self.target_ref.id, actor_id=self.actor_id.id or None, at=self.at
        )
        values = {"allowed": explained["allowed"], "explanation": _render(self.env, explained)}
        if self.env.user.has_group(policy.MANAGER_GROUP):
            actors = Sa.search_reaching_actors(self.target_ref.id, at=self.at)
            values["reaching_actor_ids"] = [(6, 0, actors.ids)]
        self.write(values)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Explain Access"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }


def _reasons(explained):
    return Markup("").join(
        Markup("<li>%s <code>%s</code></li>") % (reason["message"], reason["code"])
        for reason in explained.get("reasons", [])
    )


def _row(env, label, explained):
    status = env._("grants") if explained.get("effective") else env._("does not grant")
    details = " · ".join(
        str(part)
        for part in (
            explained.get("kind"),
            explained.get("state"),
            explained.get("date_from") and env._("from %s", explained["date_from"]),
            explained.get("date_to") and env._("until %s", explained["date_to"]),
        )
        if part
    )
    css = "text-success" if explained.get("effective") else "text-danger"
    return Markup('<div><b>%s</b> %s — <span class="%s">%s</span><ul>%s</ul></div>') % (
        label,
        details,
        css,
        status,
        _reasons(explained),
    )


def _render(env, explained):
    """The explanation as a readable tree (HTML), every value escaped."""
    target, actor = explained["target"], explained["actor"]
    verdict = env._("may reach") if explained["allowed"] else env._("may not reach")
    parts = [
        Markup('<p class="%s"><b>%s</b> %s <b>%s</b> (%s %s, %s).</p>')
        % (
            "text-success" if explained["allowed"] else "text-danger",
            actor["name"],
            verdict,
            target["name"],
            target["model"],
            target["id"],
            env._("as of %s UTC", explained["at"]),
        )
    ]
    if not explained["paths"]:
        parts.append(Markup("<p>%s</p>") % env._("No SA association covers this record."))
    for path in explained["paths"]:
        sa_row = path["sa_row"]
        items = [_row(env, env._("SA %s", sa_row["sa"]["name"]), sa_row)]
        for child in path["actor_rows"]:
            items.append(_row(env, env._("Actor row %s", child["id"]), child))
        if not path["actor_rows"]:
            items.append(Markup("<ul>%s</ul>") % _reasons(path))
        membership = path["membership"]
        items.append(_row(env, env._("Membership in the SA"), membership))
        parts.append(
            Markup('<div class="border rounded p-2 mb-2">%s</div>') % Markup("").join(items)
        )
    return Markup("").join(parts) if parts else escape("")
