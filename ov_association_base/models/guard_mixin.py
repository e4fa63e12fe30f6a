from odoo import api, models
from odoo.exceptions import UserError

# Context value that lets the library's own code write protected fields. It is
# an object, so it cannot be forged through RPC (where a context is JSON).
SYSTEM_WRITE = object()
SYSTEM_WRITE_KEY = "ov_association_system_write"


class OvAssociationGuardMixin(models.AbstractModel):
    """No side doors on a governed row (DESIGN §5).

    * Related fields that are not stored are evaluated with the reader's
      rights, not as superuser: reading one needs the right to read every
      record on its path (the parent row, the governed record). Odoo computes
      them as superuser by default, which let ``onchange`` on a new row show a
      governed record its caller could not read.
    * Derived fields (stored computes and related fields, such as
      ``company_id``, and the fields listed in ``_ov_system_fields``) are
      written only by the library itself, never by a caller, at creation or
      later.
    """

    _name = "ov.association.guard.mixin"
    _description = "Governed row guard (no side doors)"

    def _setup_fields(self):
        super()._setup_fields()
        for field in self._fields.values():
            if field.related and not field.store:
                field.compute_sudo = False

    # ------------------------------------------------------------------
    def _ov_system_write(self, vals):
        """Write fields reserved to the library's code."""
        return self.with_context(**{SYSTEM_WRITE_KEY: SYSTEM_WRITE}).write(vals)

    def _ov_is_system_write(self):
        return self.env.context.get(SYSTEM_WRITE_KEY) is SYSTEM_WRITE

    def _ov_derived_fields(self):
        """Fields the database or the ORM derives: never given by a caller."""
        return {
            name
            for name, field in self._fields.items()
            if field.compute and field.readonly and not field.inverse and name != "id"
        }

    def _ov_refuse_derived(self, vals, creating):
        if self._ov_is_system_write():
            return
        derived = sorted(set(vals) & self._ov_derived_fields())
        if derived:
            raise UserError(
                self.env._(
                    "%(model)s: %(fields)s is derived (from the SA, the parent row or "
                    "the database) and cannot be %(how)s.",
                    model=self._description,
                    fields=", ".join(self._fields[name].string for name in derived),
                    how=self.env._("given at creation") if creating else self.env._("written"),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._ov_refuse_derived(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._ov_refuse_derived(vals, creating=False)
        return super().write(vals)
