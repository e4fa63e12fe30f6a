def migrate(cr, version):
    """Before 18.0.2.2.0 every SA table's follow trigger called one generic
    function, which built and planned its statement again for every row; each
    actor table now has its own (audit_sql.install_parent_cache). Once every
    governed addon is updated nothing calls the old one: drop it, unless a
    trigger of an addon not updated still does."""
    cr.execute(
        """SELECT count(*) FROM pg_trigger
           WHERE tgfoid = to_regprocedure('ov_association_cache_follow()')"""
    )
    if not cr.fetchone()[0]:
        cr.execute("DROP FUNCTION IF EXISTS ov_association_cache_follow()")
