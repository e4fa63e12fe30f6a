{
    "name": "Association Governance: Sale Orders",
    "summary": "Govern sale orders through SA and actor association rows",
    "version": "18.0.1.2.0",
    "category": "Governance",
    "website": "https://github.com/ov-association/ov_association",
    "author": "ov_association contributors",
    "maintainers": ["ov-association"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["ov_association_base", "sale"],
    "data": [
        "security/governed_only.xml",
        "views/governed_views.xml",
    ],
    "demo": ["demo/ov_sa_sale_order_demo.xml"],
}
