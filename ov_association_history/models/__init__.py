from . import governed_history
