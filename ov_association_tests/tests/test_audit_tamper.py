"""Re-sealed alterations of the audit log (issue 21, class 8; docs/design.md §5).

The attacker of these tests holds SQL access: through the documented escape
hatch (``SET LOCAL ov_association.audit_maintenance = 'on'``) they alter an
event and recompute the plain sha256 chain after it, as the README
describes it. Without a key or an anchor that verifies (the limit the
README states); with the key in the configuration file, or with an anchor
published at the event's seal, it is found. The key and the anchor file are
set through ``odoo.tools.config`` for the test only; the file lives in a
temporary directory.
"""

import datetime
import hashlib
import json
import os
import tempfile
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import config

from odoo.addons.ov_association_base.models import audit_anchor, audit_chain

from .common import ConformanceCase, installed_pair

KEY = "test-only audit key, 41 characters long."
NAMES = audit_chain.CONTENT + audit_chain.ROW_CONTENT


def plain_link(previous, row):
    """The attacker's hash: sha256 of the previous hash and the content."""
    names = audit_chain.CONTENT
    if any(row[name] is not None for name in audit_chain.ROW_CONTENT):
        names = NAMES
    content = [
        row[name].isoformat() if isinstance(row[name], datetime.datetime) else row[name]
        for name in names
    ]
    text = previous + "|" + json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@tagged("post_install", "-at_install", "ov_audit")
class TestAuditTamper(ConformanceCase):
    def setUp(self):
        super().setUp()
        self.Event = self.env["ov.association.event"]
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.anchor_file = os.path.join(directory.name, "anchors.jsonl")

    def configured(self, key=False, anchors=False):
        return patch.dict(
            config.options,
            {
                audit_chain.KEY_OPTION: key,
                audit_anchor.OPTION: self.anchor_file if anchors else False,
            },
        )

    def _total(self):
        self.env.flush_all()
        self.env.cr.execute("SELECT count(*) FROM ov_association_event")
        return self.env.cr.fetchone()[0]

    def _head(self):
        self.env.cr.execute("SELECT coalesce(max(chain_index), 0) FROM ov_association_event")
        return self.env.cr.fetchone()[0]

    def _events(self, seal_each=False):
        """Three events of one row (created, activated, suspended), sealed.

        ``seal_each``: sealed and committed one at a time, so that each
        gets an anchor of its own (the postcommit run stands for the commit
        a test cannot make).
        """
        pair = installed_pair(self.env, "ov.sa_test_target")
        row = self.make_sa_row(pair)
        for step in (None, row.action_activate, row.action_suspend):
            if step is not None:
                step()
            if seal_each:
                self.Event._cron_seal()
                self.env.cr.postcommit.run()
        self.Event._cron_seal()
        self.env.cr.postcommit.run()
        events = self.events(row).sorted("id")
        self.assertEqual(events.mapped("event"), ["create", "transition", "transition"])
        return events

    def _as_attacker(self, statement, params):
        cr = self.env.cr
        cr.execute("SET LOCAL ov_association.audit_maintenance = 'on'")
        try:
            cr.execute(statement, params)
        finally:
            cr.execute("SET LOCAL ov_association.audit_maintenance = 'off'")
        self.env.invalidate_all()

    def _reseal_plain(self, from_index, clear_keyed=False):
        """Recompute the plain chain from ``from_index`` to the head."""
        cr = self.env.cr
        cr.execute("SELECT hash FROM ov_association_event WHERE chain_index = %s", [from_index - 1])
        previous = cr.fetchone()[0] if from_index > 1 else audit_chain.GENESIS
        cr.execute(
            f"SELECT {', '.join(NAMES)}, chain_index FROM ov_association_event"
            " WHERE chain_index >= %s ORDER BY chain_index",
            [from_index],
        )
        for values in cr.fetchall():
            row = dict(zip((*NAMES, "chain_index"), values, strict=True))
            previous = plain_link(previous, row)
            self._as_attacker(
                "UPDATE ov_association_event SET hash = %s, keyed = CASE WHEN %s THEN false"
                " ELSE keyed END WHERE chain_index = %s",
                [previous, clear_keyed, row["chain_index"]],
            )

    def _alter_and_reseal(self, event, clear_keyed=False):
        self._as_attacker(
            "UPDATE ov_association_event SET reason = 'nothing happened' WHERE id = %s",
            [event.id],
        )
        self._reseal_plain(event.chain_index, clear_keyed)

    def _broken(self, event, kind):
        return {"event_id": event.id, "chain_index": event.chain_index, "kind": kind}

    # ------------------------------------------------------------------
    # Neither key nor anchor: the limit
    # ------------------------------------------------------------------
    def test_resealed_alteration_verifies_without_key_or_anchor(self):
        with self.configured():
            events = self._events()
            self._alter_and_reseal(events[1])
            self.assertEqual(
                self.Event.verify_audit_log(),
                {
                    "ok": True,
                    "checked": self._total(),
                    "unsealed": 0,
                    "keyed": False,
                    "keyed_from": False,
                    "anchors": False,
                    "first_broken": False,
                },
            )
        self.assertEqual(events[1].reason, "nothing happened")

    # ------------------------------------------------------------------
    # The key
    # ------------------------------------------------------------------
    def test_key_finds_resealed_alteration(self):
        sealed_before = self._head()
        with self.configured(key=KEY):
            events = self._events()
            self.assertEqual(events.mapped("keyed"), [True, True, True])
            first = self.Event.verify_audit_log()
            self.assertEqual(
                (first["ok"], first["keyed"], first["keyed_from"]), (True, True, sealed_before + 1)
            )
            for clear_keyed in (False, True):
                with self.subTest(clear_keyed=clear_keyed), self.env.cr.savepoint() as point:
                    self._alter_and_reseal(events[1], clear_keyed)
                    result = self.Event.verify_audit_log()
                    self.assertEqual(result["first_broken"], self._broken(events[1], "altered"))
                    self.assertEqual(
                        (result["ok"], result["checked"]), (False, events[1].chain_index - 1)
                    )
                    point.rollback()
                self.env.invalidate_all()
            self.assertTrue(self.Event.verify_audit_log()["ok"])

    def test_key_set_on_an_unkeyed_chain(self):
        """Old links verify as they were; the chain is keyed from the next seal,
        and from then on nothing seals or verifies without the key."""
        with self.configured():
            before = self._events()
        with self.configured(key=KEY):
            after = self._events()
            result = self.Event.verify_audit_log()
        self.assertEqual(before.mapped("keyed"), [False, False, False])
        self.assertEqual(after.mapped("keyed"), [True, True, True])
        self.assertEqual(
            result,
            {
                "ok": True,
                "checked": self._total(),
                "unsealed": 0,
                "keyed": True,
                "keyed_from": after[0].chain_index,
                "anchors": False,
                "first_broken": False,
            },
        )
        # The plain links keep their plain hashes, byte for byte.
        self.env.cr.execute(
            f"SELECT {', '.join(NAMES)} FROM ov_association_event WHERE id = %s", [before[1].id]
        )
        row = dict(zip(NAMES, self.env.cr.fetchone(), strict=True))
        self.assertEqual(before[1].hash, plain_link(before[0].hash, row))
        with self.configured():
            self.make_sa_row(installed_pair(self.env, "ov.sa_test_target"), "draft")
            for call in (self.Event.verify_audit_log, self.Event._cron_seal):
                with self.subTest(call=call.__name__), self.assertRaises(UserError) as caught:
                    call()
                self.assertIn("ov_association_audit_key", str(caught.exception))
                self.assertIn(str(after[0].chain_index), str(caught.exception))

    def test_short_key_is_refused(self):
        with self.configured(key="too short"), self.assertRaises(UserError) as caught:
            self.Event.verify_audit_log()
        self.assertIn("ov_association_audit_key", str(caught.exception))
        self.assertIn("32", str(caught.exception))

    def test_whole_keyed_part_rewritten_needs_an_anchor(self):
        """Rewriting every keyed link as unkeyed passes the key (keyed_from
        goes): the limit of a key alone, which an anchor closes."""
        sealed_before = self._head()
        with self.configured(key=KEY, anchors=True):
            events = self._events(seal_each=True)
            keyed_from = self.Event.verify_audit_log()["keyed_from"]
            self.assertEqual(keyed_from, sealed_before + 1)
            self._as_attacker(
                "UPDATE ov_association_event SET reason = 'nothing happened' WHERE id = %s",
                [events[1].id],
            )
            self._reseal_plain(keyed_from, clear_keyed=True)
        with self.configured(key=KEY):
            result = self.Event.verify_audit_log()
            self.assertEqual(
                (result["ok"], result["keyed_from"], result["first_broken"]), (True, False, False)
            )
        with self.configured(key=KEY, anchors=True):
            result = self.Event.verify_audit_log()
        self.assertEqual(result["first_broken"], self._broken(events[0], "resealed"))
        self.assertFalse(result["ok"])

    # ------------------------------------------------------------------
    # Anchors
    # ------------------------------------------------------------------
    def _anchors_written(self):
        with open(self.anchor_file, encoding="utf-8") as lines:
            return [json.loads(line) for line in lines]

    def test_anchor_finds_resealed_alteration(self):
        with self.configured(anchors=True):
            events = self._events(seal_each=True)
            self.assertEqual(
                [
                    (line["database"], line["chain_index"], line["hash"], line["keyed"])
                    for line in self._anchors_written()
                ],
                [(self.env.cr.dbname, e.chain_index, e.hash, False) for e in events],
            )
            self._alter_and_reseal(events[1])
            result = self.Event.verify_audit_log()
            action = self.Event.action_verify_audit_log()
        self.assertEqual(
            result,
            {
                "ok": False,
                "checked": self._total(),
                "unsealed": 0,
                "keyed": False,
                "keyed_from": False,
                "anchors": {"checked": 3, "unreadable": 0},
                "first_broken": self._broken(events[1], "resealed"),
            },
        )
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn(f"event {events[1].id} ", action["params"]["message"])
        self.assertIn("re-sealed", action["params"]["message"])

    def test_anchor_finds_removed_newest_events(self):
        with self.configured(anchors=True):
            events = self._events(seal_each=True)
            removed_from = events[1].chain_index
            self._as_attacker(
                "DELETE FROM ov_association_event WHERE id IN %s", [tuple(events[1:].ids)]
            )
            result = self.Event.verify_audit_log()
            action = self.Event.action_verify_audit_log()
        self.assertEqual(
            result["first_broken"],
            {"event_id": False, "chain_index": removed_from, "kind": "removed"},
        )
        self.assertIn("removed", action["params"]["message"])
        # Without the anchor file, the same removal is not seen.
        with self.configured():
            self.assertTrue(self.Event.verify_audit_log()["ok"])

    def test_anchor_file_keeps_to_its_database(self):
        """Other databases' anchors are not compared; a torn line is counted."""
        with self.configured(anchors=True):
            events = self._events(seal_each=True)
            with open(self.anchor_file, "a", encoding="utf-8") as anchors:
                other = {"database": "another_db", "chain_index": events[0].chain_index}
                anchors.write(json.dumps({**other, "hash": "f" * 64}) + "\n")
                anchors.write('{"database": "' + self.env.cr.dbname + '", "chain_in\n')
            result = self.Event.verify_audit_log()
        self.assertEqual((result["ok"], result["first_broken"]), (True, False))
        self.assertEqual(result["anchors"], {"checked": 3, "unreadable": 1})

    def test_anchor_written_after_commit_only(self):
        """A seal that is rolled back publishes nothing; a file that cannot be
        written loses the anchor (logged), not the seal."""
        with self.configured(anchors=True):
            pair = installed_pair(self.env, "ov.sa_test_target")
            self.make_sa_row(pair)
            self.assertGreater(self.Event._cron_seal(), 0)
            self.assertFalse(os.path.exists(self.anchor_file))
            self.env.cr.postcommit.clear()  # what a rollback does
            self.env.cr.postcommit.run()
            self.assertFalse(os.path.exists(self.anchor_file))
        self.anchor_file = os.path.join(self.anchor_file, "no such directory", "anchors")
        with self.configured(anchors=True):
            self.make_sa_row(pair)
            self.assertEqual(self.Event._cron_seal(), 1)
            with self.assertLogs(audit_anchor.__name__, "ERROR") as logged:
                self.env.cr.postcommit.run()
        self.assertIn("Audit anchor not written", logged.output[0])

    def test_unreadable_anchor_file_is_named(self):
        self.anchor_file = os.path.dirname(self.anchor_file)  # a directory
        with self.configured(anchors=True), self.assertRaises(UserError) as caught:
            self.Event.verify_audit_log()
        self.assertIn("ov_association_audit_anchor_file", str(caught.exception))
