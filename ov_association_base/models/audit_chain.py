"""The audit log's integrity: immutable in the database, hash-chained.

* A trigger refuses UPDATE, DELETE and TRUNCATE of ``ov_association_event``,
  whoever runs them, through the ORM or in SQL. The one UPDATE it lets through
  is sealing: filling ``chain_index``, ``hash`` and ``keyed`` of an event not
  yet sealed, nothing else changed.
* Sealing chains events in the order they are sealed: event number n carries
  ``sha256(hash of n-1 | its own content)``, or, once a key is configured
  (``ov_association_audit_key`` in the Odoo configuration file, never in the
  database), ``HMAC-SHA256(key, hash of n-1 | its own content)`` and
  ``keyed`` set. It runs in batches (the scheduled action, and before every
  verification), not on insert, so concurrent governance writes never wait
  for one another on a chain head (Odoo's accounting secures its entries the
  same way, after the fact).
* ``verify`` walks the chain and reports the first broken link: an event
  whose content no longer matches its hash (altered), an unkeyed link after
  a keyed one (re-sealed without the key: altered too), or a gap in the chain
  indexes (deleted).

Without the key, anyone who can write the table past the trigger can alter
an event and recompute the plain chain after it: it verifies. With the key,
such a re-sealed link is found, unless every keyed link is rewritten as
unkeyed (``keyed_from`` then moves, and published anchors show it, see
``audit_anchor``). Key rotation is not supported: another key reports the
first keyed link altered.

Escape hatch, for test fixtures and maintenance only, inside one transaction:
``SET LOCAL ov_association.audit_maintenance = 'on'``. Uninstalling the base
addon drops the trigger with its function (see ``audit_sql.drop_functions``).
"""

import hashlib
import hmac
import json

from odoo.tools import SQL, config

TABLE = "ov_association_event"
GENESIS = "0" * 64
# The Odoo configuration option that holds the chain's key (docs/design.md §5).
KEY_OPTION = "ov_association_audit_key"
# Shorter keys could be found by trying: the hashes and contents are in the
# database an attacker reads.
KEY_MIN_LENGTH = 32
# Any fixed number: the advisory lock that keeps two sealers apart.
SEAL_LOCK = 0x0F_A55_0C1A7
# What a hash covers, in this order.
CONTENT = (
    "id",
    "model",
    "res_id",
    "event",
    "old_state",
    "new_state",
    "old_kind",
    "new_kind",
    "old_value",
    "new_value",
    "reason",
    "user_id",
    "company_id",
    "date",
)
# The row an event records (since 18.0.1.4.0), hashed after CONTENT when any
# of it is set. Events written before carry none of it and keep their hashes;
# emptying it on a newer event, or setting it on an older one, changes what
# the hash covers, so either is found as an alteration.
ROW_CONTENT = (
    "row_state",
    "row_kind",
    "row_date_from",
    "row_date_to",
    "row_target_id",
    "row_parent_id",
    "row_sa_id",
    "row_actor_id",
)
_DATES = ("date", "row_date_from", "row_date_to")

# Sealing may fill chain_index, hash and keyed, nothing else: the row with
# those three put back must equal the old one, column by column (a composite
# comparison, NULLs equal; five times cheaper per row than comparing both rows
# as jsonb, which a seal of a hundred thousand events felt).
_IMMUTABLE = """
CREATE OR REPLACE FUNCTION ov_association_event_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unsealed ov_association_event;
BEGIN
    IF current_setting('ov_association.audit_maintenance', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.chain_index IS NULL AND OLD.hash IS NULL THEN
        unsealed := NEW;
        unsealed.chain_index := NULL;
        unsealed.hash := NULL;
        unsealed.keyed := OLD.keyed;
        IF unsealed IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;  -- sealing
        END IF;
    END IF;
    RAISE EXCEPTION 'Governance audit events cannot be changed or deleted (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def install(cr):
    cr.execute(_IMMUTABLE)
    for name, timing in (
        ("ov_event_immutable_rows", "BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW"),
        ("ov_event_immutable_truncate", "BEFORE TRUNCATE ON {t} FOR EACH STATEMENT"),
    ):
        cr.execute(
            SQL("DROP TRIGGER IF EXISTS %s ON %s", SQL.identifier(name), SQL.identifier(TABLE))
        )
        cr.execute(
            SQL(
                "CREATE TRIGGER %s " + timing.format(t="%s") + " "
                "EXECUTE FUNCTION ov_association_event_immutable()",
                SQL.identifier(name),
                SQL.identifier(TABLE),
            )
        )
    cr.execute(
        SQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS ov_association_event_chain_idx ON %s (chain_index)"
            " WHERE chain_index IS NOT NULL",
            SQL.identifier(TABLE),
        )
    )
    cr.execute(
        SQL(
            "CREATE INDEX IF NOT EXISTS ov_association_event_unsealed_idx ON %s (id)"
            " WHERE chain_index IS NULL",
            SQL.identifier(TABLE),
        )
    )
    # Where the keyed part of the chain starts (keyed_from), without a scan.
    cr.execute(
        SQL(
            "CREATE INDEX IF NOT EXISTS ov_association_event_keyed_idx ON %s (chain_index)"
            " WHERE keyed",
            SQL.identifier(TABLE),
        )
    )


def configured_key():
    """The chain's key as the configuration file gives it (None: not set).

    Returned as configured (not checked): ``ov_association_event`` refuses
    one that is not text of ``KEY_MIN_LENGTH`` characters, in words.
    """
    value = config.get(KEY_OPTION)
    return None if value in (None, False, "") else value


def digest(previous, row, key=None):
    """The hash of one event: its predecessor's hash and its own content.

    Unkeyed (``key`` None), the plain sha256 every chain had before keys
    existed, byte for byte; keyed, an HMAC of the same text.
    """
    names = CONTENT
    if any(row[name] is not None for name in ROW_CONTENT):
        names += ROW_CONTENT
    content = [
        (row[name].isoformat() if row[name] else None) if name in _DATES else row[name]
        for name in names
    ]
    text = previous + "|" + json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    if key is None:
        return hashlib.sha256(text.encode()).hexdigest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _columns():
    return SQL(", ").join(SQL.identifier(name) for name in CONTENT + ROW_CONTENT)


def head(cr):
    """The last sealed link: ``(chain_index, hash, keyed)``, or None."""
    cr.execute(
        SQL(
            "SELECT chain_index, hash, coalesce(keyed, false) FROM %s"
            " WHERE chain_index IS NOT NULL ORDER BY chain_index DESC LIMIT 1",
            SQL.identifier(TABLE),
        )
    )
    return cr.fetchone()


def keyed_from(cr):
    """The chain index of the first keyed link, or None if none is keyed."""
    cr.execute(SQL("SELECT min(chain_index) FROM %s WHERE keyed", SQL.identifier(TABLE)))
    return cr.fetchone()[0]


def seal(cr, key=None, batch_size=5000):
    """Chain every event not sealed yet, with ``key`` if given (bytes);
    return how many were sealed.

    Returns None when another transaction is sealing right now.
    """
    cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_LOCK])
    if not cr.fetchone()[0]:
        return None
    index, previous, _keyed = head(cr) or (0, GENESIS, False)
    sealed = 0
    # Each batch starts after the last id sealed: the unsealed index still
    # holds the entries of the rows just sealed (until a vacuum), which a scan
    # from the start would step over again, batch after batch.
    last_id = 0
    while True:
        cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE chain_index IS NULL AND id > %s ORDER BY id LIMIT %s",
                _columns(),
                SQL.identifier(TABLE),
                last_id,
                batch_size,
            )
        )
        rows = [dict(zip(CONTENT + ROW_CONTENT, values, strict=True)) for values in cr.fetchall()]
        if not rows:
            return sealed
        ids, indexes, hashes = [], [], []
        for row in rows:
            index += 1
            previous = digest(previous, row, key)
            ids.append(row["id"])
            indexes.append(index)
            hashes.append(previous)
        last_id = ids[-1]
        cr.execute(
            SQL(
                "UPDATE %s event SET chain_index = sealed.chain_index, hash = sealed.hash,"
                " keyed = %s"
                " FROM unnest(%s::integer[], %s::bigint[], %s::varchar[])"
                " AS sealed(id, chain_index, hash) WHERE event.id = sealed.id",
                SQL.identifier(TABLE),
                key is not None,
                ids,
                indexes,
                hashes,
            )
        )
        sealed += len(rows)


def verify(cr, key=None, batch_size=5000):
    """Walk the sealed chain; the first broken link, or None if it holds.

    Returns ``(events_checked, problem)`` where ``problem`` is None or a dict
    with ``event_id``, ``chain_index`` and ``kind`` (``altered`` or
    ``missing``: the events just before it in the chain were deleted).
    Keyed links are checked with ``key`` (bytes); without it they cannot
    match. Once a keyed link is met, an unkeyed one is altered: it was
    re-sealed by someone without the key.
    """
    previous, expected, checked, keyed_seen = GENESIS, 1, 0, False
    while True:
        cr.execute(
            SQL(
                "SELECT %s, chain_index, hash, coalesce(keyed, false) FROM %s"
                " WHERE chain_index >= %s ORDER BY chain_index LIMIT %s",
                _columns(),
                SQL.identifier(TABLE),
                expected,
                batch_size,
            )
        )
        rows = cr.fetchall()
        if not rows:
            return checked, None
        for values in rows:
            row = dict(
                zip((*CONTENT, *ROW_CONTENT, "chain_index", "hash", "keyed"), values, strict=True)
            )
            keyed_seen = keyed_seen or row["keyed"]
            problem = None
            if row["chain_index"] != expected:
                problem = "missing"
            elif row["keyed"] != keyed_seen or (row["keyed"] and key is None):
                problem = "altered"
            elif not hmac.compare_digest(
                digest(previous, row, key if row["keyed"] else None), row["hash"] or ""
            ):
                problem = "altered"
            if problem:
                return checked, {
                    "event_id": row["id"],
                    "chain_index": row["chain_index"],
                    "kind": problem,
                }
            previous, expected, checked = row["hash"], expected + 1, checked + 1
