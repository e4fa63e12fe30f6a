from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.ov_association_base import policy

from .plan_line import STEP_KEY, STEP_MARKER

# The ADR's migration path; each step only from the one before (STEPS_FROM).
STATES = [
    ("draft", "Draft"),
    ("classified", "Classified"),
    ("dry_run", "Dry run"),
    ("backfilled", "Backfilled"),
    ("parity", "Parity verified"),
    ("frozen", "Frozen"),
    ("demoted", "Demoted"),
    ("retired", "Retired"),
]
STEPS_FROM = {
    "classified": ("draft", "dry_run"),
    "dry_run": ("classified", "dry_run"),
    "backfilled": ("dry_run", "backfilled"),
    "parity": ("backfilled",),
    "frozen": ("parity",),
    "demoted": ("parity", "frozen"),
    "retired": ("parity", "frozen", "demoted"),
    "draft": tuple(name for name, _label in STATES),
}
# Settings that change what the backfill does: editable until it ran.
SETTINGS = (
    "legacy_model_id",
    "pair_model",
    "sa_field_id",
    "actor_field_id",
    "default_sa_id",
    "create_memberships",
    "date_from_field_id",
    "date_to_field_id",
    "granted_by_field_id",
)
EDITABLE_STATES = ("draft", "classified", "dry_run")
# What the steps record: written by them alone.
RESULTS = (
    "state",
    "dry_run_date",
    "dry_run_totals",
    "backfill_next_id",
    "backfill_batches",
    "backfill_created_sa",
    "backfill_created_actor",
    "backfill_created_membership",
    "backfill_date",
    "parity_date",
    "parity_only_stamp",
    "parity_only_association",
    "parity_accepted_reason",
)


class OvMigrationPlan(models.Model):
    """One legacy stamp on its way to association rows (ADR 0003, migration path).

    The settings say what the stamp is (step 1, the classification rules),
    how its values map to SAs and actors, and which legacy columns carry the
    window and the granting user. The steps themselves live in
    ``plan_steps.py``; the SQL in ``sql/``.
    """

    _name = "ov.migration.plan"
    _inherit = [
        "ov.migration.plan.steps",
        "ov.migration.plan.mapping",
        "ov.migration.plan.report",
        "ov.migration.plan.cutover",
        "ov.migration.plan.scope",
        "ov.migration.plan.settings",
        "ov.migration.plan.shape",
        "ov.migration.plan.rules",
        "ov.association.guard.mixin",
    ]
    _description = "Migration plan of a legacy governance stamp"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, copy=False)
    legacy_model_id = fields.Many2one(
        "ir.model",
        string="Legacy model",
        required=True,
        ondelete="cascade",
        help="The native model whose records carry the stamp: the pair's governed model.",
    )
    # company_id: ov.migration.plan.scope (plan_scope.py)
    legacy_model = fields.Char(related="legacy_model_id.model", string="Legacy model name")
    pair_model = fields.Selection(
        "_selection_pair_models",
        string="Target pair",
        required=True,
        help="The SA-layer association model (ov.sa_x) the stamps become.",
    )
    sa_field_id = fields.Many2one(
        "ir.model.fields",
        string="SA stamp",
        ondelete="cascade",
        domain="[('model_id', '=', legacy_model_id), ('ttype', '=', 'many2one'), "
        "('store', '=', True)]",
        help="Many2one of the legacy model to the governing unit: ov.sa itself, "
        "or another model (e.g. crm.team) mapped to SAs below.",
    )
    actor_field_id = fields.Many2one(
        "ir.model.fields",
        string="Actor stamp",
        ondelete="cascade",
        domain="[('model_id', '=', legacy_model_id), ('ttype', '=', 'many2one'), "
        "('store', '=', True)]",
        help="Many2one of the legacy model to the responsible: ov.actor itself, "
        "or another model (e.g. res.users) mapped to actors below.",
    )
    sa_source_model = fields.Char(related="sa_field_id.relation", string="SA stamp points at")
    actor_source_model = fields.Char(
        related="actor_field_id.relation", string="Actor stamp points at"
    )
    default_sa_id = fields.Many2one(
        "ov.sa",
        string="Default SA",
        ondelete="restrict",
        check_company=True,
        help="The SA of the rows created for legacy records without an SA stamp "
        "(required when the plan has no SA stamp).",
    )
    create_memberships = fields.Boolean(
        help="Create the active memberships the actor rows need (audited); "
        "otherwise such rows are skipped as 'not a member'.",
    )
    create_missing = fields.Boolean(
        "Create missing SAs and actors",
        help="When proposing the mapping, create an SA or actor for each stamp "
        "value that has none (audited).",
    )
    date_from_field_id = fields.Many2one(
        "ir.model.fields",
        string="Effective from (legacy)",
        ondelete="set null",
        domain="[('model_id', '=', legacy_model_id), ('ttype', 'in', ('date', 'datetime')), "
        "('store', '=', True)]",
    )
    date_to_field_id = fields.Many2one(
        "ir.model.fields",
        string="Effective until (legacy)",
        ondelete="set null",
        domain="[('model_id', '=', legacy_model_id), ('ttype', 'in', ('date', 'datetime')), "
        "('store', '=', True)]",
        help="A past value creates the rows expired: the legacy data says the grant ended.",
    )
    granted_by_field_id = fields.Many2one(
        "ir.model.fields",
        string="Granted by (legacy)",
        ondelete="set null",
        domain="[('model_id', '=', legacy_model_id), ('relation', '=', 'res.users'), "
        "('store', '=', True)]",
        help="The user recorded as the creator of each new row, e.g. create_uid.",
    )
    rule_ids = fields.One2many("ov.migration.rule", "plan_id", string="Classification")
    map_ids = fields.One2many("ov.migration.map", "plan_id", string="Mapping")
    report_line_ids = fields.One2many("ov.migration.report.line", "plan_id", string="Report")
    batch_size = fields.Integer(
        default=5000, help="Stamped legacy records per backfill batch (one savepoint each)."
    )
    dry_run_date = fields.Datetime(readonly=True, copy=False)
    dry_run_totals = fields.Json(readonly=True, copy=False)
    backfill_next_id = fields.Integer(
        readonly=True, copy=False, help="Where an interrupted backfill resumes."
    )
    backfill_batches = fields.Integer(readonly=True, copy=False)
    backfill_created_sa = fields.Integer("SA rows created", readonly=True, copy=False)
    backfill_created_actor = fields.Integer("Actor rows created", readonly=True, copy=False)
    backfill_created_membership = fields.Integer("Memberships created", readonly=True, copy=False)
    backfill_date = fields.Datetime(readonly=True, copy=False)
    parity_date = fields.Datetime(readonly=True, copy=False)
    parity_only_stamp = fields.Integer("Only by stamp", readonly=True, copy=False)
    parity_only_association = fields.Integer("Only by association", readonly=True, copy=False)
    parity_accepted_reason = fields.Text(readonly=True, copy=False)
    written_by_odoo = fields.Boolean(
        compute="_compute_written_by_odoo",
        help="A stamp the ORM computes or defaults: it can be demoted, never frozen.",
    )

    _sql_constraints = [
        ("name_uniq", "UNIQUE (name)", "A migration plan name is unique."),
        ("batch_size_positive", "CHECK (batch_size > 0)", "The batch size must be positive."),
    ]

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _selection_pair_models(self):
        names = self.env["ov.sa.association.mixin"]._ov_concrete_models()
        return [(name, self.env[name]._description) for name in names]

    @api.depends("sa_field_id", "actor_field_id")
    def _compute_written_by_odoo(self):
        for plan in self:
            plan.written_by_odoo = bool(plan._ov_odoo_written_stamps())

    def _ov_stamp_fields(self):
        """The ``(side, ir.model.fields)`` stamps of the plan."""
        self.ensure_one()
        return [
            (side, field)
            for side, field in (("sa", self.sa_field_id), ("actor", self.actor_field_id))
            if field
        ]

    def _ov_odoo_written_stamps(self):
        """Stamps the ORM itself writes (a compute, a related or a default)."""
        if not self.legacy_model or self.legacy_model not in self.env:
            return []
        model_fields = self.env[self.legacy_model]._fields
        return [
            field.name
            for _side, field in self._ov_stamp_fields()
            if field.name in model_fields
            and (
                model_fields[field.name].compute
                or model_fields[field.name].related
                or model_fields[field.name].default
            )
        ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._ov_check_plan_values(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._ov_check_plan_values(vals, creating=False)
        if self.env.context.get(STEP_KEY) is not STEP_MARKER:
            results = sorted(set(vals) & set(RESULTS))
            if results:
                raise UserError(
                    self.env._(
                        "Migration plan %(plan)s: %(fields)s are written by its steps only.",
                        plan=self[:1].name,
                        fields=", ".join(results),
                    )
                )
            if set(vals) & set(SETTINGS):
                self._ov_check_editable()
                if self.filtered(lambda plan: plan.state == "dry_run"):
                    # The dry run no longer describes these settings.
                    self.filtered(lambda plan: plan.state == "dry_run")._ov_step(
                        "classified", self.env._("Settings changed after the dry run")
                    )
        return super().write(vals)

    def _ov_check_editable(self):
        locked = self.filtered(lambda plan: plan.state not in EDITABLE_STATES)
        if locked:
            raise UserError(
                self.env._(
                    "Migration plan %(plan)s is %(state)s: its settings, classification "
                    "and mapping are fixed once it backfilled. Reset it to draft first.",
                    plan=locked[0].name,
                    state=dict(STATES)[locked[0].state],
                )
            )

    # Deletion: ov.migration.plan.scope._unlink_only_unused_plans (plan_scope.py)

    # ------------------------------------------------------------------
    # Steps: state and audit
    # ------------------------------------------------------------------
    def _ov_step(self, new_state, reason=None):
        """Move to ``new_state`` from the step before it, audited."""
        for plan in self:
            if plan.state not in STEPS_FROM[new_state]:
                raise UserError(
                    self.env._(
                        "Migration plan %(plan)s is %(old)s: it cannot go to %(new)s "
                        "(steps are not skipped: %(path)s).",
                        plan=plan.name,
                        old=dict(STATES)[plan.state],
                        new=dict(STATES)[new_state],
                        path=" → ".join(label for _name, label in STATES[1:6]),
                    )
                )
        events = [
            {
                "model": self._name,
                "res_id": plan.id,
                "event": "migration",
                "old_value": plan.state,
                "new_value": new_state,
                "reason": reason or False,
                "user_id": self.env.uid,
                # A plan's history is its company's, as the plan (docs/design.md §5).
                "company_id": plan.company_id.id,
            }
            for plan in self
        ]
        self.with_context(**{STEP_KEY: STEP_MARKER}).write({"state": new_state})
        self.env["ov.association.event"]._ov_append(events)
        self.env.registry.clear_cache()  # _ov_demoted_columns

    def _ov_check_manager(self):
        """Governance managers run plans, on legacy models they may read.

        A plan reads every record of its legacy model, whatever the record
        rules of who runs it (a migration covers them all): its reports show
        counts and record ids, so the model must at least be readable.
        """
        if not (self.env.su or self.env.user.has_group(policy.MANAGER_GROUP)):
            raise AccessError(self.env._("Only governance managers run migration plans."))
        for plan in self:
            if plan.legacy_model in self.env:
                self.env[plan.legacy_model].check_access("read")
                plan._ov_check_sas_readable()

    def _ov_check_sas_readable(self):
        """Every SA the plan writes into is one the manager may read.

        A manager of one company must not create (or freeze, or demote)
        governance in another: the default SA, the mapped SAs and, for a
        stamp on ov.sa itself, every SA stamped, within the manager's record
        rules (company rules included), counted in SQL.
        """
        if self.env.su:
            return
        Sa = self.env["ov.sa"].with_context(active_test=False)
        named = self.default_sa_id | self.map_ids.sa_id
        hidden = len(named) - len(named._filtered_access("read"))
        if self.sa_field_id and self.sa_field_id.relation == "ov.sa":
            readable = Sa._search([]).subselect()
            # What the SQL below reads: the stamp column, the scope's company,
            # and the fields of the SAs' record rules (named by the subquery).
            self._ov_flush_legacy(self.sa_field_id.name)
            self.env.flush_query(readable)
            self.env.cr.execute(
                SQL(
                    "SELECT count(DISTINCT legacy.%s) FROM %s legacy"
                    " WHERE legacy.%s IS NOT NULL AND legacy.%s NOT IN %s AND %s",
                    SQL.identifier(self.sa_field_id.name),
                    SQL.identifier(self.env[self.legacy_model]._table),
                    SQL.identifier(self.sa_field_id.name),
                    SQL.identifier(self.sa_field_id.name),
                    readable,
                    self._ov_scope_sql("legacy"),
                )
            )
            hidden += self.env.cr.fetchone()[0]
        if hidden:
            raise AccessError(
                self.env._(
                    "Migration plan %(plan)s writes into %(count)s SA(s) you cannot read "
                    "(another company): run it as a manager of every company it touches.",
                    plan=self.name,
                    count=hidden,
                )
            )

    def _ov_system(self):
        """Write step results (readonly fields) on behalf of the step."""
        return self.with_context(**{STEP_KEY: STEP_MARKER})
