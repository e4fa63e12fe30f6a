"""The audit events of a governed row (docs/design.md §5): one event per
creation, transition and deletion, recording the row as it stands after it.

An event's row is state, kind, window and the ids of ``_ov_event_row_columns``
(target, parent, SA, actor): the ORM's events (``_ov_log_events``), the
database's own (the delete and emptied-target triggers of ``audit_sql``) and
those written in SQL (handovers, the upgrade snapshot: ``_ov_event_row_sql``)
all record that one shape.
"""

from odoo import models
from odoo.tools import SQL

# The ids an event records of its row, beyond state, kind and window.
EVENT_ROW_KEYS = ("row_target_id", "row_parent_id", "row_sa_id", "row_actor_id")


class EventDate:
    """Context value (``ov_event_date``) that dates the events a handover
    writes at the moment it takes effect: an object, so no RPC client can
    send one."""

    def __init__(self, date):
        self.date = date


class OvAssociationLifecycleEvents(models.AbstractModel):
    _inherit = "ov.association.lifecycle.mixin"

    def _ov_log_events(
        self,
        event,
        old_states=None,
        new_states=None,
        old_kinds=None,
        new_kinds=None,
        reason=None,
        old_values=None,
        new_values=None,
    ):
        """Append one audit event per record."""
        count = len(self)
        old_states = old_states or [False] * count
        new_states = new_states or [False] * count
        old_kinds = old_kinds or [False] * count
        new_kinds = new_kinds or [False] * count
        old_values = old_values or [False] * count
        new_values = new_values or [False] * count
        has_company = "company_id" in self._fields
        dated = self.env.context.get("ov_event_date")
        date = {"date": dated.date} if isinstance(dated, EventDate) else {}
        vals_list = [
            {
                **record._ov_event_row(),
                "model": self._name,
                "res_id": record.id,
                "event": event,
                "old_state": old_states[index],
                "new_state": new_states[index],
                "old_kind": old_kinds[index],
                "new_kind": new_kinds[index],
                "old_value": old_values[index],
                "new_value": new_values[index],
                "reason": reason or False,
                "user_id": self.env.uid,
                "company_id": record.company_id.id if has_company else False,
                **date,
            }
            for index, record in enumerate(self)
        ]
        self.env["ov.association.event"]._ov_append(vals_list)

    def _ov_event_row(self):
        """The row as its events record it (``row_*`` of ``ov.association.event``):
        state, kind, window, and the columns of ``_ov_event_row_columns``."""
        row = {
            "row_state": self.state,
            "row_kind": self["association_kind"] if "association_kind" in self._fields else False,
            "row_date_from": self.date_from,
            "row_date_to": self.date_to,
        }
        for event_column, field_name in self._ov_event_row_columns().items():
            row[event_column] = self[field_name].id
        return row

    def _ov_event_row_columns(self):
        """``{event column: many2one field}`` of what else decides what the
        row grants (its target, parent, SA, actor): the one statement of an
        event's row beyond state, kind and window. The ORM's events
        (``_ov_event_row``), the database's own (the delete and emptied-target
        triggers) and the SQL-written ones (``_ov_event_row_sql``) all read it."""
        return {}

    def _ov_event_row_sql(self, alias):
        """``(columns, values)``: the eight ``row_*`` columns of an event and
        their values from the row ``alias`` of this model's table (NULL where
        the model has no such column), for events written in SQL."""
        columns = self._ov_event_row_columns()
        kind = (
            SQL.identifier(alias, "association_kind")
            if "association_kind" in self._fields
            else SQL("NULL")
        )
        values = [
            SQL.identifier(alias, "state"),
            kind,
            SQL.identifier(alias, "date_from"),
            SQL.identifier(alias, "date_to"),
            *(
                SQL.identifier(alias, columns[name]) if name in columns else SQL("NULL::integer")
                for name in EVENT_ROW_KEYS
            ),
        ]
        names = ["row_state", "row_kind", "row_date_from", "row_date_to", *EVENT_ROW_KEYS]
        return SQL(", ").join(SQL.identifier(name) for name in names), SQL(", ").join(values)
