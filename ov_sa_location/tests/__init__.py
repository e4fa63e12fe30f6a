from . import test_sa_location
