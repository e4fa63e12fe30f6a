"""One core, optional capabilities (docs/design.md §2), checked on a real database.

The base installs without ``mail``; each optional addon installs on the base
alone (with the conformance suite's test pairs, which it then extends) and
uninstalls leaving no table, column, index, constraint, trigger, function,
SQL view, view, menu, cron, access line or route behind
(``ovdev.addon_lifecycle``). Needs Odoo 18.0 and PostgreSQL, as the bench's
tiny-size test does; about a minute.
"""

import json
import os
import subprocess
import sys
import warnings

import pytest
from ovdev import pg
from ovdev.addons import REPO_ROOT
from ovdev.odoo_env import initdb_command, write_config
from test_bench_sections import _missing

OPTIONAL = (
    "ov_association_history",
    "ov_association_explain",
    "ov_association_api",
    "ov_association_handover",
    "ov_association_cockpit",
    "ov_association_migration",
    "ov_association_review",
)


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory):
    missing = _missing()
    if missing:
        message = f"{missing}: the addon layout untested"
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    workdir = tmp_path_factory.mktemp("addon-layout")
    database = f"ov_layout_{os.getpid()}"
    with pg.server() as server:
        config = write_config(str(workdir / "odoo.conf"), server, str(workdir / "data"))
        env = {**os.environ, **server.libpq_env()}
        subprocess.run(
            initdb_command(config, database, ["ov_association_tests"], "ovlayout", demo=False),
            check=True,
            env=env,
        )
        try:
            result = subprocess.run(
                [sys.executable, "-m", "ovdev.addon_lifecycle", config, database, *OPTIONAL],
                check=True,
                capture_output=True,
                text=True,
                env={**env, "PYTHONPATH": os.path.join(REPO_ROOT, "tools")},
            )
        finally:
            pg.drop_database(server, database)
    return json.loads(result.stdout)


def test_the_base_installs_without_mail(lifecycle):
    assert lifecycle["mail installed"] is False


@pytest.mark.parametrize("addon", OPTIONAL)
def test_an_optional_addon_uninstalls_leaving_nothing(lifecycle, addon):
    report = lifecycle["addons"][addon]
    assert report["left behind"] == {}
    assert report["still installed"] == []


def test_each_optional_addon_brings_only_what_it_depends_on(lifecycle):
    brought = {addon: lifecycle["addons"][addon]["installed with it"] for addon in OPTIONAL}
    assert brought == {
        "ov_association_history": ["ov_association_history"],
        "ov_association_explain": ["ov_association_explain", "ov_association_history"],
        "ov_association_api": [
            "ov_association_api",
            "ov_association_explain",
            "ov_association_history",
        ],
        "ov_association_handover": ["ov_association_handover"],
        "ov_association_cockpit": ["ov_association_cockpit"],
        "ov_association_migration": ["ov_association_migration"],
        "ov_association_review": ["ov_association_handover", "ov_association_review"],
    }
    assert lifecycle["addons"]["ov_association_cockpit"]["Odoo modules installed before it"] == [
        "mail"
    ]


def test_only_the_api_adds_routes(lifecycle):
    routes = {addon: lifecycle["addons"][addon]["added routes"] for addon in OPTIONAL}
    assert routes == {
        "ov_association_history": [],
        "ov_association_explain": [],
        "ov_association_api": [
            "/ov/v1/check",
            "/ov/v1/check_many",
            "/ov/v1/explain",
            "/ov/v1/reaching_actors",
            "/ov/v1/targets",
        ],
        "ov_association_handover": [],
        "ov_association_cockpit": [],
        "ov_association_migration": [],
        "ov_association_review": [],
    }


def test_a_capability_extends_the_installed_pairs(lifecycle):
    """The handover links are columns of every installed pair's tables (here
    the test pairs'); the cockpit's reminder is one cron."""
    columns = lifecycle["addons"]["ov_association_handover"]["added columns"]
    assert [c for c in columns if not c.startswith("ov_association_handover_wizard.")] == [
        "ov_actor_sa_test_target.handed_over_from_id",
        "ov_actor_sa_test_target.handed_over_to_id",
        "ov_sa_test_target.handed_over_from_id",
        "ov_sa_test_target.handed_over_to_id",
    ]
    assert lifecycle["addons"]["ov_association_cockpit"]["added"]["crons"] == 1
    assert lifecycle["addons"]["ov_association_history"]["added"] == {}
