from . import accept_wizard
