{
    "name": "Association Governance: Capabilities' Tests",
    "summary": "Tests of the optional capabilities (history, explain, API, handovers, "
    "cockpit, migration, access reviews) on the conformance suite's test models",
    "version": "18.0.1.0.0",
    "category": "Governance",
    "website": "https://github.com/ov-association/ov_association",
    "author": "ov_association contributors",
    "maintainers": ["ov-association"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": [
        "ov_association_tests",
        "ov_association_api",
        "ov_association_handover",
        "ov_association_cockpit",
        "ov_association_migration",
        "ov_association_review",
    ],
    "demo": ["demo/ov_migration_demo.xml"],
}
