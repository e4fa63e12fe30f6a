{
    "name": "Association Governance: Conformance Suite",
    "summary": "Test-only target model and the conformance suite run against every governed pair",
    "version": "18.0.2.1.0",
    "category": "Governance",
    "website": "https://github.com/ov-association/ov_association",
    "author": "ov_association contributors",
    "maintainers": ["ov-association"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["ov_association_base"],
    "data": [
        "security/ir.model.access.csv",
        "security/ov_test_target_rules.xml",
        "security/governed_only.xml",
        "security/legacy_stamp_rule.xml",
    ],
}
