"""Opening an access review: one item per live row in scope, in SQL.

One ``INSERT … SELECT`` per layer of each pair in scope and one for the
memberships: no Python loop per row. Each item records the row as it stood
(state, kind, window, actor, SA, record), the reviewer the rule gives it (the
fallback for a reviewer's own actor's row), and a recommendation with its
reason, first of:

* ``inactive_user``: the actor's user has not signed in for ``inactive_days``
  (its last sign-in, or its creation when it never signed in);
* ``membership_ends``: the actor's membership in the SA ends before the row
  (recommended: shorten to the membership's end);
* ``suspended``: the row has been suspended for ``suspended_days`` (the date
  of its last suspension in the audit log);
* ``archived``: the governed record is archived (a membership: its SA).

The item keeps what the reason dates (``recommendation_since``: the last
sign-in, the last suspension), for its sentence.

The pairs come from the registry (``_ov_pairs``), never from a list.
"""

from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.ov_association_base import policy

NO_DATE = SQL("NULL::timestamp")

_COLUMNS = (
    "review_id",
    "company_id",
    "res_model",
    "res_id",
    "layer",
    "row_state",
    "row_kind",
    "row_date_from",
    "row_date_to",
    "row_actor_id",
    "row_sa_id",
    "row_parent_id",
    "row_target_model",
    "row_target_id",
    "recommendation_code",
    "recommendation_date",
    "recommendation_since",
    "reviewer_id",
    "routed_to_fallback",
)


# One concern per file: the campaign and its items are split by step.
# pylint: disable=consider-merging-classes-inherited
class OvAccessReviewScope(models.Model):
    _inherit = "ov.access.review"

    def _ov_scope_pairs(self):
        """``[(SA layer, actor layer or None)]`` of the pairs in scope."""
        chosen = set(self.pair_model_ids.mapped("model"))
        return [
            (Sa, Actor)
            for Sa, Actor in self.env["ov.sa.association.mixin"]._ov_pairs()
            if not chosen or Sa._name in chosen
        ]

    def _ov_generate_items(self):
        """Insert this open campaign's items; returns how many."""
        self.ensure_one()
        self.env.flush_all()
        total = 0
        for Sa, Actor in self._ov_scope_pairs():
            if self.layer in ("both", "sa"):
                total += self._ov_insert_items(self._ov_sa_layer_source(Sa))
            if Actor is not None and self.layer in ("both", "actor"):
                total += self._ov_insert_items(self._ov_actor_layer_source(Sa, Actor))
        if self.include_memberships:
            total += self._ov_insert_items(self._ov_membership_source())
        self.env["ov.access.review.item"].invalidate_model()
        return total

    # ------------------------------------------------------------------
    # What every source shares
    # ------------------------------------------------------------------
    def _ov_scope_sql(self, row, sa, kind=True):
        """The conditions of scope on a row ``row`` under the SA ``sa``."""
        conditions = [
            SQL("%s IN %s", SQL.identifier(row, "state"), policy.OPEN_STATES),
            SQL("%s = %s", SQL.identifier(row, "company_id"), self.company_id.id),
        ]
        if self.sa_ids:
            if self.include_child_sas:
                paths = [f"{path}%" for path in self.sa_ids.mapped("parent_path")]
                conditions.append(SQL("%s LIKE ANY(%s)", SQL.identifier(sa, "parent_path"), paths))
            else:
                conditions.append(SQL("%s = ANY(%s)", SQL.identifier(sa, "id"), self.sa_ids.ids))
        kinds = self._ov_kinds()
        if kind and kinds:
            conditions.append(SQL("%s = ANY(%s)", SQL.identifier(row, "association_kind"), kinds))
        return SQL(" AND ").join(conditions)

    @staticmethod
    def _ov_suspended_since_sql(model, row):
        """When a suspended row was last suspended (the audit log); NULL for any other."""
        return SQL(
            """(CASE WHEN %(row)s.state = 'suspended' THEN
                   (SELECT max(event.date) FROM ov_association_event event
                    WHERE event.model = %(model)s AND event.res_id = %(row)s.id
                      AND event.new_state = 'suspended') END)""",
            row=SQL.identifier(row),
            model=model,
        )

    def _ov_suspended(self, model, row):
        """``(code, condition, since)``: the row has been suspended since
        before the cut-off (its last suspension)."""
        since = self._ov_suspended_since_sql(model, row)
        cutoff = fields.Datetime.now() - timedelta(days=self.suspended_days)
        return ("suspended", SQL("(%s <= %s)", since, cutoff), since)

    def _ov_inactive(self):
        """``(code, condition, since)``: the actor's user (``login``, joined by
        ``_ov_login_join``) has not signed in since the cut-off."""
        cutoff = fields.Datetime.now() - timedelta(days=self.inactive_days)
        return ("inactive_user", SQL("(login.at < %s)", cutoff), SQL("login.at"))

    @staticmethod
    def _ov_login_join(user):
        """``login``: the last sign-in of the user ``user`` (its creation if none)."""
        return SQL(
            """LEFT JOIN (SELECT u.id AS uid, coalesce(max(log.create_date), u.create_date) AS at
                          FROM res_users u LEFT JOIN res_users_log log ON log.create_uid = u.id
                          GROUP BY u.id) login ON login.uid = %s""",
            user,
        )

    def _ov_archived_sql(self, Target, target):
        if "active" not in Target._fields or not Target._fields["active"].store:
            return SQL("false")
        return SQL(
            "EXISTS (SELECT 1 FROM %s record WHERE record.id = %s AND record.active IS FALSE)",
            SQL.identifier(Target._table),
            target,
        )

    def _ov_reviewer_sql(self, sa, actor_user):
        """The reviewer the rule gives a row of SA ``sa``; a reviewer who is
        the row's actor's user gets the fallback instead. ``(reviewer, routed)``."""
        fallback = self.fallback_reviewer_id.id
        if self.reviewer_rule == "sa_responsible":
            reviewer = SQL("coalesce(%s, %s)", SQL.identifier(sa, "manager_id"), fallback)
        elif self.reviewer_rule == "user":
            reviewer = SQL("%s::integer", self.reviewer_id.id)
        else:
            reviewer = SQL("NULL::integer")
        routed = SQL("(%s IS NOT NULL AND %s = %s)", actor_user, reviewer, actor_user)
        return SQL("CASE WHEN %s THEN %s ELSE %s END", routed, fallback, reviewer), routed

    def _ov_insert_items(self, source):
        """``source``: ``(FROM … WHERE …, {column: SQL})`` of one layer."""
        body, values = source
        now = fields.Datetime.now()
        query = SQL(
            """INSERT INTO ov_access_review_item
                   (%(columns)s, recommendation, recommendation_days, state, escalated,
                    decided_by_default, create_uid, create_date, write_uid, write_date)
               SELECT item.*,
                      CASE WHEN item.recommendation_code = 'membership_ends' THEN 'shorten'
                           WHEN item.recommendation_code IS NOT NULL THEN 'revoke'
                           ELSE 'keep' END,
                      CASE item.recommendation_code WHEN 'inactive_user' THEN %(inactive)s
                           WHEN 'suspended' THEN %(suspended)s END,
                      'pending', false, false, %(uid)s, %(now)s, %(uid)s, %(now)s
               FROM (SELECT %(values)s %(body)s) item""",
            columns=SQL(", ").join(SQL.identifier(name) for name in _COLUMNS),
            values=SQL(", ").join(
                SQL("%s AS %s", values[name], SQL.identifier(name)) for name in _COLUMNS
            ),
            body=body,
            inactive=self.inactive_days,
            suspended=self.suspended_days,
            uid=self.env.uid,
            now=now,
        )
        self.env.cr.execute(query)
        return self.env.cr.rowcount

    def _ov_common_values(self, Model, layer):
        return {
            "review_id": SQL("%s::integer", self.id),
            "company_id": SQL("%s::integer", self.company_id.id),
            "res_model": SQL("%s::varchar", Model._name),
            "res_id": SQL("row.id"),
            "layer": SQL("%s::varchar", layer),
            "row_state": SQL("row.state"),
            "row_date_from": SQL("row.date_from"),
            "row_date_to": SQL("row.date_to"),
        }

    @staticmethod
    def _ov_recommendation(cases):
        """The first reason of ``[(code, condition, since)]`` that holds: its
        ``recommendation_code`` and ``recommendation_since`` (what the reason's
        sentence dates, e.g. the last sign-in; NULL where nothing does), NULL
        both when none holds."""

        def first(value_of):
            return SQL(
                "CASE %s ELSE NULL END",
                SQL(" ").join(SQL("WHEN %s THEN %s", case[1], value_of(case)) for case in cases),
            )

        return {
            "recommendation_code": first(lambda case: case[0]),
            "recommendation_since": first(lambda case: case[2]),
        }

    # ------------------------------------------------------------------
    # The sources: SA rows, actor rows, memberships
    # ------------------------------------------------------------------
    def _ov_sa_layer_source(self, Sa):
        Target = self.env[Sa._ov_target_model()]
        target = SQL.identifier("row", Sa._ov_target_field)
        reviewer, routed = self._ov_reviewer_sql("sa", SQL("NULL::integer"))
        values = self._ov_common_values(Sa, "sa")
        values.update(
            {
                "row_kind": SQL("row.association_kind"),
                "row_actor_id": SQL("NULL::integer"),
                "row_sa_id": SQL("row.sa_id"),
                "row_parent_id": SQL("NULL::integer"),
                "row_target_model": SQL("%s::varchar", Target._name),
                "row_target_id": target,
                **self._ov_recommendation(
                    [
                        self._ov_suspended(Sa._name, "row"),
                        ("archived", self._ov_archived_sql(Target, target), NO_DATE),
                    ]
                ),
                "recommendation_date": SQL("NULL::timestamp"),
                "reviewer_id": reviewer,
                "routed_to_fallback": routed,
            }
        )
        body = SQL(
            "FROM %s row JOIN ov_sa sa ON sa.id = row.sa_id WHERE %s",
            SQL.identifier(Sa._table),
            self._ov_scope_sql("row", "sa"),
        )
        return body, values

    def _ov_actor_layer_source(self, Sa, Actor):
        Target = self.env[Sa._ov_target_model()]
        target = SQL.identifier("parent", Sa._ov_target_field)
        user = SQL("actor.user_id")
        reviewer, routed = self._ov_reviewer_sql("sa", user)
        membership_end = SQL(
            """(SELECT membership.date_to FROM ov_sa_membership membership
                WHERE membership.sa_id = parent.sa_id AND membership.actor_id = row.actor_id
                  AND membership.state = 'active'
                ORDER BY membership.date_to DESC NULLS FIRST LIMIT 1)"""
        )
        values = self._ov_common_values(Actor, "actor")
        values.update(
            {
                "row_kind": SQL("row.association_kind"),
                "row_actor_id": SQL("row.actor_id"),
                "row_sa_id": SQL("parent.sa_id"),
                "row_parent_id": SQL.identifier("row", Actor._ov_parent_field),
                "row_target_model": SQL("%s::varchar", Target._name),
                "row_target_id": target,
                **self._ov_recommendation(
                    [
                        self._ov_inactive(),
                        (
                            "membership_ends",
                            SQL(
                                "(%s < coalesce(row.date_to, 'infinity'::timestamp))",
                                membership_end,
                            ),
                            NO_DATE,  # its date is the recommended end
                        ),
                        self._ov_suspended(Actor._name, "row"),
                        ("archived", self._ov_archived_sql(Target, target), NO_DATE),
                    ]
                ),
                "recommendation_date": SQL(
                    "CASE WHEN %s < coalesce(row.date_to, 'infinity'::timestamp) THEN %s END",
                    membership_end,
                    membership_end,
                ),
                "reviewer_id": reviewer,
                "routed_to_fallback": routed,
            }
        )
        body = SQL(
            """FROM %(table)s row
               JOIN %(parents)s parent ON parent.id = %(parent)s
               JOIN ov_sa sa ON sa.id = parent.sa_id
               JOIN ov_actor actor ON actor.id = row.actor_id
               %(login)s
               WHERE %(scope)s""",
            login=self._ov_login_join(user),
            table=SQL.identifier(Actor._table),
            parents=SQL.identifier(Sa._table),
            parent=SQL.identifier("row", Actor._ov_parent_field),
            scope=self._ov_scope_sql("row", "sa"),
        )
        return body, values

    def _ov_membership_source(self):
        Membership = self.env["ov.sa.membership"]
        user = SQL("actor.user_id")
        reviewer, routed = self._ov_reviewer_sql("sa", user)
        values = self._ov_common_values(Membership, "membership")
        values.update(
            {
                "row_kind": SQL("NULL::varchar"),
                "row_actor_id": SQL("row.actor_id"),
                "row_sa_id": SQL("row.sa_id"),
                "row_parent_id": SQL("NULL::integer"),
                "row_target_model": SQL("NULL::varchar"),
                "row_target_id": SQL("NULL::integer"),
                **self._ov_recommendation(
                    [
                        self._ov_inactive(),
                        self._ov_suspended(Membership._name, "row"),
                        ("archived", SQL("sa.active IS FALSE"), NO_DATE),
                    ]
                ),
                "recommendation_date": SQL("NULL::timestamp"),
                "reviewer_id": reviewer,
                "routed_to_fallback": routed,
            }
        )
        body = SQL(
            """FROM ov_sa_membership row
               JOIN ov_sa sa ON sa.id = row.sa_id
               JOIN ov_actor actor ON actor.id = row.actor_id
               %s
               WHERE %s""",
            self._ov_login_join(user),
            self._ov_scope_sql("row", "sa", kind=False),
        )
        return body, values
