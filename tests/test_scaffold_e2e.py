"""``make pair`` end to end (needs Odoo 18.0, click-odoo-contrib and PostgreSQL):
``crm.lead`` introspected in a registry with ``crm``, its pair written into a
temporary folder, installed with ``ov_association_tests`` in a fresh database
(a copy of the introspection database), and its smoke test and the
conformance suite run on it; the database is dropped afterwards.
"""

import importlib.util
import os
import re
import subprocess
import sys
import time
import warnings

import pytest
from ovdev import pg, scaffold
from ovdev.addons import REPO_ROOT
from ovdev.odoo_env import odoo_addons_paths, odoo_problem, write_config
from ovdev.scaffold_checks import make_spec

ADDON = "ov_sa_crm_lead"
RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")


def _missing():
    if odoo_problem():
        return "Odoo 18.0 is not importable"
    if importlib.util.find_spec("click_odoo_contrib") is None:
        return "click-odoo-contrib is not installed"
    server = pg.discover()
    if not pg.answers(server):
        return f"PostgreSQL does not answer at {server.host}:{server.port}"
    return None


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory, committed_root):
    missing = _missing()
    if missing:
        message = f"{missing}: make pair untested end to end"
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("pair")
    lines = []
    code = scaffold.run(
        "crm_lead", "crm.lead", "crm", out=str(out), log=lines.append, root=committed_root
    )
    return code, out, lines


def test_crm_lead_is_introspected(scaffolded):
    code, out, lines = scaffolded
    assert code == 0, "\n".join(lines)
    for expected in (
        "  model:                crm.lead (Lead/Opportunity), crm.model_crm_lead",
        "  company_id:           yes: check_company=True",
        "  required, no default: name (char)",
        "  reader group:         sales_team.group_sale_salesman_all_leads",
        "  native action:        crm.crm_lead_all_leads ('Leads')",
        "  form view:            crm.crm_lead_view_form (button in button_box)",
        "  menu, group:          'My Leads', 'CRM: governed leads only'",
    ):
        assert expected in lines, "\n".join(lines)
    with open(out / ADDON / "models" / f"{ADDON}.py", encoding="utf-8") as f:
        source = f.read()
    assert '_ov_native_action = "crm.crm_lead_all_leads"' in source
    assert 'return ["sales_team.group_sale_salesman_all_leads"]' in source
    assert '"name": f"Conformance lead/opportunity {sequence}",' in source


def test_an_unknown_model_is_refused(scaffolded, tmp_path, capsys):
    code = scaffold.run("crm_nothing", "crm.nothing", "crm", out=str(tmp_path), log=print)
    assert code == 2
    assert capsys.readouterr().err == (
        "pair: refused: crm.nothing is no model of the registry with crm installed\n"
    )
    assert not os.path.exists(tmp_path / "ov_sa_crm_nothing")


def _copy_database(server, template, database):
    """A fresh database from the introspection database (crm installed)."""
    pg.drop_database(server, database)
    conn = pg.connect(server)
    try:
        for attempt in range(10):
            try:
                with conn.cursor() as cur:
                    cur.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
                return
            except Exception:  # the template is being read by a scaffold run: wait
                if attempt == 9:
                    raise
                time.sleep(3)
    finally:
        conn.close()


def test_the_generated_pair_installs_and_passes_its_tests(scaffolded, tmp_path):
    code, out, _lines = scaffolded
    assert code == 0
    database = f"ovscaffold_e2e_{os.getpid()}"
    template, _modules = scaffold.introspection_database(["crm"])
    log_path = tmp_path / "odoo.log"
    with pg.server() as server:
        config = write_config(str(tmp_path / "odoo.conf"), server, str(tmp_path / "data"))
        addons_path = ",".join([str(out), REPO_ROOT, *odoo_addons_paths()])
        command = [sys.executable, "-m", "odoo", "-c", config, "--addons-path", addons_path]
        command += ["-d", database, "-i", f"{ADDON},ov_association_tests", "--test-enable"]
        command += ["--test-tags", f"/{ADDON},/ov_association_tests:TestConformance"]
        command += ["--stop-after-init", "--http-port", str(pg.free_port())]
        command += ["--log-level", "info", "--logfile", str(log_path)]
        _copy_database(server, template, database)
        try:
            proc = subprocess.run(
                command,
                env={**os.environ, **server.libpq_env(), "OV_CONFORMANCE_ADDONS": ADDON},
                capture_output=True,
                text=True,
                check=False,
                timeout=1800,
            )
            # Once installed, the registry itself says crm.lead is governed.
            with open(config, encoding="utf-8") as f:
                text = f.read()
            with open(config, "w", encoding="utf-8") as f:
                f.write(re.sub(r"(?m)^addons_path = .*$", f"addons_path = {addons_path}", text))
            spec = make_spec("leads", "crm.lead", "crm", out=str(tmp_path))
            found = scaffold.run_introspection(server, config, database, spec)
        finally:
            pg.drop_database(server, database)
    log = log_path.read_text(encoding="utf-8") if log_path.exists() else proc.stderr
    results = RESULT.findall(log)
    assert results, log[-3000:]
    failed, errors, run = map(int, results[-1])
    assert (failed, errors) == (0, 0), log[-5000:]
    # Both smoke tests and TestConformance's rules (seven) for the new pair.
    assert run >= 9, log[-3000:]
    assert "Starting TestOvSaCrmLead.test_actor_reaches_the_governed_target" in log
    assert "Starting TestConformance.test_05_deletion_policy" in log
    # The exclusivity rule makes PostgreSQL refuse a second holder on purpose
    # (odoo.sql_db logs the query); any other error is one.
    unexpected = [
        line
        for line in log.splitlines()
        if re.search(r" (ERROR|CRITICAL) ", line) and " odoo.sql_db: bad query" not in line
    ]
    assert not unexpected, "\n".join(unexpected[:20])
    assert proc.returncode == 0, log[-3000:]
    assert found["governed_by"] == ["ov.sa_crm_lead"], found
