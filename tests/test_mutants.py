"""``make mutants``: the planted bugs still apply to the code, and the arguments parse."""

import os

import pytest
from ovdev import mutants
from ovdev.addons import REPO_ROOT, repo_addons
from ovdev.mutants_list import MUTANTS


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_each_snippet_occurs_exactly_once(mutant):
    with open(os.path.join(REPO_ROOT, mutant.path), encoding="utf-8") as f:
        text = f.read()
    assert text.count(mutant.original) == 1
    planted = mutants.apply(text, mutant)
    assert planted != text
    assert mutant.addon in repo_addons()


def test_each_bug_names_tests_that_exist():
    for mutant in MUTANTS:
        assert mutant.tests, mutant.name
        for node in mutant.tests:
            path = node.split("::", 1)[0]
            assert os.path.isfile(os.path.join(REPO_ROOT, path)), f"{mutant.name}: {node}"
            with open(os.path.join(REPO_ROOT, path), encoding="utf-8") as f:
                source = f.read()
            for name in node.split("::")[1:]:
                assert f"def {name}(" in source or f"class {name}(" in source, (
                    f"{mutant.name}: {node}"
                )


def test_at_least_twenty_bugs_across_the_addons():
    assert len(MUTANTS) >= 20
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)
    addons = {m.addon for m in MUTANTS}
    assert {"ov_association_base", "ov_association_migration"} <= addons
    assert addons & {"ov_sa_customer", "ov_sa_location", "ov_sa_sale_order"}


def test_apply_refuses_a_snippet_that_is_not_there_once():
    mutant = MUTANTS[0]
    with pytest.raises(ValueError, match="occurs 0 times"):
        mutants.apply("nothing to change", mutant)
    with pytest.raises(ValueError, match="occurs 2 times"):
        mutants.apply(mutant.original * 2, mutant)


def test_arguments():
    args = mutants.parse_args([])
    assert args.template == ""  # built like the odoo tier's database
    assert args.only == []
    assert args.database_prefix.startswith("ovmut_")
    assert mutants.selected(args.only) == list(MUTANTS)
    args = mutants.parse_args(
        ["--template", "tpl", "--only", "cron_misses_rows_ending_now,", "--database-prefix", "x"]
    )
    assert (args.template, args.only, args.database_prefix) == (
        "tpl",
        ["cron_misses_rows_ending_now"],
        "x",
    )
    assert [m.name for m in mutants.selected(args.only)] == ["cron_misses_rows_ending_now"]


def test_unknown_bug_is_refused_by_name(capsys):
    with pytest.raises(SystemExit) as stop:
        mutants.parse_args(["--only", "no_such_bug"])
    assert stop.value.code == 2
    assert "no_such_bug" in capsys.readouterr().err


def test_table_counts_caught_and_survived():
    text = mutants.table(
        [
            mutants.Outcome("a_bug", "caught", "pytest exit 1", 12.0),
            mutants.Outcome("another", "survived", "every test passed", 30.0),
        ]
    )
    assert text.splitlines()[1].split()[:2] == ["a_bug", "caught"]
    assert text.splitlines()[2].split()[:2] == ["another", "survived"]
    assert text.splitlines()[-1] == "mutants: 1 caught, 1 survived or errored"
