"""``make bench`` at a tiny size: every section runs and reports (needs Odoo 18.0 and PostgreSQL).

The figures mean nothing at this size; the test is that each section fills,
checks, times and writes its part of the report, the plans included.
"""

import importlib.util
import inspect
import json
import os
import warnings

import pytest
from ovdev import bench, pg
from ovdev.addons import REPO_ROOT
from ovdev.odoo_env import odoo_problem

SECTIONS = ("reads", "explain", "native", "writes", "handover", "migration", "review")
# 1 % of 20 000: 200 governed targets, more than a page (80): web_search_read counts.
SIZE, FRACTION = 20_000, 0.01


def _missing():
    if odoo_problem():
        return "Odoo 18.0 is not importable"
    if importlib.util.find_spec("click_odoo_contrib") is None:
        return "click-odoo-contrib is not installed"
    server = pg.discover()
    if not pg.answers(server):
        return f"PostgreSQL does not answer at {server.host}:{server.port}"
    return None


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    missing = _missing()
    if missing:
        message = f"{missing}: the bench sections untested"
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    output = tmp_path_factory.mktemp("bench-results")
    database = f"ov_bench_tiny_{os.getpid()}"
    patch = pytest.MonkeyPatch()
    patch.setattr(bench, "BENCH_DATABASE", database)
    try:
        code = bench.run(
            str(SIZE),
            str(FRACTION),
            repeats=5,
            cron_rows=100,
            output_dir=str(output),
            migration_sizes="2000",
            review_rows=200,
            sections=",".join(SECTIONS),
        )
    finally:
        patch.undo()
    with open(output / "bench.json", encoding="utf-8") as f:
        data = json.load(f)
    return code, data, (output / "plans.txt").read_text(encoding="utf-8")


def test_every_section_is_in_the_defaults():
    assert inspect.signature(bench.run).parameters["sections"].default == ",".join(SECTIONS)
    with open(os.path.join(REPO_ROOT, "Makefile"), encoding="utf-8") as f:
        assert f"BENCH_SECTIONS ?= {','.join(SECTIONS)}\n" in f.read()


def test_the_bench_succeeds(report):
    code, _data, _plans = report
    assert code == 0


def test_reads_and_explain(report):
    _code, data, plans = report
    paths = {row["path"] for row in data["rows"]}
    assert {"raw SQL", "ORM"} <= paths
    assert {row["workload"] for row in data["explain"]} >= {"explain"}
    assert "/ my page\n" in plans


def test_native(report):
    _code, data, plans = report
    rows = [row for row in data["rows"] if row["path"] == "native (as a user)"]
    assert [row["workload"] for row in rows] == ["web_search_read", "search_count"]
    assert all(row["assoc median ms"] > 0 and row["stamp median ms"] > 0 for row in rows)
    [native] = [figures["native"] for figures in data["data"].values()]
    assert native["rows seen by A and by B"] == SIZE * FRACTION
    rules = native["rules on the target"]
    assert "ov_association_tests.rule_governed_only" in rules["A"]
    [stamp_rule] = set(rules["B"]) - set(rules["A"])  # B's own: the legacy stamp
    assert "stamp" in stamp_rule
    # web_search_read's page and count, search_count's count.
    assert len(native["A reach as an InitPlan"]) == 3
    assert all(native["A reach as an InitPlan"].values())
    for path in ("A (governed rule)", "B (stamp rule)"):
        for workload in ("web_search_read / statement 1", "search_count / statement 1"):
            assert f"/ native {path} / {workload}\n" in plans
    assert "= ANY(ARRAY(SELECT" in plans


def test_writes_handover_migration(report):
    _code, data, _plans = report
    assert set(data["writes"]) == {"activate actor rows", "expiry cron"}
    assert data["writes"]["activate actor rows"]["rows"] > 0
    assert data["writes"]["expiry cron"]["expired_by_cron"] > 0
    assert data["writes"]["expiry cron"]["second_run_expired"] == 0
    assert data["handover"]["rows"] > 0
    assert len(data["migration"]) == 1


def test_review(report):
    _code, data, _plans = report
    review = data["review"]
    assert review["live rows"] == 200
    # Half the rows are actor rows of a member who has not signed in for a year.
    assert (review["items (keep)"], review["with a recommendation (keep)"]) == (200, 100)
    assert review["actor rows revoked (keep)"] == 0
    assert review["actor rows ending at the deadline (keep)"] == 0
    assert review["items (end_at_deadline)"] == 200
    assert review["actor rows ending at the deadline (end_at_deadline)"] == 100
    assert review["actor rows revoked (end_at_deadline)"] == 0
    assert (review["items (revoke)"], review["actor rows revoked (revoke)"]) == (200, 100)
    assert review["close seconds (revoke)"] > 0
    # Closing seals every event it writes (the section fails otherwise):
    # 200 decisions per campaign, 200 window changes, 200 revocations.
    assert review["events sealed, in all (revoke)"] >= 1000


def test_writes_alone_fill_what_they_time(tmp_path):
    """``BENCH_SECTIONS=writes`` alone used to time nothing (0 rows, exit 0):
    the rows came from the read sections' fill."""
    missing = _missing()
    if missing:
        pytest.skip(f"{missing}: the bench sections untested")
    patch = pytest.MonkeyPatch()
    patch.setattr(bench, "BENCH_DATABASE", f"ov_bench_writes_{os.getpid()}")
    try:
        code = bench.run(
            "2000", "0.1", repeats=2, cron_rows=50, output_dir=str(tmp_path), sections="writes"
        )
    finally:
        patch.undo()
    writes = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))["writes"]
    assert code == 0
    assert writes["activate actor rows"]["rows"] > 0
    assert writes["expiry cron"]["expired_by_cron"] == 50


def test_a_write_workload_that_timed_no_row_fails_the_bench():
    assert bench._writes_measured_nothing(
        {
            "activate actor rows": {"rows": 0, "seconds": 0.0, "rows_per_second": 0.0},
            "expiry cron": {"expired_by_cron": 12, "seconds": 0.1},
        }
    ) == ["activate actor rows timed no row (rows=0): nothing to measure it on"]
    assert bench._writes_measured_nothing({}) == []
