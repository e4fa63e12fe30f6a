"""Conformance: explanations and bulk checks agree with check_governed, on every pair."""

from odoo import api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.ov_association_tests.tests.common import ConformanceCase


def codes(explained):
    return [reason["code"] for reason in explained["reasons"]]


@tagged("post_install", "-at_install")
class TestExplain(ConformanceCase):
    def cases(self, pair):
        """(name, target, expected allowed, expected reason codes of the actor row
        or, without one, of the path), one per combination the suite builds."""
        Sa = self.env[pair.sa_model]
        field = Sa._ov_target_field
        suspended_parent = self.make_actor_row(pair, "active")
        suspended_parent._ov_parent().action_suspend()
        cases = [
            ("effective", self.make_actor_row(pair, "active"), True, []),
            ("suspended", self.make_actor_row(pair, "suspended"), False, ["state_suspended"]),
            ("expired", self.make_actor_row(pair, "expired"), False, ["state_expired"]),
            ("revoked", self.make_actor_row(pair, "revoked"), False, ["state_revoked"]),
            ("draft", self.make_actor_row(pair, "draft"), False, ["state_draft"]),
            (
                "not started",
                self.make_actor_row(pair, "active", date_from=self.hours(1)),
                False,
                ["window_not_started"],
            ),
            ("parent suspended", suspended_parent, False, ["parent_not_effective"]),
            ("peer's row", self.make_actor_row(pair, "active", actor=self.peer), False, None),
            ("SA row only", self.make_sa_row(pair, "active"), False, ["no_actor_row"]),
        ]
        return [
            (
                name,
                (row if row._name == pair.sa_model else row._ov_parent())[field],
                allowed,
                reasons,
            )
            for name, row, allowed, reasons in cases
        ]

    def test_explain_equals_check_with_its_reasons(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            Sa = self.env[pair.sa_model].with_user(self.member_user)
            for name, target, allowed, reasons in self.cases(pair):
                with self.subTest(pair=pair.name, case=name):
                    explained = Sa.explain_governed(target.id)
                    self.assertIs(explained["allowed"], allowed)
                    self.assertIs(Sa.check_governed(target.id), allowed)
                    self.assertEqual(
                        (explained["target"]["id"], explained["actor"]["id"]),
                        (target.id, self.actor.id),
                    )
                    (path,) = explained["paths"]
                    self.assertIs(path["effective"], allowed)
                    self.assertTrue(path["membership"]["effective"])
                    if reasons is None:  # the SA row is there, the actor's row is not
                        self.assertEqual(path["actor_rows"], [])
                    elif path["actor_rows"]:
                        self.assertEqual(codes(path["actor_rows"][0]), reasons)
                    else:
                        self.assertEqual(codes(path), reasons)

    def test_explain_names_a_missing_membership_and_a_filtered_kind(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                Sa = self.env[pair.sa_model]
                row = self.make_actor_row(pair, "active")
                target = row._ov_parent()[Sa._ov_target_field]
                as_manager = Sa.with_user(self.manager_user)
                (path,) = as_manager.explain_governed(target.id, actor_id=self.outsider.id)["paths"]
                self.assertEqual(codes(path["membership"]), ["not_a_member"])
                other = [
                    kind
                    for kind in self.env[pair.actor_model]._ov_allowed_kinds
                    if kind != row.association_kind
                ]
                if other:
                    explained = Sa.with_user(self.member_user).explain_governed(
                        target.id, kinds=other
                    )
                    self.assertFalse(explained["allowed"])
                    self.assertEqual(
                        codes(explained["paths"][0]["actor_rows"][0]), ["kind_filtered"]
                    )

    def test_check_many_equals_check_per_id(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                Sa = self.env[pair.sa_model].with_user(self.member_user)
                cases = self.cases(pair)
                ids = [target.id for _name, target, _allowed, _reasons in cases] + [2_000_000_000]
                # The answers written out in cases(); an id that is no record is not governed.
                expected = {target.id: allowed for _name, target, allowed, _reasons in cases}
                expected[2_000_000_000] = False
                self.assertEqual(
                    [name for name, target, _a, _r in cases if expected[target.id]], ["effective"]
                )
                self.assertEqual(Sa.check_governed_many(ids), expected)
                self.assertEqual({i: Sa.check_governed(i) for i in ids}, expected)
                # Over RPC the keys are strings, which every transport can send.
                self.assertEqual(
                    api.call_kw(Sa, "check_governed_many", [ids], {}),
                    {str(target_id): allowed for target_id, allowed in expected.items()},
                )
                self.assertEqual(Sa.check_governed_many([]), {})

    def test_arguments_and_rights(self):
        for pair in self.pairs:
            with self.subTest(pair=pair.name):
                Sa = self.env[pair.sa_model].with_user(self.member_user)
                with self.assertRaisesRegex(UserError, "target_ids"):
                    Sa.check_governed_many("1,2")
                with self.assertRaisesRegex(UserError, "target_id"):
                    Sa.explain_governed("x")
                with self.assertRaises(AccessError):
                    Sa.explain_governed(1, actor_id=self.peer.id)
                with self.assertRaises(AccessError):
                    Sa.check_governed_many([1], actor_id=self.peer.id)

    def test_governed_reads_are_readonly(self):
        Sa = type(self.env[self.any_pair().sa_model])
        for method in (
            "search_governed_targets",
            "check_governed",
            "check_governed_many",
            "explain_governed",
        ):
            self.assertTrue(getattr(getattr(Sa, method), "_readonly", False), method)

    def test_explain_wizard(self):
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                Sa = self.env[pair.sa_model]
                row = self.make_actor_row(pair, "active")
                granted = row._ov_parent()[Sa._ov_target_field]
                denied = self.make_actor_row(pair, "suspended")._ov_parent()[Sa._ov_target_field]
                Wizard = self.env["ov.association.explain.wizard"]
                as_member = Wizard.with_user(self.member_user)
                # The form's first onchange says who may pick another actor.
                for user, manager in ((self.manager_user, True), (self.member_user, False)):
                    opened = Wizard.with_user(user).onchange({}, [], {"is_manager": {}})
                    self.assertIs(opened["value"]["is_manager"], manager)
                wizard = as_member.create({"target_ref": f"{granted._name},{granted.id}"})
                self.assertEqual(wizard.actor_id, self.actor)
                wizard.action_explain()
                self.assertTrue(wizard.allowed)
                self.assertIn("may reach", wizard.explanation)
                self.assertFalse(wizard.reaching_actor_ids)  # managers only
                wizard = as_member.create({"target_ref": f"{denied._name},{denied.id}"})
                wizard.action_explain()
                self.assertFalse(wizard.allowed)
                self.assertIn("The row is suspended.", wizard.explanation)
                self.assertIn("<code>state_suspended</code>", wizard.explanation)
                as_manager = Wizard.with_user(self.manager_user).create(
                    {"target_ref": f"{granted._name},{granted.id}", "actor_id": self.actor.id}
                )
                as_manager.action_explain()
                self.assertEqual(as_manager.reaching_actor_ids, self.actor)
                # As of an hour ago, before the grant: nobody, and it says when.
                an_hour_ago = self.hours(-1)
                as_manager.at = an_hour_ago
                as_manager.action_explain()
                self.assertFalse(as_manager.allowed)
                self.assertFalse(as_manager.reaching_actor_ids)
                self.assertIn(
                    f"as of {fields.Datetime.to_string(an_hour_ago)} UTC", as_manager.explanation
                )
                with self.assertRaises(AccessError):
                    as_member.create(
                        {"target_ref": f"{granted._name},{granted.id}", "actor_id": self.peer.id}
                    ).action_explain()

    def test_a_manager_sees_no_path_of_another_company(self):
        abroad = self.env["ov.sa"].create(
            {"name": "Explain abroad", "code": "EXPL-AB", "company_id": self.other_company.id}
        )
        self.make_membership(abroad, self.outsider)
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                Sa = self.env[pair.sa_model]
                target = self.make_target(pair, company=self.other_company)
                row = self.make_sa_row(pair, "active", target=target, sa=abroad)
                self.make_actor_row(pair, "active", parent=row, actor=self.outsider)
                Managed = Sa.with_user(self.manager_user)
                for at in (None, fields.Datetime.now()):
                    explained = Managed.explain_governed(
                        target.id, actor_id=self.outsider.id, at=at
                    )
                    self.assertEqual((explained["allowed"], explained["paths"]), (False, []))
                    self.assertFalse(Managed.search_reaching_actors(target.id, at=at))

    def test_explanations_carry_no_none(self):
        """XML-RPC cannot carry None: absent values are False, as Odoo answers."""

        def nones(value):
            if isinstance(value, dict):
                return sum(nones(item) for item in value.values())
            if isinstance(value, list):
                return sum(nones(item) for item in value)
            return int(value is None)

        for pair in self.pairs:
            if not pair.actor_model:
                continue
            with self.subTest(pair=pair.name):
                row = self.make_actor_row(pair, "active")
                target = row._ov_parent()[row._ov_parent()._ov_target_field]
                Sa = self.env[pair.sa_model]
                for at in (None, fields.Datetime.now()):
                    explained = Sa.explain_governed(target.id, actor_id=self.actor.id, at=at)
                    self.assertEqual(nones(explained), 0)
                    self.assertIs(explained["kinds"], False)
