from odoo import SUPERUSER_ID, api, fields


def migrate(cr, version):
    """Before 18.0.1.5.0 a reminder's to-do named its row (and so its governed
    record) in its summary and note, which every reader of the SA reads: the
    open ones are rewritten to name the row by model and number only. End
    script: the pairs' models (other addons) are loaded by then."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    if "ov.association.reminder" not in env:
        return  # the cockpit (ov_association_cockpit, 18.0.2.0.0) is not installed
    Reminder = env["ov.association.reminder"]
    reminders = Reminder.search([("done", "=", False), ("activity_id", "!=", False)])
    for reminder in reminders:
        if reminder.res_model not in env:
            continue
        Model = env[reminder.res_model]
        reminder.activity_id.write(
            {
                "summary": env._(
                    "Ends %(date)s: %(row)s",
                    date=fields.Datetime.to_string(reminder.date_to),
                    row=Reminder._ov_row_label(Model, reminder.res_id),
                ),
                "note": Reminder._ov_row_note(Model, reminder.res_id, reminder.date_to),
            }
        )
