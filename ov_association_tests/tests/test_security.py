"""docs/design.md §5, no side doors: each class of issue 9, closed for every pair.

The over-HTTP version of these attacks is ``test_adversarial_rpc.py``; here
each rule is checked in the ORM, at every point it applies.
"""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.addons.ov_association_base.models import audit_sql
from odoo.addons.ov_association_base.tests.common import refused_as_referenced

from .common import ConformanceCase, installed_pair


@tagged("post_install", "-at_install", "ov_security")
class TestSideDoors(ConformanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.foreign_sa = cls.env["ov.sa"].create(
            {"name": "Foreign SA", "code": "SEC-FOREIGN", "company_id": cls.other_company.id}
        )

    # ------------------------------------------------------------------
    def test_1_related_fields_follow_the_readers_rights(self):
        """onchange / new rows cannot show a parent or target the user cannot read."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="related fields are not computed as superuser"):
                Actor = self.env[pair.actor_model]
                related = [
                    name
                    for name, field in Actor._fields.items()
                    if field.related and not field.store
                ]
                for name in related:
                    self.assertFalse(Actor._fields[name].compute_sudo, f"{pair.actor_model}.{name}")
        Actor = self.env["ov.actor_sa_test_target"]
        hidden = self.make_sa_row(self.sample_pair, "active", sa=self.other_sa)
        hidden.target_id.name = "SECRET-TARGET-NAME"
        # member_user is no member of other_sa: its rows are not theirs to read.
        as_member = Actor.with_user(self.member_user)
        with self.assertRaises(AccessError):
            as_member.onchange(
                {"sa_test_target_id": hidden.id},
                ["sa_test_target_id"],
                {"sa_test_target_id": {"fields": {"display_name": {}}}, "target_name": {}},
            )
        # Wherever else a related field is evaluated, it is empty past the rights.
        self.assertIs(as_member.new({"sa_test_target_id": hidden.id}).target_name, False)
        self.assertEqual(
            as_member.new({"sa_test_target_id": hidden.id}).sudo().target_name,
            "SECRET-TARGET-NAME",
        )
        # Their own row reads as before.
        mine = self.make_actor_row(self.sample_pair, "active")
        self.assertEqual(
            mine.with_user(self.member_user).target_name, mine._ov_parent().target_id.name
        )

    def test_1_no_oracle_through_related_fields(self):
        """search and read_group on a related field need the rights on the record."""
        # About the sale order pair by name: its related fields are the oracle.
        pair = installed_pair(self.env, "ov.sa_sale_order")
        if pair is None:
            self.skipTest("ov_sa_sale_order is not installed")
        blind = new_test_user(
            self.env,
            "ov_sec_blind",
            groups="ov_association_base.group_ov_user,base.group_allow_export",
        )
        actor = self.env["ov.actor"].create({"user_id": blind.id})
        self.make_membership(self.sa, actor)
        row = self.make_actor_row(pair, "active", actor=actor)
        order = row.sale_order_id
        Actor = self.env[pair.actor_model].with_user(blind)
        self.assertEqual(Actor.search([]), row)  # the row is theirs
        values = row.with_user(blind).read(["sale_order_id", "order_amount_total", "order_state"])
        self.assertEqual(
            values[0],
            {
                "id": row.id,
                "sale_order_id": (order.id, "Restricted"),
                "order_amount_total": 0.0,
                "order_state": False,
            },
        )
        try:
            found = Actor.search([("order_amount_total", "=", order.amount_total)])
        except AccessError:
            found = Actor.browse()
        self.assertFalse(found, "search on a related field answered past the rights")
        try:
            groups = Actor.read_group([], ["order_amount_total:sum"], ["sale_order_id"])
        except (AccessError, ValueError):
            groups = []
        self.assertNotIn(order.name, str(groups))
        try:
            exported = Actor.search([]).export_data(["sale_order_id", "order_amount_total"])
        except AccessError:
            exported = {}
        self.assertNotIn(order.name, str(exported))

    # ------------------------------------------------------------------
    def test_2_governed_queries_apply_company_rules(self):
        """A manager of one company learns nothing of another company's grants."""
        shared = self.env["ov.actor"].create({"name": "Shared actor"})  # no company
        self.make_membership(self.foreign_sa, shared)
        as_manager = self.env["ov.sa_test_target"].with_user(self.manager_user)
        target = self.make_target(self.sample_pair, company=self.other_company)
        parent = self.make_sa_row(self.sample_pair, "active", sa=self.foreign_sa, target=target)
        self.make_actor_row(self.sample_pair, "active", parent=parent, actor=shared)
        # The superuser (no rules) sees the grant: the fixture is effective.
        self.assertEqual(
            self.env["ov.sa_test_target"].search_governed_targets(actor_id=shared.id), target
        )
        self.assertTrue(self.env["ov.sa_test_target"].check_governed(target.id, shared.id))
        with self.assertRaises(AccessError) as caught:
            as_manager.search_governed_targets(sa_id=self.foreign_sa.id)
        self.assertIn("sa_id", str(caught.exception))
        self.assertFalse(as_manager.search_governed_targets(actor_id=shared.id))
        self.assertIs(as_manager.check_governed(target.id, actor_id=shared.id), False)
        # The actor argument itself, read within the manager's rules (in SQL):
        # another company's actor is refused, a missing one named, an
        # archived one still answers.
        foreign = self.env["ov.actor"].create(
            {"name": "Foreign actor", "company_id": self.other_company.id}
        )
        with self.assertRaisesRegex(AccessError, "actor_id: you cannot read"):
            as_manager.check_governed(target.id, actor_id=foreign.id)
        with self.assertRaisesRegex(UserError, "actor_id: there is no .* with id 987654321"):
            as_manager.check_governed(target.id, actor_id=987654321)
        archived = self.env["ov.actor"].create({"name": "Archived actor", "active": False})
        self.assertIs(as_manager.check_governed(target.id, actor_id=archived.id), False)
        # Given the other company, the same manager sees it.
        self.manager_user.company_ids |= self.other_company
        both = as_manager.with_context(allowed_company_ids=[self.company.id, self.other_company.id])
        self.assertEqual(both.search_governed_targets(actor_id=shared.id).ids, target.ids)

    # ------------------------------------------------------------------
    def test_3_only_drafts_deleted_whatever_the_context(self):
        """The module-uninstall key a client can send does not lift the rule."""
        uninstall = {MODULE_UNINSTALL_FLAG: True}
        for pair in self.pairs:
            with self.pair_case(pair, rule="used rows stay"):
                child = self.make_actor_row(pair, "active")
                parent = child._ov_parent()
                for row in (child, parent):
                    with self.assertRaises(UserError):
                        row.with_user(self.manager_user).with_context(**uninstall).unlink()
                    self.assertTrue(row.exists())
                    self.assertEqual(row.state, "active")
        member = self.env["ov.actor"].create({"name": "Stays a member"})
        membership = self.make_membership(self.sa, member)
        row = self.make_actor_row(self.sample_pair, "active", actor=member)
        with self.assertRaises(UserError):
            membership.with_user(self.manager_user).with_context(**uninstall).unlink()
        self.assertEqual(membership.state, "active")
        self.assertTrue(row.is_effective)
        # Nor with a draft SA row: a revoked child would go with it.
        for pair in self.pairs:
            with self.pair_case(pair, rule="draft parent of a used row"):
                parent = self.make_sa_row(pair, "draft")
                revoked = self.make_actor_row(pair, "revoked", parent=parent)
                with self.assertRaises(UserError):
                    parent.with_user(self.manager_user).with_context(**uninstall).unlink()
                self.assertTrue(revoked.exists())
        # Nor do they go with their actor or SA (the database refuses).
        for owner in (member, self.sa):
            with (
                self.subTest(owner=owner._name),
                refused_as_referenced(self),
                self.env.cr.savepoint(),
            ):
                owner.with_user(self.manager_user).unlink()
                self.env.flush_all()
        self.assertEqual(membership.state, "active")
        # A real module uninstall runs as the superuser: that may remove them.
        draft = self.make_sa_row(self.sample_pair, "active")
        draft.with_context(**uninstall).unlink()
        self.assertFalse(draft.exists())

    # ------------------------------------------------------------------
    def test_4_derived_fields_are_not_writable(self):
        """company_id (and the caches) follow the parent; callers cannot set them."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="derived company"):
                child = self.make_actor_row(pair, "active")
                parent = child._ov_parent()
                for row in (child, parent):
                    with self.assertRaises(UserError):
                        row.with_user(self.manager_user).write(
                            {"company_id": self.other_company.id}
                        )
                    self.assertEqual(row.company_id, self.company)
                Actor = self.env[pair.actor_model]
                with self.assertRaises(UserError):
                    Actor.create(
                        {
                            Actor._ov_parent_field: parent.id,
                            "actor_id": self.peer.id,
                            "association_kind": self.actor_kind(pair, parent.association_kind),
                            "company_id": self.other_company.id,
                        }
                    )
        with self.assertRaises(UserError):
            self.membership.write({"company_id": self.other_company.id})
        self.assertEqual(self.membership.company_id, self.company)

    def test_4_an_sa_that_governs_keeps_its_company(self):
        """Moving an SA would move every grant in it to another company, unaudited."""
        self.make_actor_row(self.sample_pair, "active")
        for sa in (self.sa, self.other_sa):  # rows in one, a membership only in the other
            with self.assertRaises(UserError):
                sa.with_user(self.manager_user).write({"company_id": self.other_company.id})
            self.assertEqual(sa.company_id, self.company)
        empty = self.env["ov.sa"].create({"name": "Empty", "code": "SEC-EMPTY"})
        empty.write({"company_id": self.other_company.id})
        self.assertEqual(empty.company_id, self.other_company)

    # ------------------------------------------------------------------
    def test_5_who_an_actor_is_is_audited(self):
        """Re-linking and archiving an actor leave one event each; cascades name the deleter."""
        Event = self.env["ov.association.event"]
        first_user = new_test_user(self.env, "ov_sec_first", groups="base.group_user")
        other_user = new_test_user(self.env, "ov_sec_other", groups="base.group_user")
        actor = self.env["ov.actor"].create({"name": "Watched", "user_id": first_user.id})
        as_manager = actor.with_user(self.manager_user)
        as_manager.write({"user_id": other_user.id})
        as_manager.write({"active": False})
        as_manager.write({"active": True})
        as_manager.write({"name": "Watched, renamed"})  # not an identity change
        events = Event.search([("model", "=", "ov.actor"), ("res_id", "=", actor.id)], order="id")
        self.assertEqual(
            [(e.event, e.old_value, e.new_value, e.user_id) for e in events],
            [
                (
                    "actor_relinked",
                    f"ov_sec_first ({first_user.id})",
                    f"ov_sec_other ({other_user.id})",
                    self.manager_user,
                ),
                ("actor_archived", "True", "False", self.manager_user),
                ("actor_restored", "False", "True", self.manager_user),
            ],
        )
        # A target deleted during a request: the request names its user to
        # the delete triggers (ir.http), and the cascade is attributed.
        child = self.make_actor_row(self.sample_pair, "active")
        parent = child._ov_parent()
        audit_sql.set_deleting_user(self.env.cr, self.manager_user.id)
        parent.target_id.unlink()
        audit_sql.set_deleting_user(self.env.cr, "")
        for row in (parent, child):
            event = self.events(row, event="delete")
            self.assertEqual(event.user_id, self.manager_user)
            self.assertEqual(event.reason, "Removed by the database with its target or parent row")

    # ------------------------------------------------------------------
    def test_6_bad_arguments_are_named(self):
        """Every bad argument of the public API is a UserError that names it."""
        Sa = self.env["ov.sa_test_target"].with_user(self.manager_user)
        target = self.make_target(self.sample_pair)
        cases = [
            (
                "kinds",
                lambda: Sa.search_governed_targets(actor_id=self.actor.id, kinds=[["access"]]),
            ),
            ("kinds", lambda: Sa.search_governed_targets(actor_id=self.actor.id, kinds=3)),
            ("kinds", lambda: Sa.search_governed_targets(actor_id=self.actor.id, kinds=True)),
            ("kinds", lambda: Sa.search_governed_targets(actor_id=self.actor.id, kinds={"a": 1})),
            ("kinds", lambda: Sa.check_governed(target.id, self.actor.id, kinds=["nope"])),
            ("sa_id", lambda: Sa.search_governed_targets(sa_id=True)),
            ("sa_id", lambda: Sa.search_governed_targets(sa_id=[self.sa.id])),
            ("sa_id", lambda: Sa.search_governed_targets(sa_id=999999999)),
            ("actor_id", lambda: Sa.search_governed_targets(actor_id="1")),
            ("target_id", lambda: Sa.check_governed("abc", self.actor.id)),
            ("target_id", lambda: Sa.check_governed(None, self.actor.id)),
            ("limit", lambda: Sa.search_governed_targets(actor_id=self.actor.id, limit=-1)),
            ("offset", lambda: Sa.search_governed_targets(actor_id=self.actor.id, offset="x")),
            ("order", lambda: Sa.search_governed_targets(actor_id=self.actor.id, order="id; x")),
            ("domain", lambda: Sa.search_governed_targets(actor_id=self.actor.id, domain="x")),
            (
                "domain",
                lambda: Sa.search_governed_targets(
                    actor_id=self.actor.id, domain=[("no_such_field", "=", 1)]
                ),
            ),
            (
                "abstract",
                lambda: Sa.env["ov.sa.association.mixin"].search_governed_targets(sa_id=1),
            ),
            ("abstract", lambda: Sa.env["ov.sa.association.mixin"].check_governed(1)),
        ]
        for argument, call in cases:
            with self.subTest(argument=argument), self.assertRaises(UserError) as caught:
                call()
            self.assertIn(argument, str(caught.exception))
        row = self.make_sa_row(self.sample_pair, "active")
        Reason = self.env["ov.association.reason.wizard"]
        Kind = self.env["ov.association.kind.wizard"]
        wizard_cases = [
            (
                "res_model",
                Reason,
                {"res_model": "res.partner", "res_ids": [self.env.user.partner_id.id]},
            ),
            ("res_model", Reason, {"res_model": "no.such.model", "res_ids": [row.id]}),
            ("res_ids", Reason, {"res_model": row._name, "res_ids": "1,2"}),
            ("res_ids", Reason, {"res_model": row._name, "res_ids": {"id": row.id}}),
            ("res_model", Kind, {"res_model": "res.partner", "res_ids": [1]}),
            ("res_ids", Kind, {"res_model": row._name, "res_ids": "x"}),
        ]
        for argument, Wizard, vals in wizard_cases:
            extra = (
                {"action": "suspend", "reason": "x"}
                if Wizard is Reason
                else {"new_kind": "access", "reason": "x"}
            )
            wizard = Wizard.create({**vals, **extra})
            with self.subTest(argument=argument, wizard=Wizard._name):
                with self.assertRaises(UserError) as caught:
                    wizard.action_confirm()
                self.assertIn(argument, str(caught.exception))
        self.assertEqual(row.state, "active")
        with self.assertRaises(UserError):
            row.action_change_kind(["access"], reason="x")
        # A parent id of the wrong type is the ORM's to refuse, clearly.
        Actor = self.env["ov.actor_sa_test_target"]
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                Actor.create(
                    {
                        "sa_test_target_id": "abc",
                        "actor_id": self.actor.id,
                        "association_kind": "access",
                    }
                )
        except Exception as error:  # what kind of error is the assertion
            refusal = error
        else:
            refusal = None
        self.assertIsInstance(refusal, UserError)
        # Named as a caller writes it: the field's technical name (guard_mixin).
        self.assertIn("sa_test_target_id must be the id of a record", str(refusal))
        with self.assertRaises(UserError):
            row.action_suspend(reason={"x": 1})

    # ------------------------------------------------------------------
    def test_7_contract(self):
        """Resume applies to suspended rows only; rows are found by name_search."""
        for pair in self.pairs:
            with self.pair_case(pair, rule="resume only suspended rows"):
                for make in (self.make_sa_row, self.make_actor_row):
                    draft = make(pair, "draft")
                    with self.assertRaises(UserError):
                        draft.action_resume()
                    self.assertEqual(draft.state, "draft")
                    self.assertFalse(self.events(draft, event="transition"))
                    suspended = make(pair, "suspended")
                    with self.assertRaises(UserError):
                        suspended.action_activate()
                    suspended.action_resume()
                    self.assertEqual(suspended.state, "active")
            with self.pair_case(pair, rule="name_search"):
                sa = self.env["ov.sa"].create({"name": "Findable", "code": f"FIND-{pair.sa_model}"})
                self.make_membership(sa, self.actor)
                child = self.make_actor_row(
                    pair, "active", parent=self.make_sa_row(pair, "active", sa=sa)
                )
                Sa, Actor = self.env[pair.sa_model], self.env[pair.actor_model]
                found = Sa.name_search(f"FIND-{pair.sa_model}")
                self.assertEqual([row_id for row_id, _name in found], child._ov_parent().ids)
                found = Actor.name_search(self.actor.name)
                self.assertIn(child.id, [row_id for row_id, _name in found])
        found = self.env["ov.sa.membership"].name_search("CONF2")
        self.assertIn(
            self.env["ov.sa.membership"].search([("sa_id", "=", self.other_sa.id)]).ids[0],
            [row_id for row_id, _name in found],
        )

    # ------------------------------------------------------------------
    @property
    def sample_pair(self):
        # The tests above that use it are about the test pair by name (its
        # fields); it is installed with this addon, whatever the fast loop keeps.
        return installed_pair(self.env, "ov.sa_test_target")
