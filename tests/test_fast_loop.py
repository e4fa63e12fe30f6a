"""The odoo tier's fast loop: ``make test TIERS=odoo ADDONS=…`` (docs/design.md §7).

Which addons it installs, whose tests it runs and which pairs the
conformance suite then checks, read from the manifests and sources alone.
"""

import pytest
from ovdev.addons import declares_pairs, repo_addons
from ovdev.tiers import odoo_selection

COMMITTED = (
    "ov_association_api",
    "ov_association_base",
    "ov_association_cockpit",
    "ov_association_explain",
    "ov_association_handover",
    "ov_association_history",
    "ov_association_migration",
    "ov_association_tests",
    "ov_association_tests_full",
    "ov_sa_customer",
    "ov_sa_location",
    "ov_sa_sale_order",
)
CONFORMANCE = [
    "ov_association_tests/tests/test_conformance.py",
    "ov_association_tests/tests/test_conformance_queries.py",
    "ov_association_tests/tests/test_conformance_tables.py",
    "ov_association_tests/tests/test_conformance_records.py",
]


def test_without_addons_everything_is_installed_and_tested():
    installed, tested, env = odoo_selection([])
    assert installed == tested == repo_addons()
    assert set(COMMITTED) <= set(installed)
    assert env == {}


def test_a_pair_addon_gets_the_base_the_suite_and_the_suite_for_its_pairs():
    installed, tested, env = odoo_selection(["ov_sa_customer"])
    assert installed == ["ov_association_base", "ov_association_tests", "ov_sa_customer"]
    assert tested == ["ov_sa_customer", *CONFORMANCE]
    assert env == {"OV_CONFORMANCE_ADDONS": "ov_sa_customer"}


def test_a_capability_gets_what_it_builds_on_and_no_conformance_run():
    installed, tested, env = odoo_selection(["ov_association_api"])
    assert installed == [
        "ov_association_api",
        "ov_association_base",
        "ov_association_explain",
        "ov_association_history",
        "ov_association_tests",
    ]
    assert tested == ["ov_association_api"]
    assert env == {}


def test_the_suites_own_addon_runs_it_for_every_pair():
    _installed, tested, env = odoo_selection(["ov_association_tests"])
    assert tested == ["ov_association_tests"]
    assert env == {}


def test_an_unknown_addon_is_named():
    with pytest.raises(ValueError, match="not an addon of this repository: ov_sa_nothing"):
        odoo_selection(["ov_sa_nothing"])


def test_which_addons_declare_pairs():
    # The addons of this repository as committed (an addon just scaffolded aside).
    assert {name: declares_pairs(name) for name in COMMITTED} == {
        "ov_association_api": False,
        "ov_association_base": False,
        "ov_association_cockpit": False,
        "ov_association_explain": False,
        "ov_association_handover": False,
        "ov_association_history": False,
        "ov_association_migration": False,
        "ov_association_tests": True,
        "ov_association_tests_full": False,
        "ov_sa_customer": True,
        "ov_sa_location": True,
        "ov_sa_sale_order": True,
    }


def test_a_bad_template_prefix_is_refused_before_any_tier(capsys):
    from ovdev.__main__ import main

    with pytest.raises(SystemExit) as stopped:
        main(["test", "--tiers", "odoo", "--template-prefix", "mecrmfull"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.endswith(
        "error: TEMPLATE_PREFIX 'mecrmfull': a letter, then up to 7 letters, digits or dashes"
        " (click-odoo-initdb's cache prefix)\n"
    )
