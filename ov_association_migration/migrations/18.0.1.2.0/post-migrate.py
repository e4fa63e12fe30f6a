"""The CSV report is no longer an attachment of its plan (issue 21).

The old Download Report button created an ir.attachment of the plan on every
click; any manager could move one onto another company's plan (Odoo checks
the new record only when res_model and res_id are written together). The
report is now the plan's computed field, so every attachment on a plan goes:
the reports the old code created and any moved or forged since (a plan has
no other attachments: no chatter, no stored binary field).
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    # As superuser: the attachments of every company's plans go, whoever made them.
    env["ir.attachment"].search(
        [("res_model", "=", "ov.migration.plan"), ("res_field", "=", False)]
    ).unlink()
