"""The rules of the association contract, as plain data (no Odoo import).

Everything here is the single source for the mixins in ``models/`` and is
tested without Odoo by the pure tier.
"""

# The governance groups (security/ov_association_groups.xml), by external id.
MANAGER_GROUP = "ov_association_base.group_ov_manager"
USER_GROUP = "ov_association_base.group_ov_user"

STATES = (
    ("draft", "Draft"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("expired", "Expired"),
    ("revoked", "Revoked"),
)
TERMINAL_STATES = frozenset({"expired", "revoked"})
# Not ended: states from which a row may still become (or be) active.
OPEN_STATES = ("draft", "active", "suspended")
# Activated and not ended: the rows a handover or a window change acts on.
RUNNING_STATES = ("active", "suspended")

# (from state, to state) -> name of the public method that performs it.
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

KINDS = (
    ("assignment", "Assignment"),
    ("access", "Access"),
    ("binding", "Binding"),
)
# SA-layer kind -> actor-layer kinds it admits.
ACTOR_KINDS_ADMITTED = {
    "assignment": frozenset({"assignment", "access"}),
    "access": frozenset({"access"}),
    "binding": frozenset({"binding", "access"}),
}

# policy -> (target Many2one required, its ondelete)
DELETION_POLICIES = {
    "dependent": (True, "cascade"),
    "optional": (False, "set null"),
    "restricted": (True, "restrict"),
}
# The actor layer is always dependent on its SA row.
ACTOR_PARENT_POLICY = "dependent"


def transition_allowed(old_state, new_state):
    return (old_state, new_state) in TRANSITIONS


def actor_kind_admitted(parent_kind, actor_kind):
    return actor_kind in ACTOR_KINDS_ADMITTED.get(parent_kind, frozenset())


def sa_declaration_errors(model, attrs, target_field, kind_values):
    """Problems of an SA-layer declaration, each naming model and attribute.

    :param attrs: the class attributes ``_ov_target_field``,
        ``_ov_deletion_policy``, ``_ov_allowed_kinds``, ``_ov_exclusive_kinds``
    :param target_field: None, or a dict with ``type``, ``required``,
        ``ondelete`` of the field named by ``_ov_target_field``
    :param kind_values: the values of the model's ``association_kind``
    """
    errors = []
    name = attrs.get("_ov_target_field")
    policy = attrs.get("_ov_deletion_policy")
    if not name:
        errors.append(f"{model}: _ov_target_field is not declared")
    elif target_field is None:
        errors.append(f"{model}: _ov_target_field {name!r} is not a field of the model")
    elif target_field["type"] != "many2one":
        errors.append(f"{model}: _ov_target_field {name!r} must be a Many2one")
    if policy not in DELETION_POLICIES:
        errors.append(
            f"{model}: _ov_deletion_policy {policy!r} is not one of "
            f"{', '.join(sorted(DELETION_POLICIES))}"
        )
    elif target_field is not None and target_field["type"] == "many2one":
        errors.extend(_policy_errors(model, "_ov_deletion_policy", policy, name, target_field))
    errors.extend(_kind_errors(model, attrs, kind_values))
    return errors


def actor_declaration_errors(model, attrs, parent_field, sa_models, kind_values):
    """Problems of an actor-layer declaration (see :func:`sa_declaration_errors`).

    :param parent_field: None, or a dict with ``type``, ``required``,
        ``ondelete``, ``comodel`` of the field named by ``_ov_parent_field``
    :param sa_models: names of the SA-layer models in the registry
    """
    errors = []
    name = attrs.get("_ov_parent_field")
    if not name:
        errors.append(f"{model}: _ov_parent_field is not declared")
    elif parent_field is None:
        errors.append(f"{model}: _ov_parent_field {name!r} is not a field of the model")
    elif parent_field["type"] != "many2one":
        errors.append(f"{model}: _ov_parent_field {name!r} must be a Many2one")
    elif parent_field["comodel"] not in sa_models:
        errors.append(
            f"{model}: _ov_parent_field {name!r} must point to an SA-layer model, "
            f"not {parent_field['comodel']!r}"
        )
    else:
        errors.extend(
            _policy_errors(model, "_ov_parent_field", ACTOR_PARENT_POLICY, name, parent_field)
        )
    errors.extend(_kind_errors(model, attrs, kind_values))
    return errors


def _policy_errors(model, attribute, policy, field_name, field):
    required, ondelete = DELETION_POLICIES[policy]
    errors = []
    if bool(field["required"]) != required:
        errors.append(
            f"{model}: {attribute} is {policy!r}, so {field_name!r} must "
            f"{'' if required else 'not '}be required"
        )
    if (field["ondelete"] or "").lower() != ondelete:
        errors.append(
            f"{model}: {attribute} is {policy!r}, so {field_name!r} needs "
            f"ondelete={ondelete!r}, not {field['ondelete']!r}"
        )
    return errors


def _kind_errors(model, attrs, kind_values):
    errors = []
    allowed = attrs.get("_ov_allowed_kinds")
    exclusive = attrs.get("_ov_exclusive_kinds")
    if isinstance(allowed, str) or not allowed:
        errors.append(f"{model}: _ov_allowed_kinds must be a non-empty tuple of kinds")
        allowed = ()
    unknown = [k for k in allowed if k not in kind_values]
    if unknown:
        errors.append(f"{model}: _ov_allowed_kinds names unknown kinds {', '.join(unknown)}")
    if isinstance(exclusive, str) or exclusive is None:
        errors.append(f"{model}: _ov_exclusive_kinds must be a tuple (possibly empty)")
    else:
        stray = [k for k in exclusive if k not in allowed]
        if stray:
            errors.append(
                f"{model}: _ov_exclusive_kinds {', '.join(stray)} not in _ov_allowed_kinds"
            )
    return errors
