{
    "name": "Association Governance: Conformance Suite",
    "summary": "Test-only target model and the conformance suite run against every governed pair",
    "version": "18.0.1.4.0",
    "category": "Governance",
    "website": "https://github.com/ov-association/ov_association",
    "author": "ov_association contributors",
    "maintainers": ["ov-association"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["ov_association_base", "ov_association_migration"],
    "data": [
        "security/ir.model.access.csv",
        "security/ov_test_target_rules.xml",
        "security/governed_only.xml",
        "views/ov_test_target_views.xml",
    ],
    "demo": ["demo/ov_migration_demo.xml"],
}
