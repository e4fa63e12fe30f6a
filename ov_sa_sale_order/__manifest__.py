{
    "name": "Association Governance: Sale Orders",
    "summary": "Govern sale orders through SA and actor association rows",
    "version": "18.0.1.0.1",
    "category": "Governance",
    "website": "https://github.com/ov-association/ov_association",
    "author": "ov_association contributors",
    "maintainers": ["ov-association"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["ov_association_base", "sale"],
    "data": [
        "security/ir.model.access.csv",
        "security/ov_sa_sale_order_rules.xml",
        "views/ov_sa_sale_order_views.xml",
    ],
    "demo": ["demo/ov_sa_sale_order_demo.xml"],
}
