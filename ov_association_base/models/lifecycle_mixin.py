import contextlib

import psycopg2.errors

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .. import arguments, policy
from . import audit_sql, schema_sql
from .guard_mixin import checked


class OvAssociationLifecycleMixin(models.AbstractModel):
    """State machine, effective window and audit of a governed row.

    Transitions are the only way to change ``state`` (docs/design.md §3 Lifecycle);
    every creation, transition and deletion leaves one ``ov.association.event``.
    """

    _name = "ov.association.lifecycle.mixin"
    _inherit = "ov.association.guard.mixin"
    _description = "Association lifecycle (state, window, audit)"
    _ov_related_as_reader = True

    # Fields only the lifecycle code may write, whatever the row's state.
    # The handover links (handover_links) are written by the handovers alone.
    _ov_system_fields = ("state",)

    # Odoo reflects (and so translates and displays) only list selections.
    state = fields.Selection(
        list(policy.STATES),
        default="draft",
        required=True,
        readonly=True,
        copy=False,
    )
    date_from = fields.Datetime("Effective from", help="Empty: effective as soon as active (UTC).")
    date_to = fields.Datetime(
        "Effective until",
        help="Exclusive end of the window; empty: open-ended. Past it the row is "
        "expired by the scheduled action.",
    )
    is_effective = fields.Boolean(
        compute="_compute_is_effective",
        search="_search_is_effective",
        help="Active, inside its window, and (for associations) still bound to "
        "its target and parent.",
    )

    _sql_constraints = [
        (
            "ov_window_order",
            "CHECK (date_from IS NULL OR date_to IS NULL OR date_from < date_to)",
            "The end of the effective window must come after its start.",
        ),
    ]

    def init(self):
        result = super().init()
        if self._abstract:
            return result
        cr = self.env.cr
        schema_sql.ensure_window_columns(cr, self._table)
        # What the expiry cron scans (_ov_expiry_domain), and the audit of every
        # deletion, including those the database cascades.
        name = f"{self._table}_ov_expiry_idx"
        schema_sql.ensure_index(
            cr,
            name,
            SQL(
                "CREATE INDEX %s ON %s (date_to) "
                "WHERE state IN ('active', 'suspended') AND date_to IS NOT NULL",
                SQL.identifier(name),
                SQL.identifier(self._table),
            ),
        )
        audit_sql.install_delete_audit(
            self.env.cr, self._table, self._name, self._ov_event_row_columns()
        )
        return result

    # ------------------------------------------------------------------
    # Effectiveness
    # ------------------------------------------------------------------
    def _ov_effective_sql(self, alias, now):
        """The single definition of "effective" (docs/design.md §3): live and in window.

        ``is_effective``, the governed queries and the membership checks all
        use it (or, for a governed query, its two halves).
        """
        return SQL("%s AND %s", self._ov_granting_sql(alias), self._ov_window_sql(alias, now))

    def _ov_granting_sql(self, alias):
        """Override to add layer conditions; this one is the row's own state.

        Written as the partial indexes expect it (``state = 'active'``).
        """
        return SQL("%s = 'active'", SQL.identifier(alias, "state"))

    def _ov_window_sql(self, alias, now):
        """``now`` inside the row's effective window, open ends empty.

        Read from generated microsecond columns (see init): exact, and
        cheaper to plan than the same test on the nullable timestamps.
        ``now``: a datetime, or an SQL expression of microseconds since the
        epoch (a view's ``NOW_US``).
        """
        now_us = now if isinstance(now, SQL) else schema_sql.epoch_us(now)
        start, end = self._ov_window_columns()
        return SQL(
            "%s <= %s AND %s > %s",
            SQL.identifier(alias, start),
            now_us,
            SQL.identifier(alias, end),
            now_us,
        )

    def _ov_window_columns(self):
        """The columns of the effective window; override where more than the
        row's own window bounds it (actor rows: their membership's)."""
        return ("ov_date_from_us", "ov_date_to_us")

    def _ov_effective_ids(self):
        """Subquery of the ids of this model's effective rows."""
        return SQL(
            "(SELECT %s FROM %s WHERE %s)",
            SQL.identifier(self._table, "id"),
            SQL.identifier(self._table),
            self._ov_effective_sql(self._table, fields.Datetime.now()),
        )

    @api.depends("state", "date_from", "date_to")
    def _compute_is_effective(self):
        if not self.ids:
            self.is_effective = False
            return
        effective = self.browse(
            self._search([("id", "in", self.ids), ("id", "in", self._ov_effective_ids())])
        )
        for record in self:
            record.is_effective = record in effective

    def _search_is_effective(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Search on 'is effective' supports = and != with a boolean.")
            )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", self._ov_effective_ids())]

    # ------------------------------------------------------------------
    # Protected writes (the guard mixin refuses derived fields)
    # ------------------------------------------------------------------
    def _ov_system_field_names(self):
        """The fields only the library writes: reserved at creation, never
        written by callers (``_ov_system_fields``; a capability that adds such
        fields to a layer adds them here, e.g. the handover links)."""
        return set(self._ov_system_fields)

    @api.model_create_multi
    def create(self, vals_list):
        if not self._ov_is_system_write():
            for vals in vals_list:
                reserved = sorted(
                    name
                    for name in self._ov_system_field_names()
                    if name in vals and not (name == "state" and vals[name] == "draft")
                )
                if reserved:
                    raise UserError(
                        self.env._(
                            "%(model)s: %(fields)s cannot be set at creation; a new row "
                            "starts as a draft and changes through its actions.",
                            model=self._description,
                            fields=", ".join(reserved),
                        )
                    )
        records = super().create(vals_list)
        records._ov_log_events("create", new_states=records.mapped("state"))
        return records

    def write(self, vals):
        if not self._ov_is_system_write():
            reserved = set(vals) & self._ov_system_field_names()
            if reserved:
                raise UserError(
                    self.env._(
                        "%(model)s: %(fields)s changes only through the record's "
                        "actions (activate, suspend, resume, expire, revoke).",
                        model=self._description,
                        fields=", ".join(sorted(reserved)),
                    )
                )
            fixed = [
                name
                for name in self._ov_fixed_fields()
                if name in vals and any(r[name].id != vals[name] for r in self)
            ]
            if fixed:
                raise UserError(
                    self.env._(
                        "%(record)s: %(fields)s cannot change once the row exists; "
                        "end it and create a new one.",
                        record=self[0].display_name,
                        fields=", ".join(self._fields[name].string for name in fixed),
                    )
                )
            draft_only = set(vals) & set(self._ov_draft_only_fields())
            if draft_only:
                locked = self.filtered(lambda r: r.state != "draft")
                if locked:
                    raise UserError(
                        self.env._(
                            "%(record)s is %(state)s: %(fields)s can only change while "
                            "it is a draft. %(advice)s",
                            record=locked[0].display_name,
                            state=locked[0].state,
                            fields=", ".join(sorted(draft_only)),
                            advice=self._ov_draft_only_advice(draft_only),
                        )
                    )
        return super().write(vals)

    def _ov_fixed_fields(self):
        """Override to add Many2one fields that never change after creation."""
        return []

    def _ov_draft_only_fields(self):
        """Override to add fields that may only be written while the row is a draft."""
        return ["date_from", "date_to"]

    def _ov_draft_only_advice(self, names):
        """Override to say what to do instead of editing ``names`` after the draft."""
        return self.env._("End it and create a new row instead.")

    def _ov_check_unlink(self):
        """Only drafts can be deleted (their history stays otherwise).

        Under every context, Odoo's module-uninstall key included
        (guard_mixin); only a real module uninstall, which runs as the
        superuser (no client can), removes used rows of its module.
        """
        result = super()._ov_check_unlink()
        used = self.filtered(lambda r: r.state != "draft")
        if used:
            raise UserError(
                self.env._(
                    "%(record)s is %(state)s: only draft rows can be deleted; "
                    "revoke or expire it instead, so its history stays.",
                    record=used[0].display_name,
                    state=used[0].state,
                )
            )
        return result

    def unlink(self):
        # The deletion event is written by a database trigger (it also sees
        # rows removed by a cascade); tell it who deletes, then restore what
        # the request had set (see ir_http).
        with self._ov_deleting():
            return super().unlink()

    @contextlib.contextmanager
    def _ov_deleting(self):
        """Name the deleting user and table to the audit trigger for a deletion."""
        cr = self.env.cr
        previous_user = audit_sql.set_deleting_user(cr, self.env.uid)
        previous_table = audit_sql.set_unlinking_table(cr, self._table)

        def restore():
            audit_sql.set_unlinking_table(cr, previous_table)
            audit_sql.set_deleting_user(cr, previous_user)

        try:
            yield
        except psycopg2.Error:
            # The transaction is aborted (its rollback resets the settings):
            # another statement here would replace this error, maybe a
            # serialization failure Odoo retries, by one it does not retry.
            raise
        except Exception:
            restore()
            raise
        restore()

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------
    def action_activate(self):
        return self._ov_transition("active", method="action_activate")

    def action_suspend(self, reason=None):
        return self._ov_transition("suspended", reason, method="action_suspend")

    def action_resume(self):
        return self._ov_transition("active", method="action_resume")

    def action_expire(self, reason=None):
        return self._ov_transition("expired", reason, method="action_expire")

    def action_revoke(self, reason=None):
        return self._ov_transition("revoked", reason, method="action_revoke")

    def _ov_transition(self, new_state, reason=None, method=None):
        """Move every record to ``new_state``, checked, audited and propagated.

        With ``method``, each row's move must be the one that method performs
        in docs/design.md §3 (``action_resume`` resumes suspended rows, it does not
        activate drafts).
        """
        # A text of at most MAX_REASON_LENGTH: it goes to the audit log.
        reason = checked(arguments.reason, reason)
        for record in self:
            allowed = policy.transition_allowed(record.state, new_state)
            if allowed and method and policy.TRANSITIONS[(record.state, new_state)] != method:
                allowed = False
            if not allowed:
                raise UserError(
                    self.env._(
                        "%(record)s: a row cannot go from %(old)s to %(new)s%(through)s.",
                        record=record.display_name,
                        old=record.state,
                        new=new_state,
                        through=f" ({method})" if method else "",
                    )
                )
        if not self:
            return True
        old_states = self.mapped("state")
        self._ov_before_transition(new_state)
        try:
            with self.env.cr.savepoint():
                self._ov_system_write({"state": new_state})
                self._ov_log_events(
                    "transition",
                    old_states=old_states,
                    new_states=[new_state] * len(self),
                    reason=reason,
                )
                self.env.flush_all()
        except psycopg2.errors.UniqueViolation as error:
            raise self._ov_exclusivity_error(error) from None
        self._ov_after_transition(new_state, reason)
        return True

    def _ov_before_transition(self, new_state):
        """Override to check or lock before ``state`` becomes ``new_state``."""
        if new_state != "active":
            return
        now = fields.Datetime.now()
        ended = self.filtered(lambda r: r.date_to and r.date_to <= now)
        if ended:
            raise UserError(
                self.env._(
                    "%(record)s cannot become active: its window has ended.",
                    record=ended[0].display_name,
                )
            )

    def _ov_after_transition(self, new_state, reason):
        """Override to propagate a transition to related rows."""

    def _ov_exclusivity_error(self, error):
        """Override to turn a unique-index violation into a ValidationError."""
        return ValidationError(
            self.env._("%(model)s: %(message)s", model=self._description, message=error.pgerror)
        )

    # ------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------
    def _ov_expiry_domain(self, now):
        return [("state", "in", ("active", "suspended")), ("date_to", "<=", now)]

    @api.model
    @tools.ormcache()
    def _ov_concrete_models(self):
        """Names of the concrete models that inherit this (mixin) model.

        Cached per registry (and model): the registry's classes only change
        when it is rebuilt, which clears the cache.
        """
        mixin = self.env.registry[self._name]
        return tuple(
            sorted(
                name
                for name, cls in self.env.registry.items()
                if not cls._abstract and not cls._transient and issubclass(cls, mixin)
            )
        )
