# Plain pytest, run by pytest-odoo only (Odoo's runner has no place for it):
# test_uninstall uninstalls the addon in a database of its own.
