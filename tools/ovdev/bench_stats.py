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
