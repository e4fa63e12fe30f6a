from . import explain_wizard
