"""The cockpit's reminders and the expiry cron (issue 13): a to-do on the SA
for each row ending within the lead time, once, to a manager of the SA's
company, closed when the row ends; both crons one batch a run, reporting
what remains to Odoo's cron runner, their batch sizes a setting.
"""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.ov_association_tests.tests.common import ConformanceCase


@tagged("post_install", "-at_install")
class TestCockpitReminders(ConformanceCase):
    def test_reminder_cron_once_per_row_and_closed_when_it_ends(self):
        pair = self.pair_with_actor_layer()
        Reminder = self.env["ov.association.reminder"]
        self.env["ir.config_parameter"].set_param("ov_association.reminder_days", "7")
        Reminder._cron_remind_expiring_rows()  # whatever the database already holds
        sa = self.env["ov.sa"].create(
            {"name": "Reminded", "code": "REMIND", "manager_id": self.manager_user.id}
        )
        self.make_membership(sa, self.actor)
        soon, later = self.hours(72), self.hours(24 * 20)
        ending = self.make_sa_row(pair, "active", sa=sa, date_to=soon)
        child = self.make_actor_row(pair, "active", parent=ending, date_to=soon)
        extended = self.make_sa_row(pair, "active", sa=sa, date_to=soon)
        self.make_sa_row(pair, "active", sa=sa, date_to=later)  # outside the lead time
        self.make_sa_row(pair, "active", sa=sa)  # open-ended
        created, closed = Reminder._cron_remind_expiring_rows()
        self.assertEqual((created, closed), (3, 0))
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "ov.sa"), ("res_id", "=", sa.id)]
        )
        self.assertEqual(len(activities), 3)
        self.assertEqual(set(activities.mapped("user_id")), {self.manager_user})
        # By model and number, never by name (the SA's readers see activities too).
        self.assertIn(
            f"Ends {fields.Datetime.to_string(soon)}: {ending._description} #{ending.id}",
            activities.mapped("summary"),
        )
        self.assertEqual(Reminder._cron_remind_expiring_rows(), (0, 0))
        # The row ends (its child with it) and another is extended: their
        # activities are marked done, and nothing new is created for them.
        ending.action_revoke(reason="no longer needed")
        extended.action_change_window(date_to=later)
        self.assertEqual(Reminder._cron_remind_expiring_rows(), (0, 3))
        self.assertFalse(activities.exists())
        self.assertEqual(child.state, "revoked")
        self.assertEqual(Reminder.search_count([("sa_id", "=", sa.id), ("done", "=", False)]), 0)

    def test_reminders_go_only_to_a_manager_of_the_sas_company(self):
        """The responsible reads what its to-dos name: set to anyone else it is
        refused, and one who has lost the manager group gets nothing."""
        with self.assertRaisesRegex(
            ValidationError, "SA Member's: .*must be a governance manager of"
        ):
            self.env["ov.sa"].create(
                {"name": "Member's", "code": "REMIND-M", "manager_id": self.member_user.id}
            )
        with self.assertRaisesRegex(ValidationError, "must be a governance manager"):
            self.env["ov.sa"].create(
                {
                    "name": "Abroad",
                    "code": "REMIND-AB",
                    "company_id": self.other_company.id,
                    "manager_id": self.manager_user.id,  # a manager of the first company only
                }
            )
        pair = self.pair_with_actor_layer()
        Reminder = self.env["ov.association.reminder"]
        Reminder._cron_remind_expiring_rows()  # whatever the database already holds
        sa = self.env["ov.sa"].create(
            {"name": "Demoted", "code": "REMIND-D", "manager_id": self.manager_user.id}
        )
        self.make_sa_row(pair, "active", sa=sa, date_to=self.hours(48))
        self.manager_user.groups_id = [(3, self.env.ref("ov_association_base.group_ov_manager").id)]
        self.assertEqual(Reminder._cron_remind_expiring_rows(), (0, 0))
        self.assertFalse(
            self.env["mail.activity"].search([("res_model", "=", "ov.sa"), ("res_id", "=", sa.id)])
        )

    def test_expiry_batch_size_is_a_setting(self):
        settings = self.env["res.config.settings"].create(
            {"ov_reminder_days": 3, "ov_expiry_batch_size": 250}
        )
        settings.execute()
        get = self.env["ir.config_parameter"].get_param
        self.assertEqual(
            (get("ov_association.reminder_days"), get("ov_association.expiry_batch_size")),
            ("3", "250"),
        )
        self.assertEqual(self.env["ov.association.reminder"]._ov_lead_days(), 3)

    def run_as_cron(self, xmlid, method, **kwargs):
        """``method`` of the scheduled action ``xmlid``'s model, called as Odoo's
        cron runner calls it (a progress record of the job in the context);
        returns (its result, (done, remaining) as it reported them)."""
        cron = self.env.ref(xmlid)
        _cron, progress = cron._add_progress()
        Model = self.env[cron.model_id.model].with_context(ir_cron_progress_id=progress.id)
        result = getattr(Model, method)(**kwargs)
        return result, (progress.done, progress.remaining)

    def test_expiry_cron_expires_one_batch_a_run_and_reports_what_remains(self):
        pair = self.any_pair()
        Cron = self.env["ov.governance.cron"]
        end = self.hours(1)
        rows = [self.make_sa_row(pair, "active", date_to=end) for _i in range(5)]
        with freeze_time(end - timedelta(seconds=1)):
            Cron._cron_expire_past_rows()  # whatever the database already holds
        cron = "ov_association_base.ir_cron_expire_past_rows"
        with freeze_time(end + timedelta(minutes=1)):
            self.assertEqual(
                self.run_as_cron(cron, "_cron_expire_past_rows", batch_size=2), (2, (2, 3))
            )
            self.assertEqual(
                [row.state for row in rows], ["expired", "expired", "active", "active", "active"]
            )
            self.assertEqual(
                self.run_as_cron(cron, "_cron_expire_past_rows", batch_size=2), (2, (2, 1))
            )
            self.assertEqual(
                self.run_as_cron(cron, "_cron_expire_past_rows", batch_size=2), (1, (1, 0))
            )
            self.assertEqual([row.state for row in rows], ["expired"] * 5)
            # Nothing left: Odoo's runner takes "done 0" as finished.
            self.assertEqual(
                self.run_as_cron(cron, "_cron_expire_past_rows", batch_size=2), (0, (0, 0))
            )
            with self.assertRaisesRegex(UserError, "Expiry batch size: 0 is not"):
                Cron._cron_expire_past_rows(batch_size=0)

    def test_expiry_cron_run_by_odoo_takes_the_batch_size_setting(self):
        """The scheduled action itself (its server action, as "Run manually"
        runs it): one batch of the setting's size, the rest reported."""
        pair = self.any_pair()
        end = self.hours(1)
        rows = [self.make_sa_row(pair, "active", date_to=end) for _i in range(5)]
        with freeze_time(end - timedelta(seconds=1)):
            self.env["ov.governance.cron"]._cron_expire_past_rows()  # what the database holds
        self.env["ir.config_parameter"].set_param("ov_association.expiry_batch_size", "2")
        cron = self.env.ref("ov_association_base.ir_cron_expire_past_rows")
        with freeze_time(end + timedelta(minutes=1)):
            cron.method_direct_trigger()
        progress = self.env["ir.cron.progress"].search(
            [("cron_id", "=", cron.id)], order="id desc", limit=1
        )
        self.assertEqual((progress.done, progress.remaining), (2, 3))
        self.assertEqual([row.state for row in rows].count("expired"), 2)

    def test_reminder_is_a_todo_scheduled_on_the_sa(self):
        pair = self.pair_with_actor_layer()
        Reminder = self.env["ov.association.reminder"]
        Reminder._cron_remind_expiring_rows()  # whatever the database already holds
        sa = self.env["ov.sa"].create(
            {"name": "Scheduled", "code": "REMIND-S", "manager_id": self.manager_user.id}
        )
        soon = self.hours(72).replace(microsecond=0)
        row = self.make_sa_row(pair, "active", sa=sa, date_to=soon)
        self.assertEqual(Reminder._cron_remind_expiring_rows(), (1, 0))
        reminder = Reminder.search([("res_model", "=", pair.sa_model), ("res_id", "=", row.id)])
        activity = reminder.activity_id
        self.assertEqual(
            (
                activity.res_model,
                activity.res_id,
                activity.activity_type_id,
                activity.user_id,
                activity.date_deadline,
                activity.summary,
                activity.automated,  # set by activity_schedule
            ),
            (
                "ov.sa",
                sa.id,
                self.env.ref("mail.mail_activity_data_todo"),
                self.manager_user,
                soon.date(),
                f"Ends {fields.Datetime.to_string(soon)}: {row._description} #{row.id}",
                True,
            ),
        )
        self.assertIn(f'<a href="/odoo/{pair.sa_model}/{row.id}">', str(activity.note))
        self.assertEqual((reminder.sa_id, reminder.date_to, reminder.done), (sa, soon, False))
        self.assertEqual(sa.activity_ids, activity)

    def test_reminder_cron_creates_one_batch_a_run_and_reports_what_remains(self):
        pair = self.any_pair()
        Reminder = self.env["ov.association.reminder"]
        Reminder._cron_remind_expiring_rows()  # whatever the database already holds
        sa = self.env["ov.sa"].create(
            {"name": "Batched", "code": "REMIND-B", "manager_id": self.manager_user.id}
        )
        rows = [self.make_sa_row(pair, "active", sa=sa, date_to=self.hours(48)) for _i in range(3)]
        cron = "ov_association_cockpit.ir_cron_expiry_reminders"
        method = "_cron_remind_expiring_rows"
        self.assertEqual(self.run_as_cron(cron, method, batch_size=2), ((2, 0), (2, 1)))
        self.assertEqual(Reminder.search(domain := [("sa_id", "=", sa.id)]).mapped("res_id"),
                         [row.id for row in rows[:2]])  # fmt: skip
        self.assertEqual(self.run_as_cron(cron, method, batch_size=2), ((1, 0), (1, 0)))
        self.assertEqual(self.run_as_cron(cron, method, batch_size=2), ((0, 0), (0, 0)))
        self.assertEqual(sorted(Reminder.search(domain).mapped("res_id")), [r.id for r in rows])
        self.assertEqual(len(sa.activity_ids), 3)
        with self.assertRaisesRegex(UserError, "batch_size must be a whole number"):
            Reminder._cron_remind_expiring_rows(batch_size=0)
