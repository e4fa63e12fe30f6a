from odoo import api, fields, models
from odoo.tools import SQL

from .. import arguments

# Why a row, a membership or a path does not grant (machine code → sentence).
REASONS = {
    "state_draft": "The row is a draft: it was never activated.",
    "state_suspended": "The row is suspended.",
    "state_expired": "The row has expired.",
    "state_revoked": "The row was revoked.",
    "window_not_started": "Its effective window has not started yet.",
    "window_ended": "Its effective window has ended.",
    "parent_not_effective": "Its SA association does not grant anything now.",
    "target_deleted": "The governed record was deleted; the row governs nothing.",
    "not_a_member": "The actor holds no membership in this SA.",
    "membership_not_effective": "The actor's membership in this SA is not effective.",
    "kind_filtered": "Its kind is not among the kinds asked about.",
    "covered_by_ancestor": "The row governs an ancestor, whose scope covers this record.",
    "no_actor_row": "The actor has no row under this SA association.",
}


def _reason(code):
    """A reason code with its sentence (English: codes are the stable API)."""
    return {"code": code, "message": REASONS[code]}


class OvGovernedExplainMixin(models.AbstractModel):
    """Why a governed answer is what it is, and the answer for many records at once.

    ``explain_governed`` lists every path that could grant a record (each SA
    row covering it, the actor's rows under it, the actor's membership),
    each with ``effective`` and reason codes; its ``allowed`` is computed by
    the same SQL as ``check_governed``. ``check_governed_many`` answers a
    list of records in one statement. Both are read-only (``@api.readonly``:
    a read-only cursor, a replica where one is configured).
    """

    _name = "ov.association.governed.explain.mixin"
    _description = "Governed query explanations"

    @api.model
    @api.readonly
    def check_governed_many(self, target_ids, actor_id=None, kinds=None):
        """``{target id: bool}``: ``check_governed`` for each id, in one statement."""
        target_ids = self._ov_argument(arguments.record_ids, "target_ids", target_ids)
        actor, _sa = self._ov_governed_subject(actor_id, None)
        kinds = self._ov_query_kinds(kinds, actor_layer=True)
        if not target_ids:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT asked.id, asked.id IN %s FROM unnest(%s::integer[]) AS asked(id)",
                self._ov_target_query(actor=actor, kinds=kinds),
                list(target_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    @api.readonly
    def explain_governed(self, target_id, actor_id=None, kinds=None):
        """Every path that could grant ``target_id`` to the actor, as a JSON-able dict.

        Keys: ``allowed`` (equal to ``check_governed`` for the same
        arguments), ``target`` (model, id, name), ``actor`` (id, name),
        ``kinds``, ``at`` and ``paths``: one per SA row covering the record
        that the caller may read, with the row, the actor's rows under it and
        the actor's membership in its SA, each with ``effective`` and
        ``reasons`` (codes of ``REASONS`` with a sentence).
        """
        target_id = self._ov_argument(arguments.record_id, "target_id", target_id, required=True)
        actor, _sa = self._ov_governed_subject(actor_id, None)
        kinds = self._ov_query_kinds(kinds, actor_layer=True)
        self.env.cr.execute(self._ov_check_query(actor, target_id, kinds))
        allowed = bool(self.env.cr.fetchone()[0])
        now = fields.Datetime.now()
        Target = self.env[self._ov_target_model()]
        target = Target.browse(target_id)
        readable = bool(self._ov_readable(target.exists()))
        paths = [
            self._ov_explain_path(row, target_id, actor, kinds, now)
            for row in self._ov_covering_rows(target_id, actor)
        ]
        return {
            "allowed": allowed,
            "target": {
                "model": Target._name,
                "id": target_id,
                "name": target.display_name if readable else self.env._("Restricted record"),
            },
            "actor": {"id": actor.id, "name": actor.name},
            "kinds": list(kinds) if kinds else None,
            "at": fields.Datetime.to_string(now),
            "paths": paths,
        }

    def _ov_covering_domain(self, target_id):
        """Override for collection scopes: the rows whose scope covers ``target_id``."""
        return [(self._ov_target_field, "=", target_id)]

    def _ov_covering_rows(self, target_id, actor):
        """The SA rows covering the record that the caller may read, and, when
        the caller asks about their own actor, the rows above that actor's own
        rows (part of their own answer even where they could not read them,
        e.g. while their membership is suspended)."""
        domain = self._ov_covering_domain(target_id)
        rows = self.search(domain, order="id")
        actor_model = self._ov_actor_model()
        own = self.env["ov.actor"]._ov_current_actor()
        if actor_model is not None and own and actor == own:
            Children = actor_model.sudo()
            parents = Children._search([("actor_id", "=", actor.id)]).subselect(
                SQL.identifier(Children._table, Children._ov_parent_field)
            )
            # sudo: only the rows above the caller's own actor rows.
            rows |= self.sudo().search([*domain, ("id", "in", parents)]).sudo(False)
        return rows.sorted("id")

    def _ov_explain_path(self, row, target_id, actor, kinds, now):
        sa_row = self._ov_explain_row(row, now)
        if row[self._ov_target_field].id != target_id:
            sa_row["reasons"].append(_reason("covered_by_ancestor"))
        path = {"sa_row": sa_row, "actor_rows": [], "membership": None, "effective": False}
        actor_model = self._ov_actor_model()
        if actor_model is None:
            return path
        # sudo: the actor's rows and membership under a row the caller may
        # read are part of the answer the caller is entitled to (their own
        # actor, or a manager's question).
        children = actor_model.sudo().search(
            [(actor_model._ov_parent_field, "=", row.id), ("actor_id", "=", actor.id)],
            order="id",
        )
        for child in children:
            explained = self._ov_explain_row(child, now)
            if child.ov_parent_state != "active" or not row[self._ov_target_field]:
                explained["effective"] = False
                explained["reasons"].append(_reason("parent_not_effective"))
            if kinds and child.association_kind not in kinds:
                explained["effective"] = False
                explained["reasons"].append(_reason("kind_filtered"))
            path["actor_rows"].append(explained)
        memberships = (
            self.env["ov.sa.membership"]
            .sudo()
            .search([("sa_id", "=", row.sa_id.id), ("actor_id", "=", actor.id)], order="id desc")
        )
        if memberships:
            effective = memberships.filtered("is_effective")
            path["membership"] = self._ov_explain_row((effective or memberships)[0], now)
            if not effective:
                path["membership"]["reasons"].append(_reason("membership_not_effective"))
        else:
            path["membership"] = {
                "effective": False,
                "reasons": [_reason("not_a_member")],
            }
        path["effective"] = any(child["effective"] for child in path["actor_rows"])
        if not path["actor_rows"]:
            path["reasons"] = [_reason("no_actor_row")]
        return path

    def _ov_explain_row(self, row, now):
        """A governed row or membership: what it is, and why it does not grant."""
        reasons = []
        if row.state != "active":
            reasons.append(_reason(f"state_{row.state}"))
        if row.date_from and row.date_from > now:
            reasons.append(_reason("window_not_started"))
        if row.date_to and row.date_to <= now:
            reasons.append(_reason("window_ended"))
        target_field = getattr(row, "_ov_target_field", None)
        if target_field and not row[target_field]:
            reasons.append(_reason("target_deleted"))
        explained = {
            "model": row._name,
            "id": row.id,
            "state": row.state,
            "date_from": fields.Datetime.to_string(row.date_from) if row.date_from else None,
            "date_to": fields.Datetime.to_string(row.date_to) if row.date_to else None,
            "effective": not reasons,
            "reasons": reasons,
        }
        if "association_kind" in row._fields:
            explained["kind"] = row.association_kind
        if "sa_id" in row._fields:
            # sudo: the SA of a row the answer shows is named with it.
            explained["sa"] = {"id": row.sa_id.id, "name": row.sa_id.sudo().display_name}
        return explained
