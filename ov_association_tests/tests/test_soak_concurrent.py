"""Concurrent soak: several workers, real committed transactions, then invariants in SQL.

Each worker loops for a bounded time over random operations of
``soak_workload`` (grants, draft creations and deletions, suspensions,
resumes, expiries, revocations, kind changes, membership ends and grants,
the expiry of due rows), each in a transaction of its own. A serialization
failure, deadlock or lock timeout is what Odoo's RPC layer retries: it is
rolled back and retried (and counted); a refusal of the contract
(``UserError`` and its subclasses) is rolled back and counted; anything else
escaping is a failure. While they run (every committed state must satisfy
them) and once more at the end, over the soak's rows:

* no effective actor row without an effective parent and an effective
  membership; no live actor row under an ended parent, nor of an actor whose
  membership in that SA has ended;
* at most one active row of an exclusive kind per target / per parent;
* the actor rows' caches equal their parent's target and state;
* and, at the end, each row's audit trail is a valid path of the lifecycle
  ending in its state, and the audit log holds exactly the events the committed
  operations' ledgers predict (one per transition, nothing else).

Plain pytest over the test database, like ``test_concurrency``: it commits,
and removes everything it made afterwards. Short in the odoo tier; ``make
soak`` sets OV_SOAK_SECONDS / OV_SOAK_WORKERS.
"""
# Concurrent transactions that never commit cannot race: committing is the point.
# pylint: disable=invalid-commit

import logging
import random
import threading
import time
import traceback
import uuid
from collections import Counter

import psycopg2
import pytest

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from .soak_invariants import audit_problems, invariant_violations
from .soak_report import record, setting
from .soak_workload import ACTOR_MODEL, MEMBERSHIP, SA_MODEL, Skip, Workload, created, moved

_logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 50
SAS, ACTORS, TARGETS = 2, 4, 6


def _env(cr):
    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})


@pytest.fixture
def registry():
    return Registry(get_db_name())


@pytest.fixture
def soak(registry):
    """Committed fixtures; everything the soak made is removed afterwards."""
    tag = uuid.uuid4().hex[:8]
    ledger = []
    with registry.cursor() as cr:
        env = _env(cr)
        sas = env["ov.sa"].create(
            [{"name": f"Soak {tag} {i}", "code": f"SOAK-{tag}-{i}"} for i in range(SAS)]
        )
        actors = env["ov.actor"].create([{"name": f"Soak {tag} {i}"} for i in range(ACTORS)])
        targets = env["ov.test.target"].create(
            [{"name": f"Soak {tag} {i}"} for i in range(TARGETS)]
        )
        memberships = env[MEMBERSHIP]
        for actor in actors:  # each actor a member of each SA
            for sa in sas:
                membership = env[MEMBERSHIP].create({"sa_id": sa.id, "actor_id": actor.id})
                membership.action_activate()
                ledger += created(MEMBERSHIP, membership)
                ledger += moved(MEMBERSHIP, membership.id, "draft", "active")
                memberships |= membership
        cr.commit()
        fixtures = {
            "tag": tag,
            "sas": sas.ids,
            "actors": actors.ids,
            "targets": targets.ids,
            "memberships": memberships.ids,
            "ledger": ledger,
        }
    yield fixtures
    _clean_up(registry, fixtures)


def _clean_up(registry, fixtures):
    with registry.cursor() as cr:
        # Plain SQL: the ORM refuses to delete non-draft rows and audit events,
        # which is the point of the library; soak debris is another matter,
        # removed under the audit log's documented maintenance escape.
        cr.execute("SET LOCAL ov_association.audit_maintenance = 'on'")
        cr.execute("SELECT id FROM ov_sa_test_target WHERE sa_id = ANY(%s)", [fixtures["sas"]])
        sa_rows = [r[0] for r in cr.fetchall()]
        cr.execute("SELECT id FROM ov_sa_membership WHERE sa_id = ANY(%s)", [fixtures["sas"]])
        memberships = [r[0] for r in cr.fetchall()]
        ids = {m: {e[1] for e in fixtures["ledger"] if e[0] == m} for m in (SA_MODEL, ACTOR_MODEL)}
        cr.execute("DELETE FROM ov_sa_test_target WHERE id = ANY(%s)", [sa_rows])
        cr.execute("DELETE FROM ov_sa_membership WHERE id = ANY(%s)", [memberships])
        cr.execute(
            """DELETE FROM ov_association_event
               WHERE (model = %s AND res_id = ANY(%s)) OR (model = %s AND res_id = ANY(%s))
                  OR (model = %s AND res_id = ANY(%s))""",
            [
                SA_MODEL,
                list(ids[SA_MODEL] | set(sa_rows)),
                ACTOR_MODEL,
                list(ids[ACTOR_MODEL]),
                MEMBERSHIP,
                memberships,
            ],
        )
        cr.execute("DELETE FROM ov_test_target WHERE id = ANY(%s)", [fixtures["targets"]])
        cr.execute("DELETE FROM ov_sa WHERE id = ANY(%s)", [fixtures["sas"]])
        cr.execute("DELETE FROM ov_actor WHERE id = ANY(%s)", [fixtures["actors"]])
        cr.commit()


class Worker(threading.Thread):
    """Random operations until the deadline, each in its own transaction."""

    def __init__(self, registry, workload, seed, deadline):
        super().__init__(name=f"soak-{seed}")
        self.registry = registry
        self.workload = workload
        self.rng = random.Random(seed)
        self.deadline = deadline
        self.operations = workload.operations()
        self.ledger = []
        self.counts = Counter()
        self.failures = []

    def run(self):
        weights = [weight for weight, _name, _run in self.operations]
        while time.monotonic() < self.deadline:
            _weight, name, operation = self.rng.choices(self.operations, weights)[0]
            self._attempt(name, operation, random.Random(self.rng.random()))

    def _attempt(self, name, operation, rng):
        """One operation, retried as Odoo's RPC layer retries concurrency errors."""
        for _attempt in range(MAX_ATTEMPTS):
            # The same random choices on every attempt, as a retried request.
            state = rng.getstate()
            cr = self.registry.cursor()
            try:
                env = _env(cr)  # referenced until the commit flushes what it holds
                ledger, after_commit = operation(env, rng)
                cr.commit()
            except psycopg2.Error as error:
                cr.rollback()
                if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                    self._failed(name, error)
                    return
                self.counts["retries"] += 1
                rng.setstate(state)
                continue
            except Skip:
                cr.rollback()
                self.counts["skipped"] += 1
                return
            except UserError as error:
                cr.rollback()
                if "could not serialize" in str(error) or "deadlock" in str(error):
                    self._failed(name, error)  # a concurrency error disguised as a refusal
                else:
                    self.counts["refused"] += 1
                    self.counts[f"refused: {name}"] += 1
                return
            except Exception as error:  # anything else escaping is what the soak looks for
                cr.rollback()
                self._failed(name, error)
                return
            finally:
                cr.close()
            self.ledger += ledger
            if after_commit:
                after_commit()
            self.counts["committed"] += 1
            self.counts[f"committed: {name}"] += 1
            return
        self._failed(name, RuntimeError(f"still failing to serialize after {MAX_ATTEMPTS}"))

    def _failed(self, name, error):
        self.counts["unexpected"] += 1
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
        self.failures.append(f"{name}: {text}\n{traceback.format_exc(limit=6)}")


class Checker(threading.Thread):
    """Checks the invariants in a fresh snapshot, again and again, while the workers run.

    Every committed state must satisfy them, not only the last one: a
    membership granted again, say, would hide an orphan its end left behind.
    """

    def __init__(self, registry, sas, workers):
        super().__init__(name="soak-checker")
        self.registry = registry
        self.sas = sas
        self.workers = workers
        self.violations = []
        self.checks = 0

    def run(self):
        seen = set()
        while any(w.is_alive() for w in self.workers):
            with self.registry.cursor() as cr:
                found = invariant_violations(cr, self.sas)
            self.checks += 1
            for violation in found:
                if violation not in seen:
                    seen.add(violation)
                    self.violations.append(f"during the soak: {violation}")
            time.sleep(0.2)


def test_concurrent_soak(registry, soak):
    seconds = setting("SECONDS", 15, float)
    workers_count = setting("WORKERS", 3)
    seed = setting("SEED", random.randrange(1 << 30))
    workload = Workload(soak, threading.Lock())
    started = time.monotonic()
    workers = [
        Worker(registry, workload, seed + i, started + seconds) for i in range(workers_count)
    ]
    checker = Checker(registry, soak["sas"], workers)
    # Serialization failures are expected (and retried): the database logs
    # each as a bad query.
    with mute_logger("odoo.sql_db"):
        for thread in (*workers, checker):
            thread.start()
        for thread in (*workers, checker):
            thread.join(timeout=seconds + 300)
    elapsed = time.monotonic() - started
    assert not any(t.is_alive() for t in (*workers, checker)), "a worker is stuck"
    counts = sum((w.counts for w in workers), Counter())
    ledger = soak["ledger"] + [e for w in workers for e in w.ledger]
    soak["ledger"] = ledger  # the clean-up finds every row through it
    with registry.cursor() as cr:
        violations = checker.violations + [
            f"at the end: {v}" for v in invariant_violations(cr, soak["sas"])
        ]
        mismatches = audit_problems(cr, ledger)
    failures = [f for w in workers for f in w.failures]
    record(
        "concurrent",
        seed=seed,
        workers=workers_count,
        seconds=round(elapsed, 1),
        committed=counts["committed"],
        ops_per_second=round(counts["committed"] / elapsed, 1),
        retries=counts["retries"],
        refused=counts["refused"],
        skipped=counts["skipped"],
        invariant_checks=checker.checks + 1,
        unexpected=counts["unexpected"],
        violations=violations,
        mismatches=mismatches,
        failures=failures[:20],
        operations={k: v for k, v in sorted(counts.items()) if ": " in k},
    )
    _logger.info(
        f"concurrent soak: {workers_count} workers, {elapsed:.0f}s, seed {seed}: "
        f"{counts['committed']} committed ({counts['committed'] / elapsed:.1f}/s), "
        f"{counts['retries']} retries, {counts['refused']} refused, "
        f"{len(violations)} violations, {len(mismatches)} mismatches, "
        f"{counts['unexpected']} unexpected errors"
    )
    assert not failures, "\n".join(failures[:5])
    assert not violations, "\n".join(violations[:20])
    assert not mismatches, "\n".join(mismatches[:20])
    assert counts["committed"] > 0
