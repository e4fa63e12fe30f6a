"""The planted bugs of ``make mutants``: one realistic one-line mistake each.

Each bug names the file it changes (from the repository root), the exact
snippet it replaces (which must occur exactly once in that file: the pure tier
checks it, so the list cannot rot silently), its replacement, the tests that
must catch it (pytest node ids; those under ``tests/`` are pure-tier tests)
and a line saying what a developer would have got wrong.
"""

from dataclasses import dataclass

BASE = "ov_association_base"
MIGRATION = "ov_association_migration"
TESTS = "ov_association_tests/tests"
# The capabilities' tests (history, explain, handovers, cockpit, migration).
FULL_TESTS = "ov_association_tests_full/tests"
FULL_MODULES = {"test_boundaries", "test_window_points", "test_migration_points"}


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    original: str
    replacement: str
    tests: tuple
    description: str

    @property
    def addon(self):
        """The addon the changed file belongs to (the one to update)."""
        return self.path.split("/", 1)[0]


def _t(module, node):
    folder = FULL_TESTS if module in FULL_MODULES else TESTS
    return f"{folder}/{module}.py::{node}"


BOUNDARY = "TestBoundaries::test_every_form_at_the_window_boundaries"
MUTANTS = (
    Mutant(
        "window_end_inclusive_literal",
        f"{BASE}/models/lifecycle_mixin.py",
        '"%s <= %s AND %s > %s",',
        '"%s <= %s AND %s >= %s",',
        (
            _t(
                "test_effective_window",
                "TestEffectiveWindow::test_window_bounds_to_the_microsecond",
            ),
        ),
        "the literal SQL window treats date_to as inside the window",
    ),
    Mutant(
        "window_end_inclusive_plan_cached",
        f"{BASE}/models/reach_functions.py",
        'window = "row.ov_reach_from_us <= p_now AND row.ov_reach_to_us > p_now"',
        'window = "row.ov_reach_from_us <= p_now AND row.ov_reach_to_us >= p_now"',
        (_t("test_boundaries", BOUNDARY),),
        "the superuser's plan-cached reach and check keep a row at exactly date_to",
    ),
    Mutant(
        "window_start_exclusive_plan_cached_scope",
        f"{BASE}/models/reach_functions.py",
        "AND row.ov_date_from_us <= p_now AND row.ov_date_to_us > p_now",
        "AND row.ov_date_from_us < p_now AND row.ov_date_to_us > p_now",
        (_t("test_boundaries", BOUNDARY),),
        "the plan-cached SA scope leaves out a row exactly at date_from",
    ),
    Mutant(
        "activation_at_window_end",
        f"{BASE}/models/lifecycle_mixin.py",
        "ended = self.filtered(lambda r: r.date_to and r.date_to <= now)",
        "ended = self.filtered(lambda r: r.date_to and r.date_to < now)",
        (_t("test_boundaries", "TestBoundaries::test_activation_and_cron_at_date_to"),),
        "a row can be activated at exactly its date_to",
    ),
    Mutant(
        "cron_misses_rows_ending_now",
        f"{BASE}/models/lifecycle_mixin.py",
        '("date_to", "<=", now)]',
        '("date_to", "<", now)]',
        (_t("test_boundaries", "TestBoundaries::test_activation_and_cron_at_date_to"),),
        "the expiry cron leaves a row whose date_to is exactly now",
    ),
    Mutant(
        "child_open_start_under_later_parent",
        f"{BASE}/models/actor_subset_mixin.py",
        "(not child.date_from or child.date_from < parent.date_from)",
        "(child.date_from and child.date_from < parent.date_from)",
        (_t("test_window_points", "TestWindowPoints::test_open_start_under_a_later_parent"),),
        "an actor row with an open start is accepted under a parent that starts later",
    ),
    Mutant(
        "child_may_not_end_with_parent",
        f"{BASE}/models/actor_subset_mixin.py",
        "(not child.date_to or child.date_to > parent.date_to)",
        "(not child.date_to or child.date_to >= parent.date_to)",
        (_t("test_window_points", "TestWindowPoints::test_child_window_equal_to_the_parent"),),
        "an actor row that ends exactly with its parent is refused",
    ),
    Mutant(
        "resume_performed_by_activate",
        f"{BASE}/policy.py",
        '("suspended", "active"): "action_resume",',
        '("suspended", "active"): "action_activate",',
        (
            _t("test_conformance_tables", "TestConformanceTables::test_03_transitions"),
            "tests/test_reference_model.py::test_policy_states_the_tables_as_written_out",
        ),
        "the transition table names the wrong method for resuming",
    ),
    Mutant(
        "access_parent_admits_binding",
        f"{BASE}/policy.py",
        '"access": frozenset({"access"}),',
        '"access": frozenset({"access", "binding"}),',
        (
            _t("test_conformance_tables", "TestConformanceTables::test_04_kinds"),
            "tests/test_reference_model.py::test_policy_states_the_tables_as_written_out",
        ),
        "the kind matrix lets an access parent admit a binding actor row",
    ),
    Mutant(
        "expired_not_terminal",
        f"{BASE}/policy.py",
        'TERMINAL_STATES = frozenset({"expired", "revoked"})',
        'TERMINAL_STATES = frozenset({"revoked"})',
        (
            _t("test_lifecycle_points", "TestLifecyclePoints::test_an_ended_row_keeps_its_kind"),
            "tests/test_reference_model.py::test_policy_states_the_tables_as_written_out",
        ),
        "an expired row is not terminal: its kind can still change, children stay",
    ),
    Mutant(
        "membership_by_state_not_window",
        f"{BASE}/models/actor_subset_mixin.py",
        'members = Membership.sudo()._search([("is_effective", "=", True)])',
        'members = Membership.sudo()._search([("state", "=", "active")])',
        (
            _t(
                "test_membership_points",
                "TestMembershipPoints::test_actor_rows_need_a_membership_inside_its_window",
            ),
        ),
        "an active membership outside its window still lets an actor row be created",
    ),
    Mutant(
        "plan_cached_ignores_kinds",
        f"{BASE}/models/governed_queries.py",
        "            or kinds\n            or target_id\n",
        "            or target_id\n",
        (_t("test_boundaries", BOUNDARY),),
        "the superuser's plan-cached read drops the kinds filter",
    ),
    Mutant(
        "kind_change_ignores_suspended_children",
        f"{BASE}/models/sa_association_mixin.py",
        "children = self._ov_actor_rows().filtered(lambda c: c.state in policy.OPEN_STATES)",
        'children = self._ov_actor_rows().filtered(lambda c: c.state == "active")',
        (
            _t(
                "test_lifecycle_points",
                "TestLifecyclePoints::test_kind_change_counts_every_live_child",
            ),
        ),
        "an SA kind change checks only active children, not suspended or draft ones",
    ),
    Mutant(
        "parent_end_leaves_suspended_children",
        f"{BASE}/models/sa_association_mixin.py",
        'children.filtered(lambda c: c.state in ("active", "suspended"))._ov_transition(',
        'children.filtered(lambda c: c.state == "active")._ov_transition(',
        (_t("test_conformance", "TestConformance::test_06_actor_subset"),),
        "ending a parent leaves its suspended actor rows suspended",
    ),
    Mutant(
        "membership_end_leaves_drafts",
        f"{BASE}/models/ov_sa_membership.py",
        '[("id", "in", rows_of_members), ("state", "in", policy.OPEN_STATES)]',
        '[("id", "in", rows_of_members), ("state", "=", "active")]',
        (
            _t(
                "test_membership_points",
                "TestMembershipPoints::test_membership_end_revokes_every_live_row",
            ),
        ),
        "ending a membership revokes only the active rows, not drafts or suspended ones",
    ),
    Mutant(
        "explain_window_end_inclusive",
        "ov_association_explain/models/explain_values.py",
        'if values["date_to"] and values["date_to"] <= now:',
        'if values["date_to"] and values["date_to"] < now:',
        (_t("test_boundaries", BOUNDARY),),
        "explain_governed does not say window_ended at exactly date_to",
    ),
    Mutant(
        "as_of_window_end_inclusive",
        "ov_association_history/models/governed_history.py",
        '" AND (%(end)s IS NULL OR %(end)s > %(at)s)",',
        '" AND (%(end)s IS NULL OR %(end)s >= %(at)s)",',
        (_t("test_boundaries", BOUNDARY),),
        "answers as of a moment keep a row whose date_to is that moment",
    ),
    Mutant(
        "report_ignores_window",
        "ov_association_cockpit/models/governance_reports.py",
        'effective=Sa._ov_effective_sql("row", schema_sql.NOW_US),',
        'effective=Sa._ov_granting_sql("row"),',
        (_t("test_boundaries", "TestBoundaries::test_report_at_the_window_boundaries"),),
        "the governance report counts a row effective past its window",
    ),
    Mutant(
        "shortened_parent_keeps_open_child",
        "ov_association_handover/models/window_change.py",
        "if high and (not end or end > high):",
        "if high and end and end > high:",
        (_t("test_window_points", "TestWindowPoints::test_shortened_parent_clips_an_open_child"),),
        "shortening a parent does not shorten a child whose end is open",
    ),
    Mutant(
        "wrong_method_may_transition",
        f"{BASE}/models/lifecycle_mixin.py",
        "if allowed and method and policy.TRANSITIONS[(record.state, new_state)] != method:",
        "if allowed and not method and policy.TRANSITIONS[(record.state, new_state)] != method:",
        (_t("test_lifecycle_points", "TestLifecyclePoints::test_each_method_only_its_moves"),),
        "action_resume activates a draft, action_activate resumes a suspended row",
    ),
    Mutant(
        "migration_actor_of_another_company",
        f"{MIGRATION}/sql/classify.py",
        "                 OR (actor.company_id IS NOT NULL"
        " AND actor.company_id <> sa.company_id)\n",
        "",
        (
            _t(
                "test_migration_points",
                "TestMigrationPoints::test_an_actor_of_another_company_is_skipped",
            ),
        ),
        "classification backfills an actor of another company on this company's record",
    ),
    Mutant(
        "migration_parity_ignores_actor_window",
        f"{MIGRATION}/models/plan_parity.py",
        'effective = layer._ov_effective_sql("row", now)',
        'effective = layer._ov_granting_sql("row")',
        (
            _t(
                "test_migration_points",
                "TestMigrationPoints::test_parity_after_an_actor_window_has_ended",
            ),
        ),
        "parity counts an actor row whose window has ended as still reaching",
    ),
    Mutant(
        "location_covers_only_itself",
        "ov_sa_location/models/ov_sa_location.py",
        '"%",  # Odoo\'s SQL() cannot escape a literal percent sign',
        '"",  # Odoo\'s SQL() cannot escape a literal percent sign',
        (
            "ov_sa_location/tests/test_sa_location.py::TestSaLocation"
            "::test_governed_location_covers_its_children",
        ),
        "a governed location no longer covers its child locations",
    ),
    Mutant(
        "location_children_of_every_company",
        "ov_sa_location/models/ov_sa_location.py",
        '            self._ov_reader_companies_sql(SQL.identifier("covered", "company_id")),\n'
        "        )\n        if at:",
        '            SQL("TRUE"),\n        )\n        if at:',
        (
            "ov_sa_location/tests/test_collection_companies.py::TestCollectionCompanies"
            "::test_company_a_reader_is_not_given_company_b_children",
        ),
        "the collection scope drops the reader's company filter",
    ),
    Mutant(
        "customer_contact_accepted",
        "ov_sa_customer/models/ov_sa_customer.py",
        "if partner.commercial_partner_id != partner:",
        "if partner.commercial_partner_id != partner.commercial_partner_id:",
        (
            "ov_sa_customer/tests/test_sa_customer.py::TestSaCustomer"
            "::test_contact_is_refused_as_customer",
        ),
        "a contact (not a commercial partner) is accepted as a governed customer",
    ),
    Mutant(
        "customer_binding_not_exclusive",
        "ov_sa_customer/models/ov_sa_customer.py",
        '_ov_exclusive_kinds = ("binding",)',
        "_ov_exclusive_kinds = ()",
        (
            "ov_sa_customer/tests/test_sa_customer.py::TestSaCustomer"
            "::test_a_customer_is_bound_to_one_sa_at_a_time",
            _t("test_conformance_tables", "TestConformanceTables::test_01_declarations"),
        ),
        "a customer can be bound to two SAs at once",
    ),
    Mutant(
        "membership_lock_repeated_in_savepoints",
        f"{BASE}/models/reach_holder_sql.py",
        "IF current_setting('ov_association.rests_on_' || slot, true) IS NOT DISTINCT FROM key",
        "IF false",
        (
            _t(
                "test_membership_points",
                "TestMembershipPoints::test_rows_of_one_membership_write_it_once_inside_a_savepoint",
            ),
        ),
        "the lock of what a row rests on trusts xmin alone, so every row of a "
        "savepoint writes the shared membership again",
    ),
    Mutant(
        "sale_order_exclusive_kind_swapped",
        "ov_sa_sale_order/models/ov_sa_sale_order.py",
        '_ov_deletion_policy = "dependent"\n    _ov_allowed_kinds = ("assignment", "access")\n'
        '    _ov_exclusive_kinds = ("assignment",)',
        '_ov_deletion_policy = "dependent"\n    _ov_allowed_kinds = ("assignment", "access")\n'
        '    _ov_exclusive_kinds = ("access",)',
        (
            "ov_sa_sale_order/tests/test_sa_sale_order.py::TestSaSaleOrder"
            "::test_one_active_assignment_per_order",
            _t("test_conformance_tables", "TestConformanceTables::test_01_declarations"),
        ),
        "the exclusive kind of sale orders is access instead of assignment",
    ),
)
