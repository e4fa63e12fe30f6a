"""Decide many items at once, from the My Reviews list: one decision, one
reason, carried out by the items' own actions (``review_decisions``)."""

from odoo import api, fields, models


class OvAccessReviewDecideWizard(models.TransientModel):
    _name = "ov.access.review.decide.wizard"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Decide access review items"
    _ov_company_scope = "A wizard: it decides the items it is given, under the items' own rules."

    item_ids = fields.Many2many("ov.access.review.item", string="Items", required=True)
    decision = fields.Selection(
        [("keep", "Keep"), ("revoke", "Revoke"), ("shorten", "Shorten"), ("delegate", "Delegate")],
        required=True,
        default="keep",
    )
    reason = fields.Text()
    date_to = fields.Datetime("New end")
    reviewer_id = fields.Many2one("res.users", "Delegate to")
    item_count = fields.Integer(compute="_compute_item_count")
    against_count = fields.Integer("Against the recommendation", compute="_compute_item_count")

    @api.depends("item_ids", "decision")
    def _compute_item_count(self):
        for wizard in self:
            wizard.item_count = len(wizard.item_ids)
            wizard.against_count = len(
                wizard.item_ids.filtered(
                    lambda item, w=wizard: item.recommendation and item.recommendation != w.decision
                )
            )

    def action_apply(self):
        self.ensure_one()
        items = self.item_ids
        if self.decision == "keep":
            items.action_decide_keep(reason=self.reason or None)
        elif self.decision == "revoke":
            items.action_decide_revoke(reason=self.reason or None)
        elif self.decision == "shorten":
            items.action_decide_shorten(date_to=self.date_to or None, reason=self.reason or None)
        else:
            items.action_delegate(reviewer_id=self.reviewer_id.id, reason=self.reason or None)
        return {"type": "ir.actions.act_window_close"}
