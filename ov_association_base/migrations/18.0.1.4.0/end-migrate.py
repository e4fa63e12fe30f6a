from odoo import SUPERUSER_ID, api

from odoo.addons.ov_association_base.models.audit_snapshot import snapshot_rows


def migrate(cr, version):
    """From 18.0.1.4.0 every event records its row whole (``row_*``), which
    answers "as of" a past moment need. Events written before cannot be
    completed (the log is append-only and sealed), so each existing row gets
    one ``snapshot`` event now: answers reach back to this moment, and
    refuse earlier ones (``_ov_history_since``). End script: every governed
    addon's models are loaded by then."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    snapshot_rows(
        env,
        "State of the row when the audit log began recording whole rows (upgrade to 18.0.1.4.0)",
    )
