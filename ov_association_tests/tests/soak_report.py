"""Where the soak tests leave their figures for ``make soak``.

``make soak`` names a JSON file in ``OV_SOAK_REPORT``; each soak test merges
its section into it. Without the variable (the odoo tier) nothing is written.
"""

import json
import os
import threading

_LOCK = threading.Lock()


def record(section, **figures):
    path = os.environ.get("OV_SOAK_REPORT")
    if not path:
        return
    with _LOCK:
        report = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                report = json.load(f)
        report.setdefault(section, {}).update(figures)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2, default=str)


def setting(name, default, cast=int):
    """A soak setting from the environment (``make soak`` sets them), or the tier's default."""
    value = os.environ.get(f"OV_SOAK_{name}")
    return cast(value) if value else default
