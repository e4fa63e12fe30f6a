from . import handover_wizard
