from odoo import fields, models
from odoo.tools import SQL


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
