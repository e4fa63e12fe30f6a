"""The reference model's rows, and what the contract answers about them.

The state half of ``reference_model`` (which holds the operations that change
it): the rows of one pair (``ov.sa_test_target`` / ``ov.actor_sa_test_target``)
and of the memberships it depends on, each known by its handle; whether a row is
effective (docs/design.md §3); and the governed queries' answers (§4), all
computed from the rows alone, never from the code under test. Also the words
the model and the soak share: the layers, and the errors of a refusal. Like
``reference_model``, this module imports no Odoo (nor anything else), so the
pure tier can load it alone.
"""

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


class ReferenceState:
    """The rows, the clock (whole hours) and the answers read from them."""

    def __init__(self):
        self.now = 0
        self.rows = {}
        self._next_handle = 1
        self.last_refusal = None

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
