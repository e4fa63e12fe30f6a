from . import ov_test_target
from . import ov_sa_test_target
from . import ov_actor_sa_test_target
