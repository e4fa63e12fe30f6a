"""Extend or shorten the effective window of live rows (docs/design.md §6 handovers).

A window otherwise changes only while a row is a draft; this is the governed
way to change it once the row grants: on active and suspended rows, checked
(an actor row stays inside its parent's window, an ended window is not
reopened), audited with the old and the new window, and passed on to the
children of an SA row that it shortens.
"""

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.ov_association_base import arguments, policy


def window_label(date_from, date_to):
    """How the audit log writes a window: ``[from, to)``, open ends empty."""
    start = fields.Datetime.to_string(date_from) if date_from else ""
    end = fields.Datetime.to_string(date_to) if date_to else ""
    return f"[{start}, {end})"


class OvAssociationWindowChangeMixin(models.AbstractModel):
    _name = "ov.association.window.change.mixin"
    _inherit = "ov.association.lifecycle.mixin"
    _description = "Governed change of an association's window"

    def action_change_window(self, date_from=None, date_to=None, reason=None, **unknown):
        """Give live rows a new window, in one audited step.

        ``date_from`` / ``date_to``: a moment (UTC); ``False`` for an open
        end; left out (``None``) to keep each row's own. Refused, with nothing
        changed, when a row is not active or suspended, when its window has
        already ended (it is not reopened), when the new end is not in the
        future, or when an actor row would leave its parent's window.
        Shortening an SA row's window shortens its children's (audited).
        """
        self._ov_refuse_unknown_handover("action_change_window", unknown)
        self = self._ov_distinct()
        reason = self._ov_argument(arguments.reason, reason)
        self._ov_lock_rows()
        windows = self._ov_plan_windows(date_from, date_to)
        changing = self.browse(
            record.id for record, new in windows.items() if new != record._ov_window()
        )
        if changing:
            with self.env.cr.savepoint():
                changing._ov_write_windows({r: windows[r] for r in changing}, reason)
                changing._ov_after_window_change(reason)
                self.env.flush_all()
        return True

    def _ov_plan_windows(self, date_from, date_to):
        """The new window of each row, ``{record: (from, to)}``, every rule
        checked (also the preview of the wizard)."""
        date_from = self._ov_window_argument("date_from", date_from)
        date_to = self._ov_window_argument("date_to", date_to)
        if date_from is None and date_to is None:
            raise UserError(self.env._("Give date_from, date_to or both: the new window."))
        now = fields.Datetime.now()
        windows = {}
        for record in self:
            if record.state not in policy.RUNNING_STATES:
                raise UserError(
                    self.env._(
                        "%(record)s is %(state)s: only active or suspended rows change "
                        "their window (a draft is edited directly).",
                        record=record.display_name,
                        state=record.state,
                    )
                )
            if record.date_to and record.date_to <= now:
                raise UserError(
                    self.env._(
                        "%(record)s: its window ended at %(end)s; an ended row is not "
                        "reopened (the scheduled action expires it): create a new one.",
                        record=record.display_name,
                        end=fields.Datetime.to_string(record.date_to),
                    )
                )
            new = (
                record.date_from if date_from is None else date_from,
                record.date_to if date_to is None else date_to,
            )
            if new[1] and new[1] <= now:
                raise UserError(
                    self.env._(
                        "%(record)s: the new end %(end)s is not in the future; to end "
                        "the row now, expire or revoke it.",
                        record=record.display_name,
                        end=fields.Datetime.to_string(new[1]),
                    )
                )
            if new[0] and new[1] and new[0] >= new[1]:
                raise UserError(
                    self.env._(
                        "%(record)s: the window %(window)s ends before it starts.",
                        record=record.display_name,
                        window=window_label(*new),
                    )
                )
            windows[record] = new
        self._ov_check_new_windows(windows)
        return windows

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _ov_check_new_windows(self, windows):
        """Refuse new windows (``{record: (from, to)}``) that break a rule of
        the layer. Override to add one; this one keeps an actor row inside
        its parent's window (actor ⊆ SA)."""
        if not getattr(self, "_ov_parent_field", None):
            return
        for record, window in windows.items():
            parent = record._ov_parent()
            if clip(window, parent._ov_window()) != window:
                raise UserError(
                    self.env._(
                        "%(record)s: the window %(window)s would leave the window "
                        "%(parent_window)s of its SA association %(parent)s.",
                        record=record.display_name,
                        window=window_label(*window),
                        parent_window=window_label(*parent._ov_window()),
                        parent=parent.display_name,
                    )
                )

    def _ov_after_window_change(self, reason):
        """Pass a window change on. Override to add more; this one shortens
        the children of an SA row to its new window (audited), and refuses
        a window that would leave a child none."""
        actor_rows = getattr(self, "_ov_actor_rows", None)
        if actor_rows is None:
            return
        clipped = {}
        for child in actor_rows().filtered(lambda c: c.state in ("draft", *policy.RUNNING_STATES)):
            window = clip(child._ov_window(), child._ov_parent()._ov_window())
            if window == child._ov_window():
                continue
            if window[0] and window[1] and window[0] >= window[1]:
                raise UserError(
                    self.env._(
                        "%(parent)s: the new window %(window)s leaves no window to its "
                        "actor association %(child)s %(child_window)s; end or change "
                        "that row first.",
                        parent=child._ov_parent().display_name,
                        window=window_label(*child._ov_parent()._ov_window()),
                        child=child.display_name,
                        child_window=window_label(*child._ov_window()),
                    )
                )
            clipped[child] = window
        if clipped:
            why = self.env._("The window of its SA association changed")
            children = next(iter(clipped)).browse(child.id for child in clipped)
            children._ov_write_windows(clipped, f"{why}: {reason}" if reason else why)

    # ------------------------------------------------------------------
    # Building blocks (also used by the handovers)
    # ------------------------------------------------------------------
    def _ov_window(self):
        return (self.date_from or False, self.date_to or False)

    def _ov_write_windows(self, windows, reason):
        """Write ``{record: (from, to)}`` and its ``window_change`` events,
        one write per distinct window."""
        old = {record: record._ov_window() for record in windows}
        by_window = {}
        for record, window in windows.items():
            by_window.setdefault(window, []).append(record.id)
        for (date_from, date_to), ids in by_window.items():
            self.browse(ids)._ov_system_write({"date_from": date_from, "date_to": date_to})
        records = self.browse(record.id for record in windows)
        records._ov_log_events(
            "window_change",
            old_states=records.mapped("state"),
            new_states=records.mapped("state"),
            old_values=[window_label(*old[record]) for record in windows],
            new_values=[window_label(*windows[record]) for record in windows],
            reason=reason,
        )

    def _ov_window_argument(self, name, value):
        """``None``: keep; ``False``: open end; else a validated moment."""
        if value is None:
            return None
        if value is False:
            return False
        moment = self._ov_argument(arguments.moment, name, value)
        return moment if moment is not None else False

    def _ov_refuse_unknown_handover(self, method, unknown):
        """A handover's ``**unknown`` keyword arguments, named in a UserError."""
        if unknown:
            self._ov_argument(arguments.known_to, getattr(type(self), method), unknown)

    def _ov_check_successor_company(self, successor, label):
        """A handover stays in its rows' companies: ``successor`` (the new
        actor or SA, ``label`` saying which) of another company is refused;
        one of no company (an actor shared across companies) is not."""
        for row in self:
            if successor.company_id and successor.company_id != row.company_id:
                raise UserError(
                    self.env._(
                        "%(record)s belongs to company %(company)s; %(label)s %(successor)s "
                        "belongs to %(other)s.",
                        record=row.display_name,
                        company=row.company_id.display_name,
                        label=label,
                        successor=successor.display_name,
                        other=successor.company_id.display_name,
                    )
                )

    def _ov_handover_record(self, argument, model, value):
        """The record of ``model`` a handover names (the new actor or SA):
        an id of a record that exists and that the caller may read."""
        record_id = self._ov_argument(arguments.record_id, argument, value, required=True)
        return self._ov_readable_record(argument, self.env[model], record_id)

    def _ov_handover_moment(self, date):
        """When a handover takes effect: ``date`` (now or past, UTC) or now."""
        moment = self._ov_argument(arguments.moment, "date", date)
        now = fields.Datetime.now()
        if moment and moment > now:
            raise UserError(
                self.env._(
                    "date: %(date)s is in the future; a handover takes effect now or is "
                    "recorded at a past moment (to schedule one, give the rows windows).",
                    date=fields.Datetime.to_string(moment),
                )
            )
        return moment or now

    def _ov_distinct(self):
        """These rows, each once: a handover given an id twice acts once. At
        most ``arguments.MAX_IDS`` of them, counted before anything is read."""
        self._ov_argument(arguments.too_many, "ids", len(self._ids), arguments.MAX_IDS, "rows")
        return self.browse(tuple(dict.fromkeys(self._ids)))

    def _ov_check_after_history(self, date):
        """A handover dated in the past is recorded at that moment: it may not
        come before what the log already says of the rows."""
        self.env.cr.execute(
            "SELECT res_id, max(date) FROM ov_association_event"
            " WHERE model = %s AND res_id IN %s GROUP BY res_id",
            [self._name, tuple(self.ids)],
        )
        latest = dict(self.env.cr.fetchall())
        for record in self:
            if latest.get(record.id) and latest[record.id] > date:
                raise UserError(
                    self.env._(
                        "%(record)s: its history has an event at %(last)s; a handover "
                        "cannot be dated before it (%(date)s).",
                        record=record.display_name,
                        last=fields.Datetime.to_string(latest[record.id]),
                        date=fields.Datetime.to_string(date),
                    )
                )

    def _ov_dated_reason(self, reason, date):
        """The reason of a handover recorded for a past moment says so."""
        now = fields.Datetime.now()
        if date >= now:
            return reason
        recorded = self.env._(
            "Recorded at %(now)s for %(date)s",
            now=fields.Datetime.to_string(now),
            date=fields.Datetime.to_string(date),
        )
        return f"{recorded}: {reason}"

    def _ov_check_handover_window(self, date):
        """The rows' windows must be open at ``date``, where the handover cuts them."""
        for record in self:
            if record.date_from and date <= record.date_from:
                raise UserError(
                    self.env._(
                        "%(record)s: its window starts at %(start)s; a handover at %(date)s "
                        "would leave it none.",
                        record=record.display_name,
                        start=fields.Datetime.to_string(record.date_from),
                        date=fields.Datetime.to_string(date),
                    )
                )
            if record.date_to and record.date_to <= date:
                raise UserError(
                    self.env._(
                        "%(record)s: its window ended at %(end)s; an ended row is not handed over.",
                        record=record.display_name,
                        end=fields.Datetime.to_string(record.date_to),
                    )
                )

    def _ov_check_live(self, action):
        for record in self:
            if record.state not in policy.RUNNING_STATES:
                raise UserError(
                    self.env._(
                        "%(record)s is %(state)s: only active or suspended rows can be %(action)s.",
                        record=record.display_name,
                        state=record.state,
                        action=action,
                    )
                )

    def _ov_lock_rows(self):
        """Write-lock the rows before a handover reads their state: a
        concurrent handover or transition of the same rows then waits, and
        fails to serialize once this one commits (Odoo retries it, and the
        retry sees what this one did)."""
        if not self:
            return
        # Rights first: the lock below is raw SQL, which the ORM does not check.
        self.check_access("write")
        self.env.flush_all()
        # FOR UPDATE is enough here (the parents of new children need a no-op
        # UPDATE, see _ov_lock_scope): a handover changes the rows it locks,
        # so the one waiting fails to serialize when this one commits.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR UPDATE",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["state", "date_from", "date_to"])


def clip(window, bounds):
    """``window`` narrowed to lie inside ``bounds`` (open ends are infinite)."""
    (start, end), (low, high) = window, bounds
    if low and (not start or start < low):
        start = low
    if high and (not end or end > high):
        end = high
    return start, end
