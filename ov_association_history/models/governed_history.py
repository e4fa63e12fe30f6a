"""Governed answers "as of" a past moment, rebuilt from the audit log.

Every event records the row it is about as it stood right after it (a
deletion: right before it) in its ``row_*`` columns. So the state of a row
at a moment ``at`` is its last event dated at or before ``at`` (last by id:
a row's events are written under its lock, in order), and the row did not
exist at ``at`` when it has no such event or that event is its deletion.
The rules are the live ones (docs/design.md §3-4) applied to those rebuilt rows: an
actor row reaches while it is active and inside its window, its parent is
active and still has its target, its actor's membership in the SA is
effective, and neither the SA nor the actor is archived (their last
``*_archived`` / ``*_restored`` event; none: not archived). A collection scope (locations) widens
the answer through today's hierarchy, which the log does not record.

The log records whole rows since 18.0.1.4.0; a database upgraded from an
earlier version got one ``snapshot`` event per row at the upgrade and
answers from that moment on (``_ov_history_since``).
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.ov_association_base import arguments

EVENTS = "ov_association_event"
# The columns of a row's state at a moment (the latest event's).
_ROW = SQL(
    "res_id, event, company_id, row_state, row_kind, row_date_from, row_date_to,"
    " row_target_id, row_parent_id, row_sa_id, row_actor_id"
)


class OvGovernedQueryMixin(models.AbstractModel):
    """The governed reads of every pair, answered as of a past moment too
    (``at``; see the module docstring)."""

    _inherit = "ov.association.governed.query.mixin"

    def _ov_target_query(self, actor=None, sa=None, kinds=None, target_id=None, at=None):
        if not at:
            return super()._ov_target_query(actor=actor, sa=sa, kinds=kinds, target_id=target_id)
        return self._ov_expand_target_query(
            self._ov_target_query_at(at, actor=actor, sa=sa, kinds=kinds, target_id=target_id),
            at=at,
        )

    # ------------------------------------------------------------------
    # The moment
    # ------------------------------------------------------------------
    @api.model
    def _ov_history_since(self):
        """The earliest moment the log answers for: None when it recorded
        whole rows from the start, else the upgrade that began it."""
        self.env.cr.execute("SELECT max(date) FROM ov_association_event WHERE event = 'snapshot'")
        return self.env.cr.fetchone()[0]

    def _ov_moment(self, at):
        """``at`` validated: None (now, the live answer) or a past moment the
        log can answer for."""
        at = self._ov_argument(arguments.moment, "at", at)
        if at is None:
            return None
        now = fields.Datetime.now()
        if at > now:
            raise UserError(
                self.env._(
                    "at: %(at)s is in the future; governed answers are given for now "
                    "or a past moment (UTC).",
                    at=fields.Datetime.to_string(at),
                )
            )
        since = self._ov_history_since()
        if since and at < since:
            raise UserError(
                self.env._(
                    "at: %(at)s is before %(since)s, when this database began recording "
                    "whole rows in its audit log (upgrade to 18.0.1.4.0); earlier "
                    "moments cannot be answered exactly.",
                    at=fields.Datetime.to_string(at),
                    since=fields.Datetime.to_string(since),
                )
            )
        return at

    # ------------------------------------------------------------------
    # Building blocks
    # ------------------------------------------------------------------
    def _ov_found_sql(self, model_name, condition, at):
        """Ids of the rows of ``model_name`` with an event up to ``at`` that
        matches ``condition`` (on the alias ``found_event``)."""
        return SQL(
            "(SELECT DISTINCT found_event.res_id FROM %s found_event"
            " WHERE found_event.model = %s AND found_event.date < %s AND %s)",
            SQL.identifier(EVENTS),
            model_name,
            at + timedelta(seconds=1),
            condition,
        )

    def _ov_latest_sql(self, model_name, res_id, at):
        """The state of row ``res_id`` at ``at``: its last event up to then."""
        return SQL(
            "(SELECT %s FROM %s latest WHERE latest.model = %s AND latest.res_id = %s"
            " AND latest.date < %s ORDER BY latest.id DESC LIMIT 1)",
            _ROW,
            SQL.identifier(EVENTS),
            model_name,
            res_id,
            at + timedelta(seconds=1),
        )

    def _ov_existing_at_sql(self, alias):
        return SQL("%s <> 'delete'", SQL.identifier(alias, "event"))

    def _ov_effective_at_sql(self, alias, at):
        """The live definition of effective, on a row rebuilt at ``at``."""
        return SQL(
            "%(event)s <> 'delete' AND %(state)s = 'active'"
            " AND (%(start)s IS NULL OR %(start)s <= %(at)s)"
            " AND (%(end)s IS NULL OR %(end)s > %(at)s)",
            event=SQL.identifier(alias, "event"),
            state=SQL.identifier(alias, "row_state"),
            start=SQL.identifier(alias, "row_date_from"),
            end=SQL.identifier(alias, "row_date_to"),
            at=at,
        )

    def _ov_holder_at_sql(self, sa_id, actor_id, at):
        """The holder of an actor row at ``at`` (docs/design.md §3, issue 22): the
        actor's membership in the SA effective then, the SA and the actor not
        archived then. ``sa_id`` / ``actor_id``: SQL or ids."""
        membership = SQL(
            "EXISTS (SELECT 1 FROM %s held CROSS JOIN LATERAL %s member WHERE %s)",
            self._ov_found_sql(
                "ov.sa.membership",
                SQL(
                    "found_event.row_sa_id = %s AND found_event.row_actor_id = %s", sa_id, actor_id
                ),
                at,
            ),
            self._ov_latest_sql("ov.sa.membership", SQL("held.res_id"), at),
            self._ov_effective_at_sql("member", at),
        )
        return SQL(
            "%s AND %s AND %s",
            membership,
            self._ov_not_archived_at_sql("ov.sa", sa_id, "sa", at),
            self._ov_not_archived_at_sql("ov.actor", actor_id, "actor", at),
        )

    def _ov_not_archived_at_sql(self, model_name, res_id, prefix, at):
        """Whether record ``res_id`` was not archived at ``at``: its last
        ``<prefix>_archived`` / ``<prefix>_restored`` event then, if any, is
        not an archiving."""
        return SQL(
            "(SELECT archive.event FROM %s archive WHERE archive.model = %s"
            " AND archive.res_id = %s AND archive.event IN %s AND archive.date < %s"
            " ORDER BY archive.id DESC LIMIT 1) IS DISTINCT FROM %s",
            SQL.identifier(EVENTS),
            model_name,
            res_id,
            (f"{prefix}_archived", f"{prefix}_restored"),
            at + timedelta(seconds=1),
            f"{prefix}_archived",
        )

    def _ov_company_at_sql(self, alias):
        """The company rules of the association tables, on rebuilt rows (the
        rows may be gone, so the ORM cannot apply them)."""
        if self.env.su:
            return SQL("TRUE")
        return SQL(
            "(%s IS NULL OR %s IN %s)",
            SQL.identifier(alias, "company_id"),
            SQL.identifier(alias, "company_id"),
            tuple(self.env.companies.ids),
        )

    def _ov_kinds_at_sql(self, alias, kinds):
        if not kinds:
            return SQL("TRUE")
        return SQL("%s IN %s", SQL.identifier(alias, "row_kind"), tuple(kinds))

    # ------------------------------------------------------------------
    # Governed targets at a moment
    # ------------------------------------------------------------------
    def _ov_target_query_at(self, at, actor=None, sa=None, kinds=None, target_id=None):
        """``_ov_target_query``'s rows as they stood at ``at`` (before the
        collection expansion)."""
        if actor:
            actor_model = self._ov_actor_model()
            if actor_model is None:
                return SQL("(SELECT 1 WHERE FALSE)")
            if target_id:
                # One record: start from its rows (few), not the actor's (many).
                found = self._ov_found_sql(
                    actor_model._name,
                    SQL(
                        "found_event.row_actor_id = %s AND found_event.row_parent_id IN %s",
                        actor.id,
                        self._ov_found_sql(
                            self._name, SQL("found_event.row_target_id = %s", target_id), at
                        ),
                    ),
                    at,
                )
            else:
                found = self._ov_found_sql(
                    actor_model._name, SQL("found_event.row_actor_id = %s", actor.id), at
                )
            conditions = [
                self._ov_effective_at_sql("child", at),
                SQL("child.row_actor_id = %s", actor.id),
                self._ov_kinds_at_sql("child", kinds),
                self._ov_company_at_sql("child"),
                SQL("parent.event <> 'delete' AND parent.row_state = 'active'"),
                SQL("parent.row_target_id IS NOT NULL"),
                self._ov_holder_at_sql(SQL("parent.row_sa_id"), actor.id, at),
            ]
            if sa:
                conditions.append(SQL("parent.row_sa_id = %s", sa.id))
            if target_id:
                conditions.append(SQL("parent.row_target_id = %s", target_id))
            return SQL(
                "(SELECT parent.row_target_id FROM %s found"
                " CROSS JOIN LATERAL %s child CROSS JOIN LATERAL %s parent WHERE %s)",
                found,
                self._ov_latest_sql(actor_model._name, SQL("found.res_id"), at),
                self._ov_latest_sql(self._name, SQL("child.row_parent_id"), at),
                SQL(" AND ").join(conditions),
            )
        if not sa:
            raise UserError(self.env._("A governed query needs an actor or an SA."))
        condition = SQL("found_event.row_sa_id = %s", sa.id)
        if target_id:
            condition = SQL("%s AND found_event.row_target_id = %s", condition, target_id)
        conditions = [
            self._ov_effective_at_sql("row", at),
            SQL("row.row_sa_id = %s AND row.row_target_id IS NOT NULL", sa.id),
            self._ov_kinds_at_sql("row", kinds),
            self._ov_company_at_sql("row"),
            self._ov_not_archived_at_sql("ov.sa", sa.id, "sa", at),
        ]
        if target_id:
            conditions.append(SQL("row.row_target_id = %s", target_id))
        return SQL(
            "(SELECT row.row_target_id FROM %s found CROSS JOIN LATERAL %s row WHERE %s)",
            self._ov_found_sql(self._name, condition, at),
            self._ov_latest_sql(self._name, SQL("found.res_id"), at),
            SQL(" AND ").join(conditions),
        )

    # ------------------------------------------------------------------
    # Rows at a moment (explanations, who could reach a record)
    # ------------------------------------------------------------------
    def _ov_rows_at(self, model_name, condition, at, where=None):
        """The rows of ``model_name`` found by ``condition`` (on
        ``found_event``) as they stood at ``at``, existing then and within the
        company rules, as dicts of their latest event (``where`` filters on
        the alias ``row``)."""
        self.env.cr.execute(
            SQL(
                "SELECT row.* FROM %s found CROSS JOIN LATERAL %s row"
                " WHERE %s AND %s AND %s ORDER BY row.res_id",
                self._ov_found_sql(model_name, condition, at),
                self._ov_latest_sql(model_name, SQL("found.res_id"), at),
                self._ov_existing_at_sql("row"),
                self._ov_company_at_sql("row"),
                where or SQL("TRUE"),
            )
        )
        return self.env.cr.dictfetchall()

    def _ov_covering_targets_sql(self, target_id):
        """Override for collection scopes: ids of the records whose rows
        cover ``target_id`` (the record itself, or its ancestors)."""
        return SQL("(SELECT %s)", target_id)
