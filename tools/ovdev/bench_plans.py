"""Reading the bench's ``EXPLAIN`` text, whatever PostgreSQL wrote it (no Odoo needed)."""

import re

# How EXPLAIN names an InitPlan's value where the target's scan uses it:
# PostgreSQL up to 16 says "InitPlan 4 (returns $3)" and "= ANY ($3)",
# 17 and later "InitPlan 4" and "= ANY ((InitPlan 4).col1)".
INITPLAN_RETURNS = re.compile(r"InitPlan (\d+) \(returns (\$\d+)\)")
ANY_OF_PARAM = re.compile(r"= ANY \((\$\d+)\)")
ANY_OF_INITPLAN = re.compile(r"= ANY \(\(InitPlan (\d+)\)\.col1\)")
INITPLAN_DECLARED = re.compile(r"^\s*(?:->\s*)?InitPlan (\d+)\b", re.MULTILINE)


def reach_is_initplan(plan):
    """Whether ``plan`` (EXPLAIN text) compares the target's id with the value
    of an InitPlan, i.e. computes the reach once before the scan, on any
    PostgreSQL from 13 on."""
    returned = {param for _number, param in INITPLAN_RETURNS.findall(plan)}
    if returned.intersection(ANY_OF_PARAM.findall(plan)):
        return True
    declared = set(INITPLAN_DECLARED.findall(plan))
    return bool(declared.intersection(ANY_OF_INITPLAN.findall(plan)))
