from . import test_sa_sale_order
from . import test_governed_only
