"""Where the tooling goes, per kind of interpreter, and the Odoo check before it.

The interpreters are real: a copy of this Python's binary over links to its
standard library is an interpreter that is not a virtual environment, and an
``EXTERNALLY-MANAGED`` file in that standard library folder marks it
externally managed (PEP 668), as Debian's ``/usr/bin/python3`` is. Neither sees the
packages of the Python running the tests, so neither imports Odoo until a
test puts a stand-in on its path, the way Odoo's Debian package puts Odoo on
the system interpreter's path.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import sysconfig

import pytest
from ovdev import interpreter, prepare, tooling_venv
from ovdev.odoo_env import odoo_version

TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(prepare.__file__)))
NOT_LINKED = {"site-packages", "dist-packages", "EXTERNALLY-MANAGED"}


def _standalone_python(root, marked):
    stdlib = sysconfig.get_path("stdlib")
    lib = root / "lib" / os.path.basename(stdlib)
    lib.mkdir(parents=True)
    (root / "bin").mkdir()
    python = root / "bin" / "python3"
    shutil.copy2(os.path.realpath(getattr(sys, "_base_executable", sys.executable)), python)
    for name in sorted(set(os.listdir(stdlib)) - NOT_LINKED):
        (lib / name).symlink_to(os.path.join(stdlib, name))
    if marked:
        (lib / "EXTERNALLY-MANAGED").write_text("[externally-managed]\nError=test\n")
    return str(python)


@pytest.fixture(scope="module")
def plain_python(tmp_path_factory):
    return _standalone_python(tmp_path_factory.mktemp("plain"), marked=False)


@pytest.fixture(scope="module")
def marked_python(tmp_path_factory):
    return _standalone_python(tmp_path_factory.mktemp("marked"), marked=True)


@contextlib.contextmanager
def odoo_on_path(python, tmp_path, major):
    """A stand-in Odoo of version ``major`` on ``python``'s path through a .pth file."""
    tree = tmp_path / f"odoo{major}"
    (tree / "odoo").mkdir(parents=True)
    (tree / "odoo" / "__init__.py").write_text("")
    (tree / "odoo" / "release.py").write_text(f"version_info = ({major}, 0, 0, 'final', 0, '')\n")
    site_dir = subprocess.run(
        [python, "-I", "-c", "import site; print(site.getsitepackages()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    os.makedirs(site_dir, exist_ok=True)
    pth = os.path.join(site_dir, "odoo_stand_in.pth")
    with open(pth, "w", encoding="utf-8") as f:
        f.write(f"{tree}\n")
    try:
        yield
    finally:
        os.remove(pth)


def _ovdev(python, args, tmp_path, **env):
    """``python -m ovdev args`` as the Makefile runs it, with the tooling venv in tmp_path."""
    environ = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": TOOLS_DIR,
        "PYTHONNOUSERSITE": "1",
        "OV_TOOLING_VENV": str(tmp_path / "tooling-venv"),
        **env,
    }
    return subprocess.run(
        [python, "-m", "ovdev", *args], capture_output=True, text=True, env=environ, check=False
    )


def test_kinds_of_interpreter(plain_python, marked_python, tmp_path):
    plain = interpreter.inspect(plain_python)
    assert (plain.kind, plain.marker) == ("plain", "")
    marked = interpreter.inspect(marked_python)
    stdlib = os.path.join(os.path.dirname(os.path.dirname(marked_python)), "lib")
    assert marked.kind == "externally-managed"
    assert marked.marker == os.path.join(
        stdlib, os.path.basename(sysconfig.get_path("stdlib")), "EXTERNALLY-MANAGED"
    )
    assert marked.version == ".".join(map(str, sys.version_info[:3]))
    # A virtual environment of a marked interpreter is not marked (PEP 668).
    venv = tmp_path / "venv"
    subprocess.run([marked_python, "-m", "venv", "--without-pip", str(venv)], check=True)
    seen = interpreter.inspect(str(venv / "bin" / "python"))
    assert (seen.kind, seen.marker, seen.base_prefix) == ("venv", "", marked.base_prefix)


def test_cannot_inspect_what_does_not_run(tmp_path):
    with pytest.raises(interpreter.InterpreterError, match="cannot be run"):
        interpreter.inspect(str(tmp_path / "no-python"))


def test_plain_and_venv_interpreters_keep_the_tooling(plain_python, marked_python, tmp_path):
    environ = {"OV_TOOLING_VENV": str(tmp_path / "tooling-venv")}
    plain = interpreter.inspect(plain_python)
    assert prepare.tooling_python(plain, environ) == plain_python
    venv = tmp_path / "venv"
    subprocess.run([marked_python, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    assert prepare.tooling_python(interpreter.inspect(python), environ) == python
    assert not os.path.exists(environ["OV_TOOLING_VENV"])


def test_externally_managed_gets_a_reused_venv_that_sees_its_odoo(
    marked_python, plain_python, tmp_path
):
    location = tmp_path / "tooling-venv"
    environ = {"OV_TOOLING_VENV": str(location)}
    marked = interpreter.inspect(marked_python)
    said = []
    with odoo_on_path(marked_python, tmp_path, 18):
        python = prepare.tooling_python(marked, environ, log=said.append)
        assert python == str(location / "bin" / "python")
        assert said[0].startswith(f"tooling: {marked_python} is externally managed")
        assert "include-system-site-packages = true" in (location / "pyvenv.cfg").read_text()
        assert odoo_version(python) == 18
        # pip is there, and it installs into the venv, not into the marked interpreter.
        pip = subprocess.run(
            [python, "-m", "pip", "--version"], capture_output=True, text=True, check=True
        )
        assert str(location) in pip.stdout

    created = (location / "pyvenv.cfg").stat().st_mtime_ns
    said.clear()
    assert prepare.tooling_python(marked, environ, log=said.append) == python
    assert said == [f"tooling: using the virtual environment {location}"]
    assert (location / "pyvenv.cfg").stat().st_mtime_ns == created

    # A venv of another interpreter at that place is replaced, and said so.
    shutil.rmtree(location)
    subprocess.run([plain_python, "-m", "venv", "--without-pip", str(location)], check=True)
    said.clear()
    assert prepare.tooling_python(marked, environ, log=said.append) == python
    assert said[0] == (
        f"tooling: {location} was not made from {marked_python} with "
        "--system-site-packages; replacing it"
    )
    assert tooling_venv.made_from(str(location), marked)


def test_a_folder_that_is_no_venv_is_left_alone(marked_python, tmp_path):
    location = tmp_path / "tooling-venv"
    location.mkdir()
    (location / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit, match="exists and is not a virtual environment"):
        prepare.tooling_python(
            interpreter.inspect(marked_python), {"OV_TOOLING_VENV": str(location)}
        )
    assert (location / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    "args",
    [
        ["test"],
        ["test", "--tiers", "pure,odoo"],
        ["demo", "--database", "ov_never_made", "--port", "1"],
        ["bench"],
    ],
)
def test_odoo_missing_stops_before_any_install(marked_python, tmp_path, args):
    proc = _ovdev(marked_python, args, tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == (
        f"Odoo 18.0 is not importable by {marked_python}. Install Odoo 18.0 for this "
        "interpreter (Odoo's Debian or Ubuntu package for the system python3, or a source "
        "checkout on its path with its requirements.txt installed), or name the interpreter "
        "that imports it with PYTHON=, then run again.\n"
    )
    assert proc.stderr == ""
    assert not os.path.exists(tmp_path / "tooling-venv")


def test_another_odoo_version_is_named(plain_python, tmp_path):
    with odoo_on_path(plain_python, tmp_path, 17):
        proc = _ovdev(plain_python, ["test"], tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith(
        f"Odoo 18.0 is not importable by {plain_python} (it imports Odoo 17). Install"
    )


def test_skipping_a_missing_odoo_goes_on_to_the_tooling(plain_python, tmp_path):
    """OV_SKIP_ODOO_IF_MISSING=1 passes the check; a failing pip install is said, not hidden."""
    proc = _ovdev(plain_python, ["test"], tmp_path, OV_SKIP_ODOO_IF_MISSING="1")
    assert proc.returncode == 1
    assert "Odoo 18.0 is not importable" not in proc.stdout
    assert proc.stdout.startswith("tooling: installing pytest>=8, ")
    assert f" into {plain_python}\n" in proc.stdout
    # The copy has no pip: the install fails, and the message names the interpreter.
    assert f"tooling: `{plain_python} -m pip install --quiet pytest>=8" in proc.stderr
    assert proc.stderr.rstrip().endswith(
        f"failed (exit status 1); install these packages into {plain_python} and run again"
    )
