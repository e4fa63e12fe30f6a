"""Transfer SA rows to another SA, in one governed step (docs/design.md §6).

The row ends (``transfer`` event, state ``expired``, window cut at the
handover moment), its actor rows end with it, and a row of the new SA for
the same record, kind and remaining window starts at that moment; with
``keep_actor_rows`` the actors who are effective members of the new SA keep
their reach through new rows under it. Same locks and guarantees as a
reassignment (``handover_reassign``).
"""

import psycopg2.errors

from odoo import models
from odoo.exceptions import UserError

from odoo.addons.ov_association_base import arguments, policy
from odoo.addons.ov_association_base.models.actor_subset_mixin import HANDOVER
from odoo.addons.ov_association_base.models.lifecycle_events import EventDate

from .window_change import clip


def sa_label(sa):
    return f"{sa.code or sa.name} ({sa.id})"


class OvAssociationTransferMixin(models.AbstractModel):
    _name = "ov.association.transfer.mixin"
    _inherit = ["ov.association.window.change.mixin", "ov.association.handover.links.mixin"]
    _description = "Transfer of SA associations"

    def action_transfer(
        self, new_sa_id=None, reason=None, date=None, keep_actor_rows=False, **unknown
    ):
        """Move these rows to SA ``new_sa_id`` at ``date`` (default now).

        Returns ``{"transferred": [[old, new], …], "kept": [[old actor row,
        new actor row], …], "lost": [ended actor row, …], "kept_actors":
        [ids], "lost_actors": [ids]}``. Refused, with nothing changed: a row
        not active or suspended, or whose window is not open at ``date``; the
        same SA; an SA of another company.
        """
        self._ov_refuse_unknown_handover("action_transfer", unknown)
        self = self._ov_distinct()
        sa = self._ov_handover_record("new_sa_id", "ov.sa", new_sa_id)
        reason = self._ov_argument(arguments.reason, reason)
        date = self._ov_handover_moment(date)
        keep_actor_rows = self._ov_argument(arguments.boolean, "keep_actor_rows", keep_actor_rows)
        result = {"transferred": [], "kept": [], "lost": [], "kept_actors": [], "lost_actors": []}
        if not self:
            return result
        self._ov_lock_rows()
        self._ov_check_transfer(sa, date)
        children = self._ov_actor_rows().filtered(
            lambda child: child.state in policy.RUNNING_STATES
        )
        # The children's ends (and any kept successors) are dated ``date`` too.
        self._ov_check_after_history(date)
        if children:
            children.sudo(False)._ov_check_after_history(date)
        if keep_actor_rows and children:
            # Kept rows are created by this user: the actor layer's create right.
            self.env[children._name].check_access("create")
        try:
            with self.env.cr.savepoint():
                # Every event of the transfer (the rows ended, their children,
                # the successors) is dated when it takes effect.
                dated = self.with_context(ov_event_date=EventDate(date))
                result = dated._ov_do_transfer(sa, date, reason, keep_actor_rows)
                self.env.flush_all()
        except psycopg2.errors.UniqueViolation as error:
            raise self._ov_exclusivity_error(error) from None
        return result

    def _ov_check_transfer(self, sa, date):
        self._ov_check_live("transferred")
        self._ov_check_handover_window(date)
        self._ov_check_successor_company(sa, self.env._("SA"))
        for row in self:
            if row.sa_id == sa:
                raise UserError(
                    self.env._(
                        "%(record)s already belongs to SA %(sa)s.",
                        record=row.display_name,
                        sa=sa.display_name,
                    )
                )

    def _ov_do_transfer(self, sa, date, reason, keep_actor_rows):
        states = self.mapped("state")
        children = self._ov_actor_rows().filtered(
            lambda child: child.state in policy.RUNNING_STATES
        )
        keepers = set()
        if keep_actor_rows and children:
            # sudo: membership is a governance fact, whoever may read it.
            keepers = set(
                self.env["ov.sa.membership"]
                .sudo()
                .search(
                    [
                        ("sa_id", "=", sa.id),
                        ("actor_id", "in", children.actor_id.ids),
                        ("is_effective", "=", True),
                    ]
                )
                .actor_id.ids
            )
        child_states = {child: child.state for child in children}
        why = self.env._("Transferred to SA %(sa)s", sa=sa_label(sa))
        why = self._ov_dated_reason(f"{why}: {reason}" if reason else why, date)
        old_labels = [sa_label(row.sa_id) for row in self]
        # The handovers' one strategy: these rows end, their successors under
        # ``sa`` start with the rest of their windows and states, linked.
        successors = self.browse(self._ov_replace_rows({"sa_id": sa.id}, date))
        pairs = dict(zip(self, successors, strict=True))
        # The children end with their parent, as any expiry of it ends them.
        self._ov_after_transition("expired", why)
        self._ov_log_events(
            "transfer",
            old_states=states,
            new_states=["expired"] * len(self),
            old_values=old_labels,
            new_values=[f"{sa_label(sa)}, row {pairs[row].id}" for row in self],
            reason=why,
        )
        successors._ov_log_events(
            "transfer",
            new_states=states,
            new_kinds=successors.mapped("association_kind"),
            old_values=[
                f"{label}, row {row.id}" for row, label in zip(self, old_labels, strict=True)
            ],
            new_values=[sa_label(sa)] * len(self),
            reason=why,
        )
        # A child whose window has already closed (the cron has not expired
        # it yet) has nothing left to keep.
        kept = children.filtered(
            lambda child: (
                child.actor_id.id in keepers and (not child.date_to or child.date_to > date)
            )
        )
        moved = {}
        if kept:
            moved = kept._ov_move_under(
                {child: pairs[child._ov_parent()] for child in kept}, date, child_states, why
            )
        lost = children - kept
        return {
            "transferred": [[old.id, new.id] for old, new in pairs.items()],
            "kept": [[old.id, new.id] for old, new in moved.items()],
            "lost": lost.ids,
            "kept_actors": sorted(set(kept.actor_id.ids)),
            "lost_actors": sorted(set(lost.actor_id.ids) - set(kept.actor_id.ids)),
        }


class OvAssociationActorMoveMixin(models.AbstractModel):
    """Actor rows follow a transferred parent (``keep_actor_rows``)."""

    _name = "ov.association.actor.move.mixin"
    _inherit = "ov.association.reassign.mixin"
    _description = "Actor associations following a transferred parent"

    def _ov_move_under(self, parents, date, states, reason):
        """New rows like these ended ones under ``parents`` (``{row: new
        parent}``), from ``date`` and inside the new parent's window;
        ``{old: new}``."""
        new_rows = self.create(
            [
                {
                    self._ov_parent_field: parents[row].id,
                    "actor_id": row.actor_id.id,
                    "association_kind": row.association_kind,
                    "date_from": clip(
                        (max(date, row.date_from) if row.date_from else date, row.date_to),
                        parents[row]._ov_window(),
                    )[0],
                    "date_to": clip((date, row.date_to), parents[row]._ov_window())[1],
                }
                for row in self
            ]
        )
        pairs = dict(zip(self, new_rows, strict=True))
        new_rows.with_context(ov_handover=HANDOVER)._ov_transition(
            "active", reason, method="action_activate"
        )
        new_rows.browse(
            pairs[row].id for row in self if states.get(row) == "suspended"
        )._ov_transition(
            "suspended", self.env._("Its predecessor was suspended"), method="action_suspend"
        )
        self._ov_link_handovers([(old.id, new.id) for old, new in pairs.items()])
        return pairs
