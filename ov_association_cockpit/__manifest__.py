{
    "name": "Association Governance: Cockpit",
    "summary": "Smart buttons, History tabs, reports, expiry reminders and settings",
    "version": "18.0.1.0.0",
    "category": "Governance",
    "website": "https://github.com/ov-association/ov_association",
    "author": "ov_association contributors",
    "maintainers": [
        "ov-association",
    ],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": [
        "ov_association_base",
        "mail",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/cockpit_rules.xml",
        "data/ir_cron.xml",
        "views/cockpit_views.xml",
        "views/governance_report_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "ov_association_cockpit/static/src/summary_buttons/*",
        ],
    },
}
