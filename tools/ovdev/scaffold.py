"""``make pair``: write a pair addon ``ov_sa_<name>`` for a native model.

Three steps: check what is asked (``scaffold_checks``, no Odoo), introspect
the model in a real registry (``scaffold_introspect``, in a subprocess, on a
database with DEPENDS installed: ``ovscaffold_<hash of DEPENDS>``, built once
by click-odoo-initdb and reused), and render the files (``scaffold_render``,
no Odoo). A refusal prints one line naming the problem and exits with 2.
"""

import configparser
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

from . import pg
from .addons import REPO_ROOT
from .odoo_env import odoo_addons_paths, write_config
from .scaffold_checks import (
    Refusal,
    Target,
    check_folders,
    check_not_governed,
    make_spec,
)
from .scaffold_introspect import MARKER
from .scaffold_render import names, render, target_values, write

DATABASE_PREFIX = "ovscaffold_"
TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFUSED = 2


def introspection_database(depends):
    """The database holding DEPENDS, named after them (sorted, deduplicated)."""
    modules = sorted(set(depends)) or ["base"]
    digest = hashlib.sha1(",".join(modules).encode()).hexdigest()[:12]
    return DATABASE_PREFIX + digest, modules


def check_depends_exist(depends, config):
    """Refuse an addon of DEPENDS that is on no folder of the configuration's addons_path."""
    parser = configparser.ConfigParser()
    parser.read(config)
    paths = parser.get("options", "addons_path").split(",")
    for name in depends:
        if not any(os.path.isfile(os.path.join(p, name, "__manifest__.py")) for p in paths):
            raise Refusal(f"DEPENDS {name}: no such addon on the addons path ({', '.join(paths)})")


def _installed(server, database, modules):
    """True when ``database`` exists and has every module of ``modules`` installed."""
    conn = pg.connect(server)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
            if not cur.fetchone():
                return None
    finally:
        conn.close()
    try:
        conn = pg.connect(server, database)
    except Exception:  # a database one cannot open is rebuilt
        return False
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM ir_module_module WHERE state = 'installed'"
                " AND name = ANY(%s)",
                (modules,),
            )
            return cur.fetchone()[0] == len(modules)
    except Exception:  # not an Odoo database (yet)
        return False
    finally:
        conn.close()


def ensure_database(server, config, depends, refresh=False, log=print):
    """The introspection database, built unless it is there with DEPENDS installed."""
    database, modules = introspection_database(depends)
    lock = pg.connect(server)
    try:
        with lock.cursor() as cur:
            # Two runs for the same DEPENDS build it once.
            cur.execute("SELECT pg_advisory_lock(hashtext(%s))", (database,))
        state = _installed(server, database, modules)
        if state and not refresh:
            log(f"pair: introspecting in {database} ({', '.join(modules)} installed)")
            return database
        if state is not None:
            pg.drop_database(server, database)
        log(f"pair: building {database} with {', '.join(modules)} (once; later runs reuse it)")
        started = time.monotonic()
        command = [sys.executable, "-m", "click_odoo_contrib.initdb", "-c", config]
        command += ["-n", database, "-m", ",".join(modules), "--no-cache", "--no-demo"]
        command += ["--attachments-in-db", "--log-level", "warn"]
        proc = subprocess.run(
            command,
            env={**os.environ, **server.libpq_env()},
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode:
            pg.drop_database(server, database)
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
            raise Refusal(f"installing {', '.join(modules)} failed: " + " | ".join(tail)[-600:])
        log(f"pair: {database} ready in {time.monotonic() - started:.0f}s")
        return database
    finally:
        lock.close()


def run_introspection(server, config, database, spec):
    command = [sys.executable, "-m", "ovdev.scaffold_introspect", config, database]
    command += [spec.model, ",".join(spec.depends) or "base", spec.reader_group]
    path = os.pathsep.join(filter(None, [TOOLS_DIR, os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        command,
        env={**os.environ, **server.libpq_env(), "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    tail = proc.stderr.strip().splitlines()[-5:]
    raise RuntimeError(f"introspection of {spec.model} failed: " + " | ".join(tail))


def introspect(spec, refresh=False, log=print):
    """A :class:`Target` for ``spec.model``, read in a registry with DEPENDS."""
    with tempfile.TemporaryDirectory(prefix="ov-pair-") as workdir, pg.server() as server:
        config = write_config(os.path.join(workdir, "odoo.conf"), server, workdir)
        check_depends_exist(spec.depends, config)
        database = ensure_database(server, config, spec.depends, refresh, log)
        found = run_introspection(server, config, database, spec)
    if "error" in found:
        raise Refusal(found["error"])
    target = Target.from_dict(found)
    if target.governed_by:
        raise Refusal(f"{spec.model} is governed already, by {', '.join(target.governed_by)}")
    return target


def report_target(spec, target, log=print):
    n = names(spec, target)
    _values, unfilled = target_values(target, n["desc_lower"])
    required = ", ".join(f"{e['name']} ({e['type']})" for e in target.required) or "none"
    readers = ", ".join(target.reader_groups) or "none needed"
    rows = [
        ("model", f"{target.model} ({target.description}), {target.model_xmlid}"),
        ("app", target.app),
        ("company_id", "yes: check_company=True" if target.has_company else "no"),
        ("required, no default", required),
        ("reader group", readers + (" (READER_GROUP)" if spec.reader_group else "")),
        ("native action", f"{target.native_action} ({target.native_action_name!r})"),
        ("form view", f"{target.form_view} (button in {target.button_anchor})"),
        ("menu, group", f"{n['menu']!r}, {n['group_label']!r}"),
    ]
    for label, value in rows:
        log(f"  {label + ':':<22}{value}")
    for note in target.notes:
        log(f"  note: {note}")
    for name in unfilled:
        log(f"  note: _ov_conformance_target_values cannot fill {name}: give it a value")


def repository_lines(spec, n):
    """The lines the repository's lists need for a new addon at its root."""
    depends = ", ".join(f'"{d}"' for d in ("ov_association_base", *spec.depends))
    kinds = tuple(spec.kinds)
    exclusive = tuple(spec.exclusive)
    return [
        "pair: OUT is the repository: add these lines (this command edits neither file):",
        "  tests/test_packaging.py, in EXPECTED_DEPENDS:",
        f'    "{spec.addon}": {{{depends}}},',
        "  setup/_metapackage/pyproject.toml, in dependencies (sorted):",
        f'    "odoo-addon-{spec.addon}==18.0.*",',
        "  optionally ov_association_tests/tests/contract_tables.py, in PAIRS (the",
        "  conformance suite then checks the declaration as written out):",
        f'    "{n["sa_model"]}": {{',
        f'        "target_field": "{n["target_field"]}",',
        f'        "deletion_policy": "{spec.policy}",',
        f'        "allowed": {kinds!r},',
        f'        "exclusive": {exclusive!r},',
        f'        "actor_model": "{n["actor_model"]}",',
        f'        "parent_field": "{n["parent_field"]}",',
        f'        "actor_allowed": {kinds!r},',
        f'        "actor_exclusive": {exclusive!r},',
        "    },",
    ]


def next_steps(spec):
    """How to install the new addon and run its tests and the conformance suite."""
    if os.path.normpath(spec.out) == os.path.normpath(REPO_ROOT):
        return [f"pair: next: make test TIERS=odoo ADDONS={spec.addon}"]
    addons_path = ",".join([spec.out, REPO_ROOT, *odoo_addons_paths()])
    tags = f"/{spec.addon},/ov_association_tests:TestConformance"
    return [
        "pair: next: install it with the conformance suite and run both, e.g.",
        f"  OV_CONFORMANCE_ADDONS={spec.addon} {os.path.basename(sys.executable)} -m odoo"
        f" [-c <your Odoo configuration>] --addons-path={addons_path} -d <new database>"
        f" -i {spec.addon},ov_association_tests --test-enable --test-tags {tags}"
        " --stop-after-init",
    ]


def run(
    name,
    model,
    depends="",
    policy="dependent",
    kinds="assignment,access",
    exclusive="assignment",
    reader_group="",
    menu="",
    out="",
    refresh=False,
    log=print,
    before_odoo=None,
    root=REPO_ROOT,
):
    """``make pair``; returns the exit code (2: refused).

    ``before_odoo`` runs once what needs no Odoo is checked, before the
    introspection: an exit code it returns stops the command (``prepare``).
    ``root`` is the repository whose pairs and folders count (tests give the
    committed tree, so that a pair scaffolded into the working tree is not one).
    """
    started = time.monotonic()
    try:
        spec = make_spec(
            name, model, depends, policy, kinds, exclusive, reader_group, menu, out, root=root
        )
        check_folders(spec, root=root)
        check_not_governed(spec, root=root)
        stop = before_odoo() if before_odoo else None
        if stop is not None:
            return stop
        target = introspect(spec, refresh, log)
    except Refusal as refusal:
        print(f"pair: refused: {refusal}", file=sys.stderr, flush=True)
        return REFUSED
    except RuntimeError as error:
        print(f"pair: failed: {error}", file=sys.stderr, flush=True)
        return 1
    log(f"pair: found, for {spec.addon}:")
    report_target(spec, target, log)
    written = write(spec.folder, render(spec, target))
    log(f"pair: wrote {spec.folder} ({len(written)} files):")
    for path in written:
        log(f"  {os.path.relpath(path, spec.out)}")
    if os.path.normpath(spec.out) == os.path.normpath(REPO_ROOT):
        for line in repository_lines(spec, names(spec, target)):
            log(line)
    for line in next_steps(spec):
        log(line)
    log(f"pair: done in {time.monotonic() - started:.1f}s")
    return 0
