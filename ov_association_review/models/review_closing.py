"""Closing an access review: the default, the seal, the evidence.

* Undecided items get the campaign's default: keep; revoke (``action_revoke``);
  or let the window end at the deadline (``action_change_window`` to it while
  it lies ahead, ``action_expire`` once it is reached; a draft, which has no
  running window, is revoked). Each transition is audited with the campaign
  in its reason, the closing user as author.
* Every decision becomes one ``review`` event of the audit log (set-based:
  one ``INSERT … SELECT``), and the closing transaction seals the chain: the
  decisions are part of the tamper-evident log from the moment the campaign
  closes.
* The evidence: a CSV attached to the campaign (per item: the row, the
  recommendation, the decision, who, when, why, its sealed event) and the
  PDF report (``report/review_report.xml``).
"""

import base64
import csv
import io

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL

from .review_decisions import _by_outcome, _chunks

CSV_COLUMNS = (
    "item",
    "layer",
    "row_model",
    "row_id",
    "record_model",
    "record_id",
    "sa",
    "actor",
    "state_at_opening",
    "kind",
    "date_from",
    "date_to",
    "reviewer",
    "recommendation",
    "because",
    "decision",
    "new_end",
    "by_default",
    "outcome",
    "decided_by",
    "decided_at",
    "why",
    "audit_event",
)


# One concern per file: the campaign and its items are split by step.
# pylint: disable=consider-merging-classes-inherited
class OvAccessReviewClosing(models.Model):
    _inherit = "ov.access.review"

    def _ov_close(self):
        self.ensure_one()
        self.env.cr.execute(
            "SELECT state FROM ov_access_review WHERE id = %s FOR UPDATE", [self.id]
        )
        if self.env.cr.fetchone()[0] != "open":
            return
        self._ov_apply_default()
        self._ov_schedule_next()
        now = fields.Datetime.now()
        self._ov_system_write({"state": "closed", "closed_at": now})
        self.env.flush_all()
        self._ov_seal_decisions()
        self._ov_attach_evidence()
        self.activity_ids.action_feedback(feedback=self.env._("The campaign closed."))

    # ------------------------------------------------------------------
    # The default
    # ------------------------------------------------------------------
    def _ov_apply_default(self):
        Item = self.env["ov.access.review.item"]
        default = self.default_decision
        reason = self.env._("undecided at the deadline: the campaign's default")
        if default == "keep":
            # Nothing to do to the rows: one UPDATE of the pending items.
            outcomes = {self.env._("kept"): None}
            Item._ov_mark_decided(outcomes, "keep", reason, by_default=True, review=self)
            return
        pending = Item.search([("review_id", "=", self.id), ("state", "=", "pending")])
        if not pending:
            return
        if default == "revoke":
            outcomes = pending._ov_apply("revoke", reason)
            decision = "revoke"
        else:
            outcomes = pending._ov_end_at_deadline(self.date_deadline, reason)
            decision = "shorten"
        pending._ov_mark_decided(
            _by_outcome(outcomes),
            decision,
            reason,
            self.date_deadline if decision == "shorten" else None,
            by_default=True,
        )

    # ------------------------------------------------------------------
    # The seal
    # ------------------------------------------------------------------
    def _ov_seal_decisions(self):
        """One ``review`` event per item (one ``INSERT … SELECT``), chained
        by this transaction: the campaign closes with its decisions sealed (a
        hundred thousand items and as many revocations, three hundred
        thousand events, seal in seconds). Should another transaction be
        sealing right now, the base's sealing action is started to seal them
        after it. Returns how many events were written."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO ov_association_event
                       (model, res_id, event, old_value, new_value, reason, user_id,
                        company_id, date, row_state, row_kind, row_date_from, row_date_to,
                        row_target_id, row_parent_id, row_sa_id, row_actor_id)
                   SELECT 'ov.access.review.item', item.id, 'review',
                          left(coalesce(item.recommendation, 'keep')
                               || coalesce(': ' || item.recommendation_code, ''), 255),
                          item.decision
                              || coalesce(' to ' || to_char(item.decision_date_to,
                                                            'YYYY-MM-DD HH24:MI:SS'), '')
                              || CASE WHEN item.decided_by_default THEN ' (default)'
                                      ELSE '' END,
                          %(label)s || coalesce(item.decision_reason, ''),
                          item.decided_by_id, item.company_id, item.decided_at,
                          item.row_state, item.row_kind, item.row_date_from,
                          item.row_date_to, item.row_target_id, item.row_parent_id,
                          item.row_sa_id, item.row_actor_id
                   FROM ov_access_review_item item
                   WHERE item.review_id = %(review)s
                   ORDER BY item.id""",
                label=self.env._("Access review %(name)s (#%(id)s): ", name=self.name, id=self.id),
                review=self.id,
            )
        )
        count = self.env.cr.rowcount
        self.env["ov.access.review.item"].invalidate_model(["event_id"])
        self.invalidate_recordset(["sealed_count", "seal_hash"])
        # sudo: sealing chains the whole log, the library's own step (no
        # reviewer nor manager holds rights on the chain's columns).
        if self.env["ov.association.event"].sudo()._ov_seal() is None:
            # sudo: starting the base's scheduled action is the library's own step.
            self.env.ref("ov_association_base.ir_cron_seal_audit_log").sudo()._trigger()
        return count

    def _compute_seal(self):
        """How many of the campaign's decisions the chain holds, and the
        seal of the last one: read from the log (the chain's columns are a
        system administrator's; sudo: the campaign shows its own seal)."""
        found = {}
        if self.ids:
            self.env["ov.association.event"].flush_model()
            self.env.cr.execute(
                SQL(
                    """SELECT item.review_id, count(event.chain_index),
                              (array_agg(event.hash ORDER BY event.chain_index DESC)
                                  FILTER (WHERE event.chain_index IS NOT NULL))[1]
                       FROM ov_access_review_item item
                       JOIN ov_association_event event
                         ON event.model = 'ov.access.review.item' AND event.res_id = item.id
                        AND event.event = 'review'
                       WHERE item.review_id = ANY(%s) GROUP BY item.review_id""",
                    self.ids,
                )
            )
            found = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for review in self:
            review.sealed_count, review.seal_hash = found.get(review.id, (0, False))

    # ------------------------------------------------------------------
    # The evidence
    # ------------------------------------------------------------------
    def _ov_evidence_query(self):
        """The CSV's rows, in item order, as text (a campaign may hold a
        hundred thousand items: PostgreSQL writes the CSV itself)."""

        def moment(column):
            return SQL("to_char(%s, 'YYYY-MM-DD HH24:MI:SS')", SQL(column))

        return SQL(
            """SELECT item.id, item.layer, item.res_model, item.res_id,
                      item.row_target_model, item.row_target_id, sa.complete_name,
                      actor.name, item.row_state, item.row_kind, %(date_from)s, %(date_to)s,
                      reviewer.name, item.recommendation, item.recommendation_code,
                      item.decision, %(new_end)s,
                      CASE WHEN item.decided_by_default THEN 'True' ELSE 'False' END,
                      item.outcome, decider.name, %(decided_at)s, item.decision_reason,
                      event.id
               FROM ov_access_review_item item
               LEFT JOIN ov_sa sa ON sa.id = item.row_sa_id
               LEFT JOIN ov_actor actor ON actor.id = item.row_actor_id
               LEFT JOIN res_users ru ON ru.id = item.reviewer_id
               LEFT JOIN res_partner reviewer ON reviewer.id = ru.partner_id
               LEFT JOIN res_users du ON du.id = item.decided_by_id
               LEFT JOIN res_partner decider ON decider.id = du.partner_id
               LEFT JOIN ov_association_event event
                 ON event.model = 'ov.access.review.item' AND event.res_id = item.id
                AND event.event = 'review'
               WHERE item.review_id = %(review)s ORDER BY item.id""",
            date_from=moment("item.row_date_from"),
            date_to=moment("item.row_date_to"),
            new_end=moment("item.decision_date_to"),
            decided_at=moment("item.decided_at"),
            review=self.id,
        )

    def _ov_evidence_csv(self):
        self.env.flush_all()
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(CSV_COLUMNS)
        query = self._ov_evidence_query()
        # The query's own text, its parameters bound by the cursor.
        statement = self.env.cr.mogrify(query.code, query.params).decode()
        self.env.cr.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", out)
        return out.getvalue()

    def _ov_attach_evidence(self):
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"access_review_{self.id}.csv",
                "mimetype": "text/csv",
                "datas": base64.b64encode(self._ov_evidence_csv().encode()),
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self._ov_system_write({"evidence_id": attachment.id})

    def action_download_evidence(self):
        self.ensure_one()
        if not self.evidence_id:
            return False
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.evidence_id.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Recurrence
    # ------------------------------------------------------------------
    def _ov_schedule_next(self):
        """A recurring campaign makes the next one, opened by the scheduled
        action at its start; kept items are certified until its deadline."""
        if not self.recurrence_months or self.next_review_id:
            return
        step = relativedelta(months=self.recurrence_months)
        following = self.copy(
            {
                "name": self.name,
                "date_start": self.date_start + step,
                "date_deadline": self.date_deadline + step,
                "auto_open": True,
            }
        )
        following._ov_system_write({"previous_review_id": self.id})
        self._ov_system_write({"next_review_id": following.id})
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE ov_access_review_item SET certified_until = %s"
                " WHERE review_id = %s AND decision = 'keep'",
                following.date_deadline,
                self.id,
            )
        )
        self.env["ov.access.review.item"].invalidate_model(["certified_until"])


class OvAccessReviewItemDefault(models.Model):
    _inherit = "ov.access.review.item"

    def _ov_end_at_deadline(self, deadline, reason):
        """The default ``end_at_deadline``: ``{item id: outcome}``."""
        outcomes = {}
        now = fields.Datetime.now()
        text = self._ov_transition_reason("end at the deadline", reason)
        for model, items_of_row in self._ov_rows_in_order():
            if model not in self.env:
                continue
            live = self._ov_live_rows(model, list(items_of_row))
            drafts = live.filtered(lambda row: row.state == "draft")
            running = live - drafts
            if deadline > now:
                running = running.filtered(lambda row: not row.date_to or row.date_to > deadline)
                for chunk in _chunks(running):
                    chunk.action_change_window(date_to=deadline, reason=text)
                done = self.env._("ends at the deadline")
            else:
                for chunk in _chunks(running):
                    chunk.action_expire(reason=text)
                done = self.env._("expired at the deadline")
            for chunk in _chunks(drafts):
                chunk.action_revoke(reason=text)
            for row_id in running.ids:
                outcomes[items_of_row[row_id]] = done
            for row_id in drafts.ids:
                outcomes[items_of_row[row_id]] = self.env._("draft revoked")
        ended = self.env._("nothing to do: the row had ended")
        for item_id in self.ids:
            outcomes.setdefault(item_id, ended)
        return outcomes
