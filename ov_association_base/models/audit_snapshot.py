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
        columns = Model._ov_event_row_columns()
        kind = "association_kind" if "association_kind" in Model._fields else "NULL"
        cr.execute(
            SQL(
                """INSERT INTO ov_association_event (
                       model, res_id, event, new_state, new_kind, reason, company_id, date,
                       row_state, row_kind, row_date_from, row_date_to,
                       row_target_id, row_parent_id, row_sa_id, row_actor_id)
                   SELECT %(model)s, id, 'snapshot', state, %(kind)s, %(reason)s, company_id,
                          %(date)s,
                          state, %(kind)s, date_from, date_to,
                          %(target)s, %(parent)s, %(sa)s, %(actor)s
                   FROM %(table)s ORDER BY id""",
                model=name,
                date=date,
                kind=SQL(kind),
                reason=reason,
                table=SQL.identifier(Model._table),
                **{
                    key: SQL.identifier(columns[f"row_{key}_id"])
                    if f"row_{key}_id" in columns
                    else SQL("NULL::integer")
                    for key in ("target", "parent", "sa", "actor")
                },
            )
        )
        written += cr.rowcount
    return written
