"""A reference model of the association contract, in plain Python.

docs/design.md §3 (lifecycle, kinds, actor ⊆ SA, exclusivity) and §4 (governed
queries) for one pair, ``ov.sa_test_target`` / ``ov.actor_sa_test_target``,
and the memberships it depends on. The model-based soak drives this model and
the real ORM with the same operations and compares every answer: so nothing
here may come from the code under test. The rule tables are the ones written
out in ``contract_tables`` (never ``policy``: a wrong table there must show up
as a mismatch); the rest is the contract as docs/design.md states it. The rows,
and the answers read from them, are in ``reference_state``; here are the
operations that change them. Neither imports Odoo, so the pure tier can load
this module alone (it then loads its neighbours by path).

Time is a clock in whole hours from an arbitrary origin; a window is a pair
of hours, either end ``None`` (open). Rows are known by *handles* (1, 2, …),
which the soak maps to real ids. An operation the contract refuses raises
:class:`Refused` and changes nothing (no state, no event).

An event is ``(event, old_state, new_state, old_kind, new_kind)``, as the
audit log stores it (``None`` for an empty column).
"""

import copy
import importlib.util
import os

try:
    from . import contract_tables, reference_state
except ImportError:  # loaded alone, by file path (the pure tier): its two neighbours too

    def _neighbour(name):
        spec = importlib.util.spec_from_file_location(
            f"ov_{name}", os.path.join(os.path.dirname(__file__), f"{name}.py")
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    contract_tables = _neighbour("contract_tables")
    reference_state = _neighbour("reference_state")

# The shared words, read here by the soak and the pure tier (``rm.SA_ROW``, …).
USER_ERROR = reference_state.USER_ERROR
VALIDATION_ERROR = reference_state.VALIDATION_ERROR
MEMBERSHIP = reference_state.MEMBERSHIP
SA_ROW = reference_state.SA_ROW
ACTOR_ROW = reference_state.ACTOR_ROW
LAYERS = reference_state.LAYERS
WRONG_METHOD = reference_state.WRONG_METHOD
Refused = reference_state.Refused
Row = reference_state.Row


class ReferenceModel(reference_state.ReferenceState):
    """The contract's state and answers, and the operations that mutate it or raise Refused."""

    def __init__(
        self, tables=contract_tables, sa_exclusive=("assignment",), actor_exclusive=("assignment",)
    ):
        super().__init__()
        self.transitions = dict(tables.TRANSITIONS)
        self.terminal = frozenset(tables.TERMINAL_STATES)
        self.live_states = frozenset(tables.OPEN_STATES)
        self.admitted = {
            kind: frozenset(kinds) for kind, kinds in tables.ACTOR_KINDS_ADMITTED.items()
        }
        # Each public method moves a row to one state (docs/design.md §3 Lifecycle).
        self.method_state = {method: new for (_old, new), method in self.transitions.items()}
        self.exclusive = {SA_ROW: frozenset(sa_exclusive), ACTOR_ROW: frozenset(actor_exclusive)}

    # ------------------------------------------------------------------
    # Atomicity: a refused operation leaves the model as it was
    # ------------------------------------------------------------------
    def attempt(self, operation, *args, **kwargs):
        """Run ``operation``; return ``(None, result)`` or ``(error, None)`` if refused."""
        saved = (copy.deepcopy(self.rows), self._next_handle)
        try:
            return None, operation(*args, **kwargs)
        except Refused as refusal:
            self.rows, self._next_handle = saved
            self.last_refusal = refusal
            return refusal.error, None

    # ------------------------------------------------------------------
    # Creation
    # ------------------------------------------------------------------
    def _new(self, layer, kind, window, **links):
        if window[0] is not None and window[1] is not None and window[0] >= window[1]:
            raise ValueError("the soak only generates windows that end after they start")
        row = Row(self._next_handle, layer, kind, window, **links)
        self._next_handle += 1
        self.rows[row.handle] = row
        self._log(row, "create", None, "draft")
        return row

    def create_membership(self, sa, actor, window=(None, None)):
        return self._new(MEMBERSHIP, None, window, sa=sa, actor=actor).handle

    def create_sa_row(self, sa, target, kind, window=(None, None)):
        return self._new(SA_ROW, kind, window, sa=sa, target=target).handle

    def create_actor_row(self, parent, actor, kind, window=(None, None)):
        parent_row = self._existing(parent)
        row = self._new(ACTOR_ROW, kind, window, parent=parent, actor=actor)
        self._check_admitted(parent_row.kind, kind)
        self._check_subset(row)
        return row.handle

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------
    def transition(self, handle, method):
        """Call ``method`` (``action_activate``, …) on the row.

        docs/design.md §3: a method performs only the transitions the table names it
        for (``action_resume`` resumes a suspended row, it never activates a
        draft).
        """
        row = self._existing(handle)
        new = self.method_state[method]
        named = self.transitions.get((row.state, new))
        if named is None:
            raise Refused(USER_ERROR, f"{row.state} -> {new} is not a transition")
        if named != method:
            raise Refused(USER_ERROR, WRONG_METHOD)
        self._move(row, new)

    def _move(self, row, new):
        if new == "active":
            self._check_activation(row)
        old = row.state
        row.state = new
        self._log(row, "transition", old, new)
        if new in self.terminal:
            self._propagate_end(row, new)

    def _check_activation(self, row):
        if row.date_to is not None and row.date_to <= self.now:
            raise Refused(USER_ERROR, "window has ended")
        if row.layer == ACTOR_ROW:
            if self.rows[row.parent].state != "active":
                raise Refused(USER_ERROR, "parent is not active")
            self._check_subset(row)
        self._check_exclusive(row, row.kind)

    def _propagate_end(self, row, new):
        if row.layer == SA_ROW:
            # Parent expired/revoked: drafts are revoked, the others follow it.
            for child in self.children(row):
                if child.state == "draft":
                    self._move(child, "revoked")
                elif child.state in ("active", "suspended"):
                    self._move(child, new)
        elif row.layer == MEMBERSHIP:
            # Membership ended: the actor's live rows in that SA are revoked.
            for other in list(self.rows.values()):
                if (
                    other.layer == ACTOR_ROW
                    and not other.deleted
                    and other.actor == row.actor
                    and self.rows[other.parent].sa == row.sa
                    and other.state in self.live_states
                ):
                    self._move(other, "revoked")

    # ------------------------------------------------------------------
    # Kinds
    # ------------------------------------------------------------------
    def change_kind(self, handle, kind):
        """``action_change_kind``: any non-ended row; validated, exclusive, audited."""
        row = self._existing(handle)
        if row.state in self.terminal:
            raise Refused(USER_ERROR, "an ended row keeps its kind")
        if row.kind == kind:
            return
        self._check_kind_fits(row, kind)
        if row.state == "active":
            self._check_exclusive(row, kind)
        old = row.kind
        row.kind = kind
        self._log(row, "kind_change", row.state, row.state, old, kind)

    def _check_kind_fits(self, row, kind):
        if row.layer == SA_ROW:
            for child in self.children(row):
                if child.state in self.live_states and child.kind not in self.admitted[kind]:
                    raise Refused(USER_ERROR, "a live actor row would not be admitted")
        else:
            self._check_admitted(self.rows[row.parent].kind, kind)

    def _check_admitted(self, parent_kind, kind):
        if kind not in self.admitted.get(parent_kind, ()):
            raise Refused(VALIDATION_ERROR, f"{parent_kind} does not admit {kind}")

    def _check_exclusive(self, row, kind):
        """At most one active row: per target and kind, per parent and kind, per SA and actor."""
        if row.layer == MEMBERSHIP:
            clash = [
                r
                for r in self.rows.values()
                if r.layer == MEMBERSHIP and (r.sa, r.actor) == (row.sa, row.actor)
            ]
        elif kind in self.exclusive[row.layer]:
            scope = "target" if row.layer == SA_ROW else "parent"
            clash = [
                r
                for r in self.rows.values()
                if r.layer == row.layer
                and getattr(r, scope) == getattr(row, scope)
                and r.kind == kind
            ]
        else:
            return
        if any(r is not row and not r.deleted and r.state == "active" for r in clash):
            raise Refused(VALIDATION_ERROR, "a second active exclusive row")

    # ------------------------------------------------------------------
    # Draft edits and deletion
    # ------------------------------------------------------------------
    def write_window(self, handle, window):
        """Edit the window: drafts only; an actor row stays inside its parent's."""
        row = self._existing(handle)
        self._check_draft(row)
        row.date_from, row.date_to = window
        if row.layer == ACTOR_ROW:
            self._check_subset(row)

    def write_kind(self, handle, kind):
        """Edit the kind of a draft (no event: a draft governs nothing yet)."""
        row = self._existing(handle)
        self._check_draft(row)
        self._check_kind_fits(row, kind)
        row.kind = kind

    def delete(self, handle):
        """Only drafts; an SA row takes its actor rows with it (one event
        each), so it goes only while they are all drafts too."""
        row = self._existing(handle)
        if row.state != "draft":
            raise Refused(USER_ERROR, "only drafts can be deleted")
        children = self.children(row) if row.layer == SA_ROW else []
        if any(child.state != "draft" for child in children):
            raise Refused(USER_ERROR, "its actor rows are not all drafts")
        gone = [row, *children]
        for each in gone:
            each.deleted = True
            self._log(each, "delete", each.state, None, each.kind, None)

    # ------------------------------------------------------------------
    # Time
    # ------------------------------------------------------------------
    def advance(self, hours):
        self.now += hours

    def expire_past_rows(self):
        """The expiry cron: SA rows first (they cascade), then actor rows, then memberships."""
        expired = 0
        for layer in (SA_ROW, ACTOR_ROW, MEMBERSHIP):
            for handle in self.handles(layer):
                row = self.rows[handle]
                if row.state in ("active", "suspended") and row.date_to is not None:
                    if row.date_to <= self.now:
                        self._move(row, "expired")
                        expired += 1
        return expired

    # ------------------------------------------------------------------
    # Shared checks
    # ------------------------------------------------------------------
    def _existing(self, handle):
        row = self.rows[handle]
        if row.deleted:
            raise Refused(USER_ERROR, "the row was deleted")
        return row

    @staticmethod
    def _check_draft(row):
        if row.state != "draft":
            raise Refused(USER_ERROR, "only a draft can be edited")

    def _check_subset(self, row):
        """Actor ⊆ SA: an effective membership, and the window inside the parent's."""
        parent = self.rows[row.parent]
        if not self.has_effective_membership(row.actor, parent.sa):
            raise Refused(VALIDATION_ERROR, "no effective membership")
        if not _window_inside(row, parent):
            raise Refused(VALIDATION_ERROR, "window outside the parent's")

    @staticmethod
    def _log(row, event, old_state, new_state, old_kind=None, new_kind=None):
        row.events.append((event, old_state, new_state, old_kind, new_kind))


def _window_inside(child, parent):
    if parent.date_from is not None and (
        child.date_from is None or child.date_from < parent.date_from
    ):
        return False
    if parent.date_to is not None and (child.date_to is None or child.date_to > parent.date_to):
        return False
    return True
