"""``make load``'s database part: statements from N connections at once (issue 15)."""

import warnings

import pytest
from ovdev import pg
from ovdev.load_sql import run


@pytest.fixture(scope="module")
def dsn():
    server = pg.discover()
    if not pg.answers(server):
        message = f"PostgreSQL does not answer at {server.host}:{server.port}: load_sql untested"
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    return server.dsn("postgres")


def test_every_connection_runs_its_share_of_the_samples(dsn):
    statements = [f"SELECT {n} * 2" for n in range(8)]
    summary, answers = run(dsn, statements, clients=4, seconds=0.5)
    assert summary["errors"] == 0
    assert summary["requests"] >= 8
    assert summary["p50_ms"] <= summary["p99_ms"] <= summary["max_ms"]
    assert answers == {n: [(n * 2,)] for n in range(8)}


def test_a_failing_statement_is_counted_not_raised(dsn):
    summary, answers = run(dsn, ["SELECT 1/0"], clients=2, seconds=0.3)
    assert summary["requests"] == 0
    assert summary["errors"] > 0
    assert "division by zero" in summary["error_examples"][0]
    assert answers == {}


def test_connections_are_read_only(dsn):
    summary, _answers = run(dsn, ["CREATE TEMP TABLE ov_load_probe (id int)"], 1, 0.2)
    assert summary["requests"] == 0
    assert "read-only transaction" in summary["error_examples"][0]
