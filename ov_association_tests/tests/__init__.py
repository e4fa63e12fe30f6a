from . import test_conformance
from . import test_views_and_wizards
from . import test_query_plans
from . import test_effective_window
from . import test_adversarial_rpc
from . import test_soak_model
from . import test_migration_backfill
from . import test_migration_cutover
