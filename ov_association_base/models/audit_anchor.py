"""Anchors: the audit chain's head, published outside the database (docs/design.md §5).

When ``ov_association_audit_anchor_file`` names a file in the Odoo
configuration, every seal that chained events appends one line to it once
its transaction has committed: ``{"database", "chain_index", "hash",
"keyed", "sealed_at"}``. Whoever can rewrite the database cannot rewrite
what was published, so verification compares every anchor of its database
with the chain:

* an anchor whose hash differs from the link at its index: the chain was
  re-sealed at or before that link (``resealed``);
* an anchor beyond the chain's head: the newest events were removed
  (``removed``), which a chain alone cannot show.

Written after the commit only, so an anchor never names a seal that was
rolled back. A seal whose anchor could not be written (the process stopped
between the commit and the write, a full disk: logged) is simply not
anchored; the next one is. The file belongs outside the database server's
reach (another host, a write-once store, a copy sent away); a database
restored from a backup older than its last anchors reports them, by design:
move the file aside after a restore.
"""

import functools
import json
import logging
import os

from odoo import fields
from odoo.tools import SQL, config

from .audit_chain import TABLE

_logger = logging.getLogger(__name__)

OPTION = "ov_association_audit_anchor_file"
# The head to publish once this transaction commits (one write per commit).
_PENDING = "ov_association.audit_anchor"


def configured_path():
    """The anchor file the configuration names, or None."""
    value = config.get(OPTION)
    return value.strip() if isinstance(value, str) and value.strip() else None


def publish(cr, path, head):
    """Append ``head`` (``(chain_index, hash, keyed)``) to ``path`` after commit."""
    index, digest, keyed = head
    line = {
        "database": cr.dbname,
        "chain_index": index,
        "hash": digest,
        "keyed": bool(keyed),
        "sealed_at": fields.Datetime.to_string(fields.Datetime.now()),
    }
    pending = cr.postcommit.data
    first = _PENDING not in pending
    # A later seal of the same transaction moves the head: publish the last.
    pending[_PENDING] = (path, line)
    if first:
        cr.postcommit.add(functools.partial(_publish_pending, cr))


def _publish_pending(cr):
    pending = cr.postcommit.data.pop(_PENDING, None)
    if pending is not None:
        _append(*pending)


def _append(path, line):
    try:
        with open(path, "a", encoding="utf-8") as anchors:
            anchors.write(json.dumps(line, sort_keys=True) + "\n")
            anchors.flush()
            os.fsync(anchors.fileno())
    except OSError as error:
        # After the commit nothing can be undone: say it loudly, go on.
        _logger.error("Audit anchor not written to %s (%s): %s", path, line, error)


def read(path, database):
    """The anchors of ``database`` in ``path``: ``(anchors, unreadable)``.

    ``anchors`` maps a chain index to the hashes published for it (one,
    unless a restored database sealed again over its old positions);
    ``unreadable`` counts lines that are not anchors (a write cut short).
    A missing file holds no anchor. Other errors (``OSError``) go up.
    """
    anchors, unreadable = {}, 0
    if not os.path.exists(path):
        return anchors, unreadable
    with open(path, encoding="utf-8") as lines:
        for text in lines:
            if not text.strip():
                continue
            try:
                line = json.loads(text)
                index, digest = line["chain_index"], line["hash"]
                ours = line["database"] == database
            except (ValueError, TypeError, KeyError):
                unreadable += 1
                continue
            if not (isinstance(index, int) and index > 0 and isinstance(digest, str)):
                unreadable += 1
            elif ours:
                anchors.setdefault(index, set()).add(digest)
    return anchors, unreadable


def check(cr, anchors):
    """The first anchor the chain contradicts, as a problem dict, or None.

    An anchored index with no event at or below the chain's head is a gap,
    which the chain walk reports itself (``missing``).
    """
    if not anchors:
        return None
    pairs = [(index, digest) for index, digests in anchors.items() for digest in digests]
    cr.execute(
        SQL(
            "WITH top AS (SELECT coalesce(max(chain_index), 0) AS head FROM %(table)s"
            "             WHERE chain_index IS NOT NULL)"
            " SELECT anchor.chain_index, event.id, top.head"
            " FROM unnest(%(indexes)s::bigint[], %(hashes)s::varchar[])"
            "      AS anchor(chain_index, hash)"
            " CROSS JOIN top"
            " LEFT JOIN %(table)s event ON event.chain_index = anchor.chain_index"
            " WHERE (event.id IS NOT NULL AND event.hash IS DISTINCT FROM anchor.hash)"
            "    OR anchor.chain_index > top.head"
            " ORDER BY anchor.chain_index LIMIT 1",
            table=SQL.identifier(TABLE),
            indexes=[index for index, _digest in pairs],
            hashes=[digest for _index, digest in pairs],
        )
    )
    found = cr.fetchone()
    if found is None:
        return None
    index, event_id, top = found
    if event_id is None:
        return {"event_id": False, "chain_index": top + 1, "kind": "removed"}
    return {"event_id": event_id, "chain_index": index, "kind": "resealed"}
