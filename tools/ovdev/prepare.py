"""Before a command runs: Odoo first, then where the tooling goes, then the tooling.

1. When the command needs Odoo and this interpreter cannot import Odoo 18.0,
   stop at once with what to install, before anything is installed.
2. When this interpreter is externally managed (PEP 668), run the command again
   with the project's tooling virtual environment (``tooling_venv``), made from
   this interpreter; a virtual environment, or an interpreter pip may install
   into, runs the command itself.
3. Install what is missing of the tooling into the interpreter that runs.
"""

import os
import sys

from . import interpreter, tooling, tooling_venv
from .odoo_env import odoo_problem

TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tooling_python(here, environ=os.environ, log=print):
    """The interpreter that must run the command and hold its tooling."""
    if here.kind == interpreter.EXTERNALLY_MANAGED:
        return tooling_venv.ensure(here, tooling_venv.location(environ), log=log)
    return here.path


def _rerun(python, argv):
    """Replace this process by ``python -m ovdev argv``; it finds ovdev as this one did."""
    path = os.environ.get("PYTHONPATH", "")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [TOOLS_DIR, path]))}
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(python, [python, "-m", "ovdev", *argv], env)


def prepare(argv, extras, needs_odoo):
    """Check Odoo, choose the interpreter, install the tooling.

    Returns an exit code when the command must stop, None when it may go on
    in this process; does not return when another interpreter takes over.
    """
    if needs_odoo:
        message = odoo_problem()
        if message:
            print(message, flush=True)
            return 1
    python = tooling_python(interpreter.inspect(sys.executable))
    if python != sys.executable:
        _rerun(python, argv)
    tooling.ensure(*extras)
    return None
