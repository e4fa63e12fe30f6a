from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """From 18.0.1.6.0 an archived SA grants nothing, and its archiving is
    audited (``sa_archived``). An SA archived before then has no such event:
    one is written now, dated now, so that answers as of a moment from now on
    say it was archived, while answers as of earlier moments keep what was
    live then (archived SAs still granted). The actor rows' holder columns
    were filled when their tables were upgraded (reach_holder_sql)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        """SELECT sa.id, sa.company_id FROM ov_sa sa WHERE NOT sa.active
           AND NOT EXISTS (SELECT 1 FROM ov_association_event event
                           WHERE event.model = 'ov.sa' AND event.res_id = sa.id
                             AND event.event IN ('sa_archived', 'sa_restored'))
           ORDER BY sa.id"""
    )
    env["ov.association.event"]._ov_append(
        [
            {
                "model": "ov.sa",
                "res_id": sa_id,
                "event": "sa_archived",
                "old_value": "True",
                "new_value": "False",
                "reason": "Archived before 18.0.1.6.0 (recorded at the upgrade)",
                "company_id": company_id,
            }
            for sa_id, company_id in cr.fetchall()
        ]
    )
