"""Regression guard for governed-query performance (small data, every pair).

The planner prefers a sequential scan, or any small index, on tiny tables: so
sequential scans are disabled and the plain single-column indexes are dropped
inside the test transaction (DDL rolls back with it). If a partial index stops
matching the SQL the library emits, the plan then falls back to another
access path and the test fails.
"""

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.ov_association_base.models import reach_functions

from .common import STATE_MIX_REACHED, ConformanceCase


@tagged("post_install", "-at_install")
class TestQueryPlans(ConformanceCase):
    def _plan(self, sql):
        self.env.flush_all()
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        try:
            self.env.cr.execute(self.env.cr.mogrify(b"EXPLAIN " + sql.code.encode(), sql.params))
            return "\n".join(row[0] for row in self.env.cr.fetchall())
        finally:
            self.env.cr.execute("SET LOCAL enable_seqscan = on")

    def test_governed_queries_use_their_indexes(self):
        for pair in self.pairs:
            Sa, Actor = self.env[pair.sa_model], self.env[pair.actor_model]
            with self.pair_case(pair):
                for _i in range(3):
                    self.make_actor_row(pair, "active")
                for model, column in ((Sa, "sa_id"), (Actor, "actor_id")):
                    self.env.cr.execute(f'DROP INDEX IF EXISTS "{model._table}__{column}_index"')
                reach_index = f"{Actor._table}_ov_reach_actor_idx"
                # The literal SQL (the plan-cached functions run the same
                # statements, where EXPLAIN cannot see into them).
                Sa = Sa.with_context(ov_literal_sql=True)
                mine = self._plan(Sa._ov_target_query(actor=self.actor))
                self.assertIn(reach_index, mine, mine)
                page = self._plan(Sa._ov_governed_search(self.actor, None, limit=80).select())
                self.assertIn(reach_index, page, page)
                # The target is read by the governed ids through an index: its
                # primary key on PostgreSQL up to 17; 18 may skip-scan another
                # index that holds id (the test target's stamp index, on 6 rows).
                target_table = self.env[Sa._ov_target_model()]._table
                self.assertNotIn(f"Seq Scan on {target_table}", page, page)
                self.assertRegex(page, r"Index Cond: \(id = ANY ", page)
                scope = self._plan(Sa._ov_target_query(sa=self.sa))
                self.assertIn(f"{Sa._table}_ov_sa_reach_idx", scope, scope)
                target = self.make_actor_row(pair, "active")._ov_parent()[Sa._ov_target_field]
                check = self._plan(Sa._ov_check_query(self.actor, target.id))
                self.assertIn(reach_index, check, check)

    def test_governed_rules_use_the_reach_index(self):
        """A governed record rule's subquery (issue 23) reads the reach index,
        once (an InitPlan). How the target is then read depends on its size:
        the native bench checks that on a million rows."""
        for pair in self.pairs:
            Sa, Actor = self.env[pair.sa_model], self.env[pair.actor_model]
            with self.pair_case(pair):
                for _i in range(3):
                    self.make_actor_row(pair, "active")
                for column in ("actor_id", "company_id"):
                    self.env.cr.execute(f'DROP INDEX IF EXISTS "{Actor._table}__{column}_index"')
                # The rule of "My X", which the context key asks for.
                target = Sa._ov_target_model()
                rule = [("model_id.model", "=", target), ("domain_force", "like", pair.sa_model)]
                self.assertTrue(
                    self.env["ir.rule"].search_count(rule),
                    f"{pair.sa_model}: no governed rule on {target}: copy a target addon's"
                    " security/governed_only.xml",
                )
                Target = self.env[target].with_user(self.member_user)
                Target = Target.with_context(ov_governed_only=pair.sa_model)
                plan = self._plan(Target._search([], limit=80).select())
                self.assertIn(f"{Actor._table}_ov_reach_actor_idx", plan, plan)
                self.assertIn("InitPlan", plan, plan)

    def test_plan_cached_and_literal_forms_return_the_same_rows(self):
        """Conformance: the superuser's reads run through plan-cached
        functions (reach_functions); they answer what the literal SQL does."""
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            Sa = self.env[pair.sa_model]
            with self.pair_case(pair):
                targets = self.state_mix_targets(pair)
                literal = Sa.with_context(ov_literal_sql=True)

                def ids(Model, **subject):
                    self.env.cr.execute(
                        SQL(
                            "SELECT array_agg(id ORDER BY id) FROM %s AS governed(id)",
                            Model._ov_target_query(**subject),
                        )
                    )
                    return self.env.cr.fetchone()[0]

                self.assertIn("ov_association_reach_", Sa._ov_target_query(actor=self.actor).code)
                # Written out: the actor reaches the active row and the one ending
                # within the hour; the SA scope is every parent but the suspended
                # one (the last): see state_mix_targets.
                reached = sorted([targets[0], targets[4]])
                scope = sorted(targets[:5])
                for subject, expected in (
                    ({"actor": self.actor}, reached),
                    ({"sa": self.sa}, scope),
                ):
                    self.assertEqual(ids(Sa, **subject), expected, f"plan-cached {subject}")
                    self.assertEqual(ids(literal, **subject), expected, f"literal {subject}")
                checks = []
                for model in (Sa, literal):
                    answers = []
                    for target in targets:
                        self.env.cr.execute(model._ov_check_query(self.actor, target))
                        answers.append(self.env.cr.fetchone()[0])
                    checks.append(answers)
                self.assertEqual(checks[0], STATE_MIX_REACHED)
                self.assertEqual(checks[1], STATE_MIX_REACHED)

    def test_uninstall_drops_the_reach_functions(self):
        count = "SELECT count(*) FROM pg_proc WHERE proname LIKE 'ov\\_association\\_reach\\_%%'"
        self.env.cr.execute(count)
        # Every installed pair's, whatever pairs the fast loop checks.
        pairs = self.env["ov.sa.association.mixin"]._ov_pairs()
        expected = sum(3 if actor is not None else 1 for _sa, actor in pairs)
        self.assertEqual(self.env.cr.fetchone()[0], expected)
        reach_functions.drop_all(self.env.cr)  # what the uninstall hook runs
        self.env.cr.execute(count)
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_answers_as_of_a_moment_use_the_event_indexes(self):
        """Each as-of shape finds its rows through the index of what it starts
        from (the actor, the record, the SA), and each row's state at the
        moment through the (model, res_id, id) index."""
        if not hasattr(self.env["ov.sa.association.mixin"], "_ov_target_query_at"):
            self.skipTest("answers as of a moment need ov_association_history, not installed")
        at = fields.Datetime.now()
        for pair in self.pairs:
            Sa = self.env[pair.sa_model]
            with self.pair_case(pair):
                row = self.make_actor_row(pair, "active")
                target = row._ov_parent()[Sa._ov_target_field]
                shapes = {
                    "row_actor_id": Sa._ov_target_query_at(at, actor=self.actor),
                    "row_target_id": Sa._ov_target_query_at(
                        at, actor=self.actor, target_id=target.id
                    ),
                    "row_sa_id": Sa._ov_target_query_at(at, sa=self.sa),
                }
                for column, sql in shapes.items():
                    plan = self._plan(SQL("SELECT * FROM %s governed", sql))
                    self.assertIn(f"ov_association_event_{column}_idx", plan, plan)
                    self.assertIn("ov_association_event_record_idx", plan, plan)

    def test_index_rebuilt_only_when_its_definition_changes(self):
        Sa = self.env["ov.sa_test_target"]
        name = f"{Sa._table}_ov_sa_reach_idx"

        def index_oid():
            self.env.cr.execute("SELECT to_regclass(%s)::oid", [name])
            return self.env.cr.fetchone()[0]

        built = index_oid()
        self.assertTrue(built)
        Sa.init()  # what a module update runs
        self.assertEqual(index_oid(), built, "an unchanged index must not be rebuilt")
        # An index built from an older definition carries another digest.
        self.env.cr.execute(f"COMMENT ON INDEX \"{name}\" IS 'ov:older definition'")
        Sa.init()
        self.assertNotEqual(index_oid(), built)
        self.assertTrue(index_oid())
