"""18.0.2.0.0: the optional capabilities left the base for addons of their own.

Before, the base held history, explanations, the JSON API, handovers and the
cockpit, and ``ov_association_tests`` held the capabilities' tests and the
migration demo. A database updated with ``-u`` keeps using all of them:

* the records those addons now declare (views, actions, menus, access lines,
  rules, the reminder cron, demo records) move to them by external id, so
  they are updated in place, never deleted and created again (a cron keeps its
  next run, a plan its lines);
* the addons are marked *to install*; Odoo installs them in the same update,
  once the modules being updated are loaded (``load_modules`` installs what
  is marked to install after the update pass), so no table, row, event, plan
  or reminder is lost: each model is declared again, by its new addon, before
  the update ends and removes what nothing declares.

Only what the new addon's own data files declare moves; the ids are read from
those files, so this script cannot drift from them.

The handover links are renamed: ``reassigned_from_id`` / ``reassigned_to_id``
also recorded transfers, and are now ``handed_over_from_id`` /
``handed_over_to_id`` (columns, their deferred foreign keys, their fields and
external ids), before the handover addon declares them under those names.
"""

import csv
import logging
import os
import re

from odoo.modules.module import get_manifest, get_module_path
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# new addon -> the addon that held its records before 18.0.2.0.0
SPLIT = {
    "ov_association_history": "ov_association_base",
    "ov_association_explain": "ov_association_base",
    "ov_association_api": "ov_association_base",
    "ov_association_handover": "ov_association_base",
    "ov_association_cockpit": "ov_association_base",
    "ov_association_tests_full": "ov_association_tests",
}
_XML_ID = re.compile(r'<(?:record|menuitem|template)\b[^>]*?\bid="([^"]+)"')


def declared_ids(module):
    """The external ids (without a module prefix) that ``module``'s data and
    demo files declare."""
    path = get_module_path(module)
    manifest = get_manifest(module)
    names = set()
    for filename in manifest.get("data", []) + manifest.get("demo", []):
        with open(os.path.join(path, filename), encoding="utf-8") as f:
            if filename.endswith(".csv"):
                names.update(row["id"] for row in csv.DictReader(f))
            else:
                names.update(_XML_ID.findall(f.read()))
    return {name for name in names if "." not in name}


RENAMED_COLUMNS = {
    "reassigned_from_id": "handed_over_from_id",
    "reassigned_to_id": "handed_over_to_id",
}


def rename_handover_links(cr):
    """The renamed handover links, on every table that has them."""
    cr.execute(
        """SELECT table_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND column_name = 'reassigned_from_id'"""
    )
    tables = [table for (table,) in cr.fetchall()]
    for table in tables:
        for old, new in RENAMED_COLUMNS.items():
            cr.execute(
                SQL(
                    "ALTER TABLE %s RENAME COLUMN %s TO %s",
                    SQL.identifier(table),
                    SQL.identifier(old),
                    SQL.identifier(new),
                )
            )
            old_key, new_key = f"{table}_{old}_fkey"[:63], f"{table}_{new}_fkey"[:63]
            cr.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [old_key])
            if cr.fetchone():
                cr.execute(
                    SQL(
                        "ALTER TABLE %s RENAME CONSTRAINT %s TO %s",
                        SQL.identifier(table),
                        SQL.identifier(old_key),
                        SQL.identifier(new_key),
                    )
                )
    for old, new in RENAMED_COLUMNS.items():
        cr.execute("UPDATE ir_model_fields SET name = %s WHERE name = %s", [new, old])
        cr.execute(
            """UPDATE ir_model_data SET name = replace(name, %s, %s)
               WHERE model = 'ir.model.fields' AND name LIKE %s""",
            [f"__{old}", f"__{new}", f"field\\_%\\_\\_{old}"],
        )
    _logger.info("18.0.2.0.0: handover links renamed on %d tables", len(tables))


def migrate(cr, version):
    rename_handover_links(cr)
    cr.execute("SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", [list(SPLIT)])
    known = dict(cr.fetchall())
    cr.execute("SELECT name FROM ir_module_module WHERE state IN ('installed', 'to upgrade')")
    installed = {name for (name,) in cr.fetchall()}
    for module, old in SPLIT.items():
        if old not in installed:
            continue
        if module not in known:
            raise RuntimeError(
                f"{module} is not in this database's list of modules: put it on the addons "
                "path beside ov_association_base 18.0.2.0.0 and update again."
            )
        cr.execute(
            """UPDATE ir_model_data SET module = %s
               WHERE module = %s AND name = ANY(%s)""",
            [module, old, sorted(declared_ids(module))],
        )
        moved = cr.rowcount
        if known[module] == "uninstalled":
            cr.execute("UPDATE ir_module_module SET state = 'to install' WHERE name = %s", [module])
        _logger.info("18.0.2.0.0: %s: %d records moved from %s, to install", module, moved, old)
