"""Shared base of the conformance suite: pair discovery and record factories.

A *pair* is a concrete SA-layer model and the actor-layer model whose parent
field points at it. Pairs are discovered by inheritance from the registry, so
every governed class installed in the database is checked, including ones
added later by other addons.

The names live in ``conformance_pairs`` (discovery, naming a pair's kinds),
``conformance_hooks`` (what a pair must give the suite, and the messages that
name its hooks) and ``conformance_fixtures`` (``ConformanceCase``); this module
re-exports them, so that every importer keeps importing from ``.common``.
"""

from .conformance_fixtures import STATE_MIX_REACHED, ConformanceCase
from .conformance_hooks import (
    READER_HOOK,
    TARGET_HOOK,
    _refusal,
    _required_values,
    create_target,
    reader_groups,
    target_failure_message,
    unreadable_target_problem,
)
from .conformance_pairs import (
    ADDONS_ENV,
    OUR_ADDON_PREFIXES,
    Pair,
    describe_kinds,
    discover_pairs,
    installed_pair,
)

__all__ = [
    "ADDONS_ENV",
    "OUR_ADDON_PREFIXES",
    "READER_HOOK",
    "STATE_MIX_REACHED",
    "TARGET_HOOK",
    "ConformanceCase",
    "Pair",
    "_refusal",
    "_required_values",
    "create_target",
    "describe_kinds",
    "discover_pairs",
    "installed_pair",
    "reader_groups",
    "target_failure_message",
    "unreadable_target_problem",
]
