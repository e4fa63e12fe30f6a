"""Handover throughput (``make bench`` section ``handover``).

One departing actor holds ``rows`` exclusive assignments (one per SA row, in
one SA where a successor is also a member); the whole lot is reassigned to
the successor through ``action_reassign`` (the ORM, audited, every check and
lock), then the successors' windows are extended through
``action_change_window``. Rows per second of each.
"""

import time
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields

from .bench_db import log, vacuum
from .bench_fill import ACTOR_MODEL, fill_targets


def _fill(cr, company, rows):
    fill_targets(cr, rows)
    cr.execute(
        """INSERT INTO ov_sa (name, code, complete_name, parent_path, company_id, active,
                              create_date, write_date)
           VALUES ('bench handover SA', 'BENCH-HO', 'bench handover SA', '', %s, true,
                   now(), now()) RETURNING id""",
        [company],
    )
    sa = cr.fetchone()[0]
    cr.execute("UPDATE ov_sa SET parent_path = id || '/' WHERE id = %s", [sa])
    cr.execute(
        """INSERT INTO ov_actor (name, active, create_date, write_date)
           VALUES ('bench actor departing', true, now(), now()),
                  ('bench actor successor', true, now(), now()) RETURNING id"""
    )
    departing, successor = (row[0] for row in cr.fetchall())
    cr.execute(
        """INSERT INTO ov_sa_membership (sa_id, actor_id, company_id, state,
                                         create_date, write_date)
           VALUES (%s, %s, %s, 'active', now(), now()), (%s, %s, %s, 'active', now(), now())""",
        [sa, departing, company, sa, successor, company],
    )
    cr.execute(
        """INSERT INTO ov_sa_test_target (sa_id, target_id, company_id, state, association_kind,
                                          create_date, write_date)
           SELECT %s, id, %s, 'active', 'assignment', now(), now() FROM ov_test_target""",
        [sa, company],
    )
    cr.execute(
        """INSERT INTO ov_actor_sa_test_target (sa_test_target_id, actor_id, company_id, state,
                                               association_kind, create_date, write_date)
           SELECT id, %s, company_id, 'active', 'assignment', now(), now()
           FROM ov_sa_test_target WHERE sa_id = %s""",
        [departing, sa],
    )
    return departing, successor


def run(registry, dsn, rows=10_000):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        log(f"handover: {rows} exclusive rows of one actor")
        departing, successor = _fill(cr, env.company.id, rows)
        cr.commit()
    vacuum(dsn, ["ov_sa_test_target", "ov_actor_sa_test_target", "ov_sa_membership"])
    result = {"rows": rows}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        held = env[ACTOR_MODEL].search([("actor_id", "=", departing), ("state", "=", "active")])
        start = time.perf_counter()
        done = held.action_reassign(successor, reason="bench: departure")
        cr.commit()  # timed too: the links' foreign keys are checked at commit
        elapsed = time.perf_counter() - start
        result["reassign seconds"] = elapsed
        result["reassign rows/s"] = len(done["reassigned"]) / elapsed
        cr.execute(
            "SELECT count(*) FROM ov_association_event WHERE model = %s",
            [ACTOR_MODEL],
        )
        result["audit events written"] = cr.fetchone()[0]
        successors = env[ACTOR_MODEL].browse(new for _old, new in done["reassigned"])
        later = fields.Datetime.now() + timedelta(days=365)
        start = time.perf_counter()
        successors.action_change_window(date_to=later, reason="bench: extension")
        cr.commit()
        elapsed = time.perf_counter() - start
        result["window extension seconds"] = elapsed
        result["window extension rows/s"] = len(successors) / elapsed
    return result
