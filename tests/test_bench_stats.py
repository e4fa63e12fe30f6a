"""The benchmark's statistics and report (docs/design.md §4, issue "Performance")."""

import math

from ovdev.bench_stats import growth, percent, ratio, summarize, table


def test_summarize_median_and_nearest_rank_p95():
    figures = summarize([float(n) for n in range(1, 101)])
    assert figures == {"median_ms": 50.5, "p95_ms": 95.0, "runs": 100}
    assert summarize([3.0]) == {"median_ms": 3.0, "p95_ms": 3.0, "runs": 1}


def test_ratio_of_medians():
    assert ratio({"median_ms": 1.2}, {"median_ms": 1.0}) == 1.2
    assert ratio({"median_ms": 1.0}, {"median_ms": 0.0}) == math.inf


def test_table_aligns_columns_and_formats_floats():
    text = table(
        [
            {"workload": "my ids", "ratio": 1.0},
            {"workload": "check", "ratio": 1.23456},
        ]
    )
    lines = text.splitlines()
    assert lines[0].split() == ["workload", "ratio"]
    assert lines[2].split() == ["my", "ids", "1.000"]
    assert lines[3].split() == ["check", "1.235"]
    assert len({len(line) for line in lines}) == 1


def test_percent_prints_small_shares():
    assert [percent(f) for f in (0.1, 0.01, 0.001)] == ["10%", "1%", "0.1%"]


def test_growth_per_path_and_workload_from_smallest_to_largest_n():
    def row(path, size, assoc, stamp):
        return {
            "path": path,
            "N": size,
            "workload": "check",
            "assoc median ms": assoc,
            "stamp median ms": stamp,
        }

    rows = [
        row("raw SQL", 100_000, 0.10, 0.25),
        row("raw SQL", 10_000_000, 0.12, 0.5),
        row("raw SQL", 1_000_000, 0.11, 0.375),
        row("ORM", 100_000, 0.40, 0.50),
    ]
    assert growth(rows) == [
        {
            "path": "raw SQL",
            "workload": "check",
            "N=100 000": 0.10,
            "N=1 000 000": 0.11,
            "N=10 000 000": 0.12,
            "growth": 1.2,
            "stamp growth": 2.0,
        },
        {
            "path": "ORM",
            "workload": "check",
            "N=100 000": 0.40,
            "N=1 000 000": "-",
            "N=10 000 000": "-",
            "growth": 1.0,
            "stamp growth": 1.0,
        },
    ]
