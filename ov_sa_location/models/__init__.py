from . import ov_sa_location
