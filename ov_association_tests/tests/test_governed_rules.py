"""Governed record rules, run against every pair with its group (issue 23).

A member of ``<addon>.group_governed_only`` sees, through Odoo's own methods
on the native class, exactly the records their actor reaches; anyone else is
unaffected, and a read that asks for "My X" (the context key) is narrowed the
same way. Each fixture names its three records: one the member reaches, one
the peer reaches, one nobody does. How each cause of an end takes reach
away under these rules (issue 22) is ``test_governed_rules_reach_ends``.
"""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from odoo.addons.base.models.ir_qweb import QWebException

from .common import ConformanceCase

CONTEXT_KEY = "ov_governed_only"


def group_xmlid(env, pair):
    return f"{env[pair.sa_model]._original_module}.group_governed_only"


def missing_group_message(env, pair):
    return (
        f"{pair.sa_model}: its addon ships no group {group_xmlid(env, pair)}: copy a target"
        " addon's security/governed_only.xml (the opt-in group and the rule that narrows)"
    )


@tagged("post_install", "-at_install", "ov_conformance")
class TestGovernedRules(ConformanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One member per pair, in that pair's group only: a member of every
        # group would not read the customer of a reached order, for instance.
        export = cls.env.ref("base.group_allow_export")  # so that export_data answers
        readers = cls.member_user.groups_id | export
        cls.peer_user.write({"groups_id": [(4, export.id)]})
        cls.members = {}
        for pair in cls.pairs:
            login = f"ov_rule_member_{pair.sa_model}"
            user = new_test_user(
                cls.env, login, groups="base.group_user", company_ids=[(6, 0, cls.company.ids)]
            )
            # A pair without its group does not stop the others: its
            # sub-tests say what is missing (``governed_group``).
            group = cls.env.ref(group_xmlid(cls.env, pair), raise_if_not_found=False)
            user.write({"groups_id": [(4, g.id) for g in readers | (group or readers.browse())]})
            actor = cls.env["ov.actor"].create({"user_id": user.id})
            cls.make_membership(cls.sa, actor)
            cls.members[pair] = (user, actor)

    def governed_group(self, pair):
        """The pair's ``group_governed_only``; fails, saying what to ship, if
        its addon has none."""
        group = self.env.ref(group_xmlid(self.env, pair), raise_if_not_found=False)
        if not group:
            self.fail(missing_group_message(self.env, pair))
        return group

    def fixture(self, pair, actor=None):
        """(reached by ``actor`` (default: the member's), reached by the peer,
        reached by nobody), the first's actor row."""
        reached, peers, plain = (self.make_target(pair) for _ in range(3))
        row = self.make_actor_row(
            pair, "active", parent=self.make_sa_row(pair, "active", target=reached), actor=actor
        )
        self.make_actor_row(
            pair, "active", parent=self.make_sa_row(pair, "active", target=peers), actor=self.peer
        )
        return reached, peers, plain, row

    def target_model(self, pair, user, **context):
        Target = self.env[self.env[pair.sa_model]._ov_target_model()]
        return Target.with_user(user).with_context(**context)

    def visible(self, pair, user, records, **context):
        return self.target_model(pair, user, **context).search([("id", "in", records.ids)])

    # ------------------------------------------------------------------
    def test_01_group_and_rule_shipped(self):
        """Each target addon ships its group and the global rule that narrows."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="group and rule shipped"):
                xmlid = group_xmlid(self.env, pair)
                group = self.governed_group(pair)
                self.assertEqual(group.category_id.name, "Governed visibility")
                target = self.env[pair.sa_model]._ov_target_model()
                rules = self.env["ir.rule"].search(
                    [
                        ("model_id.model", "=", target),
                        ("domain_force", "like", f"governed.only('{pair.sa_model}', '{xmlid}'"),
                    ]
                )
                self.assertEqual(len(rules), 1, f"[{pair.name}] {rules}")
                self.assertTrue(rules["global"])
                self.assertEqual(
                    (rules.perm_read, rules.perm_write, rules.perm_unlink, rules.perm_create),
                    (True, True, True, False),
                )

    def test_02_member_sees_reached_only(self):
        """search, search_count, read_group, web_search_read, name_search,
        export, a report and a read by id: the reached record and no other."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="member sees reached only"):
                self.governed_group(pair)
                member, actor = self.members[pair]
                reached, peers, plain, _row = self.fixture(pair, actor)
                every = reached | peers | plain
                domain = [("id", "in", every.ids)]
                Target = self.target_model(pair, member)
                self.assertEqual(Target.search(domain), reached.with_user(member))
                self.assertEqual(Target.search_count(domain), 1)
                [(count,)] = Target._read_group(domain, [], ["__count"])
                self.assertEqual(count, 1)
                [group] = Target.read_group(domain, ["id:count"], [])
                self.assertEqual(group["__count"], 1)
                page = Target.web_search_read(domain, {"display_name": {}})
                self.assertEqual(page["length"], 1)
                self.assertEqual([r["id"] for r in page["records"]], [reached.id])
                self.assertEqual(
                    [found for found, _name in Target.name_search("", domain, limit=None)],
                    [reached.id],
                )
                exported = Target.search(domain).export_data(["id"])["datas"]
                self.assertEqual(len(exported), 1)
                self.assertTrue(Target.browse(reached.id).has_access("read"))
                native_write = Target.browse().has_access("write")  # as Odoo's rights say
                self.assertEqual(Target.browse(reached.id).has_access("write"), native_write)
                for hidden in (peers, plain):
                    record = Target.browse(hidden.id)
                    self.assertFalse(record.has_access("read"))
                    self.assertFalse(record.has_access("write"))
                    self.assertFalse(record.has_access("unlink"))
                    with self.assertRaises(AccessError):
                        record.read(["display_name"])
                    with self.assertRaises(AccessError):
                        record.export_data(["display_name"])
                self._check_report(pair, Target, reached, plain)

    def _check_report(self, pair, Target, reached, hidden):
        # sudo: find the model's reports whoever may read ir.actions.report.
        report = (
            self.env["ir.actions.report"]
            .sudo()
            .search([("model", "=", Target._name), ("report_type", "=", "qweb-pdf")], limit=1)
        )
        if not report:
            return
        Report = self.env["ir.actions.report"].with_user(Target.env.user)
        html, _kind = Report._render_qweb_html(report.report_name, reached.ids)
        self.assertIn(reached.display_name, html.decode())
        # QWeb wraps the AccessError of the first field it reads.
        with self.assertRaisesRegex((AccessError, QWebException), "doesn't have 'read' access"):
            Report._render_qweb_html(report.report_name, hidden.ids)

    def test_03_outside_the_group_unaffected(self):
        """The peer (not in the groups) sees all three, as Odoo's rights say."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="outside the group unaffected"):
                reached, peers, plain, _row = self.fixture(pair)
                every = reached | peers | plain
                self.assertEqual(
                    set(self.visible(pair, self.peer_user, every).ids),
                    {reached.id, peers.id, plain.id},
                )

    def test_04_my_x_context_narrows(self):
        """Reads of "My X" narrow the peer to his reach; for another pair's key,
        nothing changes."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="My X narrows"):
                self.governed_group(pair)  # the rule that narrows ships with it
                reached, peers, plain, _row = self.fixture(pair)
                every = reached | peers | plain
                mine = self.visible(pair, self.peer_user, every, **{CONTEXT_KEY: pair.sa_model})
                self.assertEqual(mine.ids, [peers.id])
                others = self.visible(pair, self.peer_user, every, **{CONTEXT_KEY: "ov.other"})
                self.assertEqual(set(others.ids), {reached.id, peers.id, plain.id})

    def test_05_my_x_opens_native_views(self):
        """The "My X" action opens the native model with the key, or the actor
        rows for a user without native read rights."""
        for pair in self.pairs:
            Sa = self.env[pair.sa_model]
            if not Sa._ov_native_action:
                continue
            with self.pair_case(pair, rule="My X opens native views"):
                action = Sa.with_user(self.peer_user).action_open_my_targets()
                self.assertEqual(action["res_model"], Sa._ov_target_model())
                self.assertEqual(action["context"], {CONTEXT_KEY: pair.sa_model, "create": False})
                self.assertEqual(action["domain"], [])
                bare = new_test_user(
                    self.env, f"ov_bare_{pair.sa_model}", groups="ov_association_base.group_ov_user"
                )
                if self.env[Sa._ov_target_model()].with_user(bare).browse().has_access("read"):
                    continue  # base.group_user reads it natively (contacts)
                rows = Sa.with_user(bare).action_open_my_targets()
                self.assertEqual(rows["res_model"], pair.actor_model)

    def test_06_rule_arguments_checked_when_saved(self):
        """A rule naming no installed pair, a kind its layer does not allow or
        no group is refused when saved, naming what is wrong."""
        model = self.env["ir.model"]._get("ov.test.target")
        cases = {
            "[('id', 'in', governed.reach('ov.sa_nothing'))]": "ov.sa_nothing is not a governed",
            "[('id', 'in', governed.reach('ov.sa_test_target', kinds=['bogus']))]": "bogus",
            "governed.only('ov.sa_test_target', 'base.no_such_group')": "base.no_such_group",
        }
        for domain, message in cases.items():
            with self.subTest(domain=domain), self.assertRaisesRegex(ValidationError, message):
                self.env["ir.rule"].create(
                    {"name": "bad governed rule", "model_id": model.id, "domain_force": domain}
                )

    def test_07_scope_and_kinds_in_a_rule_of_ones_own(self):
        """An integrator's own rules: ``governed.scope`` gives what the user's
        SAs govern (effective SA rows of SAs the user is an effective member
        of), ``kinds`` filters the layer asked."""
        for pair in self.pairs:
            Sa = self.env[pair.sa_model]
            first, *others = Sa._ov_allowed_kinds
            with self.pair_case(pair, rule="scope and kinds"):
                in_scope = self.make_sa_row(pair, "active", kind=first)
                other_kind = self.make_sa_row(pair, "active", kind=others[0]) if others else None
                suspended = self.make_sa_row(pair, "suspended", kind=first)
                elsewhere = self.make_sa_row(pair, "active", sa=self.other_sa, kind=first)
                rows = [in_scope, suspended, elsewhere] + ([other_kind] if other_kind else [])
                targets = Sa.browse([r.id for r in rows]).mapped(Sa._ov_target_field)
                model = self.env["ir.model"]._get(Sa._ov_target_model())
                rule = self.env["ir.rule"].create(
                    {
                        "name": "scope of my SAs",
                        "model_id": model.id,
                        "domain_force": (
                            f"[('id', 'in', governed.scope('{pair.sa_model}', kinds=['{first}']))]"
                        ),
                    }
                )
                seen = self.visible(pair, self.member_user, targets)
                target = in_scope[Sa._ov_target_field]
                self.assertEqual(seen.ids, [target.id])
                self.assertTrue(target.with_user(self.member_user).has_access("read"))
                self.assertFalse(
                    elsewhere[Sa._ov_target_field].with_user(self.member_user).has_access("read")
                )
                # The membership suspended, the SA governs nothing for the member.
                self.membership.action_suspend()
                self.assertFalse(self.visible(pair, self.member_user, targets))
                self.membership.action_resume()
                rule.unlink()

    def test_08_held_records_checked_in_one_query(self):
        """Odoo's check of records it holds (check_access, _filtered_access)
        asks the database once for all of them, not once per record."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="held records checked at once"):
                self.governed_group(pair)
                member, actor = self.members[pair]
                fixtures = [self.fixture(pair, actor) for _ in range(3)]
                held = self.env[self.env[pair.sa_model]._ov_target_model()].browse(
                    [target.id for fixture in fixtures for target in fixture[:3]]
                )
                held.with_user(member)._filtered_access("read")  # warm the rule cache
                self.env.flush_all()
                before = self.env.cr.sql_log_count
                allowed = held.with_user(member)._filtered_access("read")
                queries = self.env.cr.sql_log_count - before
                self.assertEqual(set(allowed.ids), {fixture[0].id for fixture in fixtures})
                self.assertLessEqual(queries, 2, f"{queries} queries for {len(held)} records")
