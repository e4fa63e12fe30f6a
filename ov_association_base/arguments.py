"""Validation of the public API's arguments (no Odoo import; the pure tier tests it).

Each function returns the normalised value, or raises ``ArgumentError`` with a
message that names the argument; the models turn it into a ``UserError``. RPC
callers send JSON or XML-RPC values, so anything may arrive: a boolean where
an id is expected, a nested list where kinds are, text where a number is.

Sizes are limited too (docs/design.md §5): a public argument larger than its limit
is refused before any work, by the ORM methods and the ``/ov/v1/*`` routes
alike, so one call cannot hold a worker for seconds or its memory for
gigabytes. The limits are the constants below, and only here.
"""

import datetime
import inspect

# Record ids are PostgreSQL integers; offsets are kept to the same range.
MAX_ID = 2**31 - 1
# Ids in one call (check_governed_many's target_ids, a handover's rows).
MAX_IDS = 10_000
# search_governed_targets' limit; /ov/v1/targets answers this many at most.
MAX_LIMIT = 10_000
# Kinds in one call: a model has a handful.
MAX_KINDS = 100
# A domain's size: every element of it at any depth counts one (an operator,
# a condition, each of its three parts, each value of a list), ...
MAX_DOMAIN_SIZE = 10_000
# ... and how deep its lists nest (a sub-domain of "any" is one level).
MAX_DOMAIN_DEPTH = 8
# Characters of a short text: an order, a model name, a kind, a moment, a
# text inside a domain.
MAX_TEXT_LENGTH = 1_000
# Characters of a reason, written to the audit log with the change.
MAX_REASON_LENGTH = 10_000
# Bytes of a request body to the /ov/v1/* routes: what the limits above need,
# with room (10 000 ids of 10 digits are 120 kB), refused before Odoo parses it.
MAX_REQUEST_BYTES = 1024 * 1024
# How much of a refused value an error message repeats.
_SHOWN = 60


class ArgumentError(ValueError):
    """A bad argument of a public method; the message names it."""


def _is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def shown(value):
    """``repr(value)``, cut short: an error never echoes a huge argument back."""
    if isinstance(value, (list, tuple, dict, set)) and len(value) > _SHOWN:
        return f"a {type(value).__name__} of {len(value)} items"
    text = repr(value)
    return text if len(text) <= _SHOWN else f"{text[: _SHOWN - 1]}… ({len(text)} characters)"


def known(method, given, allowed):
    """Refuse arguments ``method`` does not take (their names, not a TypeError)."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ArgumentError(
            f"{method}: unknown argument(s) {', '.join(shown(str(name)) for name in unknown[:5])}"
            f"{' …' if len(unknown) > 5 else ''}; expected {', '.join(allowed) or 'none'}."
        )


def known_to(function, given):
    """Refuse the keys of ``given`` that ``function`` has no named parameter
    for (its ``**unknown``), naming them and the ones it takes."""
    if given:
        allowed = [
            name
            for name, parameter in inspect.signature(function).parameters.items()
            if name != "self" and parameter.kind is parameter.POSITIONAL_OR_KEYWORD
        ]
        known(function.__name__, given, allowed)


def record_id(name, value, required=False):
    """A record id: a positive integer, or None when absent and not required."""
    if value is None or value is False:
        if required:
            raise ArgumentError(f"{name} is required: give the id of a record.")
        return None
    if not _is_integer(value) or not 0 < value <= MAX_ID:
        raise ArgumentError(
            f"{name} must be the id of a record (a positive integer up to {MAX_ID}), "
            f"not {shown(value)}."
        )
    return value


def record_ids(name, value, maximum=MAX_IDS):
    """A list of at most ``maximum`` record ids (JSON lists and tuples alike),
    each a positive integer. The length is checked first: before any work."""
    if not isinstance(value, (list, tuple)):
        raise ArgumentError(f"{name} must be a list of record ids, not {shown(value)}.")
    too_many(name, len(value), maximum, "ids")
    return [record_id(f"{name}[{index}]", item, required=True) for index, item in enumerate(value)]


def too_many(name, size, maximum, unit):
    """Refuse ``size`` items of ``name`` beyond ``maximum``."""
    if size > maximum:
        raise ArgumentError(f"{name}: {size} {unit} is more than the {maximum} one call takes.")


def kinds(value, allowed):
    """One kind or a list of kinds, each among ``allowed``; None when absent."""
    if value is None or value is False:
        return None
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)):
        too_many("kinds", len(value), MAX_KINDS, "kinds")
    if not isinstance(value, (list, tuple)) or not all(isinstance(k, str) for k in value):
        raise ArgumentError(
            f"kinds must be a kind or a list of kinds (texts among {', '.join(allowed)}), "
            f"not {shown(value)}."
        )
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ArgumentError(
            f"kinds: {', '.join(map(shown, unknown[:5]))} is not a kind of this model "
            f"(allowed: {', '.join(allowed)})."
        )
    return list(value) or None


def count(name, value, default=None, maximum=MAX_ID):
    """A non-negative integer up to ``maximum`` (limit, offset); ``default`` when absent."""
    if value is None or value is False:
        return default
    if not _is_integer(value) or not 0 <= value <= maximum:
        raise ArgumentError(
            f"{name} must be a non-negative integer up to {maximum}, not {shown(value)}."
        )
    return value


def domain(value):
    """A search domain: a list (or tuple) of terms; [] when absent.

    Its size and depth are checked (``MAX_DOMAIN_SIZE``, ``MAX_DOMAIN_DEPTH``,
    ``MAX_TEXT_LENGTH``) without recursion, stopping at the first element
    past a limit: a domain of a million terms costs no more than its limit.
    Whether its terms make sense is the ORM's to say.
    """
    if value is None or value is False:
        return []
    if not isinstance(value, (list, tuple)):
        raise ArgumentError(f"domain must be a list of search terms, not {shown(value)}.")
    size = 0
    pending = [(value, 1)]
    while pending:
        items, depth = pending.pop()
        if depth > MAX_DOMAIN_DEPTH:
            raise ArgumentError(
                f"domain: its lists nest more than {MAX_DOMAIN_DEPTH} deep; write a flatter domain."
            )
        size += len(items)
        if size > MAX_DOMAIN_SIZE:
            raise ArgumentError(
                f"domain: more than {MAX_DOMAIN_SIZE} elements (operators, conditions and "
                "values count one each); search with a smaller domain."
            )
        for item in items:
            if isinstance(item, (list, tuple)):
                pending.append((item, depth + 1))
            elif isinstance(item, str) and len(item) > MAX_TEXT_LENGTH:
                raise ArgumentError(
                    f"domain: the text {shown(item)} is longer than {MAX_TEXT_LENGTH} characters."
                )
            elif isinstance(item, dict):
                raise ArgumentError(f"domain: {shown(item)} is not a search term nor a value.")
    return list(value)


def text(name, value, required=False, maximum=MAX_TEXT_LENGTH):
    """A text argument of at most ``maximum`` characters (an order, a model name)."""
    if value is None or value is False or value == "":
        if required:
            raise ArgumentError(f"{name} is required.")
        return None
    if not isinstance(value, str):
        raise ArgumentError(f"{name} must be a text, not {shown(value)}.")
    if len(value) > maximum:
        raise ArgumentError(f"{name}: {len(value)} characters is more than {maximum}.")
    return value


def reason(value):
    """The reason of a governed change: a text of up to ``MAX_REASON_LENGTH``."""
    return text("reason", value, maximum=MAX_REASON_LENGTH)


def boolean(name, value):
    """A flag: true or false (JSON and XML-RPC booleans), nothing else."""
    if not isinstance(value, bool):
        raise ArgumentError(f"{name} must be true or false, not {shown(value)}.")
    return value


def moment(name, value):
    """A past or present moment (UTC): an Odoo datetime text, an ISO 8601
    text (an offset is converted to UTC) or a ``datetime``; None when absent.

    Returned naive, in UTC, to the second: the resolution of the audit log.
    """
    if value is None or value is False or value == "":
        return None
    if isinstance(value, str):
        if len(value) > MAX_TEXT_LENGTH:
            raise ArgumentError(f"{name}: {len(value)} characters is not a date and time.")
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ArgumentError(
                f"{name} must be a date and time in UTC ('2026-03-31 17:00:00'), "
                f"not {shown(value)}."
            ) from None
    elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    if not isinstance(value, datetime.datetime):
        raise ArgumentError(
            f"{name} must be a date and time in UTC ('2026-03-31 17:00:00'), not {shown(value)}."
        )
    if value.tzinfo is not None:
        try:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        except OverflowError:
            raise ArgumentError(
                f"{name}: {value.isoformat()} is out of the range of dates in UTC."
            ) from None
    return value.replace(microsecond=0)
