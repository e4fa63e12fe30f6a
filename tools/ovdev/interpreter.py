"""What kind of interpreter runs a command: where pip may put the tooling.

Three kinds, decided as pip decides (PEP 668):

* ``venv``: a virtual environment; pip installs into it, whatever its base is.
* ``externally-managed``: not a virtual environment, and its standard library
  folder holds an ``EXTERNALLY-MANAGED`` file (Debian's and Ubuntu's
  ``/usr/bin/python3``); pip refuses to install into it.
* ``plain``: any other interpreter (pyenv, a self-built Python); pip installs
  into it.

The interpreter is asked in a subprocess, so any interpreter can be inspected,
not only the one running this code.
"""

import json
import subprocess
from dataclasses import dataclass

VENV = "venv"
EXTERNALLY_MANAGED = "externally-managed"
PLAIN = "plain"

_PROBE = """\
import json, os, sys, sysconfig
marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
print(json.dumps({
    "venv": sys.prefix != sys.base_prefix or hasattr(sys, "real_prefix"),
    "marker": marker if os.path.isfile(marker) else "",
    "base_prefix": sys.base_prefix,
    "version": "%d.%d.%d" % sys.version_info[:3],
}))
"""


class InterpreterError(Exception):
    """The interpreter could not be run."""


@dataclass(frozen=True)
class Interpreter:
    path: str
    kind: str
    base_prefix: str
    version: str
    marker: str = ""  # the EXTERNALLY-MANAGED file, for that kind only


def inspect(python):
    """The :class:`Interpreter` ``python`` is; InterpreterError if it cannot run."""
    try:
        proc = subprocess.run(
            [python, "-I", "-c", _PROBE], capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise InterpreterError(f"{python} cannot be run: {error}") from error
    if proc.returncode:
        raise InterpreterError(f"{python} cannot be run: {proc.stderr.strip()}")
    facts = json.loads(proc.stdout)
    if facts["venv"]:
        kind, marker = VENV, ""
    elif facts["marker"]:
        kind, marker = EXTERNALLY_MANAGED, facts["marker"]
    else:
        kind, marker = PLAIN, ""
    return Interpreter(python, kind, facts["base_prefix"], facts["version"], marker)
