"""Counting what each tier ran, and the closing summary line."""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

PRE_COMMIT_HOOK_LINE = re.compile(
    r"^(?P<hook>.+?)\.{2,}(?:\(no files to check\))?(?P<status>Passed|Failed|Skipped)$"
)


@dataclass
class TierResult:
    tier: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    note: str = ""

    @property
    def ok(self):
        return self.failed == 0

    def line(self):
        text = (
            f"{self.tier} tier: {self.passed} passed, {self.failed} failed, {self.skipped} skipped"
        )
        return f"{text} ({self.note})" if self.note else text


def count_pre_commit(output):
    """(passed, failed, skipped) hooks in ``pre-commit run`` output."""
    counts = {"Passed": 0, "Failed": 0, "Skipped": 0}
    for line in output.splitlines():
        match = PRE_COMMIT_HOOK_LINE.match(line.strip())
        if match:
            counts[match["status"]] += 1
    return counts["Passed"], counts["Failed"], counts["Skipped"]


def count_junit(path):
    """(passed, failed, skipped) test cases of a pytest junit-xml report.

    Counts ``testcase`` elements, as pytest's own summary does: the suite's
    ``tests`` attribute also counts sub-tests (one per governed pair).
    """
    root = ET.parse(path).getroot()
    passed = failed = skipped = 0
    for case in root.iter("testcase"):
        outcomes = {child.tag for child in case}
        if outcomes & {"failure", "error"}:
            failed += 1
        elif "skipped" in outcomes:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def closing_line(results):
    passed = sum(r.passed for r in results)
    failed = sum(r.failed for r in results)
    skipped = sum(r.skipped for r in results)
    line = f"{passed} passed, {failed} failed"
    return f"{line}, {skipped} skipped" if skipped else line
