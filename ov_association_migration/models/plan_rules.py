from odoo import fields, models
from odoo.exceptions import UserError

from . import rule_shapes

# A stamp's rules are replaced once parity holds (the associations give what
# the stamp gave), and until the stamp is gone.
RULE_STEP_STATES = ("parity", "frozen", "demoted", "retired")


class OvMigrationPlanRules(models.AbstractModel):
    """Retire, for record rules (ov.migration.plan): propose, for each rule
    that reads the plan's stamp, the governed rule that replaces it.

    The proposals are lines of the plan (``ov.migration.rule.replacement``):
    their visibility parity and their application are steps of the line,
    audited. A rule replaced no longer reads the stamp, so *Retire* no longer
    lists it among the stamp's readers.
    """

    _name = "ov.migration.plan.rules"
    _description = "Migration plan record rule replacements"

    rule_replacement_ids = fields.One2many(
        "ov.migration.rule.replacement", "plan_id", string="Record rules"
    )

    def action_propose_rule_replacements(self):
        """(Re)propose a replacement for every record rule reading the stamp.

        The open lines are replaced (what was accepted goes with them, its
        event stays in the audit log); applied lines stay, the record of the
        step.
        """
        self._ov_check_manager()
        for plan in self:
            if plan.state not in RULE_STEP_STATES:
                raise UserError(
                    self.env._(
                        "Migration plan %(plan)s: its record rules are replaced once parity "
                        "is verified (the associations must give what the stamp gave).",
                        plan=plan.name,
                    )
                )
            # sudo: the proposal step alone writes the lines (managers read them).
            lines = plan.sudo().rule_replacement_ids
            lines.filtered(lambda line: line.state != "applied")._ov_system().unlink()
            lines.env["ov.migration.rule.replacement"]._ov_system().create(
                [{"plan_id": plan.id, **vals} for vals in plan._ov_rule_proposals()]
            )
        return True

    def _ov_rule_proposals(self):
        """Values of one line per active rule of the legacy model reading a stamp."""
        self.ensure_one()
        env = self.env
        # sudo: ir.rule belongs to Odoo's Access Rights group; the step lists
        # every rule that reads the stamp, as Retire does (_ov_readers).
        rules = (
            env["ir.rule"].sudo().search([("model_id", "=", self.legacy_model_id.id)], order="id")
        )
        proposals = []
        for rule in rules:
            text = rule.domain_force or ""
            read = [(side, field) for side, field in self._ov_stamp_fields() if field.name in text]
            if not read:
                continue
            vals = {
                "rule_id": rule.id,
                "rule_name": rule.name,
                "old_domain": text,
                "side": read[0][0],
            }
            if len(read) > 1:
                shape, why = (
                    None,
                    env._(
                        "its domain reads both stamps (%(fields)s): rewrite it by hand with "
                        "governed.reach and governed.scope.",
                        fields=", ".join(field.name for _side, field in read),
                    ),
                )
            else:
                _side, field = read[0]
                shape, why = rule_shapes.recognise(text, field.name, field.relation)
            if shape:
                vals.update(
                    state="proposed",
                    new_domain=rule_shapes.governed_domain(shape, self.pair_model),
                )
            else:
                vals.update(
                    state="unsupported",
                    note=env._(
                        "No replacement proposed for record rule %(rule)s: %(why)s",
                        rule=rule.name,
                        why=why,
                    ),
                )
            proposals.append(vals)
        return proposals
