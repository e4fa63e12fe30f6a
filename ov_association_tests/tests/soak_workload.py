"""What the workers of the concurrent soak do, and the events each commit must leave.

Every operation runs in one transaction of its own. Before it calls the
library it reads, in that transaction's snapshot, the rows the contract says
the call will change (the row itself, the children an ended parent takes
along, the rows an ended membership revokes) and returns the audit events
the contract expects: its *ledger*. The library takes row locks on whatever
it changes, so a commit means the snapshot was still true; anything else
fails to serialize and is retried. After the soak, the ledgers of all
committed operations must equal the audit log, row by row.

A ledger entry is ``(model, res_id, event, old_state, new_state, old_kind,
new_kind)``.
"""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError

from . import contract_tables as contract

SA_MODEL = "ov.sa_test_target"
ACTOR_MODEL = "ov.actor_sa_test_target"
MEMBERSHIP = "ov.sa.membership"
TABLES = {SA_MODEL: "ov_sa_test_target", ACTOR_MODEL: "ov_actor_sa_test_target"}
KINDS = list(contract.KINDS)
METHOD_STATE = {method: new for (_old, new), method in contract.TRANSITIONS.items()}
LIVE = tuple(sorted(contract.OPEN_STATES))
HOT = 24  # how many of the latest rows of a pool most operations pick from


class Skip(UserError):
    """Nothing to do (the pool is empty, the row is gone): counted as refused."""


def created(model, rec):
    return [(model, rec.id, "create", None, "draft", None, None)]


def moved(model, res_id, old, new):
    return [(model, res_id, "transition", old, new, None, None)]


def _row(env, model, res_id):
    """State, kind and window end of a row, as this transaction sees it."""
    env.cr.execute(
        f"SELECT state, association_kind, date_to FROM {TABLES[model]} WHERE id = %s", [res_id]
    )
    row = env.cr.fetchone()
    if not row:
        raise Skip("gone")
    return row


def _ended_parent(env, parent_id, new):
    """The events of a parent's end on its children: drafts revoked, the others follow."""
    env.cr.execute(
        "SELECT id, state FROM ov_actor_sa_test_target WHERE sa_test_target_id = %s ORDER BY id",
        [parent_id],
    )
    ledger = []
    for child, state in env.cr.fetchall():
        if state == "draft":
            ledger += moved(ACTOR_MODEL, child, "draft", "revoked")
        elif state in ("active", "suspended"):
            ledger += moved(ACTOR_MODEL, child, state, new)
    return ledger


def _ended_membership(env, membership_id):
    """The events of a membership's end: the actor's live rows in that SA are revoked."""
    env.cr.execute(
        """SELECT a.id, a.state FROM ov_actor_sa_test_target a
           JOIN ov_sa_test_target p ON p.id = a.sa_test_target_id
           JOIN ov_sa_membership m ON m.actor_id = a.actor_id AND m.sa_id = p.sa_id
           WHERE m.id = %s AND a.state IN %s ORDER BY a.id""",
        [membership_id, LIVE],
    )
    return [
        e for child, state in env.cr.fetchall() for e in moved(ACTOR_MODEL, child, state, "revoked")
    ]


def _transition(env, model, res_id, method, reason=None):
    """Call ``method`` on one row; the ledger of the row and of what it takes along."""
    if model == MEMBERSHIP:
        env.cr.execute("SELECT state FROM ov_sa_membership WHERE id = %s", [res_id])
        found = env.cr.fetchone()
        if not found:
            raise Skip("gone")
        old = found[0]
    else:
        old = _row(env, model, res_id)[0]
    new = METHOD_STATE[method]
    ledger = moved(model, res_id, old, new)
    if new in contract.TERMINAL_STATES:
        if model == SA_MODEL:
            ledger += _ended_parent(env, res_id, new)
        elif model == MEMBERSHIP:
            ledger += _ended_membership(env, res_id)
    record = env[model].browse(res_id)
    if method in ("action_activate", "action_resume"):
        getattr(record, method)()
    else:
        getattr(record, method)(reason=reason)
    return ledger


class Workload:
    """The soak's fixtures (ids) and the pools of rows the workers pick from."""

    def __init__(self, fixtures, lock):
        self.sas = fixtures["sas"]
        self.actors = fixtures["actors"]
        self.targets = fixtures["targets"]
        self.lock = lock
        self.pools = {SA_MODEL: [], ACTOR_MODEL: [], MEMBERSHIP: list(fixtures["memberships"])}

    def pick(self, rng, model):
        """Mostly one of the latest rows: they are live, and the workers contend for them."""
        with self.lock:
            pool = self.pools[model]
            if not pool:
                raise Skip("empty pool")
            return rng.choice(pool[-HOT:] if rng.random() < 0.8 else pool)

    def add(self, model, res_id):
        with self.lock:
            self.pools[model].append(res_id)

    def forget(self, model, res_ids):
        with self.lock:
            pool = self.pools[model]
            pool[:] = [i for i in pool if i not in set(res_ids)]

    def operations(self):
        """(weight, name, function(env, rng) -> (ledger, after_commit))."""
        return [
            (12, "grant SA row", self.grant_sa_row),
            (14, "grant actor row", self.grant_actor_row),
            (6, "create draft", self.create_draft),
            (5, "delete draft", self.delete_draft),
            (8, "suspend", self.transition("action_suspend")),
            (8, "resume", self.transition("action_resume")),
            (3, "activate", self.transition("action_activate")),
            (4, "expire", self.transition("action_expire")),
            (6, "revoke", self.transition("action_revoke")),
            (5, "change kind", self.change_kind),
            (5, "end membership", self.end_membership),
            (4, "suspend membership", self.pause_membership("action_suspend")),
            (4, "resume membership", self.pause_membership("action_resume")),
            (2, "archive or restore SA", self.toggle_active("ov.sa", "sas")),
            (2, "archive or restore actor", self.toggle_active("ov.actor", "actors")),
            (6, "grant membership", self.grant_membership),
            (3, "expire due rows", self.expire_due),
        ]

    # ------------------------------------------------------------------
    def _window_end(self, rng):
        """Most grants are open-ended; some end within seconds (the expiry has work)."""
        if rng.random() < 0.3:
            return fields.Datetime.now() + timedelta(seconds=rng.uniform(2, 15))
        return False

    def _new_sa_row(self, env, rng):
        vals = {
            "sa_id": rng.choice(self.sas),
            "target_id": rng.choice(self.targets),
            "association_kind": rng.choice(KINDS),
            "date_to": self._window_end(rng),
        }
        return env[SA_MODEL].create(vals)

    def _new_actor_row(self, env, rng):
        parent_id = self.pick(rng, SA_MODEL)
        _state, parent_kind, parent_end = _row(env, SA_MODEL, parent_id)
        kinds = sorted(contract.ACTOR_KINDS_ADMITTED[parent_kind])
        vals = {
            "sa_test_target_id": parent_id,
            "actor_id": rng.choice(self.actors),
            "association_kind": rng.choice(kinds),
            "date_to": parent_end or self._window_end(rng),
        }
        return env[ACTOR_MODEL].create(vals)

    def grant_sa_row(self, env, rng):
        row = self._new_sa_row(env, rng)
        row.action_activate()
        ledger = created(SA_MODEL, row) + moved(SA_MODEL, row.id, "draft", "active")
        return ledger, lambda: self.add(SA_MODEL, row.id)

    def grant_actor_row(self, env, rng):
        row = self._new_actor_row(env, rng)
        row.action_activate()
        ledger = created(ACTOR_MODEL, row) + moved(ACTOR_MODEL, row.id, "draft", "active")
        return ledger, lambda: self.add(ACTOR_MODEL, row.id)

    def create_draft(self, env, rng):
        if rng.random() < 0.5:
            model, row = SA_MODEL, self._new_sa_row(env, rng)
        else:
            model, row = ACTOR_MODEL, self._new_actor_row(env, rng)
        return created(model, row), lambda: self.add(model, row.id)

    def delete_draft(self, env, rng):
        model = rng.choice((SA_MODEL, ACTOR_MODEL))
        res_id = self.pick(rng, model)
        state, kind, _end = _row(env, model, res_id)
        ledger = [(model, res_id, "delete", state, None, kind, None)]
        children = []
        if model == SA_MODEL:
            env.cr.execute(
                "SELECT id, state, association_kind FROM ov_actor_sa_test_target"
                " WHERE sa_test_target_id = %s",
                [res_id],
            )
            for child, child_state, child_kind in env.cr.fetchall():
                children.append(child)
                ledger.append((ACTOR_MODEL, child, "delete", child_state, None, child_kind, None))
        env[model].browse(res_id).unlink()

        def forget():
            self.forget(model, [res_id])
            self.forget(ACTOR_MODEL, children)

        return ledger, forget

    def transition(self, method):
        def run(env, rng):
            model = rng.choice((SA_MODEL, ACTOR_MODEL))
            res_id = self.pick(rng, model)
            return _transition(env, model, res_id, method, reason=f"soak {method}"), None

        return run

    def change_kind(self, env, rng):
        model = rng.choice((SA_MODEL, ACTOR_MODEL))
        res_id = self.pick(rng, model)
        state, old, _end = _row(env, model, res_id)
        new = rng.choice(KINDS)
        env[model].browse(res_id).action_change_kind(new, reason="soak")
        if new == old:
            return [], None
        return [(model, res_id, "kind_change", state, state, old, new)], None

    def end_membership(self, env, rng):
        method = rng.choice(("action_expire", "action_revoke"))
        return _transition(env, MEMBERSHIP, self.pick(rng, MEMBERSHIP), method, "soak"), None

    def pause_membership(self, method):
        """Suspend or resume a membership: its actor's rows in the SA stay as
        they are, their reach pauses and comes back (issue 22)."""

        def run(env, rng):
            return _transition(env, MEMBERSHIP, self.pick(rng, MEMBERSHIP), method), None

        return run

    def toggle_active(self, model, fixture):
        """Archive an SA or an actor, or restore it: reach follows at once.
        Its audit events are not on the rows' ledger (they are not rows)."""

        def run(env, rng):
            record = (
                env[model]
                .with_context(active_test=False)
                .browse(rng.choice(getattr(self, fixture)))
            )
            record.write({"active": not record.active})
            return [], None

        return run

    def grant_membership(self, env, rng):
        membership = env[MEMBERSHIP].create(
            {"sa_id": rng.choice(self.sas), "actor_id": rng.choice(self.actors)}
        )
        membership.action_activate()
        ledger = created(MEMBERSHIP, membership) + moved(
            MEMBERSHIP, membership.id, "draft", "active"
        )
        return ledger, lambda: self.add(MEMBERSHIP, membership.id)

    def expire_due(self, env, rng):
        """The expiry cron's work, on the soak's rows only (as the cron's ``_ov_expire_batch``)."""
        now = fields.Datetime.now()
        ledger = []
        for model, scope in (
            (SA_MODEL, [("sa_id", "in", self.sas)]),
            (ACTOR_MODEL, [("sa_test_target_id.sa_id", "in", self.sas)]),
        ):
            Model = env[model]
            due = Model.search(Model._ov_expiry_domain(now) + scope, limit=20, order="id")
            for row in due:
                ledger += _transition_ledger_only(env, model, row.id, "expired")
            due.action_expire(reason="soak: window ended")
        if not ledger:
            raise Skip("nothing due")
        return ledger, None


def _transition_ledger_only(env, model, res_id, new):
    old = _row(env, model, res_id)[0]
    ledger = moved(model, res_id, old, new)
    if model == SA_MODEL:
        ledger += _ended_parent(env, res_id, new)
    return ledger
