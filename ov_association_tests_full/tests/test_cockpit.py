"""The governance manager's cockpit (issue 13): smart buttons, history,
reminders, reports, on every pair."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.ov_association_tests.tests.common import ConformanceCase


@tagged("post_install", "-at_install")
class TestCockpit(ConformanceCase):
    def summary_of(self, records, field, model):
        (item,) = [item for item in records[field] if item["model"] == model]
        return item

    def governed_count(self, Sa, **subject):
        self.env.cr.execute(
            SQL("SELECT count(DISTINCT id) FROM %s AS governed(id)", Sa._ov_target_query(**subject))
        )
        return self.env.cr.fetchone()[0]

    def test_smart_button_counts_equal_the_governed_queries(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                sa = self.env["ov.sa"].create(
                    {"name": f"Cockpit {pair.name}", "code": f"CK{self.next_sequence()}"}
                )
                self.make_membership(sa, self.actor)
                rows = {
                    state: [self.make_sa_row(pair, state, sa=sa) for _i in range(count)]
                    for state, count in (
                        ("active", 2),
                        ("suspended", 1),
                        ("expired", 1),
                        ("revoked", 1),
                    )
                }
                for parent in rows["active"]:
                    self.make_actor_row(pair, "active", parent=parent)
                self.make_actor_row(pair, "suspended", parent=rows["active"][0])
                Sa = self.env[pair.sa_model].with_user(self.manager_user)
                summary = self.summary_of(
                    sa.with_user(self.manager_user), "ov_governed_summary", pair.sa_model
                )
                self.assertEqual(
                    (
                        summary["governed"],
                        summary["active"],
                        summary["suspended"],
                        summary["ended"],
                    ),
                    (2, 2, 1, 2),
                )
                # The governed query itself (the target model's own rules aside).
                self.assertEqual(summary["governed"], self.governed_count(Sa, sa=sa))
                self.actor.invalidate_recordset(["ov_reach_summary"])  # not stored: read anew
                reach = self.summary_of(
                    self.actor.with_user(self.manager_user), "ov_reach_summary", pair.actor_model
                )
                self.assertEqual(reach["governed"], self.governed_count(Sa, actor=self.actor))
                # The buttons open the rows they count.
                action = sa.with_user(self.manager_user).action_open_governed_rows(pair.sa_model)
                opened = self.env[pair.sa_model].search(action["domain"])
                self.assertEqual(len(opened), 2)
                # Opened by the widget through the ORM service: views given.
                self.assertEqual(action["views"][0], (False, "list"))
                action = sa.action_open_governed_rows(pair.sa_model, effective=False)
                self.assertEqual(self.env[pair.sa_model].search_count(action["domain"]), 5)

    def test_one_query_per_pair_for_a_page_of_sas(self):
        sas = self.env["ov.sa"].create(
            [{"name": f"Page {n}", "code": f"PAGE{n}"} for n in range(40)]
        )
        for pair in self.pairs:
            for sa in sas[:5]:
                self.make_sa_row(pair, "active", sa=sa)
        sas = sas.with_user(self.manager_user)
        sas.mapped("ov_governed_summary")  # warms the rule and model caches
        sas.invalidate_recordset(["ov_governed_summary"])
        with self.assertQueryCount(len(self.pairs)):
            summaries = sas.mapped("ov_governed_summary")
        self.assertEqual(len(summaries), 40)

    def test_history_lists_exactly_the_rows_events(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                row = self.make_actor_row(pair, "active", date_to=self.hours(48))
                row.action_suspend(reason="audit")
                row.action_resume()
                row.action_change_window(date_to=self.hours(72), reason="longer")
                other = self.make_actor_row(pair, "active")
                history = row.with_user(self.manager_user).ov_event_ids
                self.assertEqual(
                    [(e.event, e.new_state) for e in history],
                    [
                        ("window_change", "active"),
                        ("transition", "active"),
                        ("transition", "suspended"),
                        ("transition", "active"),
                        ("create", "draft"),
                    ],
                )
                self.assertFalse(history & other.ov_event_ids)
                self.assertFalse(row.with_user(self.member_user).ov_event_ids)
                membership = self.membership.with_user(self.manager_user)
                self.assertEqual(membership.ov_event_ids.mapped("event"), ["transition", "create"])

    def test_reminder_cron_once_per_row_and_closed_when_it_ends(self):
        pair = next(pair for pair in self.pairs if pair.actor_model)
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
        pair = next(pair for pair in self.pairs if pair.actor_model)
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

    def test_reports_cover_every_pair(self):
        self.env["ov.association.report"]._ov_ensure_view()
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                row = self.make_actor_row(pair, "active")
                lines = self.env["ov.association.report"].search(
                    [
                        ("model", "in", (pair.sa_model, pair.actor_model)),
                        ("res_id", "in", (row.id, row._ov_parent().id)),
                    ]
                )
                self.assertEqual(
                    sorted(
                        (line.model, line.res_id, line.layer, line.sa_id, line.is_effective)
                        for line in lines
                    ),
                    sorted(
                        [
                            (pair.sa_model, row._ov_parent().id, "sa", self.sa, True),
                            (pair.actor_model, row.id, "actor", self.sa, True),
                        ]
                    ),
                )
                events = self.env["ov.association.event.report"].search(
                    [("model", "=", pair.actor_model), ("res_id", "=", row.id)]
                )
                self.assertEqual(set(events.mapped("sa_id")), {self.sa})
                self.assertEqual(set(events.mapped("actor_id")), {self.actor})

    def test_reports_keep_to_the_readers_companies(self):
        """A manager of one company sees no line of another's rows, in either
        report nor among the reminders."""
        self.env["ov.association.report"]._ov_ensure_view()
        self.env.user.company_ids |= self.other_company  # the responsible's companies
        abroad = self.env["ov.sa"].create(
            {
                "name": "Cockpit abroad",
                "code": "CK-AB",
                "company_id": self.other_company.id,
                "manager_id": self.env.user.id,
            }
        )
        pair = next(pair for pair in self.pairs if pair.actor_model)
        target = self.make_target(pair, company=self.other_company)
        row = self.make_sa_row(pair, "active", target=target, sa=abroad, date_to=self.hours(24))
        self.env["ov.association.reminder"]._cron_remind_expiring_rows()
        domain = [("sa_id", "=", abroad.id)]
        for model in (
            "ov.association.report",
            "ov.association.event.report",
            "ov.association.reminder",
        ):
            with self.subTest(model=model):
                self.assertTrue(self.env[model].search_count(domain))  # the rows are there
                self.assertEqual(
                    self.env[model].with_user(self.manager_user).search_count(domain), 0
                )
        self.assertTrue(row)

    def test_audit_log_names_the_record(self):
        pair = next(pair for pair in self.pairs if pair.actor_model)
        row = self.make_actor_row(pair, "active")
        event = self.events(row)[0].with_user(self.manager_user)
        self.assertEqual(
            (event.model_description, event.record_name),
            (self.env[pair.actor_model]._description, row.display_name),
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
        pair = self.pairs[0]
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
        pair = self.pairs[0]
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
        pair = next(pair for pair in self.pairs if pair.actor_model)
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
        pair = self.pairs[0]
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


@tagged("post_install", "-at_install")
class TestCockpitWebClient(HttpCase):
    """Every new action and view loads through the web client's own calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "ov_cockpit_manager", groups="ov_association_base.group_ov_manager"
        )

    def test_actions_and_views_load(self):
        """Each action and view the cockpit adds loads, and shows the row made here."""
        sa = self.env["ov.sa"].create({"name": "Cockpit web SA", "code": "CKWEB"})
        actor = self.env["ov.actor"].create({"name": "Cockpit web actor"})
        membership = self.env["ov.sa.membership"].create({"sa_id": sa.id, "actor_id": actor.id})
        membership.action_activate()
        target = self.env["ov.test.target"].create({"name": "Cockpit web target"})
        Rows = self.env["ov.sa_test_target"]
        row = Rows.create({"sa_id": sa.id, "target_id": target.id, "association_kind": "access"})
        row.action_activate()
        self.env.flush_all()
        self.authenticate("ov_cockpit_manager", "ov_cockpit_manager")
        for xmlid in (
            "ov_association_cockpit.ov_association_report_action",
            "ov_association_cockpit.ov_association_expiring_action",
            "ov_association_cockpit.ov_association_event_report_action",
            "ov_association_base.ov_association_event_action",
            "ov_association_handover.ov_association_handover_wizard_action",
        ):
            with self.subTest(action=xmlid):
                action = self.make_jsonrpc_request(
                    "/web/action/load", {"action_id": self.env.ref(xmlid).id}
                )
                self.assertEqual(action["res_model"], self.env.ref(xmlid).res_model)
                self.assertEqual(action["id"], self.env.ref(xmlid).id)

        def call(model, method, **kwargs):
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/{method}",
                {"model": model, "method": method, "args": [], "kwargs": kwargs},
            )

        mine = [("sa_id", "=", sa.id)]
        with self.subTest(model="ov.association.report", method="web_search_read"):
            spec = {"model_description": {}, "state": {}, "res_id": {}}
            found = call("ov.association.report", "web_search_read", domain=mine,
                         specification=spec)  # fmt: skip
            self.assertEqual(
                sorted((r["model_description"], r["state"], r["res_id"]) for r in found["records"]),
                sorted([(Rows._description, "active", row.id),
                        (membership._description, "active", membership.id)]),
            )  # fmt: skip
        with self.subTest(model="ov.association.report", method="web_read_group"):
            grouped = call("ov.association.report", "web_read_group", domain=mine,
                           groupby=["sa_id", "state"], fields=["__count"], lazy=False)  # fmt: skip
            self.assertEqual(
                [(g["sa_id"][0], g["state"], g["__count"]) for g in grouped["groups"]],
                [(sa.id, "active", 2)],  # the SA row and the membership
            )
        with self.subTest(model="ov.association.event.report", method="web_read_group"):
            grouped = call("ov.association.event.report", "web_read_group",
                           domain=[("model", "=", Rows._name), ("res_id", "=", row.id)],
                           groupby=["event"], fields=["__count"], lazy=False)  # fmt: skip
            self.assertEqual(
                sorted((g["event"], g["__count"]) for g in grouped["groups"]),
                [("create", 1), ("transition", 1)],
            )
        with self.subTest(model="ov.association.event", method="web_search_read"):
            spec = {"model_description": {}, "record_name": {}}
            found = call("ov.association.event", "web_search_read",
                         domain=[("model", "=", Rows._name), ("res_id", "=", row.id)],
                         specification=spec, limit=80)  # fmt: skip
            self.assertEqual(
                {(r["model_description"], r["record_name"]) for r in found["records"]},
                {(Rows._description, row.display_name)},
            )
            self.assertEqual(found["length"], 2)
        for model, field, record in (
            ("ov.sa", "ov_governed_summary", sa),
            ("ov.actor", "ov_reach_summary", actor),
        ):
            with self.subTest(model=model, method="web_search_read"):
                found = call(model, "web_search_read", domain=[("id", "=", record.id)],
                             specification={field: {}}, limit=80)  # fmt: skip
                self.assertEqual([r["id"] for r in found["records"]], [record.id])
                self.assertTrue(found["records"][0][field], field)
        for model in self.env["ov.sa.association.mixin"]._ov_concrete_models():
            with self.subTest(model=model, method="web_read_group"):
                grouped = call(model, "web_read_group", domain=mine, groupby=["sa_id", "state"],
                               fields=["__count"], lazy=False)  # fmt: skip
                expected = [(sa.id, "active", 1)] if model == Rows._name else []
                self.assertEqual(
                    [(g["sa_id"][0], g["state"], g["__count"]) for g in grouped["groups"]],
                    expected,
                )
            with self.subTest(model=model, method="get_views"):
                loaded = call(model, "get_views",
                              views=[[False, "form"], [False, "pivot"], [False, "graph"],
                                     [False, "search"]])  # fmt: skip
                self.assertEqual(set(loaded["views"]), {"form", "pivot", "graph", "search"})
                for view_type, view in loaded["views"].items():
                    self.assertTrue(view["arch"].startswith(f"<{view_type}"), view_type)
                self.assertIn(model, loaded["models"])
        views = self.make_jsonrpc_request(
            "/web/dataset/call_kw/ov.sa/get_views",
            {"model": "ov.sa", "method": "get_views", "args": [],
             "kwargs": {"views": [[False, "form"]]}},
        )  # fmt: skip
        self.assertIn('widget="ov_governance_summary"', views["views"]["form"]["arch"])
