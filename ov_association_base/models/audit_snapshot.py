"""The upgrade snapshot: one ``snapshot`` event per existing row.

The audit log records whole rows (``row_*``) since 18.0.1.4.0. A database
upgraded from an earlier version gets, at that upgrade, one ``snapshot``
event per association row and membership, so that answers as of a past
moment (``ov_association_history``) can start from it. It is written by the
base's own upgrade script, hence here, beside the log it writes to.
"""

from odoo import fields
from odoo.tools import SQL


def snapshot_rows(env, reason):
    """Append one ``snapshot`` event per existing row of every lifecycle model
    (association rows and memberships): what the log did not record whole
    before 18.0.1.4.0. Returns how many were written."""
    cr, written = env.cr, 0
    date = fields.Datetime.now()
    for name in env["ov.association.lifecycle.mixin"]._ov_concrete_models():
        Model = env[name]
        columns, values = Model._ov_event_row_sql("row")
        kind = "association_kind" if "association_kind" in Model._fields else "NULL"
        cr.execute(
            SQL(
                """INSERT INTO ov_association_event (
                       model, res_id, event, new_state, new_kind, reason, company_id, date,
                       %(columns)s)
                   SELECT %(model)s, id, 'snapshot', state, %(kind)s, %(reason)s, company_id,
                          %(date)s, %(values)s
                   FROM %(table)s row ORDER BY id""",
                model=name,
                date=date,
                kind=SQL(kind),
                reason=reason,
                columns=columns,
                values=values,
                table=SQL.identifier(Model._table),
            )
        )
        written += cr.rowcount
    return written
