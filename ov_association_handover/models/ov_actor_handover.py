from odoo import models
from odoo.exceptions import UserError
from odoo.tools import split_every

from odoo.addons.ov_association_base import arguments, policy
from odoo.addons.ov_association_base.models.guard_mixin import checked


# One concern per file: ov.actor is also extended by governance_summary.
# pylint: disable=consider-merging-classes-inherited
class OvActor(models.Model):
    """*Hand over everything to…*: all of an actor's live rows, one step."""

    _inherit = "ov.actor"

    def action_hand_over(self, successor_id=None, sa_id=None, reason=None, **unknown):
        """Reassign every live row (active or suspended) of this actor, in
        every governed pair (or only in SA ``sa_id``), to ``successor_id``,
        with one reason, in one transaction.

        Refused, with nothing changed, when the successor lacks an effective
        membership in any SA concerned (all of them are named). Returns
        ``{"rows": n, "by_model": {model: [[old, new], …]}}``.
        """
        if unknown:
            checked(arguments.known_to, type(self).action_hand_over, unknown)
        reason = checked(arguments.reason, reason)
        if len(self) != 1:
            # ensure_one's ValueError would reach an RPC caller as a traceback.
            raise UserError(
                self.env._(
                    "Hand over everything: call it on one actor, not %(count)s.", count=len(self)
                )
            )
        # Rights first: the preview reads memberships the caller may not.
        self.check_access("write")
        preview = self._ov_hand_over_preview(successor_id, sa_id)
        if preview["missing_sas"]:
            raise UserError(
                self.env._(
                    "%(successor)s holds no effective membership in SA %(sas)s, where "
                    "%(actor)s has rows: make them a member first.",
                    successor=preview["successor"].display_name,
                    sas=", ".join(preview["missing_sas"].mapped("display_name")),
                    actor=self.display_name,
                )
            )
        result = {"rows": 0, "by_model": {}}
        with self.env.cr.savepoint():
            for name, rows in preview["rows"].items():
                result["by_model"][name] = []
                # One handover takes at most MAX_IDS rows: everything, in as many.
                for batch in split_every(arguments.MAX_IDS, rows.ids, rows.browse):
                    done = batch.action_reassign(preview["successor"].id, reason=reason)
                    result["by_model"][name] += done["reassigned"]
                    result["rows"] += len(done["reassigned"])
        return result

    def _ov_hand_over_preview(self, successor_id, sa_id=None):
        """What a hand-over would change: ``rows`` by model, the successor,
        and the SAs where the successor is not an effective member."""
        successor_id = checked(arguments.record_id, "successor_id", successor_id, required=True)
        sa_id = checked(arguments.record_id, "sa_id", sa_id)
        successor = self._ov_readable_record("successor_id", self.env["ov.actor"], successor_id)
        if successor == self:
            raise UserError(
                self.env._("%(actor)s cannot hand over to themselves.", actor=self.name)
            )
        rows, missing = {}, self.env["ov.sa"]
        for name in self.env["ov.actor.association.mixin"]._ov_concrete_models():
            Rows = self.env[name]
            domain = [("actor_id", "=", self.id), ("state", "in", policy.RUNNING_STATES)]
            if sa_id:
                domain.append((f"{Rows._ov_parent_field}.sa_id", "=", sa_id))
            found = Rows.search(domain, order="id")
            if found:
                rows[name] = found
                missing |= found._ov_sas_without_member(successor)
        return {"rows": rows, "successor": successor, "missing_sas": missing}
