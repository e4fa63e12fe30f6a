{
    "name": "Association Governance: Handovers",
    "summary": "Reassign, transfer, change window and hand over everything, each one governed step",
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
    ],
    "data": [
        "security/ir.model.access.csv",
        "views/handover_wizard_views.xml",
        "views/ov_actor_views.xml",
    ],
}
