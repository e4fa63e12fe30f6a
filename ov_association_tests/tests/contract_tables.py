"""The contract's tables, written out by hand from the design document.

docs/design.md §3 (lifecycle, kinds, deletion policy) and §2 (each pair's
declaration), copied here as literals, never derived from
``ov_association_base.policy`` or from a model: a test that compares the
library with these tables fails when the library's own table is wrong, which a
test that reads the library's table can never do. The conformance suite, the
soak's reference model and its invariants read them; the pure tier checks
``policy`` against them too.

Plain data, no Odoo import, so the pure tier can load this file alone.
"""

STATES = ("draft", "active", "suspended", "expired", "revoked")

# (from state, to state) -> the method that performs it (docs/design.md §3 Lifecycle).
TRANSITIONS = {
    ("draft", "active"): "action_activate",
    ("draft", "revoked"): "action_revoke",
    ("active", "suspended"): "action_suspend",
    ("active", "expired"): "action_expire",
    ("active", "revoked"): "action_revoke",
    ("suspended", "active"): "action_resume",
    ("suspended", "expired"): "action_expire",
    ("suspended", "revoked"): "action_revoke",
}
TERMINAL_STATES = frozenset({"expired", "revoked"})
# A row in one of these may still become (or be) active.
OPEN_STATES = frozenset({"draft", "active", "suspended"})

KINDS = ("assignment", "access", "binding")
# SA-layer kind -> the actor-layer kinds it admits (docs/design.md §3 Kinds).
ACTOR_KINDS_ADMITTED = {
    "assignment": frozenset({"assignment", "access"}),
    "access": frozenset({"access"}),
    "binding": frozenset({"binding", "access"}),
}

# policy -> (target Many2one required, its ondelete) (docs/design.md §3 Deletion policy).
DELETION_POLICIES = {
    "dependent": (True, "cascade"),
    "optional": (False, "set null"),
    "restricted": (True, "restrict"),
}

# What each pair this repository ships declares (docs/design.md §2 and the addons'
# documentation): SA model -> its target field, deletion policy, allowed and
# exclusive kinds, then its actor model with parent field, allowed and
# exclusive kinds.
PAIRS = {
    "ov.sa_test_target": {
        "target_field": "target_id",
        "deletion_policy": "dependent",
        "allowed": ("assignment", "access", "binding"),
        "exclusive": ("assignment",),
        "actor_model": "ov.actor_sa_test_target",
        "parent_field": "sa_test_target_id",
        "actor_allowed": ("assignment", "access", "binding"),
        "actor_exclusive": ("assignment",),
    },
    "ov.sa_sale_order": {
        "target_field": "sale_order_id",
        "deletion_policy": "dependent",
        "allowed": ("assignment", "access"),
        "exclusive": ("assignment",),
        "actor_model": "ov.actor_sa_sale_order",
        "parent_field": "sa_sale_order_id",
        "actor_allowed": ("assignment", "access"),
        "actor_exclusive": ("assignment",),
    },
    "ov.sa_customer": {
        "target_field": "partner_id",
        "deletion_policy": "restricted",
        "allowed": ("assignment", "access", "binding"),
        "exclusive": ("binding",),
        "actor_model": "ov.actor_sa_customer",
        "parent_field": "sa_customer_id",
        "actor_allowed": ("assignment", "access", "binding"),
        "actor_exclusive": (),
    },
    "ov.sa_location": {
        "target_field": "location_id",
        "deletion_policy": "optional",
        "allowed": ("access", "binding"),
        "exclusive": (),
        "actor_model": "ov.actor_sa_location",
        "parent_field": "sa_location_id",
        "actor_allowed": ("access", "binding"),
        "actor_exclusive": (),
    },
}


def admitted(parent_kind, actor_kind):
    return actor_kind in ACTOR_KINDS_ADMITTED.get(parent_kind, frozenset())
