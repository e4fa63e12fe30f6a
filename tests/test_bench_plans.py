"""The bench's reading of EXPLAIN text: the reach as an InitPlan, on PostgreSQL 15 and 18.

The plans are the section ``native``'s own (N = 1 000 000, 1 %), trimmed to
the lines that matter; PostgreSQL 17 changed how an InitPlan's value is
named, which made the section fail on a newer server with a plan that was
the intended one.
"""

from ovdev.bench_plans import reach_is_initplan

REACH_AS_INITPLAN_PG15 = """\
Aggregate  (cost=63.00..63.01 rows=1 width=8) (actual time=19.546..19.553 rows=1 loops=1)
  InitPlan 4 (returns $3)
    ->  Index Only Scan using ov_actor_sa_test_target_ov_reach_actor_idx on ov_actor_sa_test_target
          Index Cond: (ov_reach_actor_id = $0)
          InitPlan 1 (returns $0)
            ->  Index Scan using ov_actor__user_id_index on ov_actor
                  Index Cond: (user_id = 6)
  ->  Index Scan using ov_test_target_pkey on ov_test_target  (actual rows=10000 loops=1)
        Index Cond: (id = ANY ($3))
        Filter: ((company_id IS NULL) OR (company_id = 1))
"""

REACH_AS_INITPLAN_PG18 = """\
Aggregate  (cost=63.00..63.01 rows=1 width=8) (actual time=14.102..14.105 rows=1.00 loops=1)
  InitPlan 4
    ->  Index Only Scan using ov_actor_sa_test_target_ov_reach_actor_idx on ov_actor_sa_test_target
          Index Cond: (ov_reach_actor_id = (InitPlan 1).col1)
          InitPlan 1
            ->  Index Scan using ov_actor__user_id_index on ov_actor
                  Index Cond: (user_id = 6)
  ->  Index Scan using ov_test_target_pkey on ov_test_target  (actual rows=10000.00 loops=1)
        Index Cond: (id = ANY ((InitPlan 4).col1))
        Index Searches: 2733
        Filter: ((company_id IS NULL) OR (company_id = 1))
"""

# The reach joined instead: only the actor's id is an InitPlan; the target's
# ids come from a join, once per row.
REACH_JOINED_PG15 = """\
Aggregate
  ->  Nested Loop
        InitPlan 1 (returns $0)
          ->  Index Scan using ov_actor__user_id_index on ov_actor
                Index Cond: (user_id = 6)
        ->  HashAggregate
              ->  Index Only Scan using ov_actor_sa_test_target_ov_reach_actor_idx
                    Index Cond: (ov_reach_actor_id = $0)
        ->  Index Scan using ov_test_target_pkey on ov_test_target
              Index Cond: (id = ov_actor_sa_test_target.ov_target_id)
"""

REACH_JOINED_PG18 = REACH_JOINED_PG15.replace(" (returns $0)", "").replace(
    "= $0", "= (InitPlan 1).col1"
)

# ANY of a parameter no InitPlan returns (a bound parameter, a correlated
# subplan's): not the reach computed once.
ANY_OF_ANOTHER_PARAM = """\
Index Scan using ov_test_target_pkey on ov_test_target
  Index Cond: (id = ANY ($1))
  InitPlan 1 (returns $0)
    ->  Result
"""


def test_the_reach_as_an_initplan_is_seen_on_postgresql_15():
    assert reach_is_initplan(REACH_AS_INITPLAN_PG15) is True


def test_the_reach_as_an_initplan_is_seen_on_postgresql_18():
    assert reach_is_initplan(REACH_AS_INITPLAN_PG18) is True


def test_a_joined_reach_is_no_initplan_on_either():
    assert reach_is_initplan(REACH_JOINED_PG15) is False
    assert reach_is_initplan(REACH_JOINED_PG18) is False


def test_any_of_a_value_no_initplan_returns_is_no_initplan():
    assert reach_is_initplan(ANY_OF_ANOTHER_PARAM) is False
    assert reach_is_initplan(ANY_OF_ANOTHER_PARAM.replace("$1", "(InitPlan 2).col1")) is False
