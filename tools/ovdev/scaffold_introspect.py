"""``make pair``'s introspection, run inside Odoo: what a pair of a native model needs.

Run as ``python -m ovdev.scaffold_introspect CONFIG DATABASE MODEL DEPENDS
[READER_GROUP]`` on a database where DEPENDS are installed; prints one line
``OVSCAFFOLD {json}`` (``scaffold_checks.Target``'s fields, or ``{"error": …}``).
Reads only; the transaction is rolled back.
"""

import json
import sys

MARKER = "OVSCAFFOLD "
MAGIC = ("id", "create_uid", "write_uid", "create_date", "write_date", "display_name")
TRUE_LEAF = (1, "=", 1)


def _xmlid(record):
    return record.get_external_id().get(record.id) or ""


def _module(xmlid):
    return xmlid.split(".", 1)[0] if xmlid else ""


def _closure(env, names):
    """The modules ``names`` need, themselves included (installed ones)."""
    Module = env["ir.module.module"]
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        module = Module.search([("name", "=", name)], limit=1)
        todo.extend(module.dependencies_id.mapped("name"))
    return seen


def _required(env, Model):
    """The required fields of ``Model`` without a default, with a value to give."""
    try:
        defaults = Model.default_get(list(Model._fields))
    except Exception:  # a default that needs a context: no default then
        defaults = {}
    found = []
    for name, field in Model._fields.items():
        # A computed field the user may write (crm.lead's name) may stay empty.
        computed = field.compute and (field.readonly or not field.store)
        if not field.required or name in defaults or computed or field.related:
            continue
        # An _inherits parent is created with the record (crm.team's alias_id).
        if name in MAGIC or not field.store or name in Model._inherits.values():
            continue
        entry = {"name": name, "type": field.type, "comodel": field.comodel_name or ""}
        if field.type == "selection":
            values = field.get_values(env)
            entry["value"] = values[0] if values else ""
        elif field.type == "many2one" and not env[field.comodel_name].search_count([], limit=1):
            entry["empty"] = True
        found.append(entry)
    return found


def _is_true(rule):
    """Whether a rule's domain lets everything through ([(1, '=', 1)] or empty)."""
    from odoo.osv import expression
    from odoo.tools.safe_eval import safe_eval

    if not rule.domain_force:
        return True
    try:
        domain = safe_eval(rule.domain_force, rule._eval_context())
    except Exception:  # a domain evaluated only per user: not trivial
        return False
    leaves = expression.normalize_domain(domain)
    return all(leaf == "&" or tuple(leaf) == TRUE_LEAF for leaf in leaves)


def _reader_groups(env, model, modules, category):
    """The group a user needs to read every record of ``model``: ``[]`` when
    internal users do, else the least one that does (by ir.model.access and
    the group rules it falls under), preferring the model's app category."""
    Access, Rule = env["ir.model.access"], env["ir.rule"]
    lines = Access.search([("model_id.model", "=", model), ("perm_read", "=", True)])
    rules = Rule.search([("model_id.model", "=", model), ("perm_read", "=", True)])
    rules = rules.filtered("groups")
    user = env.ref("base.group_user")

    def reads_all(groups):
        held = groups | groups.trans_implied_ids
        if not any(not line.group_id or line.group_id in held for line in lines):
            return False
        applying = rules.filtered(lambda rule: rule.groups & held)
        return not applying or any(_is_true(rule) for rule in applying)

    if reads_all(user):
        return [], "internal users read every record"
    candidates = []
    for group in env["res.groups"].search([("share", "=", False)]):
        xmlid = _xmlid(group)
        if xmlid and _module(xmlid) in modules and reads_all(group | user):
            candidates.append(group)
    # The least: implied by no other candidate's closure... kept if it implies none.
    least = [
        group
        for group in candidates
        if not any(other != group and other in group.trans_implied_ids for other in candidates)
    ]
    if not least:
        return [], (
            f"no group reads every {model} record (its record rules look at the record):"
            " check _ov_conformance_target_values and _ov_conformance_reader_groups,"
            " or give READER_GROUP"
        )

    def rank(group):
        same = group.category_id == category
        same_root = bool(category) and (group.category_id.parent_id or group.category_id) == (
            category.parent_id or category
        )
        return (not same, not same_root, len(group.trans_implied_ids), _xmlid(group))

    least.sort(key=rank)
    others = ", ".join(_xmlid(g) for g in least[1:])
    return [_xmlid(least[0])], f"also possible: {others}" if others else ""


def _native_action(env, model, modules):
    """Odoo's main window action of ``model``: bound to a menu, a browsing view
    first (list or kanban), without a domain, the first one."""
    Menu = env["ir.ui.menu"].with_context(**{"ir.ui.menu.full_list": True})
    found = []
    for action in env["ir.actions.act_window"].search([("res_model", "=", model)], order="id"):
        xmlid = _xmlid(action)
        if not xmlid or _module(xmlid) not in modules:
            continue
        menus = Menu.search([("action", "=", f"ir.actions.act_window,{action.id}")])
        first_view = (action.view_mode or "").split(",")[0]
        rank = (
            not menus,
            first_view not in ("list", "kanban"),
            bool(action.binding_model_id),
            action.domain not in (False, "", "[]"),
            action.id,
        )
        root = menus[:1].complete_name.split("/")[0] if menus else ""
        found.append((rank, action, xmlid, root))
    if not found:
        return None, "", ""
    _rank, action, xmlid, root = min(found, key=lambda item: item[0])
    return action, xmlid, root


def _form_view(env, model, action):
    """The primary form view ``action`` opens (its own, or the model's default)."""
    View = env["ir.ui.view"]
    view = View.browse()
    if action:
        view = action.view_ids.filtered(lambda v: v.view_mode == "form").view_id[:1]
        if not view and action.view_id.type == "form":
            view = action.view_id
    if not view:
        view = View.browse(View.default_view(model, "form"))
    if not view:
        return "", "form"
    combined = view._get_combined_arch()
    if combined.xpath("//div[@name='button_box']"):
        anchor = "button_box"
    elif combined.xpath("//sheet"):
        anchor = "sheet"
    else:
        anchor = "form"
    return _xmlid(view), anchor


def introspect(env, model, depends, reader_group=""):
    if model not in env.registry:
        return {"error": f"{model} is no model of the registry with {', '.join(depends)} installed"}
    Model = env[model]
    if Model._abstract or Model._transient or not Model._auto:
        return {"error": f"{model} is not a stored model (abstract, transient or an SQL view)"}
    modules = _closure(env, depends)
    module = env["ir.module.module"].search([("name", "=", Model._original_module)], limit=1)
    ir_model = env["ir.model"]._get(model)
    xmlids = env["ir.model.data"].search([("model", "=", "ir.model"), ("res_id", "=", ir_model.id)])
    model_xmlid = next(
        (x.complete_name for x in xmlids if x.module == Model._original_module),
        xmlids[:1].complete_name or "",
    )
    notes = []
    if reader_group:
        group = env.ref(reader_group, raise_if_not_found=False)
        if group is None or group._name != "res.groups":
            return {"error": f"READER_GROUP {reader_group}: no such group with DEPENDS installed"}
        reader_groups = [reader_group]
    else:
        reader_groups, note = _reader_groups(env, model, modules, module.category_id)
        if note:
            notes.append(f"reader group: {note}")
    action, action_xmlid, app = _native_action(env, model, modules)
    if not action:
        return {"error": f"{model} has no window action (ir.actions.act_window) to open it"}
    form_view, anchor = _form_view(env, model, action)
    if not form_view:
        return {"error": f"{model} has no form view with an external id for the Governance button"}
    company = Model._fields.get("company_id")
    governed_by = []
    if "ov.sa.association.mixin" in env.registry:
        governed_by = env["ov.sa.association.mixin"]._ov_pairs_governing(model)
    required = _required(env, Model)
    for entry in required:
        if entry.get("empty"):
            notes.append(f"{entry['name']}: no {entry['comodel']} record exists yet to point at")
    return {
        "model": model,
        "description": Model._description or model,
        "model_xmlid": model_xmlid,
        "app": app or module.shortdesc or Model._original_module,
        "native_action": action_xmlid,
        "native_action_name": action.name,
        "form_view": form_view,
        "button_anchor": anchor,
        "has_company": bool(
            company and company.type == "many2one" and company.comodel_name == "res.company"
        ),
        "required": required,
        "reader_groups": reader_groups,
        "governed_by": governed_by,
        "notes": notes,
    }


def main(argv):
    config_path, database, model, depends = argv[:4]
    reader_group = argv[4] if len(argv) > 4 else ""
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", config_path, "-d", database, "--log-level=warn"])
    registry = Registry(database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            result = introspect(env, model, [d for d in depends.split(",") if d], reader_group)
        finally:
            cr.rollback()
    print(MARKER + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
