from odoo.addons.ov_association_base.models import audit_sql


def migrate(cr, version):
    """Before 18.0.1.3.0 every actor table's insert trigger called one generic
    function; each now has its own (audit_sql.install_parent_cache)."""
    audit_sql.drop_function_if_unused(cr, "ov_association_cache_fill()")
