"""``make mutants``: plant each bug of ``mutants_list`` and run the tests that must catch it.

Nothing here touches the working tree: the repository's files (tracked, and
untracked but not ignored) are copied to a scratch directory, and each bug is
applied there, one at a time, then undone. A baseline database is made once
from the template (``--template``) and updated to the scratch copy's code;
for each bug a copy of it is updated with ``-u`` of the addon the bug touches
and the bug's tests run against it with pytest-odoo (pure-tier tests, under
``tests/``, run with ``-p no:odoo``). The unchanged code runs the same tests
first: a test that fails without any bug would make every bug look caught.

A bug is *caught* when one of its tests fails (or the update itself fails,
said so), *survived* when they all pass. The table ends the run; the exit
status is non-zero if any bug survived or the baseline failed.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from . import pg
from .addons import REPO_ROOT, repo_addons
from .mutants_list import MUTANTS
from .odoo_env import initdb_command, odoo_addons_paths

# The odoo tier's click-odoo-initdb cache: after `make test`, the base is a copy of its template.
from .tiers import TEMPLATE_CACHE_PREFIX

PURE_PREFIX = "tests/"

CREATEDB_TRIES = 5


@dataclass
class Outcome:
    name: str
    verdict: str  # caught | survived | error
    detail: str
    seconds: float


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="ovdev mutants", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--template",
        default="",
        help="database with every addon installed to start from (default: none; the base is "
        "built with click-odoo-initdb, from the odoo tier's cached template when it has one)",
    )
    parser.add_argument("--only", default="", help="comma-separated bug names (default: all)")
    parser.add_argument(
        "--database-prefix",
        default=f"ovmut_{os.getpid()}",
        help="prefix of the scratch databases (dropped at the end)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the run without bugs")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--list", action="store_true", help="print the bugs and stop")
    args = parser.parse_args(argv)
    known = {mutant.name for mutant in MUTANTS}
    args.only = [name for name in args.only.split(",") if name]
    unknown = sorted(set(args.only) - known)
    if unknown:
        parser.error(f"--only: unknown bugs {', '.join(unknown)} (see --list)")
    return args


def selected(only):
    return [mutant for mutant in MUTANTS if not only or mutant.name in only]


def apply(text, mutant):
    """``text`` with the bug planted; the snippet must occur exactly once."""
    count = text.count(mutant.original)
    if count != 1:
        raise ValueError(f"{mutant.name}: its snippet occurs {count} times in {mutant.path}")
    return text.replace(mutant.original, mutant.replacement)


def copy_repository(destination):
    """The files git knows of (tracked, or untracked and not ignored), as they are now."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in listed:
        relative = raw.decode()
        source = os.path.join(REPO_ROOT, relative)
        if not relative or not os.path.isfile(source):
            continue  # deleted in the working tree
        target = os.path.join(destination, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target)


def write_config(path, root, server, data_dir):
    options = {
        **server.odoo_options(),
        "addons_path": ",".join([root, *odoo_addons_paths()]),
        "data_dir": data_dir,
    }
    with open(path, "w", encoding="utf-8") as f:
        f.write("[options]\n")
        f.writelines(f"{key} = {value}\n" for key, value in options.items())
    return path


class Run:
    """One scratch copy, its configuration and its databases."""

    def __init__(self, root, server, template, prefix):
        self.root, self.server, self.template = root, server, template
        self.base, self.scratch = f"{prefix}_base", f"{prefix}_bug"
        self.config = write_config(
            os.path.join(root, ".mutants-odoo.conf"), root, server, os.path.join(root, ".data")
        )
        self.env = {**os.environ, **server.libpq_env()}
        self.env.pop("ODOO_RC", None)

    def _command(self, command, log):
        with open(log, "a", encoding="utf-8") as out:
            out.write("+ " + " ".join(command) + "\n")
            out.flush()
            return subprocess.run(
                command, cwd=self.root, env=self.env, stdout=out, stderr=subprocess.STDOUT
            ).returncode

    def copy_database(self, source, name, log):
        pg.drop_database(self.server, name)
        for attempt in range(CREATEDB_TRIES):
            # Another session connected to the template makes CREATE DATABASE fail.
            if not self._command(["createdb", "-T", source, name], log):
                return True
            time.sleep(2 + attempt * 3)
        return False

    def initdb(self, database, addons, log):
        """``database`` with every addon, as the odoo tier builds it (and from its cache)."""
        pg.drop_database(self.server, database)
        command = initdb_command(self.config, database, addons, TEMPLATE_CACHE_PREFIX)
        return self._command(command, log) == 0

    def update(self, database, addons, log):
        command = [sys.executable, "-m", "odoo", "-c", self.config, "-d", database]
        command += ["-u", ",".join(addons), "--stop-after-init", "--log-level=warn"]
        return self._command(command, log) == 0

    def pytest(self, database, nodes, log):
        """pytest's exit code over ``nodes`` (5: nothing ran)."""
        pure = [node for node in nodes if node.startswith(PURE_PREFIX)]
        odoo = [node for node in nodes if not node.startswith(PURE_PREFIX)]
        codes = []
        base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        if pure:
            codes.append(self._command([*base, "-p", "no:odoo", *pure], log))
        if odoo:
            options = [
                f"--odoo-config={self.config}",
                f"--odoo-database={database}",
                "--odoo-log-level=warn",
                "--odoo-http",
            ]
            codes.append(self._command([*base, *options, *odoo], log))
        failed = [code for code in codes if code not in (0, 5)]
        if failed:
            return failed[0]
        return 0 if 0 in codes else 5


def run_one(run, mutant, log):
    """Plant ``mutant`` (None: the unchanged code), test, undo."""
    started = time.monotonic()
    path = os.path.join(run.root, mutant.path) if mutant else None
    original = None
    if mutant:
        with open(path, encoding="utf-8") as f:
            original = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(apply(original, mutant))
    try:
        nodes = mutant.tests if mutant else sorted({t for m in MUTANTS for t in m.tests})
        if not run.copy_database(run.base, run.scratch, log):
            return Outcome(_name(mutant), "error", "could not copy the database", 0)
        addons = [mutant.addon] if mutant else []
        if addons and not run.update(run.scratch, addons, log):
            return Outcome(_name(mutant), "caught", "the update failed", _since(started))
        code = run.pytest(run.scratch, nodes, log)
        if code == 5:
            return Outcome(_name(mutant), "error", "no test ran", _since(started))
        if code:
            return Outcome(_name(mutant), "caught", f"pytest exit {code}", _since(started))
        return Outcome(_name(mutant), "survived", "every test passed", _since(started))
    finally:
        if mutant:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        pg.drop_database(run.server, run.scratch)


def _name(mutant):
    return mutant.name if mutant else "(no bug: baseline)"


def _since(started):
    return time.monotonic() - started


def table(outcomes):
    width = max(len(o.name) for o in outcomes)
    lines = [f"{'bug'.ljust(width)}  verdict   seconds  detail"]
    for o in outcomes:
        lines.append(f"{o.name.ljust(width)}  {o.verdict.ljust(8)}  {o.seconds:7.0f}  {o.detail}")
    caught = sum(o.verdict == "caught" for o in outcomes)
    lines.append(f"mutants: {caught} caught, {len(outcomes) - caught} survived or errored")
    return "\n".join(lines)


def main(argv):
    args = parse_args(argv)
    mutants = selected(args.only)
    if args.list:
        for mutant in mutants:
            print(f"{mutant.name}: {mutant.path}: {mutant.description}")
        return 0
    server = pg.discover()
    if not pg.answers(server):
        print(f"mutants: no PostgreSQL answers at {server.host}:{server.port}")
        return 2
    root = tempfile.mkdtemp(prefix="ov-mutants-")
    log = os.path.join(root, "mutants.log")
    print(f"mutants: scratch copy {root}, log {log}", flush=True)
    copy_repository(root)
    run = Run(root, server, args.template, args.database_prefix)
    outcomes = []
    try:
        if args.template:
            if not run.copy_database(args.template, run.base, log):
                print(f"mutants: could not copy the template database {args.template}")
                return 2
        elif not run.initdb(run.base, repo_addons(root), log):
            print(f"mutants: could not build {run.base} with every addon (see {log})")
            return 2
        # The template may predate the code: bring it to the scratch copy's.
        if not run.update(run.base, repo_addons(root), log):
            print(f"mutants: updating {run.base} to this code failed (see {log})")
            return 2
        if not args.no_baseline:
            baseline = run_one(run, None, log)
            if baseline.verdict != "survived":  # without a bug, every test must pass
                print(f"mutants: baseline {baseline.detail}: the tests fail without any bug")
                return 1
            print(f"mutants: baseline passes ({baseline.seconds:.0f}s)", flush=True)
        for mutant in mutants:
            outcome = run_one(run, mutant, log)
            print(f"{outcome.name}: {outcome.verdict} ({outcome.detail})", flush=True)
            outcomes.append(outcome)
    finally:
        pg.drop_database(server, run.scratch)
        pg.drop_database(server, run.base)
        if not args.keep:
            kept = os.path.join(tempfile.gettempdir(), f"ov-mutants-{os.getpid()}.log")
            if os.path.exists(log):
                shutil.copy(log, kept)
                print(f"mutants: log kept in {kept}")
            shutil.rmtree(root, ignore_errors=True)
    print(table(outcomes))
    return 0 if outcomes and all(o.verdict == "caught" for o in outcomes) else 1
