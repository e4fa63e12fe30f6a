"""``make pair``: what is asked (:class:`Spec`), what was found (:class:`Target`),
and the refusals decided without Odoo (names, policy, kinds, folders, the pairs
of the repository read from their sources).

Every refusal is a :class:`Refusal` whose message is one line naming the
problem; the command prints it and exits with code 2.
"""

import ast
import importlib.util
import os
import re
from dataclasses import dataclass, field

from .addons import REPO_ROOT

# A pair's tables are ov_sa_<name> and ov_actor_sa_<name>; the base names
# indexes after them (``<table>_ov_exclusive_active_uniq``, the longest) and
# PostgreSQL keeps 63 characters of a name.
MAX_NAME = 25
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
# <name>_id would be a field the association mixins already have.
RESERVED_NAMES = frozenset(
    {"sa", "company", "actor", "ov_target", "handed_over_from", "handed_over_to", "parent"}
)
MODEL_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
XMLID_PATTERN = re.compile(r"[a-z0-9_]+\.[A-Za-z0-9_.]+")
DEFAULT_POLICY = "dependent"
DEFAULT_KINDS = ("assignment", "access")
DEFAULT_EXCLUSIVE = ("assignment",)


class Refusal(Exception):
    """A request ``make pair`` refuses; the message names the problem."""


def load_policy(root=REPO_ROOT):
    """The base's ``policy.py`` (plain data, no Odoo import), loaded from its file."""
    path = os.path.join(root, "ov_association_base", "policy.py")
    spec = importlib.util.spec_from_file_location("ov_scaffold_policy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Spec:
    """A pair to write, as asked on the command line, checked by :func:`make_spec`."""

    name: str
    model: str
    depends: tuple
    policy: str = DEFAULT_POLICY
    kinds: tuple = DEFAULT_KINDS
    exclusive: tuple = DEFAULT_EXCLUSIVE
    reader_group: str = ""
    menu: str = ""
    out: str = REPO_ROOT

    @property
    def addon(self):
        return f"ov_sa_{self.name}"

    @property
    def folder(self):
        return os.path.join(self.out, self.addon)


@dataclass
class Target:
    """What introspection found of the native class (``scaffold_introspect``)."""

    model: str
    description: str
    model_xmlid: str
    app: str
    native_action: str
    native_action_name: str
    form_view: str
    # Where the Governance button goes: "button_box", "sheet" or "form".
    button_anchor: str = "button_box"
    has_company: bool = False
    # [{"name", "type", "comodel", "value"}]: required fields without a default.
    required: list = field(default_factory=list)
    reader_groups: list = field(default_factory=list)
    governed_by: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @classmethod
    def from_dict(cls, data):
        names = cls.__dataclass_fields__
        return cls(**{key: value for key, value in data.items() if key in names})


def split_list(text):
    return tuple(item.strip() for item in (text or "").split(",") if item.strip())


def make_spec(
    name,
    model,
    depends="",
    policy=DEFAULT_POLICY,
    kinds="assignment,access",
    exclusive="assignment",
    reader_group="",
    menu="",
    out="",
    root=REPO_ROOT,
):
    """A checked :class:`Spec`, or :class:`Refusal` naming what is wrong."""
    rules = load_policy(root)
    name = (name or "").strip()
    if not name:
        raise Refusal("NAME is empty: give the pair's name, e.g. NAME=crm_lead")
    if not NAME_PATTERN.fullmatch(name) or len(name) > MAX_NAME:
        raise Refusal(
            f"NAME {name!r} is not a lowercase identifier of at most {MAX_NAME} characters"
            " (letters, digits and single underscores, starting with a letter)"
        )
    if name in RESERVED_NAMES:
        raise Refusal(f"NAME {name!r}: its field {name}_id is one the association mixins have")
    model = (model or "").strip()
    if not MODEL_PATTERN.fullmatch(model):
        raise Refusal(f"MODEL {model!r} is not a model name such as crm.lead")
    depends_list = split_list(depends)
    bad = [d for d in depends_list if not re.fullmatch(r"[a-z0-9_]+", d)]
    if bad:
        raise Refusal(f"DEPENDS names no addon: {', '.join(bad)}")
    if policy not in rules.DELETION_POLICIES:
        raise Refusal(
            f"POLICY {policy!r} is not one of {', '.join(sorted(rules.DELETION_POLICIES))}"
        )
    known = [value for value, _label in rules.KINDS]
    kinds_list = split_list(kinds)
    if not kinds_list:
        raise Refusal(f"KINDS is empty: give one or more of {', '.join(known)}")
    unknown = [kind for kind in kinds_list if kind not in known]
    if unknown:
        raise Refusal(f"KINDS names unknown kinds {', '.join(unknown)} (known: {', '.join(known)})")
    if len(set(kinds_list)) != len(kinds_list):
        raise Refusal(f"KINDS names a kind twice: {','.join(kinds_list)}")
    exclusive_list = split_list(exclusive)
    stray = [kind for kind in exclusive_list if kind not in kinds_list]
    if stray:
        raise Refusal(
            f"EXCLUSIVE {', '.join(stray)} not in KINDS ({','.join(kinds_list)}):"
            " an exclusive kind must be an allowed one"
        )
    reader_group = (reader_group or "").strip()
    if reader_group and not XMLID_PATTERN.fullmatch(reader_group):
        raise Refusal(f"READER_GROUP {reader_group!r} is not an external id such as module.name")
    menu = " ".join((menu or "").split())
    if menu and any(c in menu for c in "<>&\"'{}\\"):
        raise Refusal(f"MENU {menu!r}: no <, >, &, quotes, braces or backslashes")
    out = os.path.abspath(os.path.expanduser(out or root))
    return Spec(
        name=name,
        model=model,
        depends=depends_list,
        policy=policy,
        kinds=kinds_list,
        exclusive=tuple(k for k in kinds_list if k in exclusive_list),
        reader_group=reader_group,
        menu=menu,
        out=out,
    )


def check_folders(spec, root=REPO_ROOT):
    """Refuse an existing folder, and an addon of that name in the repository."""
    if os.path.exists(spec.folder):
        raise Refusal(f"{spec.folder} exists already: choose another NAME or OUT, or remove it")
    if os.path.normpath(spec.out) != os.path.normpath(root):
        if os.path.exists(os.path.join(root, spec.addon)):
            raise Refusal(f"the repository has an addon {spec.addon} already")
    if os.path.exists(spec.out) and not os.path.isdir(spec.out):
        raise Refusal(f"OUT {spec.out} is not a folder")


# ----------------------------------------------------------------------
# The pairs of a tree of addons, from their sources
# ----------------------------------------------------------------------
def _constant(node):
    return node.value if isinstance(node, ast.Constant) else None


def _inherits_sa_layer(body):
    for node in body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "_inherit" for t in node.targets
        ):
            value = node.value
            values = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
            return "ov.sa.association.mixin" in [_constant(v) for v in values]
    return False


def _sa_layers(source):
    """``(SA-layer model, target model)`` of each SA layer declared in ``source``."""
    found = []
    for cls in ast.walk(ast.parse(source)):
        if not isinstance(cls, ast.ClassDef) or not _inherits_sa_layer(cls.body):
            continue
        assigned = {}
        for node in cls.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    assigned[target.id] = node.value
        name = _constant(assigned.get("_name"))
        target_field = _constant(assigned.get("_ov_target_field"))
        call = assigned.get(target_field) if target_field else None
        comodel = None
        if isinstance(call, ast.Call):
            if call.args:
                comodel = _constant(call.args[0])
            for keyword in call.keywords:
                if keyword.arg == "comodel_name":
                    comodel = _constant(keyword.value)
        if name and comodel:
            found.append((name, comodel))
    return found


def tree_layers(roots):
    """``(addon, SA-layer model, target model)`` of each SA layer of the addons under ``roots``."""
    layers = []
    for root in dict.fromkeys(os.path.abspath(r) for r in roots):
        if not os.path.isdir(root):
            continue
        for addon in sorted(os.listdir(root)):
            folder = os.path.join(root, addon)
            if not os.path.isfile(os.path.join(folder, "__manifest__.py")):
                continue
            for dirpath, _dirs, files in os.walk(folder):
                for file in sorted(files):
                    if not file.endswith(".py"):
                        continue
                    with open(os.path.join(dirpath, file), encoding="utf-8") as f:
                        source = f.read()
                    if "ov.sa.association.mixin" not in source:
                        continue
                    try:
                        found = _sa_layers(source)
                    except SyntaxError:
                        continue
                    layers.extend((addon, sa_model, comodel) for sa_model, comodel in found)
    return layers


def tree_pairs(roots):
    """{target model: "addon (SA-layer model)"} of the addons under ``roots``."""
    pairs = {}
    for addon, sa_model, comodel in tree_layers(roots):
        pairs.setdefault(comodel, f"{addon} ({sa_model})")
    return pairs


def check_not_governed(spec, root=REPO_ROOT):
    """Refuse a model a pair of the repository (or of OUT) governs already, and
    a name whose SA-layer model one of their addons declares already."""
    layers = tree_layers([root, spec.out])
    owner = {comodel: f"{addon} ({sa})" for addon, sa, comodel in reversed(layers)}
    if spec.model in owner:
        raise Refusal(f"{spec.model} is governed already, by {owner[spec.model]}")
    taken = {sa: addon for addon, sa, _comodel in layers}
    sa_model = f"ov.sa_{spec.name}"
    if sa_model in taken:
        raise Refusal(f"NAME {spec.name!r}: {taken[sa_model]} declares {sa_model} already")
