"""Reassign actor rows to another actor, in one governed step (docs/design.md §6).

The current row ends (``expired``, its window cut at the handover moment) and
a row for the new actor, same parent, kind and remaining window, starts at
that moment, in one transaction: an exclusive slot is never empty nor held
twice. The rows are locked first, so two handovers of one row cannot both
commit; the new rows go through creation and activation like any other (the
parent and membership locks, the actor ⊆ SA checks). Set-based: one
statement per step for the whole recordset.
"""

from datetime import timedelta

import psycopg2.errors

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.ov_association_base import arguments


def actor_label(actor):
    """How the audit log names an actor: name and id (a name may change)."""
    return f"{actor.name} ({actor.id})"


class OvAssociationReassignMixin(models.AbstractModel):
    _name = "ov.association.reassign.mixin"
    # Extends actor layers, which already are actor-subset models (the base's
    # ov.actor.association.mixin): naming that mixin again here would put it
    # on both sides of the layer's method resolution order.
    _inherit = [
        "ov.association.window.change.mixin",
        "ov.association.handover.links.mixin",
    ]
    _description = "Reassignment of actor associations"

    def action_reassign(self, new_actor_id=None, reason=None, date=None, **unknown):
        """Hand these rows over to ``new_actor_id`` at ``date`` (default now).

        Each row ends (``reassign`` event: state ``expired``, window cut at
        ``date``) and a new row for the new actor takes its parent, kind and
        the rest of its window (``create`` and activation events; a suspended
        row's successor is suspended again). Both rows point at each other.
        Refused, with nothing changed: a row not active or suspended, or whose
        window is not open at ``date``; the same actor; an actor of another
        company; an actor without an effective membership in the row's SA.
        Returns ``{"reassigned": [[old id, new id], …]}``.
        """
        self._ov_refuse_unknown_handover("action_reassign", unknown)
        self = self._ov_distinct()
        actor = self._ov_handover_record("new_actor_id", "ov.actor", new_actor_id)
        reason = self._ov_argument(arguments.reason, reason)
        date = self._ov_handover_moment(date)
        if not self:
            return {"reassigned": []}
        self._ov_lock_rows()
        self._ov_check_reassign(actor, date)
        self._ov_check_after_history(date)
        self._ov_check_successor_at(actor, date)
        successors = {}
        try:
            with self.env.cr.savepoint():
                successors = self._ov_do_reassign(actor, date, reason)
                self.env.flush_all()
        except psycopg2.errors.UniqueViolation as error:
            raise self._ov_exclusivity_error(error) from None
        return {"reassigned": [[old.id, new.id] for old, new in successors.items()]}

    def _ov_check_reassign(self, actor, date):
        """Every reason to refuse the handover of these rows to ``actor``."""
        self._ov_check_live("reassigned")
        self._ov_check_handover_window(date)
        self._ov_check_successor_company(actor, self.env._("actor"))
        for row in self:
            if row.actor_id == actor:
                raise UserError(
                    self.env._(
                        "%(record)s is already held by %(actor)s.",
                        record=row.display_name,
                        actor=actor.display_name,
                    )
                )
        missing = self._ov_sas_without_member(actor)
        if missing:
            raise UserError(
                self.env._(
                    "%(actor)s holds no effective membership in SA %(sas)s: make them a "
                    "member first.",
                    actor=actor.display_name,
                    sas=", ".join(missing.mapped("display_name")),
                )
            )

    def _ov_check_successor_at(self, actor, date):
        """A handover dated in the past says the successor reached the rows
        from ``date`` on: the successor must have held an effective membership
        in each row's SA then, the SA and the actor not archived (the holder
        as of ``date``, rebuilt from the audit log). A membership cannot
        predate its actor, so a date before the successor existed fails too."""
        if date >= fields.Datetime.now() - timedelta(seconds=1):
            return  # now: the live checks of _ov_check_reassign decide
        date_text = fields.Datetime.to_string(date)
        parent_model = self.env[self._fields[self._ov_parent_field].comodel_name]
        # sudo: the SAs are named in the error, whatever the caller may read.
        for sa in self.mapped(self._ov_parent_field).sudo().sa_id:
            self.env.cr.execute(
                SQL("SELECT %s", parent_model._ov_holder_at_sql(sa.id, actor.id, date))
            )
            if not self.env.cr.fetchone()[0]:
                raise UserError(
                    self.env._(
                        "date: on %(date)s actor %(actor)s held no effective membership in "
                        "SA %(sa)s (or the SA or the actor was archived): a handover cannot "
                        "be dated before the successor could hold the rows.",
                        date=date_text,
                        actor=actor.display_name,
                        sa=sa.display_name,
                    )
                )

    def _ov_sas_without_member(self, actor):
        """The SAs of these rows' parents in which ``actor`` is not an
        effective member (one query)."""
        Membership = self.env["ov.sa.membership"]
        parent_model = self.env[self._fields[self._ov_parent_field].comodel_name]
        # sudo: membership is a governance fact, whoever may read it.
        members = Membership.sudo()._search(
            [("is_effective", "=", True), ("actor_id", "=", actor.id)]
        )
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT parent.sa_id FROM %s parent WHERE parent.id IN %s"
                " AND parent.sa_id NOT IN %s",
                SQL.identifier(parent_model._table),
                tuple(self.mapped(self._ov_parent_field).ids),
                members.subselect(SQL.identifier(Membership._table, "sa_id")),
            )
        )
        # sudo: the SAs are named in the error, whatever the caller may read.
        return self.env["ov.sa"].sudo().browse(row[0] for row in self.env.cr.fetchall())

    def _ov_do_reassign(self, actor, date, reason):
        """End these rows and start their successors for ``actor``, set-based
        (``_ov_replace_rows``), then one INSERT writes the two ``reassign``
        events of each pair; ``{old: new}``. Everything the ORM would check on
        creation and activation was checked before (``_ov_check_reassign``:
        membership, window, company; same parent and kind as a live row), the
        parents and memberships are locked as for any new child, and the
        exclusivity index still rules.
        """
        states = self.mapped("state")
        self._ov_lock_scope([(row[self._ov_parent_field].id, actor.id) for row in self])
        new_ids = self._ov_replace_rows({"actor_id": actor.id}, date)
        why = self.env._("Reassigned to %(actor)s", actor=actor_label(actor))
        why = self._ov_dated_reason(f"{why}: {reason}" if reason else why, date)
        # Dated when the handover takes effect: answers as of any moment since
        # see the successor, and the slot is never empty.
        self._ov_reassign_events(new_ids, states, actor, why, date)
        self.invalidate_recordset()
        return dict(zip(self, self.browse(new_ids), strict=True))

    def _ov_reassign_events(self, new_ids, states, actor, reason, now):
        """One ``reassign`` event on each row of each pair, naming the other:
        the ended row (old state → expired) and its successor (→ its state),
        each recording its row as it now stands."""
        label = actor_label(actor)
        row_columns, row_values = self._ov_event_row_sql("row")
        self.env.cr.execute(
            SQL(
                """INSERT INTO ov_association_event (
                       model, res_id, event, old_state, new_state, old_kind, new_kind,
                       old_value, new_value, reason, user_id, company_id, date,
                       %(row_columns)s)
                   SELECT %(model)s, row.id, 'reassign',
                          CASE WHEN side.ended THEN link.state END, row.state,
                          row.association_kind, row.association_kind,
                          held.name || ' (' || held.id || ')'
                              || CASE WHEN side.ended THEN '' ELSE ', predecessor row '
                                      || link.old_id END,
                          %(label)s || CASE WHEN side.ended THEN ', successor row '
                                            || link.new_id ELSE '' END,
                          %(reason)s, %(uid)s, row.company_id, %(now)s,
                          %(row_values)s
                   FROM unnest(%(old)s::integer[], %(new)s::integer[], %(states)s::varchar[])
                        AS link(old_id, new_id, state)
                   JOIN %(table)s previous ON previous.id = link.old_id
                   JOIN ov_actor held ON held.id = previous.actor_id
                   CROSS JOIN (VALUES (true), (false)) AS side(ended)
                   JOIN %(table)s row
                     ON row.id = CASE WHEN side.ended THEN link.old_id ELSE link.new_id END
                   ORDER BY link.old_id, side.ended DESC""",
                model=self._name,
                label=label,
                reason=reason,
                uid=self.env.uid,
                now=now,
                row_columns=row_columns,
                row_values=row_values,
                old=self.ids,
                new=new_ids,
                states=states,
                table=SQL.identifier(self._table),
            )
        )
