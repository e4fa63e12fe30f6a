"""Migration across companies and windows (docs/design.md §6, ADR "Migration Path").

Classification skips a stamp whose actor belongs to another company than the
record's SA, even when the SA and the record are of the plan's company; parity
compares reach *now*, so it is asked again once a backfilled row's window no
longer contains now. Every figure is written out from the fixture.
"""

from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .migration_common import MigrationCase


@tagged("post_install", "-at_install")
class TestMigrationPoints(MigrationCase):
    def test_an_actor_of_another_company_is_skipped(self):
        foreign = self.env["ov.actor"].create(
            {"name": "Migration foreign actor", "company_id": self.other_company.id}
        )
        stamped = self.target("X1", self.north, foreign)
        home = self.target("X2", self.north, self.a1)
        plan = self.target_plan(name="Foreign actor", create_memberships=True)
        plan.action_classify()
        plan.action_dry_run()
        self.assertEqual(self.skips(plan), {"other_company": 1})
        self.assertEqual(
            self.report(plan, "dry_run")[("skip", "other_company")][1], str(stamped.id)
        )
        plan.action_backfill()
        self.assertFalse(self.ActorRows.search([("actor_id", "=", foreign.id)]))
        self.assertFalse(
            self.env["ov.sa.membership"].search(
                [("actor_id", "=", foreign.id), ("sa_id", "=", self.north.id)]
            )
        )
        self.assertEqual(
            self.ActorRows.search([("ov_target_id", "in", (stamped | home).ids)]).mapped(
                "ov_target_id"
            ),
            [home.id],
        )

    def test_parity_after_an_actor_window_has_ended(self):
        end = self.now.replace(microsecond=0) + timedelta(hours=1)
        windowed = self.target("W1", self.north, self.a1, stamp_date_to=end)
        self.target("W2", self.north, self.a2)
        plan = self.target_plan(name="Windowed stamps")
        plan.action_classify()
        plan.action_dry_run()
        plan.action_backfill()
        child = self.ActorRows.search([("ov_target_id", "=", windowed.id)])
        self.assertEqual((child.state, child.date_to), ("active", end))
        with freeze_time(end - timedelta(seconds=1)):
            only_stamp, only_association, _lines = plan._ov_parity()  # no step recorded
            self.assertEqual((only_stamp, only_association), (0, 0))
        with freeze_time(end):
            # The rows' window has ended (the cron has not run): the stamp still
            # grants W1 to north and to actor 1, the associations no longer do.
            plan.action_verify_parity()
            self.assertEqual((plan.parity_only_stamp, plan.parity_only_association), (2, 0))
            samples = {
                line.subject: line.sample
                for line in plan.report_line_ids
                if line.step == "parity" and line.category == "only_stamp"
            }
            self.assertEqual(
                samples,
                {"sa": f"{windowed.id}:{self.north.id}", "actor": f"{windowed.id}:{self.a1.id}"},
            )
