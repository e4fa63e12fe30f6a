"""The audit events of a governed row (docs/design.md §5): one event per
creation, transition and deletion, recording the row as it stands after it.

An event's row is state, kind, window and the ids of ``_ov_event_row_columns``
(target, parent, SA, actor): the ORM's events (``_ov_log_events``), the
database's own (the delete and emptied-target triggers of ``audit_sql``) and
those written in SQL (handovers, the upgrade snapshot) all record that one
shape, read by ``_ov_event_row_sql``.
"""

from odoo import fields, models
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
        """Append one audit event per record, in the records' order, each
        recording its row as the database holds it once this change is
        flushed.

        One ``INSERT … SELECT`` from the rows (``_ov_event_row_sql``, the one
        shape every event records): a transition of fifty thousand rows
        writes their events in a second, where building each event in Python
        took three. Nobody holds create rights on events: the statement is the
        system's, as ``ov.association.event._ov_append``'s is.
        """
        if not self:
            return
        self.flush_recordset()
        count = len(self)

        def column(values, kind):
            return SQL("%s::%s[]", [value or None for value in values or [None] * count], SQL(kind))

        dated = self.env.context.get("ov_event_date")
        date = dated.date if isinstance(dated, EventDate) else fields.Datetime.now()
        if "company_id" not in self._fields:
            company = SQL("NULL::integer")
        elif self._fields["company_id"].store:
            company = SQL.identifier("governed", "company_id")
        else:
            company = SQL("%s::integer[]", self.mapped("company_id.id"))
            company = SQL("(%s)[change.position]", company)
        row_columns, row_values = self._ov_event_row_sql("governed")
        self.env.cr.execute(
            SQL(
                """INSERT INTO ov_association_event
                       (model, res_id, event, old_state, new_state, old_kind, new_kind,
                        old_value, new_value, reason, user_id, company_id, date, %(row_columns)s)
                   SELECT %(model)s, governed.id, %(event)s, change.old_state, change.new_state,
                          change.old_kind, change.new_kind, change.old_value, change.new_value,
                          %(reason)s, %(uid)s, %(company)s, %(date)s, %(row_values)s
                   FROM unnest(%(ids)s::integer[], %(old_states)s, %(new_states)s,
                               %(old_kinds)s, %(new_kinds)s, %(old_values)s, %(new_values)s)
                        WITH ORDINALITY
                        AS change(id, old_state, new_state, old_kind, new_kind,
                                 old_value, new_value, position)
                   JOIN %(table)s governed ON governed.id = change.id
                   ORDER BY change.position""",
                row_columns=row_columns,
                model=self._name,
                event=event,
                reason=reason or None,
                uid=self.env.uid,
                company=company,
                date=date,
                row_values=row_values,
                ids=self.ids,
                old_states=column(old_states, "varchar"),
                new_states=column(new_states, "varchar"),
                old_kinds=column(old_kinds, "varchar"),
                new_kinds=column(new_kinds, "varchar"),
                old_values=column(old_values, "varchar"),
                new_values=column(new_values, "varchar"),
                table=SQL.identifier(self._table),
            )
        )

    def _ov_event_row_columns(self):
        """``{event column: many2one field}`` of what else decides what the
        row grants (its target, parent, SA, actor): the one statement of an
        event's row beyond state, kind and window. Every event reads it: those
        of ``_ov_log_events`` and the other SQL-written ones through
        ``_ov_event_row_sql``, the database's own (the delete and
        emptied-target triggers) through their arguments."""
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
