{
    "name": "Association Governance: History",
    "summary": "Governed answers as of a past moment, rebuilt from the audit log",
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
}
