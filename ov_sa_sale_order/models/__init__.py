from . import ov_sa_sale_order
