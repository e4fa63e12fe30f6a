from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.ov_association_base import arguments
from odoo.addons.ov_association_base.models.guard_mixin import checked
from odoo.addons.ov_association_base.wizards.reason_wizard import rows_from_context, wizard_rows

from ..models.window_change import window_label

OPERATIONS = [
    ("reassign", "Reassign to another actor"),
    ("transfer", "Transfer to another SA"),
    ("window", "Change the window"),
    ("hand_over", "Hand over everything"),
]
# The mixin the rows of each operation must inherit.
MIXINS = {
    "reassign": "ov.association.reassign.mixin",
    "transfer": "ov.association.transfer.mixin",
    "window": "ov.association.window.change.mixin",
    "hand_over": "ov.actor",
}


class OvAssociationHandoverWizard(models.TransientModel):
    """Reassign, transfer, change a window or hand everything over: shows
    what will change (and what would be refused) before it does."""

    _name = "ov.association.handover.wizard"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Hand over governed rows"
    _ov_company_scope = "A wizard of one request; it acts through the governed rows' methods."

    operation = fields.Selection(OPERATIONS, required=True, readonly=True)
    res_model = fields.Char(required=True)
    res_ids = fields.Json(required=True)
    new_actor_id = fields.Many2one("ov.actor", string="New actor")
    new_sa_id = fields.Many2one("ov.sa", string="New SA")
    keep_actor_rows = fields.Boolean(
        "Keep the actors' reach",
        help="Actors who are effective members of the new SA get new rows under it.",
    )
    sa_id = fields.Many2one("ov.sa", string="Only in SA", help="Empty: in every SA.")
    date = fields.Datetime(
        "Takes effect", help="Empty: now. A past moment records a handover made then."
    )
    date_from = fields.Datetime("New start", help="Empty: keep each row's own start.")
    date_to = fields.Datetime("New end", help="Empty: keep each row's own end.")
    open_end = fields.Boolean("Open-ended", help="Remove the end of the window.")
    reason = fields.Text(required=True)
    preview = fields.Html(compute="_compute_preview", sanitize=False)
    result = fields.Html(readonly=True, sanitize=False)
    done = fields.Boolean(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = rows_from_context(self.env.context, super().default_get(fields_list))
        values.setdefault("operation", self.env.context.get("default_operation"))
        return values

    def _ov_rows(self):
        if self.operation == "hand_over":
            if self.res_model != "ov.actor":
                raise UserError(self.env._("res_model: hand over starts from an actor."))
            ids = checked(arguments.record_ids, "res_ids", self.res_ids)
            actor = self.env["ov.actor"].browse(ids).exists()
            if len(actor) != 1:
                raise UserError(self.env._("res_ids: hand over one actor at a time."))
            return actor
        return wizard_rows(self, MIXINS[self.operation])

    # ------------------------------------------------------------------
    # Preview
    # ------------------------------------------------------------------
    @api.depends(
        "operation",
        "res_ids",
        "new_actor_id",
        "new_sa_id",
        "keep_actor_rows",
        "sa_id",
        "date",
        "date_from",
        "date_to",
        "open_end",
    )
    def _compute_preview(self):
        for wizard in self:
            try:
                wizard.preview = wizard._ov_preview()
            except (UserError, ValidationError) as error:
                wizard.preview = Markup('<p class="text-danger"><b>%s</b> %s</p>') % (
                    self.env._("Will be refused:"),
                    error.args[0],
                )

    def _ov_preview(self):
        if not self.operation or not self.res_model:
            return False
        rows = self._ov_rows()
        # A change of window takes effect now; a hand-over dates each reassignment itself.
        dated = self.operation in ("reassign", "transfer")
        date = rows._ov_handover_moment(self.date) if dated else None
        lines = []
        if self.operation == "reassign":
            if not self.new_actor_id:
                return Markup("<p>%s</p>") % self.env._("Pick the new actor.")
            rows._ov_check_reassign(self.new_actor_id, date)
            for row in rows:
                lines.append(
                    (row.display_name, row.actor_id.name, self.new_actor_id.name, row.state)
                )
            header = (self.env._("Row"), self.env._("Ends for"), self.env._("Starts for"), "")
        elif self.operation == "transfer":
            if not self.new_sa_id:
                return Markup("<p>%s</p>") % self.env._("Pick the new SA.")
            rows._ov_check_transfer(self.new_sa_id, date)
            # sudo: who is kept depends on every effective member of the new
            # SA, as in action_transfer, not on the memberships the reader sees.
            members = set(
                self.env["ov.sa.membership"]
                .sudo()
                .search([("sa_id", "=", self.new_sa_id.id), ("is_effective", "=", True)])
                .actor_id.ids
            )
            for row in rows:
                children = row._ov_actor_rows().filtered(
                    lambda c: c.state in ("active", "suspended")
                )
                reach = ", ".join(
                    f"{child.actor_id.name} "
                    + (
                        self.env._("(kept)")
                        if self.keep_actor_rows and child.actor_id.id in members
                        else self.env._("(ends)")
                    )
                    for child in children
                )
                lines.append(
                    (row.display_name, row.sa_id.display_name, self.new_sa_id.display_name, reach)
                )
            header = (
                self.env._("Row"),
                self.env._("From SA"),
                self.env._("To SA"),
                self.env._("Actors"),
            )
        elif self.operation == "window":
            windows = rows._ov_plan_windows(*self._ov_window_arguments())
            for row, window in windows.items():
                lines.append(
                    (
                        row.display_name,
                        window_label(*row._ov_window()),
                        window_label(*window),
                        row.state,
                    )
                )
            header = (self.env._("Row"), self.env._("Window now"), self.env._("New window"), "")
        else:
            if not self.new_actor_id:
                return Markup("<p>%s</p>") % self.env._("Pick the successor.")
            preview = rows._ov_hand_over_preview(self.new_actor_id.id, self.sa_id.id)
            if preview["missing_sas"]:
                raise UserError(
                    self.env._(
                        "%(successor)s holds no effective membership in SA %(sas)s.",
                        successor=self.new_actor_id.display_name,
                        sas=", ".join(preview["missing_sas"].mapped("display_name")),
                    )
                )
            for name, found in preview["rows"].items():
                for row in found:
                    lines.append(
                        (
                            row.display_name,
                            rows.name,
                            self.new_actor_id.name,
                            self.env[name]._description,
                        )
                    )
            header = (self.env._("Row"), self.env._("Ends for"), self.env._("Starts for"), "")
        return _table(header, lines, self.env._("Rows that will change: %s", len(lines)))

    def _ov_window_arguments(self):
        date_from = self.date_from or None
        date_to = False if self.open_end else (self.date_to or None)
        return date_from, date_to

    # ------------------------------------------------------------------
    # Confirm
    # ------------------------------------------------------------------
    def action_confirm(self):
        self.ensure_one()
        rows = self._ov_rows()
        details = []
        if self.operation == "reassign":
            done = rows.action_reassign(self.new_actor_id.id, self.reason, self.date)
            summary = self.env._("Rows reassigned: %s", len(done["reassigned"]))
            details = done["reassigned"]
        elif self.operation == "transfer":
            done = rows.action_transfer(
                self.new_sa_id.id, self.reason, self.date, self.keep_actor_rows
            )
            summary = self.env._(
                "Rows transferred: %(rows)s; actor rows kept: %(kept)s, ended: %(lost)s.",
                rows=len(done["transferred"]),
                kept=len(done["kept"]),
                lost=len(done["lost"]),
            )
            details = done["transferred"]
        elif self.operation == "window":
            rows.action_change_window(*self._ov_window_arguments(), reason=self.reason)
            summary = self.env._("Windows changed: %s", len(rows))
        else:
            done = rows.action_hand_over(self.new_actor_id.id, self.sa_id.id, self.reason)
            summary = self.env._("Rows handed over: %s", done["rows"])
            details = [pair for pairs in done["by_model"].values() for pair in pairs]
        result = Markup("<p><b>%s</b></p>") % summary
        if details:
            result += _table(
                (self.env._("Ended row"), self.env._("New row")),
                [(f"#{old}", f"#{new}") for old, new in details],
                self.env._("Each ended row points at the row that took over from it."),
            )
        self.write({"done": True, "result": result})
        return {
            "type": "ir.actions.act_window",
            "name": dict(OPERATIONS)[self.operation],
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_close(self):
        """Close, so that the view behind shows the rows as they are now."""
        return {"type": "ir.actions.act_window_close"}


def _table(header, lines, caption):
    head = Markup("").join(Markup("<th>%s</th>") % cell for cell in header)
    body = Markup("").join(
        Markup("<tr>%s</tr>")
        % Markup("").join(Markup("<td>%s</td>") % (cell or "") for cell in line)
        for line in lines
    )
    return Markup(
        '<p>%s</p><table class="table table-sm"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>'
    ) % (caption, head, body)
