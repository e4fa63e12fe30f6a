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
    """(passed, failed, skipped) test cases of a pytest junit-xml report."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed, skipped


def closing_line(results):
    passed = sum(r.passed for r in results)
    failed = sum(r.failed for r in results)
    skipped = sum(r.skipped for r in results)
    line = f"{passed} passed, {failed} failed"
    return f"{line}, {skipped} skipped" if skipped else line
