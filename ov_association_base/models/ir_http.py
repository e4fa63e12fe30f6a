from odoo import models
from odoo.http import request

from . import audit_sql


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """Name the request's user to the audit triggers (docs/design.md §5).

        A governed record deleted through the web client cascades to its
        association rows in the database, where no Python runs: the delete
        trigger reads the user from this transaction setting.
        """
        result = super()._pre_dispatch(rule, args)
        if request.db and request.env.uid:
            audit_sql.set_deleting_user(request.env.cr, request.env.uid)
        return result
