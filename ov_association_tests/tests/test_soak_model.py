"""Model-based soak: random operation sequences, the real ORM against the reference model.

A hypothesis state machine draws operations on memberships, SA rows and actor
rows of the test pair (creations, every transition method on every state,
kind changes, draft edits, deletions, the clock moving, the expiry cron) and
applies each to the real ORM and to ``reference_model``. After every step the
real answers must equal the model's: the outcome of the operation (done, or
refused with which error), each row's state, kind, ``is_effective`` and
cached parent values, ``search_governed_targets`` by actor, by SA and by both,
``check_governed``, the same queries as the member users themselves, and the
audit trail of every row.

Each example runs inside a savepoint rolled back at its end, with the clock
frozen and moved by the machine. Short by default (the odoo tier); ``make
soak`` scales it with OV_SOAK_EXAMPLES / OV_SOAK_STEPS.
"""

import time
from collections import Counter
from datetime import timedelta

from freezegun import freeze_time
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user
from odoo.tools import mute_logger

from . import contract_tables as contract
from . import reference_model as rm
from .soak_compare import MODELS, CompareWithModel
from .soak_report import record, setting

KINDS = list(contract.KINDS)
METHODS = sorted(set(contract.TRANSITIONS.values()))
SAS, ACTORS, TARGETS, USERS = 2, 3, 3, 2  # the first USERS actors have a user
MAX_ROWS = {rm.MEMBERSHIP: 8, rm.SA_ROW: 10, rm.ACTOR_ROW: 14}

index = st.integers(0, 63)
kinds = st.sampled_from(KINDS)
# Windows in hours from the machine's clock; either end may be open.
windows = st.tuples(
    st.sampled_from((None, -24, 0, 6, 24)), st.sampled_from((None, 6, 12, 24, 48))
).filter(lambda w: w[0] is None or w[1] is None or w[0] < w[1])


class Mismatch(AssertionError):
    """The real library answered otherwise than the reference model."""


class SoakMachine(CompareWithModel, RuleBasedStateMachine):
    case = None  # the TransactionCase whose fixtures and cursor the machine uses
    stats = None  # Counters shared by every example of one run
    outcomes = None

    def __init__(self):
        super().__init__()
        self.env = self.case.env
        self.savepoint = self.env.cr.savepoint()
        # Hypothesis keeps real time for its own bookkeeping.
        self.freezer = freeze_time(self.case.origin, ignore=["hypothesis"])
        self.clock = self.freezer.start()
        self.model = rm.ReferenceModel()
        self.ids = {}  # model handle -> real id
        self.stats["examples"] += 1

    def teardown(self):
        self.freezer.stop()
        self.savepoint.close(rollback=True)

    # ------------------------------------------------------------------
    # Driving both sides
    # ------------------------------------------------------------------
    def _do(self, operation, *args):
        """Apply one operation to the model and to the ORM; their outcomes must agree."""
        self.stats["operations"] += 1
        expected, result = self.model.attempt(getattr(self.model, operation), *args)
        refusal = self.model.last_refusal if expected else None
        real, real_id = self._real(operation, *args)
        if real != expected:
            raise Mismatch(
                f"{operation}{args}: the model says {expected or 'done'}"
                f"{f' ({refusal.why})' if refusal else ''}, the library {real or 'did it'}"
            )
        self.outcomes[f"{operation} {expected or 'done'}"] += 1
        if operation.startswith("create_") and result is not None:
            self.ids[result] = real_id
        return result

    def _record(self, handle):
        return self.env[MODELS[self.model.row(handle).layer]].browse(self.ids[handle])

    def _dates(self, window):
        return {
            name: self.case.origin + timedelta(hours=hours) if hours is not None else False
            for name, hours in zip(("date_from", "date_to"), window, strict=True)
        }

    def _real(self, operation, *args):
        """Run ``operation`` on the ORM in a savepoint: (error class name or None, new id)."""
        try:
            # The database logs the exclusivity indexes' refusals as bad queries.
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                created = self._real_call(operation, *args)
            return None, created.id if created else None
        except UserError as error:  # ValidationError and AccessError are UserErrors too
            return type(error).__name__, None
        except Exception as error:  # anything else is a mismatch the report must show
            return f"unexpected {type(error).__name__}: {error}", None

    def _real_call(self, operation, *args):
        env = self.env
        if operation == "create_membership":
            sa, actor, window = args
            vals = {"sa_id": self.case.sas[sa].id, "actor_id": self.case.actors[actor].id}
            return env["ov.sa.membership"].create({**vals, **self._dates(window)})
        if operation == "create_sa_row":
            sa, target, kind, window = args
            vals = {"sa_id": self.case.sas[sa].id, "target_id": self.case.targets[target].id}
            vals.update(association_kind=kind, **self._dates(window))
            return env["ov.sa_test_target"].create(vals)
        if operation == "create_actor_row":
            parent, actor, kind, window = args
            vals = {"sa_test_target_id": self.ids[parent], "actor_id": self.case.actors[actor].id}
            vals.update(association_kind=kind, **self._dates(window))
            return env["ov.actor_sa_test_target"].create(vals)
        record_ = self._record(args[0])
        if operation == "transition":
            getattr(record_, args[1])()
        elif operation == "change_kind":
            record_.action_change_kind(args[1], reason="soak")
        elif operation == "write_window":
            record_.write(self._dates(args[1]))
        elif operation == "write_kind":
            record_.write({"association_kind": args[1]})
        elif operation == "delete":
            record_.unlink()
        else:
            raise ValueError(operation)
        return None

    def _pick(self, layer, i):
        handles = self.model.handles(layer)
        return handles[i % len(handles)]

    def _window(self, offsets):
        return tuple(None if h is None else self.model.now + h for h in offsets)

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    @initialize(members=st.sets(st.tuples(st.integers(0, SAS - 1), st.integers(0, ACTORS - 1))))
    def start_with_members(self, members):
        for sa, actor in sorted(members):
            membership = self._do("create_membership", sa, actor, (None, None))
            self._do("transition", membership, "action_activate")

    @precondition(lambda self: len(self.model.handles(rm.MEMBERSHIP)) < MAX_ROWS[rm.MEMBERSHIP])
    @rule(sa=st.integers(0, SAS - 1), actor=st.integers(0, ACTORS - 1), window=windows)
    def create_membership(self, sa, actor, window):
        self._do("create_membership", sa, actor, self._window(window))

    @precondition(lambda self: len(self.model.handles(rm.SA_ROW)) < MAX_ROWS[rm.SA_ROW])
    @rule(sa=st.integers(0, SAS - 1), t=st.integers(0, TARGETS - 1), kind=kinds, w=windows)
    def create_sa_row(self, sa, t, kind, w):
        self._do("create_sa_row", sa, t, kind, self._window(w))

    @precondition(
        lambda self: (
            self.model.handles(rm.SA_ROW)
            and len(self.model.handles(rm.ACTOR_ROW)) < MAX_ROWS[rm.ACTOR_ROW]
        )
    )
    @rule(parent=index, actor=index, kind=index, w=st.none() | windows, fit=st.booleans())
    def create_actor_row(self, parent, actor, kind, w, fit):
        self._create_actor_row(self._pick(rm.SA_ROW, parent), actor, kind, w, fit)

    def _create_actor_row(self, parent, actor, kind, w, fit):
        """With ``fit``, an actor and a kind the contract admits, when there are some.

        ``w`` None is the parent's window (so that the window is not what
        refuses the row).
        """
        row = self.model.row(parent)
        actors, kinds_ = list(range(ACTORS)), KINDS
        if fit:
            members = [a for a in actors if self.model.has_effective_membership(a, row.sa)]
            actors = members or actors
            kinds_ = sorted(self.model.admitted[row.kind])
        window = (row.date_from, row.date_to) if w is None else self._window(w)
        return self._do(
            "create_actor_row",
            parent,
            actors[actor % len(actors)],
            kinds_[kind % len(kinds_)],
            window,
        )

    @precondition(
        lambda self: (
            len(self.model.handles(rm.SA_ROW)) < MAX_ROWS[rm.SA_ROW]
            and len(self.model.handles(rm.ACTOR_ROW)) < MAX_ROWS[rm.ACTOR_ROW]
        )
    )
    @rule(sa=st.integers(0, SAS - 1), t=st.integers(0, TARGETS - 1), kind=kinds, actor=index)
    def grant(self, sa, t, kind, actor):
        """An open SA row, activated, and an actor row of a member under it, activated."""
        parent = self._do("create_sa_row", sa, t, kind, (None, None))
        self._do("transition", parent, "action_activate")
        child = self._create_actor_row(parent, actor, 0, None, True)
        if child:
            self._do("transition", child, "action_activate")

    def _pick_any(self, layers, i):
        handles = [h for layer in layers for h in self.model.handles(layer)]
        return handles[i % len(handles)] if handles else None

    @precondition(lambda self: self.model.rows)
    @rule(i=index, method=st.sampled_from(METHODS))
    def transition(self, i, method):
        if handle := self._pick_any(rm.LAYERS, i):
            self._do("transition", handle, method)

    @precondition(lambda self: self.model.rows)
    @rule(i=index, kind=kinds)
    def change_kind(self, i, kind):
        if handle := self._pick_any((rm.SA_ROW, rm.ACTOR_ROW), i):
            self._do("change_kind", handle, kind)

    @precondition(lambda self: self.model.rows)
    @rule(i=index, w=windows)
    def edit_window(self, i, w):
        if handle := self._pick_any(rm.LAYERS, i):
            self._do("write_window", handle, self._window(w))

    @precondition(lambda self: self.model.rows)
    @rule(i=index, kind=kinds)
    def edit_kind(self, i, kind):
        if handle := self._pick_any((rm.SA_ROW, rm.ACTOR_ROW), i):
            self._do("write_kind", handle, kind)

    @precondition(lambda self: self.model.rows)
    @rule(i=index)
    def delete(self, i):
        if handle := self._pick_any(rm.LAYERS, i):
            self._do("delete", handle)

    @rule(hours=st.sampled_from((1, 6, 12, 24)))
    def advance_clock(self, hours):
        self.model.advance(hours)
        self.clock.move_to(self.case.origin + timedelta(hours=self.model.now))
        # A new request: nothing cached at the old time survives.
        self.env.invalidate_all()

    @rule()
    def run_expiry_cron(self):
        self.stats["operations"] += 1
        expected = self.model.expire_past_rows()
        real = self.env["ov.governance.cron"]._cron_expire_past_rows()
        # Other addons' demo rows may expire too: ours are counted by the trails.
        if real < expected:
            raise Mismatch(f"the cron expired {real} rows, the model {expected} of ours")

    # ------------------------------------------------------------------
    # After every step: every answer agrees
    # ------------------------------------------------------------------
    @invariant()
    def real_answers_equal_the_model(self):
        self.stats["comparisons"] += 1
        started = time.perf_counter()
        problems = self._compare_rows() + self._compare_trails() + self._compare_queries()
        self.stats["comparing seconds"] += time.perf_counter() - started
        self.stats["effective actor rows seen"] += sum(
            self.model.is_effective(h) for h in self.model.handles(rm.ACTOR_ROW)
        )
        if problems:
            raise Mismatch("\n".join(problems))


@tagged("post_install", "-at_install", "ov_soak")
class TestSoakModel(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.users = [
            new_test_user(cls.env, f"ov_soak_user_{i}", groups="ov_association_base.group_ov_user")
            for i in range(USERS)
        ]
        cls.actors = cls.env["ov.actor"].create(
            [{"user_id": user.id} for user in cls.users]
            + [{"name": f"Soak actor {i}"} for i in range(USERS, ACTORS)]
        )
        cls.sas = cls.env["ov.sa"].create(
            [{"name": f"Soak SA {i}", "code": f"SOAK-{i}"} for i in range(SAS)]
        )
        cls.targets = cls.env["ov.test.target"].create(
            [{"name": f"Soak target {i}"} for i in range(TARGETS)]
        )
        cls.origin = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)

    def test_model_and_library_agree(self):
        examples = setting("EXAMPLES", 20)
        stats = Counter()
        outcomes = Counter()
        machine = type(
            "SoakMachine", (SoakMachine,), {"case": self, "stats": stats, "outcomes": outcomes}
        )
        started = time.monotonic()
        failure = None
        try:
            run_state_machine_as_test(
                machine,
                settings=settings(
                    max_examples=examples,
                    stateful_step_count=setting("STEPS", 25),
                    deadline=None,
                    derandomize=setting("RANDOM", 0) == 0,
                    database=None,
                    phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    suppress_health_check=list(HealthCheck),
                ),
            )
        except Exception as error:
            failure = "\n".join([str(error), *getattr(error, "__notes__", [])])
            raise
        finally:
            record(
                "model",
                seconds=round(time.monotonic() - started, 1),
                examples=stats["examples"],
                operations=stats["operations"],
                comparisons=stats["comparisons"],
                comparing_seconds=round(stats["comparing seconds"], 1),
                effective_actor_rows_seen=stats["effective actor rows seen"],
                mismatches=1 if failure else 0,
                failure=failure,
                outcomes=dict(sorted(outcomes.items())),
            )
