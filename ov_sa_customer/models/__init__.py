from . import ov_sa_customer
