"""The conformance suite, who reaches and who sees what, run against every pair.

As in ``test_conformance`` (the rows and their life), each rule is one test
and every discovered pair a sub-test named after it: governed queries return
exactly the effective targets, answered by a subquery, and only managers ask
about others (docs/design.md §4); record rules show users their own actor rows
and their SAs' rows, never another company's, and audit reasons to managers
only (§5).
"""

from odoo import api
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import ConformanceCase


@tagged("post_install", "-at_install", "ov_conformance")
class TestConformanceQueries(ConformanceCase):
    def test_07_governed_queries(self):
        """Governed queries return exactly the effective targets, by subquery."""
        for pair in self.pairs:
            Sa = self.env[pair.sa_model]
            Target = self.env[Sa._ov_target_model()]
            with self.pair_case(pair, rule="governed queries"):
                reachable = self.make_actor_row(pair, "active")
                actor_suspended = self.make_actor_row(pair, "suspended")
                parent_suspended = self.make_actor_row(pair, "active")
                parent_suspended._ov_parent().action_suspend()
                future_parent = self.make_sa_row(pair, "active")
                self.make_actor_row(pair, "active", parent=future_parent, date_from=self.hours(1))
                peer_row = self.make_actor_row(pair, "active", actor=self.peer)
                sa_only = self.make_sa_row(pair, "active")

                def target_of(row, sa_model=pair.sa_model, field=Sa._ov_target_field):
                    parent = row if row._name == sa_model else row._ov_parent()
                    return parent[field]

                as_member = Sa.with_user(self.member_user)
                mine = as_member.search_governed_targets()
                self.assertEqual(mine._name, Target._name)
                self.assertEqual(mine, target_of(reachable))
                by_sa = Sa.search_governed_targets(sa_id=self.sa.id)
                expected = (
                    target_of(reachable)
                    | target_of(actor_suspended)
                    | target_of(peer_row)
                    | target_of(sa_only)
                    | future_parent[Sa._ov_target_field]
                )
                self.assertLessEqual(expected, by_sa)
                self.assertNotIn(target_of(parent_suspended), by_sa)
                self.assertTrue(as_member.check_governed(target_of(reachable).id))
                self.assertFalse(as_member.check_governed(target_of(sa_only).id))
                self.assertFalse(as_member.check_governed(target_of(actor_suspended).id))
                other_kinds = [
                    k
                    for k in self.env[pair.actor_model]._ov_allowed_kinds
                    if k != reachable.association_kind
                ]
                if other_kinds:  # an actor layer of one kind has no other to ask for
                    self.assertFalse(as_member.search_governed_targets(kinds=other_kinds))
                self.assertEqual(
                    as_member.search_governed_targets(kinds=reachable.association_kind),
                    target_of(reachable),
                )
                # Over RPC the records come back as ids.
                ids = api.call_kw(as_member, "search_governed_targets", [], {})
                self.assertEqual(ids, target_of(reachable).ids)
                self.assertIs(
                    api.call_kw(as_member, "check_governed", [target_of(reachable).id], {}),
                    True,
                )
            with self.pair_case(pair, rule="only managers ask about others"):
                as_member = Sa.with_user(self.member_user)
                with self.assertRaises(AccessError):
                    as_member.search_governed_targets(actor_id=self.peer.id)
                with self.assertRaises(AccessError):
                    as_member.check_governed(1, actor_id=self.peer.id)
                with self.assertRaises(AccessError):
                    as_member.search_governed_targets(sa_id=self.other_sa.id)
                Sa.with_user(self.manager_user).search_governed_targets(actor_id=self.peer.id)
            with self.pair_case(pair, rule="answered by a subquery"):
                query = Sa._ov_target_query(actor=self.actor)
                self.assertIsInstance(query, SQL)
                # The actor table, or its plan-cached reach function (named after it).
                self.assertIn(self.env[pair.actor_model]._table, query.code)
                as_member = Sa.with_user(self.member_user)
                as_member.search_governed_targets()
                self.env.flush_all()
                before = self.cr.sql_log_count
                as_member.search_governed_targets()
                few = self.cr.sql_log_count - before
                for _i in range(10):
                    self.make_actor_row(pair, "active")
                self.env.flush_all()
                self.env.invalidate_all()
                as_member.search_governed_targets()
                before = self.cr.sql_log_count
                found = as_member.search_governed_targets()
                many = self.cr.sql_log_count - before
                self.assertGreaterEqual(len(found), 11)
                self.assertEqual(few, many, "query count grows with the governed rows")
                self.assertLessEqual(many, 3)

    # ------------------------------------------------------------------
    def test_09_record_rules(self):
        """Users see their actor rows and their SAs' rows; other companies' never."""
        other_sa = self.env["ov.sa"].create(
            {
                "name": "Other company SA",
                "code": "CONF-OC",
                "company_id": self.other_company.id,
            }
        )
        self.make_membership(other_sa, self.actor)
        for pair in self.pairs:
            Sa, Actor = self.env[pair.sa_model], self.env[pair.actor_model]
            with self.pair_case(pair, rule="record rules"):
                mine = self.make_actor_row(pair, "active")
                peers = self.make_actor_row(pair, "active", actor=self.peer)
                not_my_sa = self.make_sa_row(pair, "active", sa=self.other_sa)
                foreign = self.make_sa_row(
                    pair,
                    "active",
                    sa=other_sa,
                    target=self.make_target(pair, company=self.other_company),
                )
                foreign_child = self.make_actor_row(pair, "active", parent=foreign)
                self.env.flush_all()
                seen_actor = Actor.with_user(self.member_user).search([])
                self.assertIn(mine, seen_actor)
                self.assertNotIn(peers, seen_actor)
                self.assertNotIn(foreign_child, seen_actor)
                seen_sa = Sa.with_user(self.member_user).search([])
                self.assertIn(mine._ov_parent(), seen_sa)
                self.assertIn(peers._ov_parent(), seen_sa)
                self.assertNotIn(not_my_sa, seen_sa)
                self.assertNotIn(foreign, seen_sa)
                draft = self.make_actor_row(pair, "draft")
                with self.assertRaises(AccessError):
                    draft.with_user(self.member_user).write({"date_to": self.hours(1)})
                manager_sees = Sa.with_user(self.manager_user).search([])
                self.assertIn(not_my_sa, manager_sees)
                self.assertNotIn(foreign, manager_sees)
        with self.subTest(rule="audit reasons are for managers"):
            with self.assertRaises(AccessError):
                self.env["ov.association.event"].with_user(self.member_user).search([])
        for pair in self.pairs:
            with self.pair_case(pair, rule="audit reasons are for managers"):
                row = self.make_sa_row(pair, "active")
                row.action_revoke(reason="written for managers")
                event = self.events(row, event="transition", new_state="revoked")
                read = event.with_user(self.manager_user).read(["reason"])
                self.assertEqual(read, [{"id": event.id, "reason": "written for managers"}])
