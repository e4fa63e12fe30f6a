from . import ov_sa_chatter
from . import association_history
from . import governance_summary
from . import expiry_reminder
from . import governance_reports
from . import res_config_settings
