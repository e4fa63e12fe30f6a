"""Validation of the public API's arguments (no Odoo import; the pure tier tests it).

Each function returns the normalised value, or raises ``ArgumentError`` with a
message that names the argument; the models turn it into a ``UserError``. RPC
callers send JSON or XML-RPC values, so anything may arrive: a boolean where
an id is expected, a nested list where kinds are, text where a number is.
"""

import datetime

# Record ids are PostgreSQL integers; limits and offsets are kept to the same range.
MAX_ID = 2**31 - 1


class ArgumentError(ValueError):
    """A bad argument of a public method; the message names it."""


def _is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def record_id(name, value, required=False):
    """A record id: a positive integer, or None when absent and not required."""
    if value is None or value is False:
        if required:
            raise ArgumentError(f"{name} is required: give the id of a record.")
        return None
    if not _is_integer(value) or not 0 < value <= MAX_ID:
        raise ArgumentError(
            f"{name} must be the id of a record (a positive integer up to {MAX_ID}), not {value!r}."
        )
    return value


def record_ids(name, value):
    """A list of record ids (JSON lists and tuples alike), each a positive integer."""
    if not isinstance(value, (list, tuple)):
        raise ArgumentError(f"{name} must be a list of record ids, not {value!r}.")
    return [record_id(f"{name}[{index}]", item, required=True) for index, item in enumerate(value)]


def kinds(value, allowed):
    """One kind or a list of kinds, each among ``allowed``; None when absent."""
    if value is None or value is False:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(k, str) for k in value):
        raise ArgumentError(
            f"kinds must be a kind or a list of kinds (texts among {', '.join(allowed)}), "
            f"not {value!r}."
        )
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ArgumentError(
            f"kinds: {', '.join(map(repr, unknown))} is not a kind of this model "
            f"(allowed: {', '.join(allowed)})."
        )
    return list(value) or None


def count(name, value, default=None):
    """A non-negative integer (limit, offset); ``default`` when absent."""
    if value is None or value is False:
        return default
    if not _is_integer(value) or not 0 <= value <= MAX_ID:
        raise ArgumentError(f"{name} must be a non-negative integer up to {MAX_ID}, not {value!r}.")
    return value


def domain(value):
    """A search domain: a list (or tuple) of terms; None when absent."""
    if value is None or value is False:
        return []
    if not isinstance(value, (list, tuple)):
        raise ArgumentError(f"domain must be a list of search terms, not {value!r}.")
    return list(value)


def text(name, value, required=False):
    """A text argument (a reason, an order, a model name)."""
    if value is None or value is False or value == "":
        if required:
            raise ArgumentError(f"{name} is required.")
        return None
    if not isinstance(value, str):
        raise ArgumentError(f"{name} must be a text, not {value!r}.")
    return value


def moment(name, value):
    """A past or present moment (UTC): an Odoo datetime text, an ISO 8601
    text (an offset is converted to UTC) or a ``datetime``; None when absent.

    Returned naive, in UTC, to the second: the resolution of the audit log.
    """
    if value is None or value is False or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ArgumentError(
                f"{name} must be a date and time in UTC ('2026-03-31 17:00:00'), not {value!r}."
            ) from None
    elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    if not isinstance(value, datetime.datetime):
        raise ArgumentError(
            f"{name} must be a date and time in UTC ('2026-03-31 17:00:00'), not {value!r}."
        )
    if value.tzinfo is not None:
        try:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        except OverflowError:
            raise ArgumentError(
                f"{name}: {value.isoformat()} is out of the range of dates in UTC."
            ) from None
    return value.replace(microsecond=0)
