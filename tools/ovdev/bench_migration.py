"""``make bench``, migration section: dry run, backfill and parity of one plan.

The legacy data is the test target's stamps, the same the read benchmark
compares with (``fill_governance`` stamps what its association rows grant);
the association rows are then removed, so the plan has everything to
backfill. Timed through the plan's own methods, as a manager would run them
from ``odoo-bin shell``.
"""

import time

from odoo import SUPERUSER_ID, api

from .bench_db import vacuum
from .bench_fill import declare_audit_maintenance, fill_governance, fill_targets
from .bench_stats import percent

PLAN_NAME = "bench: test target stamps"


def _reset(env):
    """Keep targets, stamps, SAs, actors and memberships; drop what a backfill makes."""
    cr = env.cr
    declare_audit_maintenance(cr)
    cr.execute(
        "TRUNCATE ov_sa_test_target, ov_actor_sa_test_target, ov_association_event,"
        " ov_migration_plan, ov_migration_plan_row RESTART IDENTITY CASCADE"
    )
    cr.execute("SELECT count(*) FROM ov_test_target WHERE stamp_sa_id IS NOT NULL")
    return cr.fetchone()[0]


def _plan(env):
    Fields = env["ir.model.fields"]
    return env["ov.migration.plan"].create(
        {
            "name": PLAN_NAME,
            "legacy_model_id": env["ir.model"]._get_id("ov.test.target"),
            "pair_model": "ov.sa_test_target",
            "sa_field_id": Fields._get("ov.test.target", "stamp_sa_id").id,
            "actor_field_id": Fields._get("ov.test.target", "stamp_actor_id").id,
            "rule_ids": [
                (0, 0, {"name": "Responsible", "sa_kind": "assignment", "actor_kind": "assignment"})
            ],
        }
    )


def _timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def run(registry, dsn, size, fraction):
    """One plan over ``size`` targets, ``fraction`` of them governed."""
    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM ov_test_target")
        if cr.fetchone()[0] != size:
            fill_targets(cr, size)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        fill_governance(env, fraction)
        stamped = _reset(env)
    vacuum(dsn, ["ov_test_target", "ov_sa_test_target", "ov_actor_sa_test_target"])
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        plan = _plan(env)
        plan.action_classify()
        dry_run = _timed(plan.action_dry_run)
        cr.commit()
        backfill = _timed(lambda: plan.action_backfill(commit=True))
        cr.execute("SELECT count(*) FROM ov_association_event")
        events = cr.fetchone()[0]
    vacuum(dsn, ["ov_sa_test_target", "ov_actor_sa_test_target"])
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        plan = env["ov.migration.plan"].search([("name", "=", PLAN_NAME)])
        parity = _timed(plan.action_verify_parity)
        rows = plan.backfill_created_sa + plan.backfill_created_actor
        result = {
            "row": {
                "N": size,
                "stamped": percent(fraction),
                "legacy rows stamped": stamped,
                "dry run s": dry_run,
                "backfill s": backfill,
                "parity s": parity,
                "rows created": rows + plan.backfill_created_membership,
                "events": events,
                # Association rows (SA and actor layers) per second, the time
                # including their audit events; then every row the backfill
                # wrote (memberships and events too) per second.
                "assoc rows/s": rows / backfill if backfill else 0.0,
                "written rows/s": (rows + plan.backfill_created_membership + events) / backfill
                if backfill
                else 0.0,
            },
            "report": [
                {
                    "step": line.step,
                    "category": line.category,
                    "subject": line.subject,
                    "detail": line.detail,
                    "count": line.count,
                    "sample": line.sample,
                }
                for line in plan.report_line_ids
            ],
            "parity": {
                "only_stamp": plan.parity_only_stamp,
                "only_association": plan.parity_only_association,
                "state": plan.state,
            },
        }
        cr.commit()
    return result
