import logging

from odoo import api, models

from .. import stamps

_logger = logging.getLogger(__name__)


class OvLegacyStampCheck(models.AbstractModel):
    """Step 7 of ADR 0003, "do not create new legacy", checked on the live registry.

    Run when the registry loads (a warning per undeclared stamp) and by the
    conformance suite (a failure).
    """

    _name = "ov.legacy.stamp.check"
    _description = "Legacy governance stamp check"

    def _register_hook(self):
        result = super()._register_hook()
        try:
            found = self.ov_undeclared_stamp_fields()
        except Exception:  # the tables a declaration lives in may not exist yet
            _logger.debug("legacy stamp check postponed", exc_info=True)
            return result
        if found:
            _logger.warning(stamps.advice(found))
        return result

    @api.model
    def ov_undeclared_stamp_fields(self):
        """``model.field`` names of stamps no migration plan declares legacy."""
        association_models = set(
            self.env["ov.sa.association.mixin"]._ov_concrete_models()
            + self.env["ov.actor.association.mixin"]._ov_concrete_models()
        )
        described = (
            (model_name, name, field.type, getattr(field, "comodel_name", None))
            for model_name, model in self.env.registry.items()
            if not model._abstract
            for name, field in model._fields.items()
        )
        return stamps.undeclared_stamps(
            described, association_models, self._ov_declared_legacy_fields()
        )

    @api.model
    def _ov_declared_legacy_fields(self):
        """Override to return the ``(model, field)`` pairs declared legacy."""
        return set()
