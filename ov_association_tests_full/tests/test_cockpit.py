"""The governance manager's cockpit (issue 13) on every pair: the smart
buttons' counts, a row's history, the reports and the audit log's names.

The reminders and the expiry cron are ``test_cockpit_reminders``; the web
client's loading of the cockpit's actions and views, ``test_cockpit_web_client``.
"""

from odoo.tests import tagged
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
        pair = self.pair_with_actor_layer()
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
        pair = self.pair_with_actor_layer()
        row = self.make_actor_row(pair, "active")
        event = self.events(row)[0].with_user(self.manager_user)
        self.assertEqual(
            (event.model_description, event.record_name),
            (self.env[pair.actor_model]._description, row.display_name),
        )
