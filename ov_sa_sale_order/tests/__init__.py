from . import test_sa_sale_order
