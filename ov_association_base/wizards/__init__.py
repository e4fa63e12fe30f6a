from . import reason_wizard
from . import kind_wizard
from . import explain_wizard
from . import handover_wizard
