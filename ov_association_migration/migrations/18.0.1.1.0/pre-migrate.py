"""Plans get a company (issue 21): fill it for the plans and lines that exist.

A plan's company is its default SA's, else that of an SA it maps to, else the
first company; its lines, report, migrated rows and wizards take the plan's.
Filled before the ORM adds the columns' NOT NULL and foreign keys.
"""

from odoo.tools import SQL

CHILDREN = (
    "ov_migration_rule",
    "ov_migration_map",
    "ov_migration_report_line",
    "ov_migration_plan_row",
    "ov_migration_accept_wizard",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE ov_migration_plan ADD COLUMN IF NOT EXISTS company_id integer")
    cr.execute(
        """UPDATE ov_migration_plan plan SET company_id = COALESCE(
               (SELECT sa.company_id FROM ov_sa sa WHERE sa.id = plan.default_sa_id),
               (SELECT min(sa.company_id) FROM ov_migration_map map
                JOIN ov_sa sa ON sa.id = map.sa_id WHERE map.plan_id = plan.id),
               (SELECT min(id) FROM res_company))
           WHERE plan.company_id IS NULL"""
    )
    for table in CHILDREN:
        cr.execute("SELECT to_regclass(%s)", [table])
        if not cr.fetchone()[0]:
            continue
        cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS company_id integer",
                SQL.identifier(table),
            )
        )
        cr.execute(
            SQL(
                """UPDATE %s line SET company_id = plan.company_id
                   FROM ov_migration_plan plan
                   WHERE plan.id = line.plan_id AND line.company_id IS NULL""",
                SQL.identifier(table),
            )
        )
