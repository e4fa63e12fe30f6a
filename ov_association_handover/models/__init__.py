from . import window_change
from . import handover_links
from . import handover_reassign
from . import handover_transfer
from . import governed_pairs
from . import association_views
from . import ov_actor_handover
