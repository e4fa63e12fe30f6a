from odoo import api, models

from .governed_rules import CONTEXT_KEY


class OvMyTargetsMixin(models.AbstractModel):
    """The "My X" menus (docs/design.md §4): x's own views, restricted to the user's reach.

    An SA-layer model declares::

        _ov_native_action = "sale.action_quotations_with_onboarding"
        _ov_my_rows_action = "ov_sa_sale_order.ov_actor_sa_sale_order_action_my"

    The first is Odoo's own window action for x, whose views (list, kanban,
    form, search with its filters and group-bys) "My X" opens; the second, the
    user's actor rows, is what a user without native read rights on x gets
    (governance never grants native rights) and gives "My X" its name. The
    restriction itself is the pair's governed rule (``governed.only``), asked
    for by the context key: no id list, no field on x.
    """

    _name = "ov.association.my.targets.mixin"
    _description = "My governed records"

    _ov_native_action = None
    _ov_my_rows_action = None

    @api.model
    def action_open_my_targets(self):
        """The "My X" action for the current user."""
        self._ov_check_concrete()
        Action = self.env["ir.actions.act_window"]
        rows = Action._for_xml_id(self._ov_my_rows_action or self._ov_default_my_rows_action())
        Target = self.env[self._ov_target_model()]
        if not self._ov_native_action or not Target.browse().has_access("read"):
            return rows
        native = Action._for_xml_id(self._ov_native_action)
        return {
            "type": "ir.actions.act_window",
            "name": rows["name"],
            "res_model": Target._name,
            "views": native["views"],
            "view_mode": native["view_mode"],
            "search_view_id": native.get("search_view_id"),
            # Odoo's own defaults ("my quotations", "internal locations") are
            # left out: the reach is the filter. New records belong in x's app:
            # one created here would not be reached yet.
            "context": {CONTEXT_KEY: self._name, "create": False},
            "domain": [],
            "help": rows.get("help"),
            "target": "current",
        }
