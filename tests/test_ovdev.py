"""The developer commands: PostgreSQL discovery, tier counting, closing line."""

import pytest
from ovdev import odoo_env, pg, soak, tooling
from ovdev.results import (
    TierResult,
    closing_line,
    count_junit,
    count_pre_commit,
)


def test_pg_defaults(monkeypatch):
    monkeypatch.setattr(pg.getpass, "getuser", lambda: "dev")
    assert pg.discover({}) == pg.PgServer("127.0.0.1", 5432, "dev", "")


def test_pg_env_wins_over_odoo_rc(tmp_path):
    rc = tmp_path / "odoo.conf"
    rc.write_text(
        "[options]\ndb_host = db.example\ndb_port = 6543\ndb_user = odoo\ndb_password = False\n"
    )
    server = pg.discover({"ODOO_RC": str(rc), "PGPORT": "7777"})
    assert (server.host, server.port, server.user, server.password) == (
        "db.example",
        7777,
        "odoo",
        "",
    )
    assert server.odoo_options()["db_password"] == "False"
    assert server.libpq_env() == {
        "PGHOST": "db.example",
        "PGPORT": "7777",
        "PGUSER": "odoo",
    }


def test_pg_dsn_quotes_what_libpq_would_split():
    assert pg.PgServer("127.0.0.1", 5432, "dev").dsn("ov_bench") == (
        "host=127.0.0.1 port=5432 user=dev dbname=ov_bench"
    )
    dsn = pg.PgServer("db", 5433, "odoo", "it's a \\secret").dsn("ov bench")
    assert dsn == "host=db port=5433 user=odoo dbname='ov bench' password='it\\'s a \\\\secret'"


def test_initdb_command_with_and_without_demo():
    command = odoo_env.initdb_command("odoo.conf", "db1", ["a", "b"], "ovtest")
    assert command[1:] == [
        "-m", "click_odoo_contrib.initdb", "-c", "odoo.conf", "-n", "db1",
        "-m", "a,b", "--cache-prefix", "ovtest", "--log-level", "warn",
    ]  # fmt: skip
    assert odoo_env.initdb_command("c", "d", ["a"], "p", demo=False)[-1] == "--no-demo"


def test_pg_refuses_postgres_role():
    with pytest.raises(SystemExit, match="refused by Odoo"):
        pg.discover({"PGUSER": "postgres"})


def test_pg_answers_detects_closed_port():
    assert not pg.answers(pg.PgServer("127.0.0.1", 1, "dev"), timeout=0.5)


PRE_COMMIT_OUTPUT = """\
trailing whitespace......................................................Passed
xml syntax...........................................(no files to check)Skipped
ruff check...............................................................Failed
- hook id: ruff
pylint-odoo (mandatory)..................................................Passed
"""


def test_count_pre_commit():
    assert count_pre_commit(PRE_COMMIT_OUTPUT) == (2, 1, 1)


def test_count_junit(tmp_path):
    report = tmp_path / "junit.xml"
    report.write_text(
        '<testsuites><testsuite tests="9" failures="1" errors="1" skipped="2">'
        '<testcase name="a"/><testcase name="b"/><testcase name="c"/>'
        '<testcase name="d"><failure message="x"/></testcase>'
        '<testcase name="e"><error message="y"/></testcase>'
        '<testcase name="f"><skipped message="z"/></testcase>'
        '<testcase name="g"><skipped message="z"/></testcase>'
        "</testsuite></testsuites>"
    )
    # The suite says 9 tests (it counts sub-tests); pytest reports 7 cases.
    assert count_junit(report) == (3, 2, 2)


def test_closing_line_is_the_plain_summary():
    results = [TierResult("lint", 9, 0), TierResult("pure", 20, 1, 1)]
    assert closing_line(results) == "29 passed, 1 failed, 1 skipped"
    assert closing_line([TierResult("lint", 9, 0)]) == "9 passed, 0 failed"
    assert TierResult("odoo", 3, 0, note="SKIPPED: odoo not importable").line() == (
        "odoo tier: 3 passed, 0 failed, 0 skipped (SKIPPED: odoo not importable)"
    )


def test_tooling_requirements_come_from_the_extras():
    requirements = tooling.extras_requirements("test", "lint")
    names = {tooling.requirement_name(r) for r in requirements}
    assert {"pytest-odoo", "click-odoo-contrib", "pre-commit", "whool"} <= names
    assert tooling.missing(["pytest"]) == []
    assert tooling.missing(["surely-not-installed-ov-pkg"]) == ["surely-not-installed-ov-pkg"]


def test_tooling_skips_requirements_for_other_pythons():
    assert tooling.missing(["surely-not-installed-ov-pkg; python_version < '3.0'"]) == []


SOAK_REPORT = {
    "model": {"examples": 300, "operations": 9000, "comparisons": 9300, "seconds": 200.0},
    "concurrent": {
        "workers": 4,
        "seconds": 300.0,
        "seed": 7,
        "committed": 30000,
        "ops_per_second": 100.0,
        "retries": 40,
        "refused": 50000,
        "unexpected": 0,
        "violations": [],
        "mismatches": [],
    },
}


def test_soak_summary_passes_only_when_everything_is_zero():
    lines, failed = soak.summary(SOAK_REPORT, 0, 540)
    assert not failed
    assert lines[-1] == (
        "soak: 0 invariant violations, 0 model/real mismatches, 40 retries, 100.0 ops/s "
        "in 9.0 min: OK"
    )
    broken = {**SOAK_REPORT, "concurrent": {**SOAK_REPORT["concurrent"], "violations": ["x"]}}
    lines, failed = soak.summary(broken, 1, 540)
    assert failed and "  violation: x" in lines
    assert lines[-1].startswith("soak: 1 invariant violations, 0 model/real mismatches")
    model_failed = {**SOAK_REPORT, "model": {**SOAK_REPORT["model"], "failure": "steps"}}
    assert soak.summary(model_failed, 1, 60)[1]
    assert soak.summary({}, 0, 60)[1], "no report is a failure"
