{
    "name": "Association Governance: JSON API",
    "summary": "The /ov/v1/* JSON routes of the governed reads, for integrators",
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
        "ov_association_explain",
    ],
}
