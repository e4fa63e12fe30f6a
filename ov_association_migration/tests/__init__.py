from . import test_uninstall
