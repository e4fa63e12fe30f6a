"""Addon layout and packaging, the OCA 18.0 way (DESIGN §2)."""

import os
import re
import subprocess
import sys
import zipfile

import pytest
from ovdev.addons import REPO_ROOT, read_manifest, repo_addons

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

EXPECTED_DEPENDS = {
    "ov_association_base": {"base", "mail"},
    "ov_sa_sale_order": {"ov_association_base", "sale"},
    "ov_sa_customer": {"ov_association_base"},
    "ov_sa_location": {"ov_association_base", "stock"},
    "ov_association_migration": {"ov_association_base"},
    "ov_association_tests": {"ov_association_base", "ov_association_migration"},
}


def test_the_six_addons_are_there():
    assert set(repo_addons()) == set(EXPECTED_DEPENDS)


@pytest.mark.parametrize("addon", sorted(EXPECTED_DEPENDS))
def test_manifest(addon):
    manifest = read_manifest(os.path.join(REPO_ROOT, addon))
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", manifest["version"])
    assert manifest["license"] == "AGPL-3"
    assert manifest["author"] == "ov_association contributors"
    assert manifest["website"].startswith("https://")
    assert manifest["development_status"] in (
        "Alpha",
        "Beta",
        "Production/Stable",
        "Mature",
    )
    assert manifest["maintainers"]
    assert set(manifest["depends"]) == EXPECTED_DEPENDS[addon]
    for name in (
        "README.rst",
        "readme/DESCRIPTION.md",
        "readme/USAGE.md",
        "pyproject.toml",
    ):
        assert os.path.isfile(os.path.join(REPO_ROOT, addon, name)), name
    for data_file in manifest.get("data", []) + manifest.get("demo", []):
        assert os.path.isfile(os.path.join(REPO_ROOT, addon, data_file)), data_file


def test_metapackage_depends_on_every_addon():
    with open(os.path.join(REPO_ROOT, "setup/_metapackage/pyproject.toml"), "rb") as f:
        dependencies = tomllib.load(f)["project"]["dependencies"]
    assert sorted(dependencies) == sorted(
        f"odoo-addon-{addon}==18.0.*" for addon in EXPECTED_DEPENDS
    )


@pytest.mark.parametrize("addon", sorted(EXPECTED_DEPENDS))
def test_wheel_builds(addon, tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            os.path.join(REPO_ROOT, addon),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    assert wheel.name.startswith(f"odoo_addon_{addon}-18.0.")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert f"odoo/addons/{addon}/__manifest__.py" in names
    for dependency in EXPECTED_DEPENDS[addon] - {"base", "mail", "sale", "stock"}:
        assert f"odoo-addon-{dependency}" in metadata.replace("_", "-").replace(
            f"odoo-addon-{dependency.replace('_', '-')}", f"odoo-addon-{dependency}"
        )
