"""Addon layout and packaging, the OCA 18.0 way (docs/design.md §2)."""

import os
import re
import subprocess
import sys
import warnings
import zipfile

import pytest
from ovdev.addons import REPO_ROOT, read_manifest, repo_addons

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

# Each addon's dependencies (docs/design.md §2): the base on ``base`` alone,
# each capability on the base or on the capability it builds on, the pairs on
# the base and their native app. A new addon is added here.
EXPECTED_DEPENDS = {
    "ov_association_base": {"base"},
    "ov_association_history": {"ov_association_base"},
    "ov_association_explain": {"ov_association_history"},
    "ov_association_api": {"ov_association_explain"},
    "ov_association_handover": {"ov_association_base"},
    "ov_association_cockpit": {"ov_association_base", "mail"},
    "ov_association_migration": {"ov_association_base"},
    "ov_association_review": {"ov_association_base", "ov_association_handover", "mail"},
    "ov_sa_sale_order": {"ov_association_base", "sale"},
    "ov_sa_customer": {"ov_association_base"},
    "ov_sa_location": {"ov_association_base", "stock"},
    "ov_association_tests": {"ov_association_base"},
    "ov_association_tests_full": {
        "ov_association_tests",
        "ov_association_api",
        "ov_association_handover",
        "ov_association_cockpit",
        "ov_association_migration",
        "ov_association_review",
    },
}


def _tracked_addons():
    """The addons git tracks (every addon where this is no git checkout)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "*/__manifest__.py"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return set(repo_addons())
    return {path.split("/")[0] for path in out.split()} & set(repo_addons())


TRACKED = _tracked_addons()
# An addon just written (make pair) and not committed yet: checked by the rule
# every pair follows, and named in a warning until it is listed here.
NEW = set(repo_addons()) - TRACKED - set(EXPECTED_DEPENDS)


def test_every_addon_is_listed():
    missing = TRACKED - set(EXPECTED_DEPENDS)
    gone = set(EXPECTED_DEPENDS) - set(repo_addons())
    assert not missing, f"add {sorted(missing)} to EXPECTED_DEPENDS in tests/test_packaging.py"
    assert not gone, f"remove {sorted(gone)} from EXPECTED_DEPENDS in tests/test_packaging.py"
    if NEW:
        warnings.warn(
            f"{', '.join(sorted(NEW))}: not committed yet; before committing, add it to "
            "EXPECTED_DEPENDS in tests/test_packaging.py and to setup/_metapackage/pyproject.toml "
            "(make pair printed the lines)",
            stacklevel=1,
        )


def _expected_depends(addon):
    if addon in EXPECTED_DEPENDS:
        return EXPECTED_DEPENDS[addon]
    # A new pair: the base, and Odoo's own addons only.
    manifest = read_manifest(os.path.join(REPO_ROOT, addon))
    return {"ov_association_base"} | (set(manifest["depends"]) - set(repo_addons()))


@pytest.mark.parametrize("addon", sorted(set(EXPECTED_DEPENDS) | NEW))
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
    assert set(manifest["depends"]) == _expected_depends(addon)
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
    expected = {f"odoo-addon-{addon}==18.0.*" for addon in TRACKED}
    missing, extra = expected - set(dependencies), set(dependencies) - expected
    assert not missing and not extra, (
        f"setup/_metapackage/pyproject.toml: add {sorted(missing)}, remove {sorted(extra)} "
        "in [project] dependencies"
    )


# whool builds a wheel from the files git tracks: a new addon, once committed.
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
    # Odoo's own addons are not packages of this repository's index.
    for dependency in EXPECTED_DEPENDS[addon] & set(repo_addons()):
        assert f"odoo-addon-{dependency}" in metadata.replace("_", "-").replace(
            f"odoo-addon-{dependency.replace('_', '-')}", f"odoo-addon-{dependency}"
        )
