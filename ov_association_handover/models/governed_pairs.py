from odoo import models

# Written only by the handovers (handover_links): reserved, as the state is.
HANDOVER_LINK_FIELDS = {"handed_over_from_id", "handed_over_to_id"}


class OvSaAssociationMixin(models.AbstractModel):
    """Every SA layer, installed or to come, can transfer its rows and change
    their windows (docs/design.md §6)."""

    _name = "ov.sa.association.mixin"
    _inherit = ["ov.sa.association.mixin", "ov.association.transfer.mixin"]

    def _ov_system_field_names(self):
        return super()._ov_system_field_names() | HANDOVER_LINK_FIELDS


class OvActorAssociationMixin(models.AbstractModel):
    """Every actor layer can reassign its rows, move with a transfer of their
    parent and change their windows (docs/design.md §6)."""

    _name = "ov.actor.association.mixin"
    _inherit = ["ov.actor.association.mixin", "ov.association.actor.move.mixin"]

    def _ov_system_field_names(self):
        return super()._ov_system_field_names() | HANDOVER_LINK_FIELDS
