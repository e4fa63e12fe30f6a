from .sql import cutover


def uninstall_hook(env):
    """Leave no trigger or function of any plan behind (docs/design.md §6).

    Associations, their events and the legacy columns stay: they are the
    migration's result, not this addon's. Odoo then drops the plan tables.
    """
    cutover.drop_everything(env.cr)
