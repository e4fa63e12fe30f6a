"""The bench's data, made set-based in SQL, and the samples drawn from it.

``fill_targets`` makes N test targets; ``fill_governance`` the SAs, actors,
memberships and association rows that govern a fraction of them, and the
legacy stamps that grant exactly the same reach, so that both paths answer
the same question on the same rows. Used by every section of ``make bench``
(``bench_run``, ``bench_native``, ``bench_handover``, ``bench_migration``)
and by ``make load`` (``load_data``).
"""

import random

SAS = 50
ACTORS = 500
SA_MODEL = "ov.sa_test_target"
ACTOR_MODEL = "ov.actor_sa_test_target"
TARGET_MODEL = "ov.test.target"


def declare_audit_maintenance(cr):
    """The benchmark empties the audit log between workloads: the documented
    escape of its immutability trigger, for this transaction only."""
    cr.execute("SET LOCAL ov_association.audit_maintenance = 'on'")


def fill_targets(cr, size):
    """``size`` targets, set-based. The target table's secondary indexes are
    dropped first and rebuilt once filled (a sort each, instead of ``size``
    insertions into each): ten million rows fill in a few minutes."""
    declare_audit_maintenance(cr)
    cr.execute(
        "TRUNCATE ov_test_target, ov_sa_test_target, ov_actor_sa_test_target,"
        " ov_sa_membership, ov_association_event RESTART IDENTITY CASCADE"
    )
    cr.execute("DELETE FROM ov_actor WHERE name LIKE 'bench actor %'")
    cr.execute("DELETE FROM ov_sa WHERE code LIKE 'BENCH-%'")
    cr.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = 'ov_test_target' AND i.schemaname = current_schema()
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                             WHERE c.conname = i.indexname)"""
    )
    indexes = cr.fetchall()
    for index, _definition in indexes:
        cr.execute(f'DROP INDEX "{index}"')
    # md5 names: a realistic, unordered sort key for "my page".
    cr.execute(
        """INSERT INTO ov_test_target (id, name, parent_path, create_date, write_date)
           SELECT g, md5(g::text), g || '/', now(), now() FROM generate_series(1, %s) g""",
        [size],
    )
    cr.execute("SELECT setval('ov_test_target_id_seq', %s)", [size])
    cr.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for _index, definition in indexes:
        cr.execute(definition)


def fill_governance(env, fraction):
    """SAs, actors, memberships, association rows and the equivalent stamps."""
    cr = env.cr
    declare_audit_maintenance(cr)
    cr.execute(
        "TRUNCATE ov_sa_test_target, ov_actor_sa_test_target, ov_sa_membership,"
        " ov_association_event RESTART IDENTITY CASCADE"
    )
    cr.execute(
        "UPDATE ov_test_target SET stamp_sa_id = NULL, stamp_actor_id = NULL"
        " WHERE stamp_sa_id IS NOT NULL"
    )
    company = env.company.id
    cr.execute("SELECT count(*) FROM ov_sa WHERE code LIKE 'BENCH-%'")
    if not cr.fetchone()[0]:
        cr.execute(
            """INSERT INTO ov_sa (name, code, complete_name, parent_path, company_id, active,
                                  create_date, write_date)
               SELECT 'bench SA ' || g, 'BENCH-' || g, 'bench SA ' || g, '', %s, true,
                      now(), now()
               FROM generate_series(1, %s) g""",
            [company, SAS],
        )
        cr.execute("UPDATE ov_sa SET parent_path = id || '/' WHERE code LIKE 'BENCH-%'")
        cr.execute(
            """INSERT INTO ov_actor (name, active, create_date, write_date)
               SELECT 'bench actor ' || g, true, now(), now() FROM generate_series(1, %s) g""",
            [ACTORS],
        )
    # Each actor is a member of 1 to 3 SAs.
    cr.execute(
        """INSERT INTO ov_sa_membership (sa_id, actor_id, company_id, state,
                                         create_date, write_date)
           SELECT DISTINCT sa.ids[1 + (a.id * 7 + k * 13) %% array_length(sa.ids, 1)], a.id,
                  %s, 'active', now(), now()
           FROM ov_actor a
           CROSS JOIN (SELECT array_agg(id ORDER BY id) ids FROM ov_sa
                       WHERE code LIKE 'BENCH-%%') sa
           CROSS JOIN generate_series(0, 2) k
           WHERE a.name LIKE 'bench actor %%' AND k <= a.id %% 3""",
        [company],
    )
    # One SA row per governed target: every 1/fraction-th target, round-robin
    # over the SAs, with a mix of states and kinds drawn from a hash of the
    # target's rank, so that every SA gets the same mix.
    step = max(1, round(1 / fraction))
    cr.execute(
        """INSERT INTO ov_sa_test_target (sa_id, target_id, company_id, state, association_kind,
                                          create_date, write_date)
           SELECT sa.ids[1 + g.k %% array_length(sa.ids, 1)], g.id, %s,
                  CASE abs(hashint4(g.k)) %% 20 WHEN 1 THEN 'suspended'
                                                WHEN 2 THEN 'expired'
                                                WHEN 3 THEN 'revoked'
                                                ELSE 'active' END,
                  CASE WHEN abs(hashint4(-g.k)) %% 10 < 6 THEN 'assignment'
                       WHEN abs(hashint4(-g.k)) %% 10 < 9 THEN 'access'
                       ELSE 'binding' END,
                  now(), now()
           FROM (SELECT id, id / %s AS k FROM ov_test_target WHERE id %% %s = 0) g
           CROSS JOIN (SELECT array_agg(id ORDER BY id) ids FROM ov_sa
                       WHERE code LIKE 'BENCH-%%') sa""",
        [company, step, step],
    )
    # 1 to 3 actor rows per SA row, for members of its SA: the current one
    # (active, a few suspended) takes the parent's kind; the others are its
    # history (an expired and a revoked handover). So the single-valued stamp
    # below can hold exactly the same reach, and the two paths answer the same
    # question on the same rows.
    cr.execute(
        """INSERT INTO ov_actor_sa_test_target (sa_test_target_id, actor_id, company_id, state,
                                               association_kind, create_date, write_date)
           SELECT s.id, m.actor_id, s.company_id,
                  CASE WHEN s.state IN ('expired', 'revoked') THEN s.state
                       WHEN m.rank = 2 THEN 'expired'
                       WHEN m.rank = 3 THEN 'revoked'
                       WHEN s.id % 25 = 7 THEN 'suspended'
                       ELSE 'active' END,
                  CASE WHEN m.rank = 1 THEN s.association_kind ELSE 'access' END,
                  now(), now()
           FROM ov_sa_test_target s
           JOIN LATERAL (SELECT actor_id, row_number() OVER () AS rank
                         FROM (SELECT actor_id FROM ov_sa_membership
                               WHERE sa_id = s.sa_id
                               ORDER BY md5(actor_id::text || s.id::text)
                               LIMIT 1 + s.id % 3) picked) m ON true"""
    )
    # The legacy stamp: the same effective reach, on the target row itself
    # (an active SA row whose holder is suspended stamps the SA alone).
    cr.execute(
        """UPDATE ov_test_target t SET stamp_sa_id = s.sa_id, stamp_actor_id = a.actor_id
           FROM ov_sa_test_target s
           LEFT JOIN LATERAL (SELECT actor_id FROM ov_actor_sa_test_target
                              WHERE sa_test_target_id = s.id AND state = 'active'
                              ORDER BY id LIMIT 1) a ON true
           WHERE s.target_id = t.id AND s.state = 'active'"""
    )
    # The handover links' foreign keys are deferred: check them now, so that a
    # caller may still TRUNCATE these tables in this transaction (the migration
    # section does), which PostgreSQL refuses while trigger events are pending.
    cr.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cr.execute("SET CONSTRAINTS ALL DEFERRED")
    counts = {}
    for table in ("ov_sa_test_target", "ov_actor_sa_test_target", "ov_sa_membership"):
        cr.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cr.fetchone()[0]
    return counts


def samples(cr, repeats, seed):
    """(actor, sa, target) triples: actors with effective rows, one of their targets."""
    rng = random.Random(seed)
    cr.execute(
        """SELECT actor_id, array_agg(ov_target_id) FROM ov_actor_sa_test_target
           WHERE ov_reach_actor_id IS NOT NULL GROUP BY actor_id"""
    )
    reach = cr.fetchall()
    cr.execute("SELECT id FROM ov_sa WHERE code LIKE 'BENCH-%'")
    sas = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT max(id) FROM ov_test_target")
    max_target = cr.fetchone()[0]
    picked = []
    for index in range(repeats):
        actor, targets = rng.choice(reach)
        # Half the checks hit a reachable target, half a random one.
        target = rng.choice(targets) if index % 2 == 0 else rng.randint(1, max_target)
        picked.append((actor, rng.choice(sas), target))
    return picked
