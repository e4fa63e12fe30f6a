"""Pairs of the conformance suite: their discovery, and their kinds as a skip message names them.

A *pair* is a concrete SA-layer model and the actor-layer model whose parent
field points at it. Pairs are discovered by inheritance from the registry, so
every governed class installed in the database is checked, including ones
added later by other addons. The fast loop (``ADDONS_ENV``) keeps the pairs of
some addons only.
"""

import os
from dataclasses import dataclass

OUR_ADDON_PREFIXES = ("ov_association", "ov_sa_")


@dataclass(frozen=True)
class Pair:
    sa_model: str
    actor_model: str

    @property
    def name(self):
        return f"{self.sa_model} / {self.actor_model}"


# Set by the fast loop (``make test TIERS=odoo ADDONS=ov_sa_x``): the addons
# whose pairs the suite checks, the others installed beside them aside.
ADDONS_ENV = "OV_CONFORMANCE_ADDONS"


def discover_pairs(env):
    only = {name for name in os.environ.get(ADDONS_ENV, "").split(",") if name}
    pairs = []
    for sa_model in env["ov.sa.association.mixin"]._ov_concrete_models():
        if only and env[sa_model]._original_module not in only:
            continue
        actor = env[sa_model]._ov_actor_model()
        pairs.append(Pair(sa_model, actor._name if actor is not None else None))
    if only and not pairs:
        raise AssertionError(
            f"{ADDONS_ENV}={','.join(sorted(only))}: no pair of these addons is installed"
        )
    return pairs


def installed_pair(env, sa_model):
    """The pair of ``sa_model`` as installed (whatever the fast loop keeps), or
    None: for the tests that are about one pair by name."""
    if sa_model not in env:
        return None
    actor = env[sa_model]._ov_actor_model()
    return Pair(sa_model, actor._name if actor is not None else None)


def describe_kinds(env, pair):
    """A pair's kinds as a skip message gives them."""

    def layer(Model):
        exclusive = [kind for kind in Model._ov_allowed_kinds if kind in Model._ov_exclusive_kinds]
        return "{} allows {} ({})".format(
            Model._name,
            ", ".join(Model._ov_allowed_kinds) or "no kind",
            f"exclusive: {', '.join(exclusive)}" if exclusive else "none exclusive",
        )

    text = layer(env[pair.sa_model])
    if pair.actor_model:
        text += f"; {layer(env[pair.actor_model])}"
    return text
