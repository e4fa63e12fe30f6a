"""The write workloads of ``make bench`` (section ``writes``): actor rows
activated through the ORM, and the expiry cron over past-dated SA rows.
"""

import time
from datetime import timedelta

from odoo import fields

from .bench_fill import ACTOR_MODEL


def time_activation(env, count):
    """Activate ``count`` new actor rows through the ORM; rows per second."""
    cr = env.cr
    cr.execute(
        """INSERT INTO ov_actor_sa_test_target (sa_test_target_id, actor_id, company_id, state,
                                               association_kind, create_date, write_date)
           SELECT s.id, m.actor_id, s.company_id, 'draft', 'access', now(), now()
           FROM ov_sa_test_target s
           JOIN LATERAL (SELECT actor_id FROM ov_sa_membership
                         WHERE sa_id = s.sa_id AND state = 'active'
                         ORDER BY md5(actor_id::text || s.id::text || 'w') LIMIT 1) m ON true
           WHERE s.state = 'active' AND s.association_kind IN ('access', 'assignment')
           ORDER BY s.id LIMIT %s RETURNING id""",
        [count],
    )
    rows = env[ACTOR_MODEL].browse([row[0] for row in cr.fetchall()])
    start = time.perf_counter()
    rows.action_activate()
    env.flush_all()
    elapsed = time.perf_counter() - start
    cr.commit()
    return {"rows": len(rows), "seconds": elapsed, "rows_per_second": len(rows) / elapsed}


def time_cron(env, count):
    """Past-date ``count`` active SA rows (and their children), then run the cron."""
    cr = env.cr
    past = fields.Datetime.now() - timedelta(days=1)
    earlier = past - timedelta(days=30)
    cr.execute(
        """WITH picked AS (SELECT id FROM ov_sa_test_target WHERE state = 'active'
                           ORDER BY id LIMIT %s)
           UPDATE ov_sa_test_target s SET date_from = %s, date_to = %s
           FROM picked WHERE s.id = picked.id""",
        [count, earlier, past],
    )
    picked = cr.rowcount
    cr.execute(
        """UPDATE ov_actor_sa_test_target a SET date_from = s.date_from, date_to = s.date_to
           FROM ov_sa_test_target s WHERE s.id = a.sa_test_target_id AND s.date_to = %s""",
        [past],
    )
    cr.commit()
    start = time.perf_counter()
    expired = env["ov.governance.cron"]._cron_expire_past_rows()
    elapsed = time.perf_counter() - start
    cr.execute(
        "SELECT count(*) FROM ov_actor_sa_test_target WHERE date_to = %s AND state = 'expired'",
        [past],
    )
    children = cr.fetchone()[0]
    again = env["ov.governance.cron"]._cron_expire_past_rows()
    cr.commit()
    return {
        "sa_rows_past_dated": picked,
        "expired_by_cron": expired,
        "actor_rows_expired_by_cascade": children,
        "seconds": elapsed,
        "rows_per_second": (expired + children) / elapsed,
        "second_run_expired": again,
    }
