from odoo import api, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .. import arguments

# Context value that lets the library's own code write protected fields. It is
# an object, so it cannot be forged through RPC (where a context is JSON).
SYSTEM_WRITE = object()
SYSTEM_WRITE_KEY = "ov_association_system_write"


def checked(check, *args, label=None, **kwargs):
    """Run one validator of ``arguments``; its ArgumentError becomes a
    UserError, prefixed with ``label`` (a model's description, a rule's name)
    when given. The one place that turns a bad argument into an error a
    caller reads (docs/design.md §5)."""
    try:
        return check(*args, **kwargs)
    except arguments.ArgumentError as error:
        raise UserError(f"{label}: {error}" if label else str(error)) from None


def readable_record(env, argument, Model, record_id, trust_superuser=False):
    """The record ``record_id`` of ``Model`` named by the caller's
    ``argument``, if it exists and the caller may read it: else a UserError
    (there is no such record) or an AccessError (another company, no access),
    each naming the argument. The one "no such id / you may not read it"
    check (docs/design.md §5).

    One query with the reader's record rules in its SQL (an archived record
    counts: it still answers); the Python evaluation of the rules cost more
    than a governed read. With ``trust_superuser``, code running as superuser
    gets the record unchecked (a wrong id then governs nothing, and a governed
    read stays one query)."""
    if not record_id:
        return Model.browse()
    record = Model.browse(record_id)
    if env.su and trust_superuser:
        return record
    if not env.su and Model.with_context(active_test=False).search_count(
        [("id", "=", record_id)], limit=1
    ):
        return record
    if not record.exists():
        raise UserError(
            env._(
                "%(argument)s: there is no %(model)s with id %(id)s.",
                argument=argument,
                model=Model._description,
                id=record_id,
            )
        )
    if env.su:
        return record
    raise AccessError(
        env._(
            "%(argument)s: you cannot read %(model)s %(id)s (another company, or no access).",
            argument=argument,
            model=Model._description,
            id=record_id,
        )
    )


class OvAssociationGuardMixin(models.AbstractModel):
    """The guarantees every model of the library has, from this one place (docs/design.md §5).

    Every concrete ``ov.*`` model, in every addon of the library, inherits
    this mixin (``test_library_guarantees`` checks it, and the adversarial
    suite attacks each such model it discovers):

    * **Company scope**: a stored ``company_id`` and a global company record
      rule. A model without one says why in one line, as the text of
      ``_ov_company_scope`` (a wizard, a view over scoped tables, ...).
    * **Deletion** is decided by ``_ov_check_unlink``, which Odoo runs under
      every context (``@api.ondelete(at_uninstall=True)``): no key a client
      can send, Odoo's module-uninstall key included, skips it. Only the
      library's own code and a real module uninstall (as superuser) pass.

    No side doors:

    * On models whose related fields reach governed records
      (``_ov_related_as_reader``: the association rows and memberships),
      related fields that are not stored are evaluated with the reader's
      rights, not as superuser: a row shows the value only when its reader
      may read every record on the path (the parent row, the governed
      record), and is empty otherwise. Odoo computes them as superuser by
      default, and answers from its cache without checking access, so a
      value fetched once as superuser (a many2one's display name, which
      Odoo's web client always reads as superuser) showed through them.
    * ``onchange`` takes only records its caller may read: the values it is
      given name nothing the caller could not see (docs/design.md §5).
    * Derived fields (stored computes and related fields, such as
      ``company_id``, and the fields listed in ``_ov_system_fields``) are
      written only by the library itself, never by a caller, at creation or
      later.
    """

    _name = "ov.association.guard.mixin"
    _description = "Guarantees of every model of the library"

    # Read by test_library_guarantees: which models carry these guarantees.
    _ov_guarded = True
    # True: company_id and a global company rule; otherwise the one-line reason why not.
    _ov_company_scope = True
    # True where related fields reach governed records (the association rows):
    # evaluated with the reader's rights (below). Elsewhere (a plan's model
    # name, a wizard's figures) Odoo's own evaluation stands.
    _ov_related_as_reader = False

    def _ov_argument(self, check, *args, **kwargs):
        """Run one validator of ``arguments`` for this model (``checked``)."""
        return checked(check, *args, label=self._description, **kwargs)

    def _ov_readable_record(self, argument, Model, record_id, trust_superuser=False):
        """``readable_record`` in this model's environment."""
        return readable_record(self.env, argument, Model, record_id, trust_superuser)

    def _setup_fields(self):
        result = super()._setup_fields()
        if not self._ov_related_as_reader:
            return result
        for field in self._fields.values():
            if field.related and not field.store:
                field.compute_sudo = False
        return result

    def _ov_readable(self, records):
        """The part of ``records`` the real user may read, even under sudo().

        New records (not saved yet) are the user's own: readable.
        """
        saved = records.filtered("id")
        if not saved:
            return records
        return saved.sudo(False)._filtered_access("read").sudo(records.env.su) | (records - saved)

    def _compute_field_value(self, field):
        if not (self._ov_related_as_reader and field.related and not field.store) or self.env.su:
            return super()._compute_field_value(field)
        # Walk the path one hop at a time, keeping only the rows whose next
        # record the user may read: access is checked here, explicitly, not
        # left to a fetch that a cached value would skip.
        *hops, last = field.related.split(".")
        values = {record: record for record in self}
        model = self
        for name in hops:
            model = self.env[model._fields[name].comodel_name]
            values = {record: value[name][:1] for record, value in values.items()}
            reached = model.browse().union(*values.values())
            readable = self._ov_readable(reached)
            values = {record: value for record, value in values.items() if value in readable}
        relational = field.type in ("many2one", "one2many", "many2many")
        for record in self:
            if record not in values:
                record[field.name] = False
                continue
            value = field._process_related(values[record][last], record.env)
            # A related record is itself shown only if the user may read it.
            record[field.name] = self._ov_readable(value) if relational else value

    # ------------------------------------------------------------------
    # Display names of governed records and rows: Odoo shows a many2one's
    # name as superuser; on governed rows, only what the reader may read.
    # ------------------------------------------------------------------
    @api.model
    def _ov_masked_many2ones(self):
        """Many2one fields of this model that point at a governed record or row."""
        sa_models = self.env["ov.sa.association.mixin"]._ov_concrete_models()
        sensitive = {
            *sa_models,
            *(self.env[name]._ov_target_model() for name in sa_models),
            *self.env["ov.association.lifecycle.mixin"]._ov_concrete_models(),
        }
        return [
            name
            for name, field in self._fields.items()
            if field.type == "many2one" and field.comodel_name in sensitive
        ]

    def _ov_mask_names(self, values_list, names, get_id, restricted):
        """Replace the names of records the reader cannot read by ``restricted(id)``."""
        for name in names:
            ids = {get_id(values[name]) for values in values_list if values.get(name)}
            ids.discard(False)
            if not ids:
                continue
            comodel = self.env[self._fields[name].comodel_name]
            readable = set(self._ov_readable(comodel.browse(ids)).ids)
            for values in values_list:
                value = values.get(name)
                if value and get_id(value) not in readable:
                    values[name] = restricted(value)

    def read(self, fields=None, load="_classic_read"):
        result = super().read(fields, load)
        if load == "_classic_read" and not self.env.su:
            names = [n for n in self._ov_masked_many2ones() if not fields or n in fields]
            label = self.env._("Restricted")
            self._ov_mask_names(result, names, lambda v: v[0], lambda v: (v[0], label))
        return result

    def web_read(self, specification):
        result = super().web_read(specification)
        if not self.env.su:
            names = [
                name
                for name in self._ov_masked_many2ones()
                if "display_name" in (specification.get(name) or {}).get("fields", {})
            ]
            label = self.env._("Restricted")
            self._ov_mask_names(
                result,
                names,
                lambda v: v["id"] if isinstance(v, dict) else False,
                lambda v: {**v, "display_name": label},
            )
        return result

    def export_data(self, fields_to_export):
        # Export names many2one values with what the cache holds, and a value
        # cached by a superuser read earlier in the request would pass
        # unchecked: start from a clean cache, so every value is fetched
        # against the exporter's rights.
        self.env.invalidate_all()
        return super().export_data(fields_to_export)

    def onchange(self, values, field_names, fields_spec):
        self.browse().check_access("read")
        for name, value in values.items():
            field = self._fields.get(name)
            ids = _referenced_ids(field, value)
            if not ids:
                continue
            referenced = self.env[field.comodel_name].browse(ids).exists()
            if self._ov_readable(referenced) != referenced:
                raise AccessError(
                    self.env._(
                        "%(model)s: %(field)s names a record you cannot read.",
                        model=self._description,
                        field=field.string,
                    )
                )
        return super().onchange(values, field_names, fields_spec)

    # ------------------------------------------------------------------
    # Deletion, under every context
    # ------------------------------------------------------------------
    @api.ondelete(at_uninstall=True)
    def _ov_guard_unlink(self):
        # at_uninstall=True: Odoo runs it whatever the context; with False it
        # would skip it under the module-uninstall key, which any RPC caller
        # can send.
        if self._ov_may_remove_used_rows():
            return
        self._ov_check_unlink()

    def _ov_check_unlink(self):
        """Override to refuse deleting ``self`` (raise a ``UserError`` naming the record)."""
        return None

    def _ov_may_remove_used_rows(self):
        """The library itself, or a real module uninstall (as superuser)."""
        return self._ov_is_system_write() or (
            self.env.su and bool(self.env.context.get(MODULE_UNINSTALL_FLAG))
        )

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
        # A many2one takes an id (or a record, from Python): anything else
        # Odoo reads as empty ('abc' cleared the field without a word) or
        # sends to the database as text (a psycopg2 error instead of one
        # naming it). One rule for every model: arguments.record_id.
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None or field.type != "many2one" or isinstance(value, models.BaseModel):
                continue
            self._ov_argument(arguments.record_id, name, value)
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


def _referenced_ids(field, value):
    """The ids an onchange value of a relational field refers to."""
    if field is None or field.type not in ("many2one", "many2many", "one2many"):
        return []
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, dict) and isinstance(value.get("id"), int):
        return [value["id"]]
    if field.type == "many2many" and isinstance(value, (list, tuple)):
        # commands: (4, id), (6, 0, ids), or plain ids
        ids = []
        for item in value:
            if isinstance(item, int) and not isinstance(item, bool):
                ids.append(item)
            elif isinstance(item, (list, tuple)) and item and item[0] in (4, 6):
                ids.extend(item[2] if item[0] == 6 else [item[1]])
        return [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
    return []
