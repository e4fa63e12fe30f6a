from . import test_sa_customer
