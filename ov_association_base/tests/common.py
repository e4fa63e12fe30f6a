"""Test helpers shared by the target addons."""

import contextlib

import psycopg2
from psycopg2 import errorcodes

from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

# What PostgreSQL answers when a delete would leave a row referencing nothing
# under ``ON DELETE RESTRICT``: foreign_key_violation up to 17,
# restrict_violation from 18 on (the same refusal, a code of its own).
REFERENCED_ROW_CODES = (errorcodes.FOREIGN_KEY_VIOLATION, errorcodes.RESTRICT_VIOLATION)


def my_rows(env, action_xmlid, user):
    """The rows a "My …" action lists for ``user``, as that user sees them."""
    action = env.ref(action_xmlid)
    domain = safe_eval(action.domain or "[]", {"uid": user.id})
    return env[action.res_model].with_user(user).search(domain)


@contextlib.contextmanager
def refused_as_referenced(case, constraint=None):
    """Assert that the block's delete is refused by the database because a
    row still references the record (``constraint``, if given, names the
    foreign key), on any PostgreSQL version. Yields a list that holds the
    error afterwards."""
    caught = []
    with case.assertRaises(psycopg2.IntegrityError) as raised, mute_logger("odoo.sql_db"):
        yield caught
    error = raised.exception
    caught.append(error)
    case.assertIn(error.pgcode, REFERENCED_ROW_CODES, error.pgerror)
    if constraint:
        case.assertEqual(error.diag.constraint_name, constraint)
