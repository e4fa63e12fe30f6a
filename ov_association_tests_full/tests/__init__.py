from . import test_adversarial_rpc
from . import test_adversarial_rpc_held
from . import test_migration_backfill
from . import test_migration_cutover
from . import test_migration_rules
from . import test_migration_native
from . import test_explain
from . import test_governed_api
from . import test_governed_api_session
from . import test_governed_reads_statements
from . import test_as_of
from . import test_handover_reassign
from . import test_handover_transfer
from . import test_handover_window
from . import test_handover_links_index
from . import test_handover_wizard
from . import test_cockpit
from . import test_cockpit_reminders
from . import test_cockpit_web_client
from . import test_adversarial_discovered
from . import test_adversarial_reminders
from . import test_adversarial_collection
from . import test_adversarial_migration
from . import test_adversarial_migration_steps
from . import test_adversarial_limits
from . import test_adversarial_explain
from . import test_migration_points
from . import test_reach_holder
from . import test_window_points
from . import test_boundaries
from . import test_review_scope
from . import test_review_decisions
from . import test_review_closing

# Plain pytest, run by pytest-odoo only (real cursors that commit; Odoo's
# runner has no place for them): test_handover_races, test_subset_races.
