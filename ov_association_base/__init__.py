from . import models
from . import wizards


def uninstall_hook(env):
    """The trigger functions are the only objects the ORM does not remove."""
    models.audit_sql.drop_functions(env.cr)
    models.reach_functions.drop_all(env.cr)
    models.reach_holder_sql.drop_functions(env.cr)
