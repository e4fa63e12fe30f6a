"""Each optional addon installs on the base alone and uninstalls leaving nothing.

Run inside Odoo, in one process, on a database that has ``ov_association_base``
(and, so that the capabilities extend installed pairs, ``ov_association_tests``)
and nothing else of this repository::

    python -m ovdev.addon_lifecycle CONFIG DATABASE ADDON [ADDON ...]

For each addon, in order: install the Odoo modules it needs (``mail`` for the
cockpit; they stay), then install it (with the addons of this repository it
depends on), record what it adds, uninstall it (and what was installed with
it), and compare the database with the state before it. What is compared: the
tables, SQL views, triggers, functions, columns, indexes and constraints of
the public schema, the ``ir.ui.view``, ``ir.model``, ``ir.model.fields``,
``ir.ui.menu``, ``ir.cron`` and ``ir.model.access`` records, and the HTTP
routes of the registry. Prints one JSON object: per addon, what it added while installed
and what it left behind (empty when clean), and whether ``mail`` was ever
installed by the base.
"""

import json
import sys

CATALOG = {
    "tables": "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    "sql views": "SELECT viewname FROM pg_views WHERE schemaname = 'public'",
    "triggers": """SELECT c.relname || '.' || t.tgname FROM pg_trigger t
                   JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal""",
    "functions": """SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = 'public'""",
    "columns": """SELECT table_name || '.' || column_name FROM information_schema.columns
                  WHERE table_schema = 'public'""",
    "indexes": "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'",
    "constraints": """SELECT c.conrelid::regclass::text || '.' || c.conname FROM pg_constraint c
                      JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'""",
    "views": "SELECT model || ':' || name || ':' || id FROM ir_ui_view",
    "models": "SELECT model FROM ir_model",
    "fields": "SELECT model || '.' || name FROM ir_model_fields",
    "menus": "SELECT id::text FROM ir_ui_menu",
    "crons": "SELECT id::text FROM ir_cron",
    "access": "SELECT id::text FROM ir_model_access",
}


def _state(env):
    cr = env.cr
    state = {}
    for name, query in CATALOG.items():
        cr.execute(query)
        state[name] = {row[0] for row in cr.fetchall()}
    env.registry.clear_cache("routing")
    state["routes"] = {rule.rule for rule in env["ir.http"].routing_map().iter_rules()}
    return state


def _difference(after, before):
    return {
        name: sorted(after[name] - before[name]) for name in after if after[name] - before[name]
    }


def _native_dependencies(env, addon):
    """The uninstalled modules ``addon`` needs that are not of this
    repository (their names do not start with ``ov_``), dependencies of
    dependencies included."""
    Module = env["ir.module.module"]
    todo, seen = [addon], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        module = Module.search([("name", "=", name)])
        todo.extend(module.dependencies_id.mapped("name"))
    return Module.search(
        [("name", "in", [n for n in seen if not n.startswith("ov_")]), ("state", "!=", "installed")]
    )


def main(config, database, addons):
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])
    report = {"addons": {}}

    def env_of(cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def installed(env):
        env.cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed'")
        return {name for (name,) in env.cr.fetchall()}

    with odoo.modules.registry.Registry(database).cursor() as cr:
        env = env_of(cr)
        report["mail installed"] = "mail" in installed(env)
    for addon in addons:
        with odoo.modules.registry.Registry(database).cursor() as cr:
            env = env_of(cr)
            # Odoo's own dependencies (mail for the cockpit) are installed
            # first and stay: what they leave when uninstalled is Odoo's.
            native = _native_dependencies(env, addon)
            native_names = sorted(native.mapped("name"))
            if native:
                native.button_immediate_install()
        with odoo.modules.registry.Registry(database).cursor() as cr:
            env = env_of(cr)
            before_modules = installed(env)
            before = _state(env)
            env["ir.module.module"].search([("name", "=", addon)]).button_immediate_install()
        with odoo.modules.registry.Registry(database).cursor() as cr:
            env = env_of(cr)
            added_modules = sorted(installed(env) - before_modules)
            added = _difference(_state(env), before)
        with odoo.modules.registry.Registry(database).cursor() as cr:
            env = env_of(cr)
            env["ir.module.module"].search(
                [("name", "in", added_modules)]
            ).button_immediate_uninstall()
        with odoo.modules.registry.Registry(database).cursor() as cr:
            env = env_of(cr)
            report["addons"][addon] = {
                "installed with it": added_modules,
                "Odoo modules installed before it": native_names,
                "added": {name: len(values) for name, values in added.items()},
                "added routes": added.get("routes", []),
                "added columns": added.get("columns", []),
                "left behind": _difference(_state(env), before),
                "still installed": sorted(installed(env) - before_modules),
            }
    print(json.dumps(report, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
