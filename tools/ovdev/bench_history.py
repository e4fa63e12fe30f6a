"""A year of audit history for the benchmark's rows, and the "as of" timings.

The rows ``bench_fill.fill_governance`` made get the events that would have
made them, spread over a year that ended a day ago: each SA row is created
and activated on a day of its own, an actor row a few hours after its
parent, a row that ended did so one to sixty days later, and one active
actor row in five was suspended and resumed on the way. Written set-based,
each row's events in date order (ids follow dates within a row, as the log
guarantees).
"""

import time
from datetime import timedelta

from odoo import fields

from .bench_fill import ACTOR_MODEL, SA_MODEL
from .bench_stats import summarize

YEAR = timedelta(days=365)
# Asked about: one month before the end of the history.
BEFORE_END = timedelta(days=30)

_SA_ROWS = """
    SELECT s.*, %(start)s::timestamp + make_interval(secs => abs(hashint4(s.id)) %% 25920000)
                AS born,
           make_interval(days => 1 + abs(hashint4(s.id * 7)) %% 60) AS lived
    FROM ov_sa_test_target s"""


def fill(cr, now):
    """Write the history; return the moment the timings ask about."""
    end = now - timedelta(days=1)
    start = end - YEAR
    cr.execute("SET LOCAL ov_association.audit_maintenance = 'on'")
    cr.execute(
        """INSERT INTO ov_association_event (model, res_id, event, old_state, new_state,
               user_id, company_id, date, row_state, row_sa_id, row_actor_id)
           SELECT 'ov.sa.membership', m.id, step.event, step.old_state, step.new_state, 1,
                  m.company_id, %(start)s, step.new_state, m.sa_id, m.actor_id
           FROM ov_sa_membership m
           CROSS JOIN (VALUES (1, 'create', NULL, 'draft'),
                              (2, 'transition', 'draft', 'active'))
                AS step(position, event, old_state, new_state)
           ORDER BY m.id, step.position""",
        {"start": start - timedelta(days=1)},
    )
    cr.execute(
        f"""INSERT INTO ov_association_event (model, res_id, event, old_state, new_state,
                new_kind, user_id, company_id, date, row_state, row_kind, row_target_id,
                row_sa_id)
            SELECT %(model)s, s.id, step.event, step.old_state, step.new_state,
                   s.association_kind, 1, s.company_id, step.date, step.new_state,
                   s.association_kind, s.target_id, s.sa_id
            FROM ({_SA_ROWS}) s
            CROSS JOIN LATERAL (VALUES
                (1, 'create', NULL, 'draft', s.born),
                (2, 'transition', 'draft', 'active', s.born + interval '1 hour'),
                (3, 'transition', 'active', s.state, s.born + s.lived))
                AS step(position, event, old_state, new_state, date)
            WHERE step.position < 3 OR s.state <> 'active'
            ORDER BY s.id, step.position""",
        {"model": SA_MODEL, "start": start},
    )
    cr.execute(
        f"""INSERT INTO ov_association_event (model, res_id, event, old_state, new_state,
                new_kind, user_id, company_id, date, row_state, row_kind, row_parent_id,
                row_actor_id)
            SELECT %(model)s, a.id, step.event, step.old_state, step.new_state,
                   a.association_kind, 1, a.company_id, step.date, step.new_state,
                   a.association_kind, a.sa_test_target_id, a.actor_id
            FROM ov_actor_sa_test_target a
            JOIN ({_SA_ROWS}) p ON p.id = a.sa_test_target_id
            CROSS JOIN LATERAL (VALUES
                (1, 'create', NULL, 'draft', p.born + interval '2 hours'),
                (2, 'transition', 'draft', 'active', p.born + interval '3 hours'),
                (3, 'transition', 'active', 'suspended', p.born + interval '10 days'),
                (4, 'transition', 'suspended', 'active', p.born + interval '11 days'),
                (5, 'transition', 'active', a.state,
                 CASE WHEN p.state IN ('expired', 'revoked') THEN p.born + p.lived
                      ELSE p.born + make_interval(days => 1 + abs(hashint4(a.id * 11)) %% 60)
                 END))
                AS step(position, event, old_state, new_state, date)
            WHERE step.position < 3
               OR (step.position IN (3, 4) AND a.state = 'active' AND a.id %% 5 = 0)
               OR (step.position = 5 AND a.state <> 'active')
            ORDER BY a.id, step.position""",
        {"model": ACTOR_MODEL, "start": start},
    )
    return end - BEFORE_END


def time_as_of(env, picked, moment, repeats=None):
    """Medians of the governed reads as of ``moment``, and whether the answers
    as of now equal the live ones for the sampled actors."""
    Sa = env[SA_MODEL]
    workloads = {
        "as-of check": lambda a, t: Sa.check_governed(t, actor_id=a, at=moment),
        "as-of my ids": lambda a, t: Sa.search_governed_targets(actor_id=a, at=moment).ids,
        "as-of explain": lambda a, t: Sa.explain_governed(t, actor_id=a, at=moment),
    }
    timings = {name: [] for name in workloads}
    samples = picked[:repeats] if repeats else picked
    for actor, _sa, target in samples[:20]:
        for call in workloads.values():
            call(actor, target)
    for actor, _sa, target in samples:
        for name, call in workloads.items():
            start = time.perf_counter()
            call(actor, target)
            timings[name].append((time.perf_counter() - start) * 1000)
    now = fields.Datetime.now()
    actors = sorted({actor for actor, _sa, _target in samples})[:50]
    equal = all(
        Sa.search_governed_targets(actor_id=actor, at=now)
        == Sa.search_governed_targets(actor_id=actor)
        for actor in actors
    )
    return {name: summarize(values) for name, values in timings.items()}, equal, len(actors)
