from . import reason_wizard
from . import kind_wizard
