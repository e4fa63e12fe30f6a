from . import test_conformance
from . import test_conformance_queries
from . import test_views_and_wizards
from . import test_query_plans
from . import test_effective_window
from . import test_soak_model
from . import test_legacy_stamps
from . import test_security
from . import test_audit_log
from . import test_audit_tamper
from . import test_audit_writes
from . import test_library_guarantees
from . import test_adversarial_audit
from . import test_adversarial_actors
from . import test_lifecycle_points
from . import test_membership_points
from . import test_conformance_tables
from . import test_conformance_records
from . import test_conformance_isolation
from . import test_governed_rules
from . import test_governed_rules_reach_ends
from . import test_adversarial_governed_rules

# Plain pytest, run by pytest-odoo only (real cursors that commit; Odoo's
# runner has no place for them): test_concurrency, test_soak_concurrent,
# test_governed_rules_commits. The capabilities' tests (history, explain, API,
# handovers, cockpit, migration) are in ov_association_tests_full.
