"""The conformance suite, the records every pair gets from the base (docs/design.md §2).

No pair addon of this repository declares its access lines, its six record rules,
its window actions or its menus: the base writes them (``pair_records.py``). These
tests read them back for every discovered pair and compare them with what is
written out here.
"""

from odoo.tests import tagged

from .common import ConformanceCase

USER = "ov_association_base.group_ov_user"
MANAGER = "ov_association_base.group_ov_manager"

COMPANY = "[('company_id', 'in', company_ids)]"
MEMBER = (
    "[('sa_id.membership_ids', 'any', [('actor_id.user_id', '=', user.id), "
    "('is_effective', '=', True)])]"
)
OWN = "[('actor_id.user_id', '=', user.id)]"
ALL = "[(1, '=', 1)]"


@tagged("post_install", "-at_install", "ov_conformance")
class TestConformanceRecords(ConformanceCase):
    def tables(self, pair):
        return self.env[pair.sa_model]._table, self.env[pair.actor_model]._table

    def ref(self, pair, name):
        module = self.env[pair.sa_model]._original_module
        record = self.env.ref(f"{module}.{name}", raise_if_not_found=False)
        self.assertTrue(record, f"[{pair.name}] {module}.{name} is missing")
        return record

    def test_01_access_lines(self):
        """Read for governance users, everything for managers, on both layers."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="generated access lines"):
                sa_table, actor_table = self.tables(pair)
                expected = {
                    f"access_{sa_table}_user": (pair.sa_model, USER, (1, 0, 0, 0)),
                    f"access_{sa_table}_manager": (pair.sa_model, MANAGER, (1, 1, 1, 1)),
                    f"access_{actor_table}_user": (pair.actor_model, USER, (1, 0, 0, 0)),
                    f"access_{actor_table}_manager": (pair.actor_model, MANAGER, (1, 1, 1, 1)),
                }
                for name, (model, group, perms) in expected.items():
                    line = self.ref(pair, name)
                    self.assertEqual(line.model_id.model, model, name)
                    self.assertEqual(line.group_id, self.env.ref(group), name)
                    got = (line.perm_read, line.perm_write, line.perm_create, line.perm_unlink)
                    self.assertEqual(tuple(int(p) for p in got), perms, name)

    def test_02_record_rules(self):
        """The six rules: company (global), members or own actor, managers."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="generated record rules"):
                sa_table, actor_table = self.tables(pair)
                expected = {
                    f"rule_{sa_table}_company": (pair.sa_model, None, COMPANY),
                    f"rule_{sa_table}_member": (pair.sa_model, USER, MEMBER),
                    f"rule_{sa_table}_manager": (pair.sa_model, MANAGER, ALL),
                    f"rule_{actor_table}_company": (pair.actor_model, None, COMPANY),
                    f"rule_{actor_table}_own": (pair.actor_model, USER, OWN),
                    f"rule_{actor_table}_manager": (pair.actor_model, MANAGER, ALL),
                }
                for name, (model, group, domain) in expected.items():
                    rule = self.ref(pair, name)
                    self.assertEqual(rule.model_id.model, model, name)
                    self.assertEqual(rule.domain_force, domain, name)
                    if group is None:
                        self.assertTrue(rule["global"], f"{name} binds everyone")
                    else:
                        self.assertEqual(rule.groups, self.env.ref(group), name)
                    perms = (rule.perm_read, rule.perm_write, rule.perm_create, rule.perm_unlink)
                    self.assertEqual(perms, (True, True, True, True), name)
                # An integrator's change to a rule survives an update, as in a data file.
                module = self.env[pair.sa_model]._original_module
                data = self.env["ir.model.data"].search(
                    [("module", "=", module), ("name", "in", list(expected))]
                )
                self.assertEqual(set(data.mapped("noupdate")), {True})

    def test_03_actions_and_menus(self):
        """Both layers' lists under Associations; "My X" under My, for governance users."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="generated actions and menus"):
                sa_table, actor_table = self.tables(pair)
                Sa = self.env[pair.sa_model]
                singular = Sa._fields[Sa._ov_target_field].string
                plural = Sa._ov_records_label or f"{singular}s"
                sa_action = self.ref(pair, f"{sa_table}_action")
                actor_action = self.ref(pair, f"{actor_table}_action")
                my_rows = self.ref(pair, f"{actor_table}_action_my")
                self.assertEqual(
                    (sa_action.res_model, sa_action.name),
                    (pair.sa_model, f"{singular} SA Associations"),
                )
                self.assertEqual(
                    (actor_action.res_model, actor_action.name),
                    (pair.actor_model, f"{singular} Actor Associations"),
                )
                self.assertEqual(my_rows.res_model, pair.actor_model)
                self.assertEqual(
                    my_rows.domain,
                    "[('actor_id.user_id', '=', uid), ('is_effective', '=', True)]",
                )
                my_targets = self.ref(pair, f"{sa_table}_action_my_targets")
                self.assertEqual(my_targets.code, "action = model.action_open_my_targets()")
                self.assertEqual(my_targets.groups_id, self.env.ref(USER))
                menus = {
                    f"menu_{sa_table}": (
                        "ov_association_base.menu_governance_associations",
                        sa_action,
                    ),
                    f"menu_{actor_table}": (
                        "ov_association_base.menu_governance_associations",
                        actor_action,
                    ),
                    f"menu_{actor_table}_my": (
                        "ov_association_base.menu_governance_my",
                        my_targets,
                    ),
                }
                for name, (parent, action) in menus.items():
                    menu = self.ref(pair, name)
                    self.assertEqual(menu.parent_id, self.env.ref(parent), name)
                    self.assertEqual(menu.action, action, name)
                my_menu = self.ref(pair, f"menu_{actor_table}_my")
                self.assertEqual(my_menu.name, f"My {plural}")
                # A plain governance user sees "My X" and can run it.
                as_member = self.env["ir.ui.menu"].with_user(self.member_user)
                self.assertIn(my_menu.id, as_member._visible_menu_ids())
                opened = my_targets.with_user(self.member_user).run()
                self.assertEqual(opened["name"], f"My {plural}")

    def test_04_the_test_pair_written_out(self):
        """One pair's names in full, so a change of the naming scheme shows here."""
        pair = self.pick_pair(
            "the test target's pair", lambda pair: pair.sa_model == "ov.sa_test_target"
        )
        names = {
            "ov_association_tests.menu_ov_actor_sa_test_target_my": "My Test Targets",
            "ov_association_tests.menu_ov_sa_test_target": "Test target SA Associations",
            "ov_association_tests.menu_ov_actor_sa_test_target": "Test target Actor Associations",
        }
        for xmlid, name in names.items():
            self.assertEqual(self.env.ref(xmlid).name, name)
        sequences = [
            self.env.ref(f"ov_association_tests.{name}").sequence
            for name in ("menu_ov_sa_test_target", "menu_ov_actor_sa_test_target")
        ]
        self.assertEqual(sequences, [900, 901])
        self.assertEqual(pair.actor_model, "ov.actor_sa_test_target")
