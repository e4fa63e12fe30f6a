"""Sealing and verifying the audit log (docs/design.md §5).

Verification is a system administrator's action: the chain runs through the
events of every company, so its answer (how many events, which one was
tampered with) tells whoever gets it about all of them. The chain's key
and the anchor file come from the Odoo configuration file, never from the
database (``audit_chain``, ``audit_anchor``).
"""

from odoo import api, models
from odoo.exceptions import AccessError, UserError

from . import audit_anchor, audit_chain

# Who verifies the chain: whoever may know every company's events.
VERIFIER_GROUP = "base.group_system"


class OvAssociationEventVerification(models.Model):
    _inherit = "ov.association.event"

    def _ov_check_verifier(self):
        if not (self.env.su or self.env.user.has_group(VERIFIER_GROUP)):
            raise AccessError(
                self.env._(
                    "Only system administrators may verify the audit log: it covers the "
                    "events of every company."
                )
            )

    def _ov_audit_key(self):
        """The chain's key from the configuration file, as bytes; None if unset."""
        key = audit_chain.configured_key()
        if key is None:
            return None
        if not isinstance(key, str) or len(key.strip()) < audit_chain.KEY_MIN_LENGTH:
            raise UserError(
                self.env._(
                    "The audit key %(option)s in the Odoo configuration file must be at least "
                    "%(length)s characters long.",
                    option=audit_chain.KEY_OPTION,
                    length=audit_chain.KEY_MIN_LENGTH,
                )
            )
        return key.strip().encode()

    def _ov_require_key(self, key):
        """Once part of the chain is keyed, nothing seals or verifies without it."""
        keyed_from = audit_chain.keyed_from(self.env.cr)
        if key is None and keyed_from is not None:
            raise UserError(
                self.env._(
                    "The audit log is sealed with a key from chain position %(index)s on: "
                    "set %(option)s in the Odoo configuration file to seal or verify it.",
                    index=keyed_from,
                    option=audit_chain.KEY_OPTION,
                )
            )
        return keyed_from

    @api.model
    def _cron_seal(self):
        """Seal the events written since the last run (scheduled action)."""
        return self._ov_seal()

    def _ov_seal(self):
        # The chain is read and sealed in SQL: pending changes of events first.
        self.flush_model()
        cr = self.env.cr
        key = self._ov_audit_key()
        self._ov_require_key(key)
        sealed = audit_chain.seal(cr, key)
        self.invalidate_model(["chain_index", "hash", "keyed"])  # written in SQL
        path = audit_anchor.configured_path()
        if sealed and path:
            audit_anchor.publish(cr, path, audit_chain.head(cr))
        return sealed

    def _ov_read_anchors(self):
        """``(anchors, unreadable)`` of this database; anchors None without a file."""
        path = audit_anchor.configured_path()
        if path is None:
            return None, 0
        try:
            return audit_anchor.read(path, self.env.cr.dbname)
        except OSError as error:
            raise UserError(
                self.env._(
                    "The audit anchor file (%(option)s) cannot be read: %(error)s",
                    option=audit_anchor.OPTION,
                    error=error.strerror or str(error),
                )
            ) from error

    @api.model
    def verify_audit_log(self):
        """Seal what is not sealed yet, then check the whole chain.

        System administrators only: the chain runs through every company's
        events (docs/design.md §5). Returns a JSON-able dict (no None, so XML-RPC
        sends it):

        * ``ok``: no broken link and no contradicted anchor;
        * ``checked``: links verified, from the first up to the first broken;
        * ``unsealed``: events another transaction is sealing right now;
        * ``keyed``: whether the configuration holds the key the links from
          ``keyed_from`` (a chain position, or False: none is keyed) were
          checked with. Unkeyed, a change re-sealed with the plain sha256
          chain after it verifies: only anchors can show it;
        * ``anchors``: False without an anchor file, else ``checked`` (this
          database's anchors compared) and ``unreadable`` (lines skipped);
        * ``first_broken``: False, or ``event_id``, ``chain_index`` and
          ``kind``: ``altered`` (its content or seal no longer matches,
          including a link re-sealed without the key), ``missing`` (events
          before it were deleted), ``resealed`` (its hash differs from the
          anchor published when it was sealed: the chain was rewritten at or
          before it) or ``removed`` (``event_id`` False: the newest events,
          from this position up to an anchor at least, were deleted).
        """
        self._ov_check_verifier()
        key = self._ov_audit_key()
        self._ov_seal()
        cr = self.env.cr
        keyed_from = self._ov_require_key(key)
        anchors, unreadable = self._ov_read_anchors()
        checked, problem = audit_chain.verify(cr, key)
        contradicted = audit_anchor.check(cr, anchors)
        # The earliest of what the walk and the anchors found.
        if contradicted and (
            problem is None or contradicted["chain_index"] < problem["chain_index"]
        ):
            problem = contradicted
        cr.execute("SELECT count(*) FROM ov_association_event WHERE chain_index IS NULL")
        return {
            "ok": problem is None,
            "checked": checked,
            "unsealed": cr.fetchone()[0],
            "keyed": key is not None,
            "keyed_from": keyed_from or False,
            "anchors": False
            if anchors is None
            else {"checked": sum(map(len, anchors.values())), "unreadable": unreadable},
            "first_broken": problem or False,
        }

    @api.model
    def action_verify_audit_log(self):
        """Menu entry: verify the log and say what was found."""
        result = self.verify_audit_log()
        found = self._ov_verification_message(result)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Audit log verification"),
                "message": found,
                "type": "success" if result["ok"] else "danger",
                "sticky": not result["ok"],
            },
        }

    def _ov_verification_message(self, result):
        broken = result["first_broken"]
        if result["ok"]:
            message = self.env._(
                "The audit log is intact: %(checked)s events verified.", checked=result["checked"]
            )
        elif broken["kind"] == "removed":
            message = self.env._(
                "The audit log was tampered with: the newest events, from chain position "
                "%(index)s on, were removed (a published anchor names them).",
                index=broken["chain_index"],
            )
        elif broken["kind"] == "resealed":
            message = self.env._(
                "The audit log was tampered with: the chain was re-sealed at or before event "
                "%(event)s (chain position %(index)s), whose hash differs from the anchor "
                "published when it was sealed.",
                event=broken["event_id"],
                index=broken["chain_index"],
            )
        else:
            message = self.env._(
                "The audit log was tampered with: event %(event)s (chain position "
                "%(index)s) is %(kind)s. %(checked)s events before it are intact.",
                event=broken["event_id"],
                index=broken["chain_index"],
                kind=self.env._("altered")
                if broken["kind"] == "altered"
                else self.env._("preceded by deleted events"),
                checked=result["checked"],
            )
        if result["keyed_from"]:
            how = self.env._(
                "Links from chain position %(index)s on are sealed with the configured key.",
                index=result["keyed_from"],
            )
        elif result["keyed"]:
            how = self.env._("The key is configured; no link is sealed with it yet.")
        else:
            how = self.env._(
                "No audit key is configured: an event altered and re-sealed by someone with "
                "database access is found only by a published anchor."
            )
        if result["anchors"]:
            how += " " + self.env._(
                "%(checked)s published anchors compared.", checked=result["anchors"]["checked"]
            )
        return f"{message} {how}"
