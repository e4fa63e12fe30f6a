"""Statistics and the report table of ``make bench`` (no Odoo needed)."""

import math
import statistics


def summarize(samples_ms):
    """Median and 95th percentile (nearest rank) of timings in milliseconds."""
    ordered = sorted(samples_ms)
    rank = max(1, math.ceil(0.95 * len(ordered)))
    return {
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[rank - 1],
        "runs": len(ordered),
    }


def ratio(association, stamp):
    """Association median over stamp median, the figure ADR 0003 §14 estimates."""
    return association["median_ms"] / stamp["median_ms"] if stamp["median_ms"] else math.inf


def percent(fraction):
    """A governed share as the report prints it: 10%, 1%, 0.1%."""
    return f"{fraction * 100:g}%"


def growth(rows):
    """How each association median grows with N, per path and workload.

    ``rows`` are the report's rows (``path``, ``N``, ``workload``, ``assoc
    median ms``, ``stamp median ms``); one row out per path and workload,
    with the association median at each N and its growth from the smallest
    N to the largest, the stamp's beside it.
    """
    sizes = sorted({row["N"] for row in rows})
    series = {}
    for row in rows:
        series.setdefault((row["path"], row["workload"]), {})[row["N"]] = row
    out = []
    for (path, workload), by_size in series.items():
        line = {"path": path, "workload": workload}
        for size in sizes:
            line[f"N={size:,}".replace(",", " ")] = (
                by_size[size]["assoc median ms"] if size in by_size else "-"
            )
        first, last = by_size[min(by_size)], by_size[max(by_size)]
        line["growth"] = _grown(first["assoc median ms"], last["assoc median ms"])
        line["stamp growth"] = _grown(first["stamp median ms"], last["stamp median ms"])
        out.append(line)
    return out


def _grown(first, last):
    return last / first if first else math.inf


def table(rows):
    """Fixed-width text table of result rows (dicts with the same keys)."""
    headers = list(rows[0])
    cells = [[_cell(row[h]) for h in headers] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells)
    return "\n".join(lines)


def _cell(value):
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
