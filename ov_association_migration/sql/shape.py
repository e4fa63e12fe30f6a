"""A plan's settings resolved to what its SQL needs (tables, columns, literals).

Built once per step by ``ov.migration.plan._ov_shape()`` from validated
settings, so the statement builders never look at records.
"""

from dataclasses import dataclass, field

from odoo.tools import SQL


@dataclass(frozen=True)
class Rule:
    """One classification line: the legacy rows ``condition`` selects (an SQL
    condition on the legacy table's id) become rows of these kinds."""

    number: int
    condition: SQL
    sa_kind: str
    actor_kind: str | None


@dataclass(frozen=True)
class Side:
    """One stamp column and how its values map to SAs or actors."""

    column: str
    direct: bool  # the column points at ov.sa / ov.actor itself


@dataclass(frozen=True)
class Shape:
    plan_id: int
    uid: int
    reason: str
    legacy_table: str
    target_company_column: str | None
    sa: Side | None
    actor: Side | None
    default_sa_id: int | None
    rules: tuple
    date_from: SQL
    date_to: SQL
    granted_by: SQL
    # The pair
    sa_model: str
    sa_table: str
    target_column: str
    sa_allowed: tuple
    sa_exclusive: tuple
    target_condition: SQL
    actor_model: str | None
    actor_table: str | None
    parent_column: str | None
    actor_allowed: tuple = ()
    actor_exclusive: tuple = ()
    admitted: dict = field(default_factory=dict)
    create_memberships: bool = False

    def stamped(self, alias):
        """The legacy rows the plan looks at: those with any of its stamps."""
        columns = [side.column for side in (self.sa, self.actor) if side]
        return SQL(" OR ").join(
            SQL("%s IS NOT NULL", SQL.identifier(alias, column)) for column in columns
        )

    def unstamped(self, alias):
        return SQL("NOT (%s)", self.stamped(alias))
