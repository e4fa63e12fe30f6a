"""After every step of the model-based soak: the real answers, compared with the model's.

A mixin of the state machine in ``test_soak_model``: it reads each row
(state, kind, ``is_effective``, the actor rows' cached parent), the audit
trail of every row, and the governed queries (by actor, by SA, by both,
``check_governed``, and the member users' own questions), and lists every
difference.
"""

from collections import defaultdict

from odoo.exceptions import AccessError

from . import contract_tables as contract
from . import reference_model as rm

MODELS = {
    rm.MEMBERSHIP: "ov.sa.membership",
    rm.SA_ROW: "ov.sa_test_target",
    rm.ACTOR_ROW: "ov.actor_sa_test_target",
}
KINDS = list(contract.KINDS)
# The kinds filters of the governed queries, one per step in turn: none, each
# kind, two of them (queries without a filter run at every step).
KIND_FILTERS = [None, *([kind] for kind in KINDS), KINDS[:2]]


class CompareWithModel:
    """Needs ``env``, ``model``, ``ids`` (handle -> id), ``case`` and ``stats``."""

    def _compare_rows(self):
        model, problems = self.model, []
        for layer in rm.LAYERS:
            handles = model.handles(layer)
            records = self.env[MODELS[layer]].browse(self.ids[h] for h in handles)
            gone = self.env[MODELS[layer]].browse(self.ids[h] for h in model.handles(layer, True))
            if len(records.exists()) != len(records) or gone.exists():
                problems.append(f"{layer} rows: real {records.exists().ids} exist, model {handles}")
                continue
            for handle, rec in zip(handles, records, strict=True):
                row = model.row(handle)
                real = [rec.state, rec.is_effective]
                expected = [row.state, model.is_effective(handle)]
                if layer != rm.MEMBERSHIP:
                    real.append(rec.association_kind)
                    expected.append(row.kind)
                if layer == rm.ACTOR_ROW:
                    target, parent_state = model.parent_cache(handle)
                    real += [rec.ov_target_id, rec.ov_parent_state]
                    expected += [self.case.targets[target].id, parent_state]
                if real != expected:
                    problems.append(f"{row}: real {real}, model {expected}")
        return problems

    def _compare_trails(self):
        self.env.flush_all()
        by_model = defaultdict(list)
        for handle, row in self.model.rows.items():
            by_model[MODELS[row.layer]].append(self.ids[handle])
        self.env.cr.execute(
            """SELECT model, res_id, event, old_state, new_state, old_kind, new_kind
               FROM ov_association_event
               WHERE model = ANY(%s) AND res_id = ANY(%s) ORDER BY id""",
            [list(by_model), [i for ids in by_model.values() for i in ids]],
        )
        real = defaultdict(list)
        for model_name, res_id, *event in self.env.cr.fetchall():
            if res_id in by_model[model_name]:
                real[model_name, res_id].append(tuple(event))
        problems = []
        for handle, row in self.model.rows.items():
            trail = real.get((MODELS[row.layer], self.ids[handle]), [])
            if trail != row.events:
                problems.append(f"{row} audit trail: real {trail}, model {row.events}")
        return problems

    def _compare_queries(self):
        model, case, problems = self.model, self.case, []
        Sa = self.env["ov.sa_test_target"]
        targets = [t.id for t in case.targets]

        def ids(found):
            return {targets[t] for t in found}

        def same(what, real, expected):
            if real != expected:
                problems.append(f"{what}: real {sorted(real)}, model {sorted(expected)}")

        kinds = KIND_FILTERS[self.stats["comparisons"] % len(KIND_FILTERS)]
        filters = [None] if kinds is None else [None, kinds]
        for a, actor in enumerate(case.actors):
            for k in filters:
                found = Sa.search_governed_targets(actor_id=actor.id, kinds=k)
                expected = ids(model.actor_targets(a, kinds=k))
                same(f"targets of actor {a} kinds {k}", set(found.ids), expected)
            for s, sa in enumerate(case.sas):
                found = Sa.search_governed_targets(actor_id=actor.id, sa_id=sa.id)
                expected = ids(model.actor_targets(a, s))
                same(f"targets of actor {a} in SA {s}", set(found.ids), expected)
            for t, target in enumerate(targets):
                real = Sa.check_governed(target, actor_id=actor.id, kinds=kinds)
                expected = model.check(t, a, kinds)
                same(f"check target {t} actor {a} kinds {kinds}", {real}, {expected})
        for s, sa in enumerate(case.sas):
            for k in filters:
                found = Sa.search_governed_targets(sa_id=sa.id, kinds=k)
                same(f"scope of SA {s} kinds {k}", set(found.ids), ids(model.sa_targets(s, k)))
        for a, user in enumerate(case.users):
            as_user = Sa.with_user(user)
            mine = set(as_user.search_governed_targets().ids)
            same(f"user {a}'s targets", mine, ids(model.actor_targets(a)))
            for t, target in enumerate(targets):
                real = as_user.check_governed(target)
                same(f"user {a} checks target {t}", {real}, {model.check(t, a)})
            for s, sa in enumerate(case.sas):
                try:
                    real = set(as_user.search_governed_targets(sa_id=sa.id).ids)
                except AccessError:
                    real = "AccessError"
                expected = ids(model.sa_targets(s)) if model.may_query_sa(a, s) else "AccessError"
                if real != expected:
                    problems.append(f"user {a} asks SA {s}: real {real}, model {expected}")
        return problems
