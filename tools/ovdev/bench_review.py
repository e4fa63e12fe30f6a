"""Access reviews at volume (``make bench`` section ``review``).

``rows`` live rows of the test pair in one SA (half SA rows, half actor rows
of one member whose user has not signed in for a year, so every actor row
carries a recommendation). A campaign over that SA is opened (one item per
row, set-based) and closed with nothing decided: with the default ``keep``
(every decision recorded and written to the audit log, the CSV evidence
attached); a second campaign with the default ``end_at_deadline`` (every
row's window ends at the deadline through ``action_change_window`` as well,
audited); a third with the default ``revoke`` (every row revoked through
``action_revoke``, audited). Closing seals the
chain itself: its seconds include sealing every event it wrote, and the run
fails if any is left unsealed. Seconds of each.
"""

import time
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields

from .bench_db import log, vacuum
from .bench_fill import SA_MODEL, fill_targets


def _fill(env, rows):
    cr = env.cr
    company = env.company.id
    fill_targets(cr, rows // 2)
    Users = env["res.users"].with_context(active_test=False)
    reviewer = Users.search([("login", "=", "bench_reviewer")]) or Users.create(
        {
            "name": "bench reviewer",
            "login": "bench_reviewer",
            "groups_id": [(4, env.ref("ov_association_base.group_ov_manager").id)],
        }
    )
    member = Users.search([("login", "=", "bench_member")]) or Users.create(
        {"name": "bench member", "login": "bench_member"}
    )
    cr.execute(
        "UPDATE res_users SET create_date = now() - interval '1 year' WHERE id = %s", [member.id]
    )
    cr.execute(
        """INSERT INTO ov_sa (name, code, complete_name, parent_path, company_id, active,
                              create_date, write_date)
           VALUES ('bench review SA', 'BENCH-RV', 'bench review SA', '', %s, true,
                   now(), now()) RETURNING id""",
        [company],
    )
    sa = cr.fetchone()[0]
    cr.execute("UPDATE ov_sa SET parent_path = id || '/' WHERE id = %s", [sa])
    cr.execute(
        """INSERT INTO ov_actor (name, user_id, active, create_date, write_date)
           VALUES ('bench actor reviewed', %s, true, now(), now()) RETURNING id""",
        [member.id],
    )
    actor = cr.fetchone()[0]
    cr.execute(
        """INSERT INTO ov_sa_membership (sa_id, actor_id, company_id, state,
                                         create_date, write_date)
           VALUES (%s, %s, %s, 'active', now(), now())""",
        [sa, actor, company],
    )
    cr.execute(
        """INSERT INTO ov_sa_test_target (sa_id, target_id, company_id, state, association_kind,
                                          create_date, write_date)
           SELECT %s, id, %s, 'active', 'access', now(), now() FROM ov_test_target""",
        [sa, company],
    )
    cr.execute(
        """INSERT INTO ov_actor_sa_test_target (sa_test_target_id, actor_id, company_id, state,
                                               association_kind, create_date, write_date)
           SELECT id, %s, company_id, 'active', 'access', now(), now()
           FROM ov_sa_test_target WHERE sa_id = %s""",
        [actor, sa],
    )
    env.invalidate_all()
    return sa, reviewer


def _campaign(env, sa, reviewer, default):
    return env["ov.access.review"].create(
        {
            "name": f"bench review ({default})",
            "sa_ids": [(6, 0, [sa])],
            "pair_model_ids": [(6, 0, env["ir.model"]._get(SA_MODEL).ids)],
            "reviewer_rule": "user",
            "reviewer_id": reviewer.id,
            "fallback_reviewer_id": reviewer.id,
            "date_deadline": fields.Datetime.now() + timedelta(days=14),
            "default_decision": default,
        }
    )


def _timed(cr, step):
    start = time.perf_counter()
    step()
    cr.commit()
    return time.perf_counter() - start


def run(registry, dsn, rows=100_000, defaults=("keep", "end_at_deadline", "revoke")):
    """Open and close one campaign per default of ``defaults``, in order
    (``revoke`` last: it leaves nothing live to review)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        log(f"review: campaigns over {rows} live rows")
        sa, reviewer = _fill(env, rows)
        cr.commit()
    vacuum(dsn, ["ov_sa_test_target", "ov_actor_sa_test_target", "ov_sa_membership"])
    result = {"live rows": rows}
    for default in defaults:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            review = _campaign(env, sa, reviewer, default)
            cr.commit()
            log(f"review: open, then close with the default {default}")
            result[f"open seconds ({default})"] = _timed(cr, review.action_open)
            result[f"items ({default})"] = len(review.item_ids)
            result[f"with a recommendation ({default})"] = env[
                "ov.access.review.item"
            ].search_count([("review_id", "=", review.id), ("recommendation", "!=", "keep")])
            result[f"close seconds ({default})"] = _timed(cr, review.action_close)
            cr.execute("SELECT count(*) FROM ov_actor_sa_test_target WHERE state = 'revoked'")
            result[f"actor rows revoked ({default})"] = cr.fetchone()[0]
            cr.execute(
                "SELECT count(*) FROM ov_actor_sa_test_target WHERE date_to = %s",
                [review.date_deadline],
            )
            result[f"actor rows ending at the deadline ({default})"] = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM ov_association_event WHERE chain_index IS NULL")
            unsealed = cr.fetchone()[0]
            if unsealed:
                raise RuntimeError(f"closing ({default}) left {unsealed} events unsealed")
            cr.execute("SELECT count(*) FROM ov_association_event")
            result[f"events sealed, in all ({default})"] = cr.fetchone()[0]
    return result
