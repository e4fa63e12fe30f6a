from odoo.addons.ov_association_base.models import audit_sql


def migrate(cr, version):
    """Before 18.0.2.2.0 every SA table's follow trigger called one generic
    function, which built and planned its statement again for every row; each
    actor table now has its own (audit_sql.install_parent_cache)."""
    audit_sql.drop_function_if_unused(cr, "ov_association_cache_follow()")
