"""Reminders before a grant silently ends (issue 13).

A scheduled action gives the responsible of an SA (``ov.sa.manager_id``) one
to-do activity on the SA for each of its rows whose window ends within the
lead time (settings, default 7 days): association rows of every pair (an
actor row's SA is its parent's) and memberships. ``ov.association.reminder``
remembers which row got which activity, so a second run creates nothing; an
activity is closed once its row no longer ends then (extended, ended or
revoked).

An activity, open or done, is read by every reader of its SA (Odoo shows a
record's activities and chatter to whoever may read the record), not by its
responsible alone: it names the row by its model and number, with a link that
opens it for who may read it, and never by a name (docs/design.md §5, no side doors).
"""

import logging
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.ov_association_base import policy
from odoo.addons.ov_association_base.models.ov_governance_cron import setting_problem

_logger = logging.getLogger(__name__)

LEAD_DAYS_PARAMETER = "ov_association.reminder_days"
DEFAULT_LEAD_DAYS = 7
# A lead time longer than this reminds of nothing useful and, far enough, makes
# the scheduled action's date arithmetic overflow.
MAX_LEAD_DAYS = 3650
# Reminders one call of the scheduled action creates (each is an activity, a
# follower and a notification): the cron runner commits them and calls again.
BATCH_SIZE = 500


def lead_days_problem(env, days):
    """Why ``days`` is no lead time, or None."""
    label = env._("Expiry reminder lead time (days)")
    return setting_problem(env, label, days, 0, MAX_LEAD_DAYS, env._("days"))


class OvAssociationReminder(models.Model):
    _name = "ov.association.reminder"
    _inherit = ["ov.association.guard.mixin"]
    _description = "Governance expiry reminder"
    _log_access = False

    res_model = fields.Char(required=True, readonly=True)
    res_id = fields.Integer(required=True, readonly=True)
    date_to = fields.Datetime(required=True, readonly=True)
    sa_id = fields.Many2one("ov.sa", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="sa_id.company_id", store=True, index=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    done = fields.Boolean(readonly=True)

    _sql_constraints = [
        (
            "row_end_uniq",
            "UNIQUE (res_model, res_id, date_to)",
            "One reminder per row and end of window.",
        ),
    ]

    @api.model
    def _ov_lead_days(self):
        # sudo: the scheduled action reads its setting whoever runs it.
        value = self.env["ir.config_parameter"].sudo().get_param(LEAD_DAYS_PARAMETER)
        try:
            days = int(value) if value else DEFAULT_LEAD_DAYS
        except ValueError:
            days = None
        problem = lead_days_problem(self.env, days if days is not None else value)
        if problem:
            # The settings refuse such a value; one written around them (a
            # system parameter edited by hand) must not stop the reminders.
            _logger.warning("%s The scheduled action uses %s.", problem, DEFAULT_LEAD_DAYS)
            return DEFAULT_LEAD_DAYS
        return days

    @api.model
    def _cron_remind_expiring_rows(self, batch_size=None):
        """Close the stale reminders, create the missing ones; returns
        ``(created, closed)``.

        Run by the scheduler (Odoo's cron runner gives it a progress record),
        a call creates at most ``batch_size`` reminders (``BATCH_SIZE`` by
        default) and reports how many remain with ``ir.cron._notify_progress``:
        the runner commits them and calls again while some remain. Called
        directly (a script, the tests), it creates every reminder due.
        """
        if batch_size is None:
            batch_size = BATCH_SIZE
        elif isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise UserError(
                self.env._(
                    "Expiry reminders: batch_size must be a whole number of at least 1, "
                    "got %(value)r.",
                    value=batch_size,
                )
            )
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        closed = self._ov_close_stale()
        created = 0
        due_count = 0
        for Model, due in self._ov_due_rows():
            due_count += len(due)
            if in_cron:
                due = due[: max(batch_size - created, 0)]
            if due:
                created += len(self._ov_remind(Model, due))
        if in_cron:
            self.env["ir.cron"]._notify_progress(
                done=created + closed, remaining=max(due_count - created, 0)
            )
        return created, closed

    def _ov_due_rows(self):
        """``[(model, [(row id, date_to, SA id, responsible id), …])]``: the rows
        ending within the lead time whose SA's responsible has no reminder of
        that end yet, in id order."""
        now = fields.Datetime.now()
        horizon = now + timedelta(days=self._ov_lead_days())
        # What the SQL below reads, written first (rows changed earlier in the
        # transaction count).
        self.env["ov.sa"].flush_model(["manager_id", "company_id"])
        self.env["res.users"].flush_model(["groups_id", "company_ids"])
        self.env["res.groups"].flush_model(["users"])
        self.env["res.company"].flush_model(["user_ids"])
        self.flush_model(["res_model", "res_id", "date_to"])
        result = []
        for Model, sa_sql, join, read in self._ov_reminded_models():
            for ReadModel, fnames in read:
                ReadModel.flush_model(fnames)
            self.env.cr.execute(
                SQL(
                    """SELECT row.id, row.date_to, %(sa)s, sa.manager_id
                       FROM %(table)s row %(join)s
                       JOIN ov_sa sa ON sa.id = %(sa)s
                       WHERE row.state IN ('active', 'suspended')
                         AND row.date_to > %(now)s AND row.date_to <= %(horizon)s
                         AND sa.manager_id IS NOT NULL
                         -- Again at each run: the responsible may have lost the
                         -- manager group or the SA's company since it was set.
                         AND EXISTS (SELECT 1 FROM res_groups_users_rel member
                                     WHERE member.uid = sa.manager_id
                                       AND member.gid = %(group)s)
                         AND EXISTS (SELECT 1 FROM res_company_users_rel company
                                     WHERE company.user_id = sa.manager_id
                                       AND company.cid = sa.company_id)
                         AND NOT EXISTS (
                             SELECT 1 FROM ov_association_reminder reminder
                             WHERE reminder.res_model = %(model)s
                               AND reminder.res_id = row.id
                               AND reminder.date_to = row.date_to)
                       ORDER BY row.id""",
                    sa=sa_sql,
                    table=SQL.identifier(Model._table),
                    join=join,
                    now=now,
                    horizon=horizon,
                    model=Model._name,
                    group=self.env.ref(policy.MANAGER_GROUP).id,
                )
            )
            result.append((Model, self.env.cr.fetchall()))
        return result

    def _ov_reminded_models(self):
        """(model, SQL of the row's SA, join, [(model, fields) the join reads])
        of every row that may expire."""
        row_fields = ["state", "date_to", "sa_id"]
        models_ = []
        for name in self.env["ov.sa.association.mixin"]._ov_concrete_models():
            Sa = self.env[name]
            models_.append((Sa, SQL("row.sa_id"), SQL(""), [(Sa, row_fields)]))
            Actor = Sa._ov_actor_model()
            if Actor is not None:
                parent = Actor._ov_parent_field
                models_.append(
                    (
                        Actor,
                        SQL("parent.sa_id"),
                        SQL(
                            "JOIN %s parent ON parent.id = row.%s",
                            SQL.identifier(Sa._table),
                            SQL.identifier(parent),
                        ),
                        [(Actor, ["state", "date_to", parent]), (Sa, ["sa_id"])],
                    )
                )
        Membership = self.env["ov.sa.membership"]
        models_.append((Membership, SQL("row.sa_id"), SQL(""), [(Membership, row_fields)]))
        return models_

    def _ov_remind(self, Model, due):
        """A to-do on the SA for its responsible per row of ``due``, and the
        reminder that remembers it; returns the reminders."""
        # sudo: the scheduled action writes activities for the SAs' responsibles.
        Sa = self.env["ov.sa"].sudo()
        values = []
        # One at a time: creating several activities of one SA and user in a
        # batch subscribes that user to the SA twice (mail_followers refuses).
        for row_id, date_to, sa_id, manager_id in due:
            activity = Sa.browse(sa_id).activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.to_date(date_to),
                summary=self.env._(
                    "Ends %(date)s: %(row)s",
                    date=fields.Datetime.to_string(date_to),
                    row=self._ov_row_label(Model, row_id),
                ),
                note=self._ov_row_note(Model, row_id, date_to),
                user_id=manager_id,
            )
            if not activity:
                # Activities are switched off (mail_activity_automation_skip):
                # no reminder either, a later run reminds.
                continue
            values.append(
                {
                    "res_model": Model._name,
                    "res_id": row_id,
                    "date_to": date_to,
                    "sa_id": sa_id,
                    "activity_id": activity.id,
                }
            )
        return self.sudo().create(values)

    def _ov_row_label(self, Model, row_id):
        """The row by its model and number: nothing a reader of the SA may not know."""
        return f"{Model._description} #{row_id}"

    def _ov_row_note(self, Model, row_id, date_to):
        link = Markup('<a href="/odoo/%s/%s">%s</a>') % (
            Model._name,
            row_id,
            self._ov_row_label(Model, row_id),
        )
        # The translated sentence is text (escaped); only the link is markup.
        sentence = escape(
            self.env._(
                "%(row)s stops granting at %(date)s (UTC). Open it to extend its window, "
                "hand it over, or let it end."
            )
        )
        return Markup("<p>%s</p>") % (
            sentence % {"row": link, "date": fields.Datetime.to_string(date_to)}
        )

    def _ov_close_stale(self):
        """Mark done the activities of rows that no longer end as reminded."""
        stale = self.browse()
        open_reminders = self.sudo().search([("done", "=", False)])
        for model in set(open_reminders.mapped("res_model")):
            reminders = open_reminders.filtered(lambda r, m=model: r.res_model == m)
            if model not in self.env:
                stale |= reminders
                continue
            rows = self.env[model].sudo().browse(reminders.mapped("res_id")).exists()
            current = {row.id: row.date_to for row in rows if row.state in ("active", "suspended")}
            stale |= reminders.filtered(lambda r, c=current: c.get(r.res_id) != r.date_to)
        # Closed without a chatter message: marking an activity done posts its
        # text to the SA, and one written before reminders named rows by number
        # only could name a row to readers of the SA who may not read it.
        # sudo: the scheduled action closes activities assigned to others.
        stale.activity_id.sudo().unlink()
        stale.write({"done": True})
        return len(stale)
