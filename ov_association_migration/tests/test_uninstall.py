"""A real uninstall of the migration addon after a cutover (issue 10).

A plain pytest test, not a ``TransactionCase``: uninstalling commits and
rebuilds the registry, so it runs in a database of its own, made and dropped
here, through ``odoo`` subprocesses (install, then ``odoo shell`` scripts).
What must hold afterwards: every association, event and legacy column the
plan created or touched is still there; no trigger, function or constraint
of the plan is.
"""

import json
import subprocess
import sys
import uuid

import pytest

import odoo
from odoo.sql_db import db_connect
from odoo.tools import SQL

MIGRATE = """
import json
Sa, Actor = env["ov.sa"], env["ov.actor"]
sales = Sa.create({"name": "Sales", "code": "SALES"})
customer = env["res.partner"].create({"name": "Customer", "is_company": True})
users = [env["res.users"].create({"name": f"Seller {n}", "login": f"seller{n}"}) for n in (1, 2)]
for user in users:
    env["sale.order"].create({"partner_id": customer.id, "user_id": user.id})
plan = env["ov.migration.plan"].create({
    "name": "Salesperson",
    "legacy_model_id": env["ir.model"]._get_id("sale.order"),
    "pair_model": "ov.sa_sale_order",
    "actor_field_id": env["ir.model.fields"]._get("sale.order", "user_id").id,
    "default_sa_id": sales.id,
    "create_missing": True,
    "create_memberships": True,
    "rule_ids": [(0, 0, {"name": "Salesperson", "sa_kind": "assignment",
                         "actor_kind": "assignment"})],
})
plan.action_propose_mapping()
plan.action_classify()
plan.action_dry_run()
plan.action_backfill(commit=True)
plan.action_verify_parity()
plan.action_demote()
env.cr.commit()
print("RESULT " + json.dumps({"state": plan.state, "sa": plan.backfill_created_sa}))
"""

UNINSTALL = """
Module = env["ir.module.module"]
Module.search([("name", "=", "ov_association_migration")]).button_immediate_uninstall()
env.cr.commit()
"""

STATE = """
import json
cr = env.cr
def one(query):
    cr.execute(query)
    return cr.fetchall()
print("RESULT " + json.dumps({
    "sa_rows": one("SELECT count(*) FROM ov_sa_sale_order")[0][0],
    "actor_rows": one("SELECT count(*) FROM ov_actor_sa_sale_order")[0][0],
    "events": one("SELECT event, count(*) FROM ov_association_event GROUP BY event ORDER BY 1"),
    "salespeople": one("SELECT count(*) FROM sale_order WHERE user_id IS NOT NULL")[0][0],
    "objects": one(
        "SELECT proname FROM pg_proc WHERE proname LIKE 'ov\\\\_migration\\\\_%' UNION ALL "
        "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'ov\\\\_migration\\\\_%' UNION ALL "
        "SELECT conname FROM pg_constraint WHERE conname LIKE 'ov\\\\_migration\\\\_%'"),
    "tables": one("SELECT to_regclass('ov_migration_plan') IS NULL, "
                  "to_regclass('ov_migration_plan_row') IS NULL")[0],
    "module": one("SELECT state FROM ir_module_module"
                  " WHERE name = 'ov_association_migration'")[0][0],
    "log": env["ov.association.event"].verify_audit_log()["ok"],
}))
"""


def _odoo(database, *args, stdin=None):
    command = [sys.executable, "-m", "odoo", *args[:1], "-c", odoo.tools.config.rcfile]
    command += ["-d", database, "--log-level=warn", *args[1:]]
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _result(output):
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


@pytest.fixture
def database():
    name = f"ov_migration_uninstall_{uuid.uuid4().hex[:8]}"
    yield name
    with db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True  # DROP DATABASE runs outside a transaction
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(name)))


def test_uninstall_keeps_what_plans_did_and_nothing_of_the_plans(database):
    _odoo(
        database,
        "server",
        "-i",
        "ov_sa_sale_order,ov_association_migration",
        "--without-demo=all",
        "--stop-after-init",
        "--no-http",
    )
    migrated = _result(_odoo(database, "shell", "--no-http", stdin=MIGRATE))
    assert migrated == {"state": "demoted", "sa": 2}
    before = _result(_odoo(database, "shell", "--no-http", stdin=STATE))
    assert before["objects"] != []  # the demotion's functions and triggers
    _odoo(database, "shell", "--no-http", stdin=UNINSTALL)
    after = _result(_odoo(database, "shell", "--no-http", stdin=STATE))
    assert after["module"] == "uninstalled"
    assert after["objects"] == []
    assert after["tables"] == [True, True]
    # Two orders: two SA rows and two actor rows (a create and an activation
    # each), the two actors the mapping created, their two memberships (a
    # create and an activation each), and the plan's five steps.
    assert (after["sa_rows"], after["actor_rows"], after["salespeople"]) == (2, 2, 2)
    assert after["events"] == before["events"]
    assert dict(after["events"]) == {"create": 8, "migration": 5, "transition": 6}
    assert after["log"] is True
