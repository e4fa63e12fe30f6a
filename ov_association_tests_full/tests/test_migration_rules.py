"""Retire, for record rules: the governed rule that replaces a stamp rule,
applied only under visibility parity (migration step 6 for rules).

The test target's legacy stamp rule (``security/legacy_stamp_rule.xml``)
shows its group's members the targets stamped with their actor. A plan over
the stamp reaches parity; the rule is then replaced by
``governed.reach('ov.sa_test_target')``, and each member must see exactly
what they saw before.
"""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .migration_common import MigrationCase

STAMP_DOMAIN = "[('stamp_actor_id.user_id', '=', user.id)]"
REACH_DOMAIN = "[('id', 'in', governed.reach('ov.sa_test_target'))]"
SA_STAMP_DOMAIN = (
    "[('stamp_sa_id.membership_ids', 'any', "
    "[('actor_id.user_id', '=', user.id), ('is_effective', '=', True)])]"
)
SCOPE_DOMAIN = "[('id', 'in', governed.scope('ov.sa_test_target'))]"
LEGACY_GROUP = "ov_association_tests.group_legacy_stamp_only"


@tagged("post_install", "-at_install")
class TestMigrationRules(MigrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = cls.env.ref(LEGACY_GROUP)
        cls.lena = new_test_user(
            cls.env,
            "ov_rule_lena",
            name="Legacy Lena",
            groups=f"base.group_user,{LEGACY_GROUP}",
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.max = new_test_user(
            cls.env,
            "ov_rule_max",
            name="Legacy Max",
            groups=f"base.group_user,{LEGACY_GROUP}",
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.governance_user = new_test_user(
            cls.env,
            "ov_rule_governance_user",
            groups="ov_association_base.group_ov_user",
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.lena_actor = cls.env["ov.actor"].create({"name": "Lena", "user_id": cls.lena.id})
        cls.max_actor = cls.env["ov.actor"].create({"name": "Max", "user_id": cls.max.id})
        for actor in (cls.lena_actor, cls.max_actor):
            cls.env["ov.sa.membership"].create(
                {"sa_id": cls.north.id, "actor_id": actor.id}
            ).action_activate()
        cls.l1 = cls.target("L1", cls.north, cls.lena_actor)
        cls.l2 = cls.target("L2", cls.north, cls.lena_actor)
        cls.m1 = cls.target("M1", cls.north, cls.a1)
        cls.u1 = cls.target("U1")
        cls.plan = cls.target_plan(name="Rule stamps")
        cls.plan.action_classify()
        cls.plan.action_dry_run()
        cls.plan.action_backfill()
        cls.plan.action_verify_parity()
        cls.rule = cls.env.ref("ov_association_tests.rule_legacy_stamp_only")
        cls.legacy_group = group
        # Replacing a record rule takes Settings rights besides governance.
        cls.manager.write({"groups_id": [(4, cls.env.ref("base.group_system").id)]})

    def as_manager(self, records):
        return records.with_user(self.manager)

    def seen_by(self, user):
        self.env.invalidate_all()
        return self.Target.with_user(user).search([]).mapped("name")

    def propose(self):
        self.as_manager(self.plan).action_propose_rule_replacements()
        return self.line_of(self.rule)

    def line_of(self, rule):
        return self.as_manager(
            self.plan.rule_replacement_ids.filtered(lambda line: line.rule_id == rule)
        )

    def apply_events(self, rule):
        return self.Event.search(
            [("model", "=", "ir.rule"), ("res_id", "=", rule.id), ("event", "=", "migration")]
        )

    # ------------------------------------------------------------------
    # Propose
    # ------------------------------------------------------------------
    def test_the_stamp_rule_gets_the_governed_rule_proposed(self):
        self.assertEqual(self.plan.state, "parity")
        line = self.propose()
        self.assertEqual(
            (line.state, line.side, line.rule_name, line.old_domain, line.new_domain, line.note),
            (
                "proposed",
                "actor",
                'Test targets: stamped only (legacy, group "Test targets: stamped only (legacy)")',
                "[('stamp_actor_id.user_id', '=', user.id)]",
                "[('id', 'in', governed.reach('ov.sa_test_target'))]",
                False,
            ),
        )
        # Only the rules reading the stamp: not the company rule, not governed_only.
        self.assertEqual(self.plan.rule_replacement_ids, line.sudo())

    def test_a_rule_of_another_shape_gets_no_proposal_and_the_reason(self):
        other = self.env["ir.rule"].create(
            {
                "name": "Stamped or shared",
                "model_id": self.env["ir.model"]._get_id("ov.test.target"),
                "groups": [(4, self.legacy_group.id)],
                "domain_force": "['|', ('stamp_actor_id.user_id', '=', user.id), "
                "('name', '=like', 'Shared%')]",
            }
        )
        self.propose()
        line = self.line_of(other)
        self.assertEqual(
            (line.state, line.new_domain, line.note),
            (
                "unsupported",
                False,
                "No replacement proposed for record rule Stamped or shared: its domain is not "
                "a single stamp condition (other conditions, '|' or '&'): rewrite it by hand "
                "with governed.reach or governed.scope.",
            ),
        )
        with self.assertRaisesRegex(UserError, "Stamped or shared.*No proposal"):
            line.action_apply()
        self.assertEqual(other.domain_force, line.old_domain)

    def test_the_sa_stamp_rule_gets_the_scope_and_keeps_what_members_see(self):
        sa_rule = self.env["ir.rule"].create(
            {
                "name": "Targets of my SAs (legacy)",
                "model_id": self.env["ir.model"]._get_id("ov.test.target"),
                "groups": [(4, self.legacy_group.id)],
                "domain_force": SA_STAMP_DOMAIN,
            }
        )
        self.propose()
        line = self.line_of(sa_rule)
        self.assertEqual((line.state, line.side, line.new_domain), ("proposed", "sa", SCOPE_DOMAIN))
        # Both group rules are or-ed: the member of North sees what North governs.
        self.assertEqual(self.seen_by(self.lena), ["L1", "L2", "M1"])
        line.action_apply()
        self.assertEqual(
            (sa_rule.domain_force, line.state, line.users_checked, line.users_differing),
            (SCOPE_DOMAIN, "applied", 2, 0),
        )
        self.assertEqual(self.seen_by(self.lena), ["L1", "L2", "M1"])
        self.assertEqual(self.seen_by(self.max), ["L1", "L2", "M1"])

    def test_proposing_waits_for_parity(self):
        draft = self.target_plan(name="Rule stamps, not migrated")
        with self.assertRaisesRegex(UserError, "Rule stamps, not migrated.*parity"):
            self.as_manager(draft).action_propose_rule_replacements()

    # ------------------------------------------------------------------
    # Visibility parity holds: apply
    # ------------------------------------------------------------------
    def test_parity_holds_and_the_rule_is_replaced_audited(self):
        self.assertEqual(self.seen_by(self.lena), ["L1", "L2"])
        self.assertEqual(self.seen_by(self.max), [])
        line = self.propose()
        line.action_verify()
        self.assertEqual(
            (line.state, line.users_checked, line.users_differing, line.differences),
            ("verified", 2, 0, False),
        )
        line.action_apply()
        self.assertEqual(self.rule.domain_force, REACH_DOMAIN)
        self.assertEqual(line.state, "applied")
        [event] = self.apply_events(self.rule)
        self.assertEqual(
            (event.old_value, event.new_value, event.reason, event.user_id, event.company_id),
            (
                STAMP_DOMAIN,
                REACH_DOMAIN,
                "Replaced by migration plan Rule stamps: visibility parity for 2 user(s)",
                self.manager,
                self.company,
            ),
        )
        # Each member sees exactly what the stamp showed, now through the association.
        self.assertEqual(self.seen_by(self.lena), ["L1", "L2"])
        self.assertEqual(self.seen_by(self.max), [])
        # The rule no longer reads the stamp: Retire no longer lists it.
        self.assertEqual(
            [
                line["detail"]
                for line in self.plan._ov_readers()
                if line["subject"] == "Record rule"
            ],
            [],
        )
        # Applied once: the line is the record of the step.
        with self.assertRaisesRegex(UserError, "stamped only.*Applied"):
            line.action_apply()

    def test_apply_verifies_when_not_verified_yet(self):
        line = self.propose()
        line.action_apply()
        self.assertEqual((self.rule.domain_force, line.users_checked), (REACH_DOMAIN, 2))

    # ------------------------------------------------------------------
    # A planted difference: refused, unless accepted with a reason
    # ------------------------------------------------------------------
    def test_a_stamped_record_without_association_blocks_the_replacement(self):
        l3 = self.target("L3", self.north, self.lena_actor)  # stamped after the backfill
        line = self.propose()
        line.action_verify()
        self.assertEqual(
            (line.state, line.users_differing, line.records_lost, line.records_gained),
            ("differs", 1, 1, 0),
        )
        self.assertEqual(
            line.differences,
            f"Legacy Lena (ov_rule_lena): 1 no longer seen, 0 newly seen; records {l3.id}",
        )
        with self.assertRaisesRegex(
            UserError, r"stamped only.*Legacy Lena \(ov_rule_lena\).*1 record\(s\) no longer seen"
        ):
            line.action_apply()
        self.assertEqual(self.rule.domain_force, STAMP_DOMAIN)
        self.assertFalse(self.apply_events(self.rule))
        self.assertEqual(self.seen_by(self.lena), ["L1", "L2", "L3"])

    def test_a_difference_after_verifying_blocks_the_replacement(self):
        line = self.propose()
        line.action_verify()
        self.assertEqual(line.state, "verified")
        self.target("L3", self.north, self.lena_actor)
        with self.assertRaisesRegex(UserError, r"stamped only.*Legacy Lena \(ov_rule_lena\)"):
            line.action_apply()
        self.assertEqual(self.rule.domain_force, STAMP_DOMAIN)

    def test_accepted_differences_are_applied_with_their_reason(self):
        self.target("L3", self.north, self.lena_actor)
        line = self.propose()
        line.action_verify()
        for reason in (None, "", "   ", ["L3"], {"zqx-wrong-type": [1, 2]}):
            with self.assertRaisesRegex(UserError, "stamped only.*reason"):
                line.action_accept_differences(reason)
        line.action_accept_differences("L3 was never meant for Lena")
        self.assertEqual(
            (line.state, line.accepted_reason), ("accepted", "L3 was never meant for Lena")
        )
        [accepted] = self.Event.search(
            [("model", "=", line._name), ("res_id", "=", line.id), ("event", "=", "migration")]
        )
        self.assertEqual(
            (accepted.old_value, accepted.new_value, accepted.reason),
            ("differs", "accepted", "L3 was never meant for Lena"),
        )
        line.action_apply()
        self.assertEqual(self.rule.domain_force, REACH_DOMAIN)
        [event] = self.apply_events(self.rule)
        self.assertEqual(
            event.reason,
            "Replaced by migration plan Rule stamps, differences accepted (1 user(s), "
            "1 no longer seen, 0 newly seen): L3 was never meant for Lena",
        )
        self.assertEqual(self.seen_by(self.lena), ["L1", "L2"])

    def test_accepting_other_differences_than_verified_is_refused(self):
        self.target("L3", self.north, self.lena_actor)
        line = self.propose()
        line.action_verify()
        self.target("L4", self.north, self.lena_actor)
        with self.assertRaisesRegex(UserError, "stamped only.*verify again"):
            line.action_accept_differences("Known")
        self.assertEqual(line.state, "differs")

    def test_differences_of_a_user_the_manager_cannot_read_are_not_accepted(self):
        olga = new_test_user(
            self.env,
            "ov_rule_olga",
            name="Legacy Olga",
            groups=f"base.group_user,{LEGACY_GROUP}",
            company_ids=[(6, 0, self.company.ids)],
        )
        olga_actor = self.env["ov.actor"].create({"name": "Olga", "user_id": olga.id})
        o1 = self.target("O1", actor=olga_actor)  # stamped, never migrated
        self.env["ir.rule"].create(
            {
                "name": "Managers do not see Olga",
                "model_id": self.env["ir.model"]._get_id("res.users"),
                "groups": [(4, self.env.ref("ov_association_base.group_ov_manager").id)],
                "domain_force": "[('login', '!=', 'ov_rule_olga')]",
            }
        )
        line = self.propose()
        line.action_verify()
        self.assertEqual(
            (line.state, line.users_checked, line.users_differing, line.differences),
            (
                "differs",
                3,
                1,
                f"user #{olga.id} (not readable): 1 no longer seen, 0 newly seen; records {o1.id}",
            ),
        )
        with self.assertRaisesRegex(UserError, rf"stamped only.*user #{olga.id} \(not readable\)"):
            line.action_apply()
        with self.assertRaisesRegex(UserError, "stamped only.*1 user\\(s\\) you cannot read"):
            line.action_accept_differences("Olga is leaving")
        self.assertEqual(line.state, "differs")

    def test_a_member_without_read_access_sees_nothing_either_way(self):
        portal = new_test_user(
            self.env,
            "ov_rule_portal",
            name="Legacy Portal",
            groups=f"base.group_portal,{LEGACY_GROUP}",
            company_ids=[(6, 0, self.company.ids)],
        )
        self.target("P1", actor=self.env["ov.actor"].create({"user_id": portal.id}))
        line = self.propose()
        line.action_apply()
        self.assertEqual(
            (self.rule.domain_force, line.users_checked, line.users_differing),
            (REACH_DOMAIN, 3, 0),
        )

    def test_accepting_through_the_wizard(self):
        self.target("L3", self.north, self.lena_actor)
        line = self.propose()
        line.action_verify()
        wizard = (
            self.env["ov.migration.accept.wizard"]
            .with_user(self.manager)
            .create(
                {"plan_id": self.plan.id, "replacement_id": line.id, "reason": "L3 is archived"}
            )
        )
        wizard.action_confirm()
        self.assertEqual((line.state, self.plan.state), ("accepted", "parity"))

    def test_a_rule_changed_since_the_proposal_is_not_replaced(self):
        line = self.propose()
        self.rule.domain_force = "[('stamp_actor_id.user_id', 'in', [user.id])]"
        with self.assertRaisesRegex(UserError, "stamped only.*changed.*propose"):
            line.action_apply()
        self.assertEqual(self.rule.domain_force, "[('stamp_actor_id.user_id', 'in', [user.id])]")

    # ------------------------------------------------------------------
    # Who
    # ------------------------------------------------------------------
    def test_only_governance_managers_replace_rules(self):
        line = self.propose()
        for user in (self.lena, self.governance_user):
            with self.assertRaises(AccessError):
                self.plan.with_user(user).action_propose_rule_replacements()
            for method in ("action_verify", "action_apply"):
                with self.assertRaises(AccessError):
                    getattr(line.with_user(user), method)()
            with self.assertRaises(AccessError):
                line.with_user(user).action_accept_differences("Mine")
        self.assertEqual((self.rule.domain_force, line.state), (STAMP_DOMAIN, "proposed"))

    def test_a_governance_manager_without_settings_rights_cannot_apply(self):
        line = self.propose()
        self.manager.write({"groups_id": [(3, self.env.ref("base.group_system").id)]})
        with self.assertRaisesRegex(AccessError, "stamped only.*Settings rights"):
            line.with_user(self.manager).action_apply()
        self.assertEqual((self.rule.domain_force, line.state), (STAMP_DOMAIN, "proposed"))

    def test_lines_are_written_by_the_steps_only(self):
        line = self.propose()
        with self.assertRaises(AccessError):
            line.write({"new_domain": "[]"})
        with self.assertRaises(AccessError):
            line.unlink()
        with self.assertRaisesRegex(UserError, "Rule stamps.*steps only"):
            line.sudo().unlink()
