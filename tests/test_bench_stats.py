"""The benchmark's statistics and report (DESIGN §4, issue "Performance")."""

import math

from ovdev.bench_stats import ratio, summarize, table


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
