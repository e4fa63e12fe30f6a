"""A plan's settings resolved to what its SQL needs (tables, columns, literals).

Built once per step by ``ov.migration.plan._ov_shape()`` from validated
settings, so the statement builders never look at records.
"""

from dataclasses import dataclass, field

from odoo.tools import SQL


def in_scope(alias, company_column, company_id):
    """The legacy rows a plan covers: its company's and the shared ones (no
    company); every row when the legacy model has no company column."""
    if not company_column:
        return SQL("TRUE")
    column = SQL.identifier(alias, company_column)
    return SQL("(%s IS NULL OR %s = %s)", column, column, company_id)


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
    # The plan's company, and what the plan's user may read of the legacy
    # model (a subquery of ids; None: everything, the superuser).
    company_id: int | None = None
    readable_ids: SQL | None = None

    def in_scope(self, alias):
        return in_scope(alias, self.target_company_column, self.company_id)

    def _has_stamp(self, alias):
        columns = [side.column for side in (self.sa, self.actor) if side]
        return SQL(" OR ").join(
            SQL("%s IS NOT NULL", SQL.identifier(alias, column)) for column in columns
        )

    def stamped(self, alias):
        """The legacy rows the plan looks at: in its scope, with any of its stamps."""
        return SQL("(%s) AND %s", self._has_stamp(alias), self.in_scope(alias))

    def unstamped(self, alias):
        return SQL("NOT (%s) AND %s", self._has_stamp(alias), self.in_scope(alias))

    def readable(self, expression):
        """Whether the plan's user may read the legacy row ``expression``: only
        those appear in samples (the others are counted, never named)."""
        if self.readable_ids is None:
            return SQL("TRUE")
        return SQL("%s IN %s", expression, self.readable_ids)
