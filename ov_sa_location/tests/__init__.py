from . import test_collection_companies, test_sa_location
