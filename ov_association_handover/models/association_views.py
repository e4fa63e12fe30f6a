from lxml.builder import E

from odoo import models


class OvAssociationViewsMixin(models.AbstractModel):
    """The handovers in every pair's default views: wizard buttons in the
    form's header and on selected rows of the list, and the two rows of a
    handover linked from the form's button box (docs/design.md §6)."""

    _inherit = "ov.association.views.mixin"

    def _ov_handover_buttons(self, visible_states=("active", "suspended")):
        wizard = "ov_association_handover.ov_association_handover_wizard_action"
        operations = []
        if hasattr(self, "action_reassign"):
            operations.append(("reassign", self.env._("Reassign")))
        if hasattr(self, "action_transfer"):
            operations.append(("transfer", self.env._("Transfer")))
        if hasattr(self, "action_change_window"):
            operations.append(("window", self.env._("Change window")))
        return [
            self._ov_wizard_button(
                wizard, label, visible_states, context={"default_operation": operation}
            )
            for operation, label in operations
        ]

    def _ov_form_header_buttons(self):
        return super()._ov_form_header_buttons() + self._ov_handover_buttons()

    def _ov_list_header_buttons(self):
        # Shown on selected rows: the handovers work on many rows at once.
        return super()._ov_list_header_buttons() + self._ov_handover_buttons(visible_states=None)

    def _ov_form_stat_buttons(self):
        buttons = []
        if "handed_over_from_id" in self._fields:
            for name, label, icon in (
                ("from", self.env._("Handed over from"), "fa-arrow-left"),
                ("to", self.env._("Handed over to"), "fa-arrow-right"),
            ):
                buttons.append(E.field(name=f"handed_over_{name}_id", invisible="1"))
                buttons.append(
                    E.button(
                        name=f"action_open_handed_over_{name}",
                        type="object",
                        string=label,
                        icon=icon,
                        invisible=f"not handed_over_{name}_id",
                        **{"class": "oe_stat_button"},
                    )
                )
        return buttons + super()._ov_form_stat_buttons()
