import datetime
import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .. import policy
from . import audit_chain

EVENTS = [
    ("create", "Created"),
    ("transition", "State change"),
    ("kind_change", "Kind change"),
    ("delete", "Deleted"),
    ("target_deleted", "Governed record deleted"),
    ("actor_relinked", "Actor linked to another user"),
    ("actor_archived", "Actor archived"),
    ("actor_restored", "Actor restored"),
    ("actor_company_changed", "Actor moved to another company"),
    ("sa_archived", "SA archived"),
    ("sa_restored", "SA restored"),
    # A step of a migration plan (ov_association_migration): kept here so the
    # events stay valid once that addon is uninstalled.
    ("migration", "Migration step"),
    # Written once per existing row when the log started recording whole rows
    # (18.0.1.4.0): answers "as of" a moment reach back to it (history.py).
    ("snapshot", "History snapshot"),
    # Handovers (docs/design.md §6): each one governed transition of its own.
    ("reassign", "Reassigned"),
    ("transfer", "Transferred to another SA"),
    ("window_change", "Window changed"),
    # A decision of an access review (ov_association_review), sealed when its
    # campaign closes: kept here so the events stay valid once that addon is
    # uninstalled.
    ("review", "Access review decision"),
]
# What _ov_append writes, with its SQL type.
_APPEND_COLUMNS = {
    "model": "varchar",
    "res_id": "integer",
    "event": "varchar",
    "old_state": "varchar",
    "new_state": "varchar",
    "old_kind": "varchar",
    "new_kind": "varchar",
    "old_value": "varchar",
    "new_value": "varchar",
    "reason": "text",
    "user_id": "integer",
    "company_id": "integer",
    "date": "timestamp",
    "row_state": "varchar",
    "row_kind": "varchar",
    "row_date_from": "timestamp",
    "row_date_to": "timestamp",
    "row_target_id": "integer",
    "row_parent_id": "integer",
    "row_sa_id": "integer",
    "row_actor_id": "integer",
}


def _json_value(value):
    """An ORM value as JSON: False is NULL, datetimes are Odoo's text."""
    if value is False:
        return None
    if isinstance(value, datetime.datetime):
        return fields.Datetime.to_string(value)
    return value


class OvAssociationEvent(models.Model):
    """Append-only, hash-chained audit log of governance (docs/design.md §5).

    The database refuses UPDATE and DELETE of events, whoever asks, and
    sealing chains them so that a change made past that refusal is found by
    ``verify_audit_log``: a change alone always; a change re-sealed by
    whoever holds SQL access only when the chain is keyed with a secret
    outside the database or anchored outside it (``audit_chain``,
    ``audit_anchor``, ``audit_verification``).
    """

    _name = "ov.association.event"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Governance audit event"
    _order = "date desc, id desc"
    # The event carries its own author and date; the ORM's bookkeeping
    # columns would only be more to change (and to keep out of the hash).
    _log_access = False

    # Both indexed by ov_association_event_record_idx (model, res_id, id)
    # alone: every read of a record's events names its model (see init).
    model = fields.Char(required=True, readonly=True)
    res_id = fields.Many2oneReference(
        "Record id", model_field="model", required=True, readonly=True
    )
    event = fields.Selection(EVENTS, required=True, readonly=True)
    old_state = fields.Selection(list(policy.STATES), readonly=True)
    new_state = fields.Selection(list(policy.STATES), readonly=True)
    # Kinds are extensible per model (selection_add), so they are kept as text.
    old_kind = fields.Char(readonly=True)
    new_kind = fields.Char(readonly=True)
    # Other changes of who or what is governed (e.g. the user an actor is).
    old_value = fields.Char(readonly=True)
    new_value = fields.Char(readonly=True)
    reason = fields.Text(readonly=True, groups=policy.MANAGER_GROUP)
    # restrict: a user or company that appears in the log stays (archive it).
    user_id = fields.Many2one("res.users", string="By", readonly=True, ondelete="restrict")
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True, ondelete="restrict")
    # The row as it stands after the event (before it, for a deletion): what
    # answers "as of" a past moment are rebuilt from (governed_history.py).
    # Plain integers, not Many2one: the log outlives the records it names.
    row_state = fields.Selection(list(policy.STATES), readonly=True)
    row_kind = fields.Char(readonly=True)
    row_date_from = fields.Datetime(readonly=True)
    row_date_to = fields.Datetime(readonly=True)
    row_target_id = fields.Integer("Governed record id", readonly=True)
    row_parent_id = fields.Integer("SA association id", readonly=True)
    row_sa_id = fields.Integer("SA id", readonly=True)
    row_actor_id = fields.Integer("Actor id", readonly=True)
    model_description = fields.Char("Record type", compute="_compute_record_labels")
    record_name = fields.Char("Record", compute="_compute_record_labels")
    # The chain spans every company: its positions would tell a manager of one
    # company how many events the others wrote, and when. Verification is a
    # system administrator's action (audit_verification); so is reading these.
    chain_index = fields.Integer(
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Position in the sealed chain.",
    )
    hash = fields.Char(
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Seal: chains this event to the previous one.",
    )
    keyed = fields.Boolean(
        "Sealed with the key",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Sealed with the audit key of the server's configuration (an HMAC).",
    )

    def init(self):
        result = super().init()
        cr = self.env.cr
        cr.execute(
            """CREATE INDEX IF NOT EXISTS ov_association_event_record_idx
               ON ov_association_event (model, res_id, id)"""
        )
        # Before 18.0.1.4.0 model had an index of its own, before 18.0.2.2.0
        # res_id too, which the record index covers: fewer indexes to write on
        # every event (Odoo keeps an index its field no longer asks for).
        cr.execute("DROP INDEX IF EXISTS ov_association_event__model_index")
        cr.execute("DROP INDEX IF EXISTS ov_association_event__res_id_index")
        # Before 18.0.1.2.0 events had the ORM's bookkeeping columns, whose
        # foreign keys would now try to UPDATE events when a user is deleted.
        for column in ("create_uid", "write_uid"):
            cr.execute(
                SQL(
                    "ALTER TABLE ov_association_event DROP CONSTRAINT IF EXISTS %s",
                    SQL.identifier(f"ov_association_event_{column}_fkey"),
                )
            )
        # How "as of" answers find a row's history: by the actor, the
        # governed record, the parent row or the SA it named (history.py).
        for column in ("row_actor_id", "row_target_id", "row_parent_id", "row_sa_id"):
            cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON ov_association_event (model, %s, res_id)"
                    " WHERE %s IS NOT NULL",
                    SQL.identifier(f"ov_association_event_{column}_idx"),
                    SQL.identifier(column),
                    SQL.identifier(column),
                )
            )
        cr.execute(
            """CREATE INDEX IF NOT EXISTS ov_association_event_snapshot_idx
               ON ov_association_event (date) WHERE event = 'snapshot'"""
        )
        audit_chain.install(cr)
        return result

    @api.depends("model", "res_id")
    def _compute_record_labels(self):
        """Name the record as the reader may see it; one read per model."""
        names = {}
        for model in set(self.mapped("model")):
            if model not in self.env:
                continue
            ids = {event.res_id for event in self if event.model == model}
            records = self.env[model].browse(ids).exists()
            readable = records._filtered_access("read")
            names.update({(model, record.id): record.display_name for record in readable})
            names.update(
                {
                    (model, record.id): self.env._("Restricted record")
                    for record in records - readable
                }
            )
        for event in self:
            known = event.model in self.env
            event.model_description = self.env[event.model]._description if known else event.model
            event.record_name = names.get(
                (event.model, event.res_id),
                self.env._("Deleted (#%(id)s)", id=event.res_id),
            )

    @api.model
    def _ov_append(self, vals_list):
        """Write events on behalf of the system: nobody holds create rights.

        One INSERT for the whole list: a handover of ten thousand rows writes
        thirty thousand events, which the ORM's create would take seconds to
        prepare. Events have no computed field and no default but ``date``
        (now), so nothing the ORM would add is skipped.
        """
        if not vals_list:
            return self.browse()
        unknown = set().union(*vals_list) - set(_APPEND_COLUMNS)
        if unknown:
            raise ValueError(f"not audit event columns: {', '.join(sorted(unknown))}")
        now = fields.Datetime.now()
        rows = [
            {
                name: _json_value(vals.get(name, now if name == "date" else None))
                for name in _APPEND_COLUMNS
            }
            for vals in vals_list
        ]
        self.env.cr.execute(
            SQL(
                "INSERT INTO ov_association_event (%s) SELECT %s FROM"
                " jsonb_to_recordset(%s::jsonb) AS event(%s) RETURNING id",
                SQL(", ").join(SQL.identifier(name) for name in _APPEND_COLUMNS),
                SQL(", ").join(SQL.identifier("event", name) for name in _APPEND_COLUMNS),
                json.dumps(rows),
                SQL(", ").join(
                    SQL("%s %s", SQL.identifier(name), SQL(kind))
                    for name, kind in _APPEND_COLUMNS.items()
                ),
            )
        )
        # sudo: the records are returned to library code, not to the caller.
        return self.sudo().browse(row[0] for row in self.env.cr.fetchall())

    def write(self, vals):  # pylint: disable=method-required-super
        # Append-only: no write reaches the database, so there is no super().
        raise UserError(self.env._("Audit events cannot be changed."))

    @api.ondelete(at_uninstall=True)
    def _unlink_never(self):
        # at_uninstall=True: Odoo runs it under every context, including the
        # module-uninstall key a client can send (the database refuses too).
        raise UserError(self.env._("Audit events cannot be deleted."))

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
