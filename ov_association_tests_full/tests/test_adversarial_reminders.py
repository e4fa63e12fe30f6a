"""Adversarial suite, security round 3, class 5: reminders name no row to
readers of the SA who may not read it.

A reminder is a to-do on the SA for its responsible; Odoo shows a record's
activities, and the message posted when one is marked done, to every reader of
the record: here every member of the SA. The attackers are members of the SA
(a plain actor, and one without native read rights on the governed records),
reading the SA's activities and chatter over every transport.
"""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.ov_association_tests.tests.adversarial_common import AdversarialCase


@tagged("post_install", "-at_install", "ov_adversarial")
class TestAdversarialReminders(AdversarialCase):
    def _remind_rows_of_member_sa(self):
        """Reminders for rows of the attackers' SA; one marked done, one closed."""
        env = self.env
        self.sa_a1.manager_id = self.users["manager"]
        ends = fields.Datetime.now().replace(microsecond=0) + timedelta(days=3)
        for pair in self.pairs:
            rows = self.rows[pair]
            for key in ("a1", "nn", "suspended"):
                rows[key].action_change_window(date_to=ends)
        Reminder = env["ov.association.reminder"]
        Reminder._cron_remind_expiring_rows()
        activities = env["mail.activity"].search(
            [("res_model", "=", "ov.sa"), ("res_id", "=", self.sa_a1.id)]
        )
        self.assertEqual(len(activities), 3 * len(self.pairs) + 3 * len(self.pairs))
        # The responsible marks one done (Odoo posts it to the SA's chatter) ...
        last = self.pairs[-1]
        done = Reminder.search(
            [("res_model", "=", last.sa_model), ("res_id", "=", self.rows[last]["suspended"].id)]
        )
        done.activity_id.with_user(self.users["manager"]).action_feedback(feedback="Seen.")
        # ... and the scheduled action closes those of a row that was extended.
        pair = self.pairs[0]
        self.rows[pair]["nn"].action_change_window(date_to=ends + timedelta(days=60))
        Reminder._cron_remind_expiring_rows()
        self.env.flush_all()
        return ends

    def test_class5_reminders_name_no_row(self):
        self._remind_rows_of_member_sa()
        secrets = self.target_tokens(["a1", "nn", "su"]) + self.sa_tokens("a2", "b")
        domain_sa = [("model", "=", "ov.sa"), ("res_id", "=", self.sa_a1.id)]
        spec = {
            "activity_ids": {"fields": {"summary": {}, "note": {}}},
            "message_ids": {"fields": {"body": {}, "subject": {}}},
        }
        for who in ("nonative", "actor"):
            self.each_via(
                "activities of the SA",
                who,
                "mail.activity",
                "search_read",
                [[("res_model", "=", "ov.sa"), ("res_id", "=", self.sa_a1.id)]],
                {"fields": ["summary", "note", "res_name"]},
                expect="success",
                secrets=secrets,
            )
            self.each_via(
                "chatter of the SA",
                who,
                "mail.message",
                "search_read",
                [domain_sa],
                {"fields": ["body", "subject", "record_name"]},
                expect="success",
                secrets=secrets,
            )
            self.each_via(
                "SA form with activities and chatter",
                who,
                "ov.sa",
                "web_read",
                [[self.sa_a1.id]],
                {"specification": spec},
                expect="success",
                secrets=secrets,
            )
        self.assertNoProblems()

    def test_reminder_texts_name_the_row_by_number(self):
        """What the responsible reads: the row's model and number, and a link."""
        ends = self._remind_rows_of_member_sa()
        pair = self.pairs[0]
        row = self.rows[pair]["a1"]
        Sa = self.env[pair.sa_model]
        label = f"{Sa._description} #{row.id}"
        when = fields.Datetime.to_string(ends)
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "ov.sa"),
                ("res_id", "=", self.sa_a1.id),
                ("summary", "=", f"Ends {when}: {label}"),
            ]
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            str(activity.note),
            f'<p><a href="/odoo/{Sa._name}/{row.id}">{label}</a> stops granting at {when} '
            "(UTC). Open it to extend its window, hand it over, or let it end.</p>",
        )
        # Closing a stale reminder posts nothing to the SA's chatter.
        closed = self.env["ov.association.reminder"].search(
            [("res_model", "=", pair.sa_model), ("res_id", "=", self.rows[pair]["nn"].id)]
        )
        self.assertEqual((closed.done, closed.activity_id), (True, self.env["mail.activity"]))
        self.assertFalse(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "ov.sa"),
                    ("res_id", "=", self.sa_a1.id),
                    ("subtype_id", "=", self.env.ref("mail.mt_activities").id),
                    ("body", "ilike", f"{Sa._description} #{self.rows[pair]['nn'].id}<"),
                ]
            )
        )


@tagged("post_install", "-at_install", "ov_adversarial")
class TestSchedulerSettings(TransactionCase):
    """Class 10: a setting that would break a scheduled action is refused by name."""

    def test_absurd_settings_are_refused_and_the_actions_still_run(self):
        Settings = self.env["res.config.settings"]
        for vals, message in (
            ({"ov_reminder_days": 10**20}, "Expiry reminder lead time"),
            ({"ov_reminder_days": -1}, "Expiry reminder lead time"),
            ({"ov_expiry_batch_size": 2**40}, "Expiry batch size"),
            ({"ov_expiry_batch_size": 0}, "Expiry batch size"),
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, message):
                Settings.create(vals)
        Settings.create({"ov_reminder_days": 30, "ov_expiry_batch_size": 500}).execute()
        get = self.env["ir.config_parameter"].get_param
        self.assertEqual(
            (get("ov_association.reminder_days"), get("ov_association.expiry_batch_size")),
            ("30", "500"),
        )
        # Written around the settings, by hand: the actions run with their defaults.
        self.env["ir.config_parameter"].set_param("ov_association.reminder_days", str(10**20))
        self.env["ir.config_parameter"].set_param("ov_association.expiry_batch_size", str(10**20))
        self.assertEqual(self.env["ov.association.reminder"]._ov_lead_days(), 7)
        self.env["ov.association.reminder"]._cron_remind_expiring_rows()
        self.env["ov.governance.cron"]._cron_expire_past_rows()
