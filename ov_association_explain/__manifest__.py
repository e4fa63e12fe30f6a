{
    "name": "Association Governance: Explain",
    "summary": "Why a record is (not) governed for an actor, and the Explain Access wizard",
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
        "ov_association_history",
    ],
    "data": [
        "security/ir.model.access.csv",
        "views/explain_wizard_views.xml",
    ],
}
