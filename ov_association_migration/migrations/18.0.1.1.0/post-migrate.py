"""Frozen and demoted plans reinstall their triggers (issue 21): they now
act on the plan's company's records and the shared ones only."""

from odoo import SUPERUSER_ID, api

from odoo.addons.ov_association_migration.sql import cutover


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    plans = env["ov.migration.plan"].search([("state", "in", ("frozen", "demoted", "retired"))])
    for plan in plans:
        if plan.legacy_model not in env:
            continue
        table = env[plan.legacy_model]._table
        cr.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname = %s", [cutover.freeze_trigger(plan.id)]
        )
        frozen = bool(cr.fetchone()[0])
        if plan.id not in cutover.plans_with_triggers(cr, plan.ids):
            continue
        cutover.drop_plan(cr, plan.id, table)
        shape = plan._ov_shape()
        if frozen:
            cutover.install_freeze(
                cr,
                plan.id,
                plan.legacy_model,
                table,
                [field.name for _side, field in plan._ov_stamp_fields()],
                shape.target_company_column,
                shape.company_id,
            )
            continue
        for side, _field in plan._ov_stamp_fields():
            association_table, target = plan._ov_followed(side)
            cutover.install_demote(
                cr, shape, side, plan._ov_derived_sql(side), association_table, target
            )
