from . import governed_explain
from . import governed_pairs
