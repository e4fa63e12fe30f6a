from . import test_collection_companies, test_sa_location
from . import test_governed_only
