from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.ov_association_base import arguments, policy
from odoo.addons.ov_association_base.models.governed_queries import _records_to_ids

from .explain_values import (
    effective_at,
    explain_row,
    live_values,
    logged_values,
    membership_reason,
    reason_of,
    without_none,
)


def _answers_by_text_id(self, value, *args, **kwargs):
    """RPC form of ``{id: bool}``: string keys. JSON turns them into strings
    anyway; XML-RPC refuses a dict with integer keys (a TypeError the client
    sees as a traceback), so every transport gets the same answer."""
    return {str(target_id): allowed for target_id, allowed in value.items()}


class OvGovernedExplainMixin(models.AbstractModel):
    """Why a governed answer is what it is, and the answer for many records at once.

    ``explain_governed`` lists every path that could grant a record (each SA
    row covering it, the actor's rows under it, the actor's membership),
    each with ``effective`` and reason codes; its ``allowed`` is computed by
    the same SQL as ``check_governed``. ``check_governed_many`` answers a
    list of records in one statement; ``search_reaching_actors`` turns the
    question around (managers). Each answers now or ``at`` a past moment
    (``governed_history``), and is read-only (``@api.readonly``: a
    read-only cursor, a replica where one is configured).
    """

    _name = "ov.association.governed.explain.mixin"
    _description = "Governed query explanations"

    @api.model
    @api.readonly
    @api.returns("self", downgrade=_answers_by_text_id)
    def check_governed_many(self, target_ids=None, actor_id=None, kinds=None, at=None, **unknown):
        """``{target id: bool}``: ``check_governed`` for each id, in one statement
        (over RPC the ids are strings, as every transport can send them)."""
        self._ov_refuse_unknown("check_governed_many", unknown)
        # At most arguments.MAX_IDS, counted before anything else is done.
        target_ids = self._ov_argument(arguments.record_ids, "target_ids", target_ids)
        actor, _sa, unchecked = self._ov_subject_unchecked(actor_id, None)
        kinds = self._ov_query_kinds(kinds, actor_layer=True)
        at = self._ov_moment(at)
        if not target_ids:
            self._ov_confirm_readable(unchecked)
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT asked.id, asked.id IN %s FROM unnest(%s::integer[]) AS asked(id)%s",
                self._ov_target_query(actor=actor, kinds=kinds, at=at),
                list(target_ids),
                SQL(" WHERE %s", self._ov_readable_sql(unchecked)) if unchecked else SQL(),
            )
        )
        answers = dict(self.env.cr.fetchall())
        if not answers:  # the actor argument's readability, folded into the statement
            self._ov_confirm_readable(unchecked)
        return answers

    @api.model
    @api.readonly
    def explain_governed(self, target_id=None, actor_id=None, kinds=None, at=None, **unknown):
        """Every path that could grant ``target_id`` to the actor, as a JSON-able dict.

        Keys: ``allowed`` (equal to ``check_governed`` for the same
        arguments), ``target`` (model, id, name), ``actor`` (id, name),
        ``kinds``, ``at`` (the moment answered, UTC) and ``paths``: one per SA
        row covering the record that the caller may read, with the row, the
        actor's rows under it and the actor's membership in its SA, each with
        ``effective`` and ``reasons`` (codes of ``REASONS`` with a sentence).
        With ``at``, every row is taken as it stood then, rows deleted since
        included.
        """
        self._ov_refuse_unknown("explain_governed", unknown)
        target_id = self._ov_argument(arguments.record_id, "target_id", target_id, required=True)
        actor, _sa = self._ov_governed_subject(actor_id, None)
        kinds = self._ov_query_kinds(kinds, actor_layer=True)
        at = self._ov_moment(at)
        self.env.cr.execute(self._ov_check_query(actor, target_id, kinds, at))
        allowed = bool(self.env.cr.fetchone()[0])
        moment = at or fields.Datetime.now()
        Target = self.env[self._ov_target_model()]
        target = Target.browse(target_id)
        readable = bool(self._ov_readable(target.exists()))
        if at:
            paths = self._ov_explain_paths_at(target_id, actor, kinds, at)
        else:
            paths = self._ov_explain_paths_now(target_id, actor, kinds, moment)
        return without_none(
            {
                "allowed": allowed,
                "target": {
                    "model": Target._name,
                    "id": target_id,
                    "name": target.display_name if readable else self.env._("Restricted record"),
                },
                "actor": {"id": actor.id, "name": actor.name},
                "kinds": list(kinds) if kinds else None,
                "at": fields.Datetime.to_string(moment),
                "paths": paths,
            }
        )

    @api.model
    @api.readonly
    @api.returns("ov.actor", downgrade=_records_to_ids)
    def search_reaching_actors(self, target_id=None, kinds=None, at=None, **unknown):
        """The actors reaching ``target_id`` now or ``at`` a past moment
        (governance managers only). Returns ``ov.actor`` records (ids over RPC).
        """
        self._ov_refuse_unknown("search_reaching_actors", unknown)
        self._ov_check_concrete()
        if not (self.env.su or self.env.user.has_group(policy.MANAGER_GROUP)):
            raise AccessError(self.env._("Only governance managers may ask who reaches a record."))
        target_id = self._ov_argument(arguments.record_id, "target_id", target_id, required=True)
        kinds = self._ov_query_kinds(kinds, actor_layer=True)
        at = self._ov_moment(at)
        Actor = self.env["ov.actor"]
        actor_model = self._ov_actor_model()
        if actor_model is None:
            return Actor
        if at:
            sa_of = {
                row["res_id"]: row["row_sa_id"]
                for row in self._ov_rows_at(
                    self._name,
                    SQL(
                        "found_event.row_target_id IN %s", self._ov_covering_targets_sql(target_id)
                    ),
                    at,
                    SQL(
                        "row.row_state = 'active' AND row.row_target_id IN %s",
                        self._ov_covering_targets_sql(target_id),
                    ),
                )
            }
            parents = list(sa_of)
            if not parents:
                return Actor
            rows = self._ov_rows_at(
                actor_model._name,
                SQL("found_event.row_parent_id IN %s", tuple(parents)),
                at,
                SQL(
                    "%s AND %s",
                    self._ov_effective_at_sql("row", at),
                    self._ov_kinds_at_sql("row", kinds),
                ),
            )
            held = {
                (sa_of[row["row_parent_id"]], row["row_actor_id"])
                for row in rows
                if row["row_parent_id"] in sa_of
            }
            return Actor.browse(
                sorted({actor for sa, actor in held if self._ov_held_at(sa, actor, at)})
            )
        covering = self.search(self._ov_covering_domain(target_id))
        domain = [(actor_model._ov_parent_field, "in", covering.ids), ("is_effective", "=", True)]
        if kinds:
            domain.append(("association_kind", "in", kinds))
        return actor_model.search(domain).actor_id.sorted("id")

    # ------------------------------------------------------------------
    # Paths, now (from the rows) or at a moment (from the log)
    # ------------------------------------------------------------------
    def _ov_covering_domain(self, target_id):
        """Override for collection scopes: the rows whose scope covers ``target_id``."""
        return [(self._ov_target_field, "=", target_id)]

    def _ov_covering_rows(self, target_id, actor):
        """The SA rows covering the record that the caller may read, and, when
        the caller asks about their own actor, the rows above the own rows
        they may read (part of their own answer even where they could not
        read the SA row, e.g. once their membership has ended or while it is
        suspended)."""
        domain = self._ov_covering_domain(target_id)
        rows = self.search(domain, order="id")
        actor_model = self._ov_actor_model()
        if self.env.su or self.env.user.has_group(policy.MANAGER_GROUP):
            return rows  # they read every row already
        own = self.env["ov.actor"]._ov_current_actor()
        if actor_model is not None and own and actor == own:
            # The caller's own rows as they read them: their record rules
            # (company rules included) apply, as in check_governed's SQL, so a
            # row above an own row of another company is left out.
            parents = actor_model._search([("actor_id", "=", actor.id)]).subselect(
                SQL.identifier(actor_model._table, actor_model._ov_parent_field)
            )
            # sudo: only the rows above the caller's own actor rows.
            rows |= self.sudo().search([*domain, ("id", "in", parents)]).sudo(False)
        return rows.sorted("id")

    def _ov_explain_sa_names(self, sa_ids):
        """``{SA id: name}`` for the SAs an answer shows: the name of an SA
        the caller may read, ``Restricted SA`` for any other (docs/design.md §5, no
        side doors), so that showing a row never names what the caller could
        not read."""
        # sudo: the SAs are named (or masked) here, by the caller's own rights.
        sas = self.env["ov.sa"].sudo().with_context(active_test=False).browse(sa_ids).exists()
        readable = self._ov_readable(sas)
        return {
            sa.id: sa.display_name if sa in readable else self.env._("Restricted SA") for sa in sas
        }

    def _ov_explain_paths_now(self, target_id, actor, kinds, now):
        paths = []
        actor_model = self._ov_actor_model()
        # sudo: _ov_covering_rows chose the rows by the caller's rights (the
        # rows they read, and the rows above their own actor rows, which a
        # record rule hides once their membership has ended or is suspended);
        # their values are part of the answer, read without the rule that
        # would refuse them (issue 21: explain answers wherever check does).
        rows = self._ov_covering_rows(target_id, actor).sudo()
        sa_names = self._ov_explain_sa_names(rows.sa_id.ids)
        for row in rows:
            children = memberships = []
            if actor_model is not None:
                # sudo: the actor's rows and membership under a row the caller
                # may read are part of the answer the caller is entitled to
                # (their own actor, or a manager's question).
                parent_live = bool(row[self._ov_target_field])
                children = [
                    live_values(
                        child,
                        sa_names,
                        parent_live=parent_live and child.ov_parent_state == "active",
                    )
                    for child in actor_model.sudo().search(
                        [(actor_model._ov_parent_field, "=", row.id), ("actor_id", "=", actor.id)],
                        order="id",
                    )
                ]
                memberships = [
                    live_values(membership, sa_names)
                    for membership in self.env["ov.sa.membership"]
                    .sudo()
                    .search([("sa_id", "=", row.sa_id.id), ("actor_id", "=", actor.id)])
                ]
            sa_values = live_values(row, sa_names)
            sa_values["covers"] = row[self._ov_target_field].id == target_id
            # sudo: whether the SA and the actor are archived is part of the answer.
            holder = {
                "sa_active": row.sa_id.sudo().active,
                "actor_active": actor.sudo().active,
            }
            paths.append(
                self._ov_explain_path(sa_values, children, memberships, kinds, now, holder)
            )
        return paths

    def _ov_explain_paths_at(self, target_id, actor, kinds, at):
        covering = self._ov_covering_targets_sql(target_id)
        sa_rows = self._ov_rows_at(
            self._name,
            SQL("found_event.row_target_id IN %s", covering),
            at,
            SQL("row.row_target_id IN %s", covering),
        )
        actor_model = self._ov_actor_model()
        children, memberships = {}, {}
        if sa_rows and actor_model is not None:
            for row in self._ov_rows_at(
                actor_model._name,
                SQL(
                    "found_event.row_actor_id = %s AND found_event.row_parent_id IN %s",
                    actor.id,
                    tuple(row["res_id"] for row in sa_rows),
                ),
                at,
            ):
                children.setdefault(row["row_parent_id"], []).append(row)
            for row in self._ov_rows_at(
                "ov.sa.membership",
                SQL(
                    "found_event.row_actor_id = %s AND found_event.row_sa_id IN %s",
                    actor.id,
                    tuple({row["row_sa_id"] for row in sa_rows}),
                ),
                at,
                SQL("row.row_actor_id = %s", actor.id),
            ):
                memberships.setdefault(row["row_sa_id"], []).append(row)
        if not (self.env.su or self.env.user.has_group(policy.MANAGER_GROUP)):
            # As the live answer: the rows of SAs the actor was an effective
            # member of then, and the rows above the actor's own rows.
            sa_rows = [
                row
                for row in sa_rows
                if children.get(row["res_id"])
                or any(
                    effective_at(membership, at)
                    for membership in memberships.get(row["row_sa_id"], ())
                )
            ]
        sa_names = self._ov_explain_sa_names(list({row["row_sa_id"] for row in sa_rows}))
        paths = []
        for row in sa_rows:
            parent_live = row["row_state"] == "active" and bool(row["row_target_id"])
            sa_values = logged_values(self._name, row, sa_names)
            sa_values["covers"] = row["row_target_id"] == target_id
            paths.append(
                self._ov_explain_path(
                    sa_values,
                    [
                        logged_values(actor_model._name, child, sa_names, parent_live=parent_live)
                        for child in children.get(row["res_id"], [])
                    ],
                    [
                        logged_values("ov.sa.membership", membership, sa_names)
                        for membership in sorted(
                            memberships.get(row["row_sa_id"], []),
                            key=lambda m: m["res_id"],
                            reverse=True,
                        )
                    ],
                    kinds,
                    at,
                    self._ov_holder_flags_at(row["row_sa_id"], actor.id, at),
                )
            )
        return paths

    def _ov_held_at(self, sa_id, actor_id, at):
        """Whether the actor's rows in the SA could grant at ``at`` (the holder)."""
        self.env.cr.execute(SQL("SELECT %s", self._ov_holder_at_sql(sa_id, actor_id, at)))
        return self.env.cr.fetchone()[0]

    def _ov_holder_flags_at(self, sa_id, actor_id, at):
        """Whether the SA and the actor were not archived at ``at``."""
        self.env.cr.execute(
            SQL(
                "SELECT %s, %s",
                self._ov_not_archived_at_sql("ov.sa", sa_id, "sa", at),
                self._ov_not_archived_at_sql("ov.actor", actor_id, "actor", at),
            )
        )
        sa_active, actor_active = self.env.cr.fetchone()
        return {"sa_active": sa_active, "actor_active": actor_active}

    def _ov_explain_path(self, sa_values, children, memberships, kinds, now, holder):
        """One path: an SA row, the actor's rows under it, the membership.

        ``memberships`` newest first; the effective one (or the newest) is
        shown. ``holder``: whether the SA and the actor are active. An actor
        row grants only while its holder does (docs/design.md §3): a membership that
        is not effective, an archived SA or actor is named on each row with
        its reason code.
        """
        sa_row = explain_row(sa_values, now)
        if not sa_values["covers"]:
            sa_row["reasons"].append(reason_of("covered_by_ancestor"))
        if not holder["sa_active"]:
            sa_row["effective"] = False
            sa_row["reasons"].append(reason_of("sa_archived"))
        path = {"sa_row": sa_row, "actor_rows": [], "membership": None, "effective": False}
        holder_reasons = []
        if memberships:
            explained = [explain_row(membership, now) for membership in memberships]
            effective = [membership for membership in explained if membership["effective"]]
            path["membership"] = (effective or explained)[0]
            if not effective:
                code = membership_reason(path["membership"])
                path["membership"]["reasons"].append(reason_of(code))
                holder_reasons.append(reason_of(code))
        else:
            path["membership"] = {"effective": False, "reasons": [reason_of("not_a_member")]}
            holder_reasons.append(reason_of("not_a_member"))
        if not holder["sa_active"]:
            holder_reasons.append(reason_of("sa_archived"))
        if not holder["actor_active"]:
            holder_reasons.append(reason_of("actor_archived"))
        for child in children:
            explained = explain_row(child, now)
            if not child["parent_live"]:
                explained["effective"] = False
                explained["reasons"].append(reason_of("parent_not_effective"))
            if kinds and child["kind"] not in kinds:
                explained["effective"] = False
                explained["reasons"].append(reason_of("kind_filtered"))
            if holder_reasons:
                explained["effective"] = False
                explained["reasons"].extend(holder_reasons)
            path["actor_rows"].append(explained)
        path["effective"] = any(child["effective"] for child in path["actor_rows"])
        if not path["actor_rows"]:
            path["reasons"] = [reason_of("no_actor_row")]
        return path
