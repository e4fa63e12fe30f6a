"""A reference model of the association contract, in plain Python.

docs/design.md §3 (lifecycle, kinds, actor ⊆ SA, exclusivity) and §4 (governed
queries) for one pair, ``ov.sa_test_target`` / ``ov.actor_sa_test_target``,
and the memberships it depends on. The model-based soak drives this model and
the real ORM with the same operations and compares every answer: so nothing
here may come from the code under test. The rule tables are the ones written
out in ``contract_tables`` (never ``policy``: a wrong table there must show up
as a mismatch); the rest is the contract as docs/design.md states it. This module
imports no Odoo, so the pure tier can load it alone.

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
    from . import contract_tables
except ImportError:  # loaded alone, by file path (the pure tier)
    _spec = importlib.util.spec_from_file_location(
        "ov_contract_tables", os.path.join(os.path.dirname(__file__), "contract_tables.py")
    )
    contract_tables = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(contract_tables)

USER_ERROR = "UserError"
VALIDATION_ERROR = "ValidationError"

MEMBERSHIP = "membership"
SA_ROW = "sa"
ACTOR_ROW = "actor"
LAYERS = (MEMBERSHIP, SA_ROW, ACTOR_ROW)

# Why an operation was refused, when the soak needs to tell cases apart.
WRONG_METHOD = "transition allowed, but through another method"


class Refused(Exception):
    """The contract refuses the operation with ``error`` (the exception class name)."""

    def __init__(self, error, why):
        super().__init__(f"{error}: {why}")
        self.error = error
        self.why = why


class Row:
    """A membership, an SA row or an actor row, as the contract sees it."""

    __slots__ = (
        "handle",
        "layer",
        "kind",
        "date_from",
        "date_to",
        "sa",
        "actor",
        "target",
        "parent",
        "state",
        "deleted",
        "events",
    )

    def __init__(self, handle, layer, kind=None, window=(None, None), **links):
        self.handle = handle
        self.layer = layer
        self.kind = kind
        self.date_from, self.date_to = window
        self.sa = links.get("sa")
        self.actor = links.get("actor")
        self.target = links.get("target")
        self.parent = links.get("parent")
        self.state = "draft"
        self.deleted = False
        self.events = []

    def __repr__(self):
        return f"<{self.layer} #{self.handle} {self.state} {self.kind or ''}>".replace(" >", ">")


class ReferenceModel:
    """The contract's state and answers; operations mutate it or raise Refused."""

    def __init__(
        self, tables=contract_tables, sa_exclusive=("assignment",), actor_exclusive=("assignment",)
    ):
        self.transitions = dict(tables.TRANSITIONS)
        self.terminal = frozenset(tables.TERMINAL_STATES)
        self.live_states = frozenset(tables.OPEN_STATES)
        self.admitted = {
            kind: frozenset(kinds) for kind, kinds in tables.ACTOR_KINDS_ADMITTED.items()
        }
        # Each public method moves a row to one state (docs/design.md §3 Lifecycle).
        self.method_state = {method: new for (_old, new), method in self.transitions.items()}
        self.exclusive = {SA_ROW: frozenset(sa_exclusive), ACTOR_ROW: frozenset(actor_exclusive)}
        self.now = 0
        self.rows = {}
        self._next_handle = 1
        self.last_refusal = None

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
    # Reading the model
    # ------------------------------------------------------------------
    def row(self, handle):
        return self.rows[handle]

    def handles(self, layer, deleted=False):
        """Handles of ``layer``'s rows (existing ones, or deleted ones), in creation order."""
        return [h for h, r in self.rows.items() if r.layer == layer and r.deleted == deleted]

    def children(self, sa_row):
        return [r for r in self.rows.values() if r.parent == sa_row.handle and not r.deleted]

    def in_window(self, row):
        """``date_from <= now < date_to``, open ends empty (docs/design.md §3)."""
        return (row.date_from is None or row.date_from <= self.now) and (
            row.date_to is None or self.now < row.date_to
        )

    def is_effective(self, handle):
        row = self.rows[handle]
        if row.deleted or row.state != "active" or not self.in_window(row):
            return False
        if row.layer == ACTOR_ROW:
            # Parent suspended (or otherwise not effective): the child is not
            # either; nor while its actor's membership in the SA is not
            # effective (suspended, or its window not open), issue 22.
            parent = self.rows[row.parent]
            return self.is_effective(row.parent) and self.has_effective_membership(
                row.actor, parent.sa
            )
        return True

    def has_effective_membership(self, actor, sa):
        return any(
            self.is_effective(h)
            for h in self.handles(MEMBERSHIP)
            if self.rows[h].actor == actor and self.rows[h].sa == sa
        )

    def parent_cache(self, handle):
        """What an actor row caches of its parent: (target, state)."""
        parent = self.rows[self.rows[handle].parent]
        return parent.target, parent.state

    # ------------------------------------------------------------------
    # Governed queries (docs/design.md §4)
    # ------------------------------------------------------------------
    def actor_targets(self, actor, sa=None, kinds=None):
        """Targets ``actor`` reaches through effective actor rows (of kinds, in sa)."""
        found = set()
        for handle in self.handles(ACTOR_ROW):
            row = self.rows[handle]
            parent = self.rows[row.parent]
            if row.actor != actor or (sa is not None and parent.sa != sa):
                continue
            if kinds and row.kind not in kinds:
                continue
            if self.is_effective(handle):
                found.add(parent.target)
        return found

    def sa_targets(self, sa, kinds=None):
        """Targets of the SA's effective SA rows (of kinds)."""
        return {
            self.rows[h].target
            for h in self.handles(SA_ROW)
            if self.rows[h].sa == sa
            and (not kinds or self.rows[h].kind in kinds)
            and self.is_effective(h)
        }

    def check(self, target, actor, kinds=None):
        return target in self.actor_targets(actor, kinds=kinds)

    def may_query_sa(self, actor, sa):
        """A user who is not a manager may ask about an SA they are an effective member of."""
        return self.has_effective_membership(actor, sa)

    def trail(self, handle):
        return list(self.rows[handle].events)

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
