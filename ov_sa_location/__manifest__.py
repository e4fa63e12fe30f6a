{
    "name": "Association Governance: Locations",
    "summary": "Govern stock locations (and their children) through association rows",
    "version": "18.0.1.2.0",
    "category": "Governance",
    "website": "https://github.com/ov-association/ov_association",
    "author": "ov_association contributors",
    "maintainers": ["ov-association"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["ov_association_base", "stock"],
    "data": [
        "security/governed_only.xml",
        "views/governed_views.xml",
    ],
    "demo": ["demo/ov_sa_location_demo.xml"],
}
