"""What a pair must give the conformance suite: its hooks, and the messages
that name them.

A pair's target records are made from ``_required_values`` and the pair's
``TARGET_HOOK``; its readers get the groups of its ``READER_HOOK``. When either
is wrong, the failure names the field or group and the hook to implement.
"""

import re

import psycopg2
import psycopg2.errors

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import mute_logger

TARGET_HOOK = "_ov_conformance_target_values"
READER_HOOK = "_ov_conformance_reader_groups"


def create_target(pair, Target, vals):
    """``Target.create(vals)``, flushed, in a savepoint of its own.

    A refusal (a NOT NULL or CHECK constraint, a ValidationError, a bad
    value) is rolled back, so the transaction stays usable for the other
    pairs, and comes back as an AssertionError that names the field and the
    hook to implement (``TARGET_HOOK``).
    """
    try:
        with Target.env.cr.savepoint(), mute_logger("odoo.sql_db"):
            target = Target.create(vals)
            Target.env.flush_all()  # NOT NULL and CHECK constraints answer here
    except (psycopg2.Error, UserError, ValueError) as error:
        raise AssertionError(target_failure_message(pair, Target, error)) from error
    return target


def target_failure_message(pair, Target, error):
    return (
        f"{pair.sa_model}: could not create a {Target._name} for the conformance suite"
        f" ({_refusal(Target, error)}): implement {TARGET_HOOK}() on {pair.sa_model}"
        " to return the values it needs"
    )


def _refusal(Target, error):
    """What refused the record, naming the field (or constraint) where known."""
    if isinstance(error, psycopg2.Error):
        diag = error.diag
        column, table = diag.column_name, diag.table_name
        where = f" of {table}" if table and table != Target._table else ""
        if isinstance(error, psycopg2.errors.NotNullViolation) and column:
            return f"field '{column}'{where} is required"
        if column:
            return f"field '{column}'{where}: {diag.message_primary}"
        if diag.constraint_name:
            message = {
                f"{Target._table}_{name}": text
                for name, _definition, text in getattr(Target, "_sql_constraints", ())
            }.get(diag.constraint_name)
            refused = f"constraint '{diag.constraint_name}' refused it"
            return f"{refused}: {message}" if message else refused
        return (diag.message_primary or str(error)).strip()
    text = str(error.args[0] if error.args else error)
    text = " ".join(line.strip() for line in text.splitlines() if line.strip())
    for name in Target._fields:  # a field named as Odoo quotes it: 'x', (x) or (x: …)
        if re.search(rf"['\"(]{re.escape(name)}['\"):]", text):
            return f"field '{name}': {text}"
    return f"{type(error).__name__}: {text or 'no message'}"


def reader_groups(env, pair):
    """The groups the pair's ``READER_HOOK`` names, and what is wrong with
    what it returns (None when nothing is)."""
    Sa = env[pair.sa_model]
    groups = env["res.groups"].browse()
    wrong = []
    for xmlid in Sa._ov_conformance_reader_groups():
        try:
            record = env.ref(xmlid, raise_if_not_found=False)
        except (ValueError, TypeError, AttributeError):
            record = None
        if record is None or record._name != "res.groups":
            wrong.append(repr(xmlid))
        else:
            groups |= record
    if not wrong:
        return groups, None
    return groups, (
        f"{pair.sa_model}: {READER_HOOK}() returns {', '.join(wrong)}, which is not the xmlid"
        f" of a group: implement {READER_HOOK}() on {pair.sa_model} to return the xmlids of"
        f" the groups that read {Sa._ov_target_model()}"
    )


def unreadable_target_problem(env, pair, users):
    """None if every one of ``users`` may read the pair's targets; otherwise a
    message naming them and ``READER_HOOK``."""
    target = env[pair.sa_model]._ov_target_model()
    blind = [user.login for user in users if not env[target].with_user(user).has_access("read")]
    if not blind:
        return None
    return (
        f"{pair.sa_model}: the conformance suite's users ({', '.join(blind)}) cannot read"
        f" {target}: implement {READER_HOOK}() on {pair.sa_model} to return the xmlids of"
        f" the groups that read {target} (governance never grants native read rights)"
    )


def _required_values(Model, sequence):
    """Simple values for the required fields of ``Model`` that have no default."""
    vals = {}
    defaults = Model.default_get(list(Model._fields))
    for name, field in Model._fields.items():
        if not field.required or name in defaults or field.compute or field.related:
            continue
        if name in ("id", "create_uid", "write_uid", "create_date", "write_date"):
            continue
        if field.type in ("char", "text", "html"):
            vals[name] = f"Conformance {Model._description} {sequence}"
        elif field.type == "many2one":
            record = Model.env[field.comodel_name].search([], limit=1)
            vals[name] = record.id
        elif field.type == "selection":
            vals[name] = field.get_values(Model.env)[0]
        elif field.type in ("integer", "float", "monetary"):
            vals[name] = 1
        elif field.type == "boolean":
            vals[name] = True
        elif field.type == "date":
            vals[name] = fields.Date.today()
        elif field.type == "datetime":
            vals[name] = fields.Datetime.now()
    return vals
