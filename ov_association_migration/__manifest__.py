{
    "name": "Association Governance: Migration Path",
    "summary": "Move legacy stamps onto association rows: classify, dry-run, backfill, "
    "verify parity, freeze or demote",
    "version": "18.0.1.3.0",
    "category": "Governance",
    "website": "https://github.com/ov-association/ov_association",
    "author": "ov_association contributors",
    "maintainers": ["ov-association"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["ov_association_base"],
    "data": [
        "security/ir.model.access.csv",
        "security/ov_migration_rules.xml",
        "views/accept_wizard_views.xml",
        "views/ov_migration_plan_views.xml",
        "views/plan_rules_views.xml",
        "views/menus.xml",
    ],
    "uninstall_hook": "uninstall_hook",
}
