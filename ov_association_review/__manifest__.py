{
    "name": "Association Governance: Access Reviews",
    "summary": "Periodic recertification of who reaches what: campaigns, recommendations, "
    "decisions through the governed transitions, reminders, sealed evidence",
    "version": "18.0.1.1.0",
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
        "ov_association_handover",
        "mail",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/review_rules.xml",
        "data/ir_cron.xml",
        "report/review_report.xml",
        "wizards/review_decide_wizard_views.xml",
        "views/review_views.xml",
        "views/review_item_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/review_demo.xml"],
}
