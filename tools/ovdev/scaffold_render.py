"""``make pair``'s render step: the files of a pair addon from a checked
:class:`~ovdev.scaffold_checks.Spec` and an introspected
:class:`~ovdev.scaffold_checks.Target`, without Odoo (testable on its own).
"""

import json
import os
import re
from xml.sax.saxutils import escape

from . import scaffold_templates as tpl
from .readme_rst import readme_rst
from .scaffold_checks import load_policy


def camel(name):
    return "".join(part.capitalize() for part in name.split("_"))


def py_string(text):
    return json.dumps(text, ensure_ascii=False)


def py_tuple(items):
    if not items:
        return "()"
    if len(items) == 1:
        return f"({py_string(items[0])},)"
    return "(" + ", ".join(py_string(item) for item in items) + ")"


def _lower_first(text):
    """Words in running text: "Lead/Opportunity" is "lead/opportunity", "CRM" stays."""
    return re.sub(r"\b[A-Z][a-z]+\b", lambda match: match.group(0).lower(), text)


def names(spec, target):
    """Every name the templates use, derived once."""
    desc = target.description.strip() or spec.model
    # Odoo's action name, e.g. "Leads"; "All Tasks" says "Tasks".
    noun = re.sub(r"^All ", "", target.native_action_name.strip()) or desc
    if spec.menu:
        noun = spec.menu[3:].strip() if spec.menu.startswith("My ") else spec.menu
    # The base names the menu from the pair's _ov_records_label (pair_records.py).
    menu = f"My {noun}"
    noun_lower = _lower_first(noun)
    group_label = f"{target.app}: governed {noun_lower} only"
    values = {
        "addon": spec.addon,
        "name": spec.name,
        "model": spec.model,
        "sa_model": f"ov.sa_{spec.name}",
        "actor_model": f"ov.actor_sa_{spec.name}",
        "sa_table": f"ov_sa_{spec.name}",
        "actor_table": f"ov_actor_sa_{spec.name}",
        "sa_class": f"OvSa{camel(spec.name)}",
        "actor_class": f"OvActorSa{camel(spec.name)}",
        "test_class": f"TestOvSa{camel(spec.name)}",
        "target_field": f"{spec.name}_id",
        "parent_field": f"sa_{spec.name}_id",
        "policy": spec.policy,
        "desc": desc,
        "desc_lower": _lower_first(desc),
        "noun": noun,
        "noun_lower": noun_lower,
        "menu": menu,
        "app": target.app,
        "group_label": group_label,
        "title": f"Association Governance: {noun}",
        "summary": f"Govern {noun_lower} through SA and actor association rows",
        "model_xmlid": target.model_xmlid,
        "native_action": target.native_action,
        "form_view": target.form_view,
        "form_view_name": target.form_view.split(".", 1)[-1],
        "sa_code": spec.name.upper().replace("_", "-") + "-SMOKE",
    }
    # The same, escaped for XML text (x_…).
    for key in ("desc", "desc_lower", "noun", "noun_lower", "menu", "group_label"):
        values[f"x_{key}"] = escape(values[key], {'"': "&quot;"})
    return values


def _value_expression(entry, desc_lower):
    kind = entry["type"]
    if kind in ("char", "text", "html"):
        label = desc_lower.replace("{", "{{").replace("}", "}}")
        return "f" + py_string(f"Conformance {label} {{sequence}}")
    if kind == "many2one":
        return f"self.env[{py_string(entry['comodel'])}].search([], limit=1).id"
    if kind == "selection":
        return py_string(entry.get("value", "")) if isinstance(entry.get("value"), str) else "1"
    if kind in ("integer", "float", "monetary"):
        return "1"
    if kind == "boolean":
        return "True"
    if kind == "date":
        return "fields.Date.today()"
    if kind == "datetime":
        return "fields.Datetime.now()"
    return None


def target_values(target, desc_lower):
    """The body of ``_ov_conformance_target_values``'s dict, and what it could not fill."""
    lines, unfilled = [], []
    for entry in target.required:
        expression = _value_expression(entry, desc_lower)
        if expression is None:
            unfilled.append(entry["name"])
            lines.append(f"            # {entry['name']} ({entry['type']}): give it a value.")
            continue
        lines.append(f"            {py_string(entry['name'])}: {expression},")
    if not lines:
        return "", unfilled
    return "\n" + "\n".join(lines) + "\n        ", unfilled


def smoke_kinds(spec):
    """An SA-layer kind and an actor kind its rows admit (policy.ACTOR_KINDS_ADMITTED)."""
    rules = load_policy()
    sa_kind = spec.kinds[0]
    for kind in spec.kinds:
        if rules.actor_kind_admitted(sa_kind, kind):
            return sa_kind, kind
    raise ValueError(f"no kind of {spec.kinds} admits an actor row under {sa_kind}")


def render_model(spec, target, n):
    required, ondelete = load_policy().DELETION_POLICIES[spec.policy]
    options = ("        required=True,\n" if required else "") + (
        f"        ondelete={py_string(ondelete)},\n"
    )
    values, _unfilled = target_values(target, n["desc_lower"])
    if target.reader_groups:
        reader_comment = f"who may read {spec.model}"
    else:
        reader_comment = f"internal users read {spec.model}"
    return tpl.MODELS.substitute(
        n,
        sa_description=py_string(f"SA association of a {n['desc_lower']}"),
        actor_description=py_string(f"Actor association of a {n['desc_lower']}"),
        kinds=py_tuple(spec.kinds),
        exclusive=py_tuple(spec.exclusive),
        target_string=py_string(n["desc"]),
        target_options=options,
        check_company="        check_company=True,\n" if target.has_company else "",
        target_values=values,
        reader_comment=reader_comment,
        reader_groups=", ".join(py_string(g) for g in target.reader_groups),
        records_label=py_string(n["noun"]),
    )


def render(spec, target):
    """{path inside the addon: text} of every file of the pair addon."""
    n = names(spec, target)
    sa_kind, actor_kind = smoke_kinds(spec)
    depends = ", ".join(py_string(d) for d in ("ov_association_base", *spec.depends))
    manifest_text = tpl.MANIFEST.substitute(
        n, title=py_string(n["title"]), summary=py_string(n["summary"]), depends=depends
    )
    manifest = {
        "name": n["title"],
        "license": "AGPL-3",
        "author": "ov_association contributors",
        "website": "https://github.com/ov-association/ov_association",
        "development_status": "Alpha",
    }
    sentence = tpl.POLICY_SENTENCES[spec.policy].replace("${desc_lower}", n["desc_lower"])
    description = tpl.DESCRIPTION.substitute(n, policy_sentence=sentence)
    usage = tpl.USAGE.substitute(n)
    button = tpl.BUTTON_ARCH[target.button_anchor].substitute(button=tpl.BUTTON)
    addon = spec.addon
    return {
        "__manifest__.py": manifest_text,
        "__init__.py": "from . import models\n",
        "models/__init__.py": f"from . import {addon}\n",
        f"models/{addon}.py": render_model(spec, target, n),
        "security/governed_only.xml": tpl.GOVERNED_ONLY.substitute(n),
        "views/governed_views.xml": tpl.GOVERNED_VIEWS.substitute(n, button_arch=button),
        "tests/__init__.py": f"from . import test_{addon}\n",
        f"tests/test_{addon}.py": tpl.SMOKE_TEST.substitute(
            n, sa_kind=sa_kind, actor_kind=actor_kind
        ),
        "readme/DESCRIPTION.md": description,
        "readme/USAGE.md": usage,
        "README.rst": readme_rst(manifest, description, usage),
        "pyproject.toml": tpl.PYPROJECT,
    }


def write(folder, files):
    """Write ``files`` under ``folder`` (which must not exist); the paths written."""
    os.makedirs(folder)
    written = []
    for path, text in files.items():
        full = os.path.join(folder, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        written.append(full)
    return written
