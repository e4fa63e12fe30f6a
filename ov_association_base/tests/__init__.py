from . import test_core
