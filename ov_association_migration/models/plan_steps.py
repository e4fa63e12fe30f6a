import logging

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.ov_association_base.models import schema_sql

from ..sql import backfill, classify, dry_run

_logger = logging.getLogger(__name__)


class OvMigrationPlanSteps(models.AbstractModel):
    """Steps 1 to 3 of the ADR's migration path on a plan (ov.migration.plan).

    Parity (step 4) is in ``plan_parity.py``, cutover (freeze, demote,
    retire) in ``plan_cutover.py``.
    """

    _name = "ov.migration.plan.steps"
    _description = "Migration plan steps"

    def _ov_now_us(self):
        return schema_sql.epoch_us(fields.Datetime.now())

    def _ov_flush_plan_tables(self, shape=None):
        """Write the pending changes of what a step's SQL (``sql/``) reads,
        and of what the database triggers on the plan's tables follow.

        The legacy model, whole (stamps, company, dates, granting user and
        whatever the pair's target condition reads); the plan's pair, SA and
        actor layers, with the SAs, actors and memberships their reach
        columns are kept from by trigger; the plan's mapping and provenance
        rows; and, with ``shape``, the fields its rule domains and readable
        records subqueries name (Odoo's own SQL carries them).
        """
        self.ensure_one()
        env = self.env
        pair = env[self.pair_model] if self.pair_model in env else None
        actor = pair._ov_actor_model() if pair is not None else None
        for Model in (
            env[self.legacy_model],
            *(layer for layer in (pair, actor) if layer is not None),
            env["ov.sa"],
            env["ov.actor"],
            env["ov.sa.membership"],
            env["ov.migration.map"],
            env["ov.migration.plan.row"],
        ):
            Model.flush_model()
        if shape is not None:
            for query in (*(rule.condition for rule in shape.rules), shape.readable_ids):
                if query is not None:
                    env.flush_query(query)

    def _ov_ready(self):
        """The plan can run: manager, settings and classification complete."""
        self._ov_check_manager()
        for plan in self:
            problem = plan._ov_classification_problem()
            if problem:
                raise UserError(
                    self.env._(
                        "Migration plan %(plan)s cannot run: %(problem)s",
                        plan=plan.name,
                        problem=problem,
                    )
                )

    # ------------------------------------------------------------------
    # Step 1: classification
    # ------------------------------------------------------------------
    def action_classify(self):
        """Record that the stamp's meaning is explicit (ADR step 1)."""
        self._ov_ready()
        self._ov_step("classified")
        return True

    # ------------------------------------------------------------------
    # Step 3, without writing: the dry run
    # ------------------------------------------------------------------
    def action_dry_run(self):
        """Count what the backfill would create and skip; store the report."""
        self._ov_ready()
        for plan in self:
            plan._ov_step("dry_run")
            totals, lines = plan._ov_dry_run()
            plan._ov_replace_report("dry_run", lines)
            plan._ov_system().write(
                {
                    "dry_run_date": fields.Datetime.now(),
                    "dry_run_totals": totals,
                    "backfill_created_sa": 0,
                    "backfill_created_actor": 0,
                    "backfill_created_membership": 0,
                }
            )
            _logger.info("migration plan %s: dry run %s", plan.name, totals)
        return True

    def _ov_dry_run(self):
        """(totals, report lines) of a dry run now."""
        self.ensure_one()
        shape = self._ov_shape()
        self._ov_flush_plan_tables(shape)
        cr = self.env.cr
        empty_count, empty_sample = dry_run.unstamped(cr, shape)
        group_list = dry_run.groups(cr, shape, self._ov_now_us())
        totals = dry_run.totals(group_list, empty_count)
        return totals, self._ov_dry_run_lines(group_list, empty_count, empty_sample)

    def _ov_dry_run_lines(self, group_list, empty_count, empty_sample):
        env = self.env
        lines = []
        for group in group_list:
            outcome = group["outcome"]
            sample = ", ".join(map(str, group["sample"]))
            if outcome == "membership":
                if group["count"]:
                    lines.append(
                        {
                            "category": "create",
                            "subject": env._("Memberships"),
                            "count": group["count"],
                        }
                    )
            elif outcome == classify.CREATE:
                if group["new_sa"]:
                    lines.append(
                        {
                            "category": "create",
                            "subject": env._("SA rows: %(kind)s", kind=group["sa_kind"]),
                            "detail": group["new_state"],
                            "count": group["count"],
                            "sample": sample,
                        }
                    )
                if group["new_actor"]:
                    lines.append(
                        {
                            "category": "create",
                            "subject": env._("Actor rows: %(kind)s", kind=group["actor_kind"]),
                            "detail": group["new_state"],
                            "count": group["count"],
                            "sample": sample,
                        }
                    )
            elif outcome in classify.DONE_OUTCOMES:
                lines.append(
                    {
                        "category": "done",
                        "subject": classify.DONE_OUTCOMES[outcome],
                        "detail": outcome,
                        "count": group["count"],
                        "sample": sample,
                    }
                )
            else:
                lines.append(
                    {
                        "category": "skip",
                        "subject": classify.SKIP_REASONS[outcome],
                        "detail": outcome,
                        "count": group["count"],
                        "sample": sample,
                    }
                )
        lines.append(
            {
                "category": "skip",
                "subject": classify.SKIP_REASONS["empty_stamp"],
                "detail": "empty_stamp",
                "count": empty_count,
                "sample": ", ".join(map(str, empty_sample)),
            }
        )
        return _merge_lines(lines)

    # ------------------------------------------------------------------
    # Step 3: the backfill
    # ------------------------------------------------------------------
    def action_backfill(self, commit=False):
        """Create the association rows the dry run announced, batch by batch.

        Refused when the data no longer matches the stored dry run (run it
        again). Each batch is one savepoint, or with ``commit`` one
        transaction (``odoo-bin shell`` on a large database): an interrupted
        run keeps its finished batches and resumes after them. A second run
        creates nothing.
        """
        if commit not in (True, False):
            raise UserError(
                self.env._("commit must be True or False, got %(value)r.", value=commit)
            )
        self._ov_ready()
        for plan in self:
            plan._ov_backfill(commit)
        return True

    def _ov_backfill(self, commit):
        self.ensure_one()
        env = self.env
        if self.state not in ("dry_run", "backfilled"):
            raise UserError(
                env._(
                    "Migration plan %(plan)s: run the dry run before the backfill.",
                    plan=self.name,
                )
            )
        self._ov_check_dry_run_current()
        shape = self._ov_shape()
        cr = env.cr
        bounds = backfill.batch_bounds(cr, shape, self.backfill_next_id or 0, self.batch_size)
        first = bounds[0] if bounds else None
        now_us = self._ov_now_us()
        for start, stop in zip(bounds, bounds[1:], strict=False):
            with cr.savepoint():
                created = self._ov_backfill_batch(
                    shape, now_us, start, stop, analyze=start == first
                )
                self._ov_system().write(
                    {
                        "backfill_next_id": stop,
                        "backfill_batches": self.backfill_batches + 1,
                        "backfill_created_sa": self.backfill_created_sa + created["sa"],
                        "backfill_created_actor": self.backfill_created_actor + created["actor"],
                        "backfill_created_membership": self.backfill_created_membership
                        + created["membership"],
                    }
                )
                # The batch's counters in its savepoint (released, it writes
                # the rest of what is pending too).
                self.flush_recordset()
            _logger.info(
                "migration plan %s: ids [%s, %s), up to %s: created %s",
                self.name,
                start,
                stop,
                bounds[-1],
                created,
            )
            if commit:
                # Resumable: each finished batch stays, whatever happens next.
                cr.commit()  # pylint: disable=invalid-commit
        env.invalidate_all()
        self._ov_system().write({"backfill_next_id": 0, "backfill_date": fields.Datetime.now()})
        self._ov_replace_report("backfill", self._ov_backfill_lines())
        if self.state == "dry_run":
            self._ov_step("backfilled")
        if commit:
            cr.commit()  # pylint: disable=invalid-commit

    def _ov_backfill_batch(self, shape, now_us, low, high, analyze=False):
        """Override to watch or interrupt one batch (the tests do)."""
        return backfill.run_batch(self.env.cr, shape, now_us, low, high, analyze)

    def _ov_check_dry_run_current(self):
        """The data still classifies as the stored dry run said.

        Rows created since (by this plan) count as migrated; every skip
        reason and the total of rows to handle must be unchanged.
        """
        stored = self.dry_run_totals or {}
        now, _lines = self._ov_dry_run()
        handled = ("create", "migrated", "governed")
        before = {k: v for k, v in stored.items() if k in classify.SKIP_REASONS}
        after = {k: v for k, v in now.items() if k in classify.SKIP_REASONS}
        same = {k: v for k, v in before.items() if v} == {k: v for k, v in after.items() if v}
        same = same and sum(stored.get(k, 0) for k in handled) == sum(
            now.get(k, 0) for k in handled
        )
        if not same:
            raise UserError(
                self.env._(
                    "Migration plan %(plan)s: the legacy data changed since the dry run "
                    "(%(before)s, now %(after)s); run the dry run again.",
                    plan=self.name,
                    before=_summary(stored),
                    after=_summary(now),
                )
            )

    def _ov_backfill_lines(self):
        env = self.env
        announced = self.dry_run_totals or {}
        return [
            {
                "category": "created",
                "subject": label,
                "detail": env._("announced %(count)s", count=announced.get(key, 0)),
                "count": count,
            }
            for key, label, count in (
                ("sa", env._("SA rows"), self.backfill_created_sa),
                ("actor", env._("Actor rows"), self.backfill_created_actor),
                ("membership", env._("Memberships"), self.backfill_created_membership),
            )
        ]


def _merge_lines(lines):
    """Lines of the same category, subject and detail as one (counts summed)."""
    merged = {}
    for line in lines:
        key = (line["category"], line["subject"], line.get("detail"))
        if key in merged:
            merged[key]["count"] += line["count"]
            samples = [s for s in (merged[key].get("sample"), line.get("sample")) if s]
            ids = sorted({int(i) for i in ", ".join(samples).split(", ")})
            merged[key]["sample"] = ", ".join(map(str, ids[: dry_run.SAMPLE_SIZE]))
        else:
            merged[key] = dict(line)
    return list(merged.values())


def _summary(totals):
    return ", ".join(f"{key} {value}" for key, value in sorted((totals or {}).items()) if value)
