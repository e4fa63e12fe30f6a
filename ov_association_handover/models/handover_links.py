from odoo import fields, models
from odoo.tools import SQL

# Columns a successor does not take from its row as they are: the handover
# sets them (or the database does: the actor rows' parent cache).
_SET_BY_THE_HANDOVER = {
    "id",
    "state",
    "date_from",
    "date_to",
    "handed_over_from_id",
    "handed_over_to_id",
    "ov_target_id",
    "ov_parent_state",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
}


class OvAssociationHandoverLinksMixin(models.AbstractModel):
    """The two rows of a handover point at each other (docs/design.md §6).

    Row ids of the same table, with a foreign key the database keeps: a
    mixin cannot declare a Many2one to the concrete model that inherits it.
    Written only by the handovers (system fields of the lifecycle).
    """

    _name = "ov.association.handover.links.mixin"
    _description = "Handover links between association rows"

    handed_over_from_id = fields.Integer(
        "Handed over from",
        readonly=True,
        copy=False,
        help="The row this one took over from (a reassignment or a transfer).",
    )
    handed_over_to_id = fields.Integer(
        "Handed over to",
        readonly=True,
        copy=False,
        help="The row that took over from this one (a reassignment or a transfer).",
    )

    def init(self):
        super().init()
        if self._abstract:
            return
        cr = self.env.cr
        # Deferred to the commit: a handover points each ended row at its
        # successor in the same statement that ends it, before the successor
        # is inserted (handover_reassign).
        for column in ("handed_over_from_id", "handed_over_to_id"):
            name = f"{self._table}_{column}_fkey"[:63]
            cr.execute("SELECT condeferred FROM pg_constraint WHERE conname = %s", [name])
            found = cr.fetchone()
            if found and not found[0]:
                cr.execute(
                    SQL(
                        "ALTER TABLE %s DROP CONSTRAINT %s",
                        SQL.identifier(self._table),
                        SQL.identifier(name),
                    )
                )
            if not found or not found[0]:
                cr.execute(
                    SQL(
                        "ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (id)"
                        " ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED",
                        SQL.identifier(self._table),
                        SQL.identifier(name),
                        SQL.identifier(column),
                        SQL.identifier(self._table),
                    )
                )
            # The foreign key's ON DELETE SET NULL looks for rows pointing at
            # each deleted row: without an index, two scans of the whole
            # table per row deleted. Only linked rows are indexed.
            cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s (%s) WHERE %s IS NOT NULL",
                    SQL.identifier(f"{self._table}_{column}_idx"[:63]),
                    SQL.identifier(self._table),
                    SQL.identifier(column),
                    SQL.identifier(column),
                )
            )

    def _ov_replace_rows(self, changes, date):
        """The one strategy of the handovers (reassign: another actor;
        transfer: another SA): end these rows at ``date`` and start, for each,
        a successor that differs from it only by ``changes`` (``{column:
        value}``), takes over the rest of its window and its state (a
        suspended row's successor is suspended), the two linked to each other.
        Set-based, three statements whatever the number of rows: the
        successors' ids are drawn first, so that one UPDATE ends each row and
        points it at its successor (the slot is free before anything takes
        it), and one INSERT starts the successors already linked back. The
        caller has checked and locked what creating and activating the
        successors needs, and writes their events; returns the new ids in
        the order of ``self``."""
        cr, table = self.env.cr, SQL.identifier(self._table)
        self.check_access("create")
        # Everything: the database's triggers on the rows written here read
        # the parent rows, memberships, SAs and actors (caches, holders).
        self.env.flush_all()
        cr.execute(
            SQL(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                self._table,
                len(self),
            )
        )
        new_ids = [row[0] for row in cr.fetchall()]
        links = SQL(
            "unnest(%s::integer[], %s::integer[], %s::varchar[], %s::timestamp[])"
            " AS link(old_id, new_id, state, date_to)",
            self.ids,
            new_ids,
            self.mapped("state"),
            [row.date_to or None for row in self],
        )
        now, uid = fields.Datetime.now(), self.env.uid
        cr.execute(
            SQL(
                "UPDATE %(table)s row SET state = 'expired', date_to = %(date)s,"
                " handed_over_to_id = link.new_id, write_uid = %(uid)s, write_date = %(now)s"
                " FROM %(links)s WHERE row.id = link.old_id",
                table=table,
                date=date,
                links=links,
                uid=uid,
                now=now,
            )
        )
        copied = sorted(
            name
            for name, field in self._fields.items()
            if field.store
            and field.column_type
            and name not in _SET_BY_THE_HANDOVER
            and name not in changes
        )
        cr.execute(
            SQL(
                "INSERT INTO %(table)s (id, state, date_from, date_to, handed_over_from_id,"
                " create_uid, create_date, write_uid, write_date, %(changed)s, %(copied)s)"
                " SELECT link.new_id, link.state, %(date)s, link.date_to, old.id,"
                " %(uid)s, %(now)s, %(uid)s, %(now)s, %(values)s, %(from_old)s"
                " FROM %(links)s JOIN %(table)s old ON old.id = link.old_id",
                table=table,
                changed=SQL(", ").join(SQL.identifier(name) for name in changes),
                values=SQL(", ").join(SQL("%s", value) for value in changes.values()),
                copied=SQL(", ").join(SQL.identifier(name) for name in copied),
                from_old=SQL(", ").join(SQL.identifier("old", name) for name in copied),
                date=date,
                uid=uid,
                now=now,
                links=links,
            )
        )
        self.invalidate_recordset()
        return new_ids

    def _ov_link_handovers(self, pairs):
        """Record ``[(old id, new id), …]`` on both rows of each pair, in one
        statement per side."""
        if not pairs:
            return
        old_ids, new_ids = (list(side) for side in zip(*pairs, strict=True))
        for column, key, value in (
            ("handed_over_to_id", old_ids, new_ids),
            ("handed_over_from_id", new_ids, old_ids),
        ):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s row SET %s = link.value"
                    " FROM unnest(%s::integer[], %s::integer[]) AS link(id, value)"
                    " WHERE row.id = link.id",
                    SQL.identifier(self._table),
                    SQL.identifier(column),
                    key,
                    value,
                )
            )
        self.browse(old_ids + new_ids).invalidate_recordset(
            ["handed_over_from_id", "handed_over_to_id"]
        )

    def action_open_handed_over_from(self):
        self.ensure_one()
        return self._ov_open_row(self.handed_over_from_id)

    def action_open_handed_over_to(self):
        self.ensure_one()
        return self._ov_open_row(self.handed_over_to_id)

    def _ov_open_row(self, row_id):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": row_id,
            "view_mode": "form",
            "target": "current",
        }
