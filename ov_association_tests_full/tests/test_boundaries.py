"""Windows at their exact boundaries, in every form the rule is computed.

docs/design.md §3: a row is effective while ``date_from <= now < date_to``, open ends
empty. The rule is computed in several places (literal SQL for a reader, the
plan-cached functions for the superuser, the literal form again when kinds
filter, the audit log for an answer as of a moment, explanations, bulk
checks, the SA scope, the report); each is asked at the exact boundary, with
the expected answers written out below, never taken from another form.

The Python-side clock is frozen (``freeze_time``): the literal SQL and the
plan-cached functions both take ``now`` from ``fields.Datetime.now()`` as a
parameter. The report reads PostgreSQL's ``now()``, the transaction's start,
so its test places the boundaries at that moment instead.
"""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.ov_association_tests.tests.common import ConformanceCase

SECOND = timedelta(seconds=1)

# case -> effective at the boundary moment T (docs/design.md §3, written out).
EXPECTED_AT_T = {
    "ends at T": False,  # date_to is exclusive
    "starts at T": True,  # date_from is inclusive
    "open both ends": True,
    "ends just after T": True,
    "starts just after T": False,
    "ended just before T": False,
}


def reason_codes(value):
    """Every reason code anywhere in an explanation."""
    if isinstance(value, dict):
        found = [value["code"]] if isinstance(value.get("code"), str) else []
        return found + [code for item in value.values() for code in reason_codes(item)]
    if isinstance(value, list):
        return [code for item in value for code in reason_codes(item)]
    return []


@tagged("post_install", "-at_install", "ov_boundaries")
class TestBoundaries(ConformanceCase):
    def windows(self, moment):
        return {
            "ends at T": (False, moment),
            "starts at T": (moment, False),
            "open both ends": (False, False),
            "ends just after T": (False, moment + SECOND),
            "starts just after T": (moment + SECOND, False),
            "ended just before T": (False, moment - SECOND),
        }

    def build(self, pair, moment):
        """case -> (target, actor row); parent and child share the case's window."""
        Sa = self.env[pair.sa_model]
        built = {}
        for case, (date_from, date_to) in self.windows(moment).items():
            parent = self.make_sa_row(pair, "active", date_from=date_from, date_to=date_to)
            child = self.make_actor_row(
                pair, "active", parent=parent, date_from=date_from, date_to=date_to
            )
            built[case] = (parent[Sa._ov_target_field], child)
        return built

    def test_every_form_at_the_window_boundaries(self):
        moment = fields.Datetime.now().replace(microsecond=0) + timedelta(hours=2)
        for pair in self.pairs:
            if not pair.actor_model:
                continue
            Sa = self.env[pair.sa_model]
            built = self.build(pair, moment)
            ids = {case: target.id for case, (target, _row) in built.items()}
            kind = built["open both ends"][1].association_kind
            other_kinds = [k for k in self.env[pair.actor_model]._ov_allowed_kinds if k != kind]
            expected_ids = {ids[case] for case, effective in EXPECTED_AT_T.items() if effective}
            member = Sa.with_user(self.member_user)
            with freeze_time(moment):
                self.assertIn("ov_association_reach_", Sa._ov_target_query(actor=self.actor).code)
                forms = {
                    "literal": lambda target, M=member: M.check_governed(target),
                    "plan-cached": lambda target, M=Sa: M.check_governed(target, self.actor.id),
                    "literal, kinds": lambda target, M=Sa, k=kind: M.check_governed(
                        target, self.actor.id, kinds=[k]
                    ),
                    "explain": lambda target, M=member: M.explain_governed(target)["allowed"],
                    "explain, superuser": lambda target, M=Sa: M.explain_governed(
                        target, self.actor.id
                    )["allowed"],
                }
                for form, check in forms.items():
                    for case, effective in EXPECTED_AT_T.items():
                        with self.subTest(pair=pair.name, form=form, case=case):
                            self.assertIs(check(ids[case]), effective)
                sets = {
                    "literal": member.search_governed_targets(),
                    "plan-cached": Sa.search_governed_targets(actor_id=self.actor.id),
                    "literal, kinds": Sa.search_governed_targets(
                        actor_id=self.actor.id, kinds=[kind]
                    ),
                    "SA scope, literal": member.search_governed_targets(sa_id=self.sa.id),
                    "SA scope, plan-cached": Sa.search_governed_targets(sa_id=self.sa.id),
                }
                for form, found in sets.items():
                    with self.subTest(pair=pair.name, form=form):
                        self.assertEqual(set(found.ids) & set(ids.values()), expected_ids)
                if other_kinds:
                    with self.subTest(pair=pair.name, form="plan-cached, other kinds"):
                        found = Sa.search_governed_targets(
                            actor_id=self.actor.id, kinds=other_kinds
                        )
                        self.assertFalse(set(found.ids) & set(ids.values()))
                        self.assertFalse(
                            Sa.check_governed(
                                ids["open both ends"], self.actor.id, kinds=other_kinds
                            )
                        )
                for label, model in (("member", member), ("superuser", Sa)):
                    with self.subTest(pair=pair.name, form=f"check_many, {label}"):
                        answers = model.check_governed_many(list(ids.values()), self.actor.id)
                        self.assertEqual({case: answers[ids[case]] for case in ids}, EXPECTED_AT_T)
                ended = Sa.explain_governed(ids["ends at T"], self.actor.id)
                with self.subTest(pair=pair.name, form="explain reasons"):
                    self.assertIn("window_ended", reason_codes(ended))
                    later = Sa.explain_governed(ids["starts just after T"], self.actor.id)
                    self.assertIn("window_not_started", reason_codes(later))
                    self.assertNotIn(
                        "window_ended",
                        reason_codes(Sa.explain_governed(ids["starts at T"], self.actor.id)),
                    )
            # As of T, asked an hour later: rebuilt from the audit log.
            with freeze_time(moment + timedelta(hours=1)):
                for label, model in (("member", member), ("superuser", Sa)):
                    with self.subTest(pair=pair.name, form=f"as of T, {label}"):
                        answers = {
                            case: model.check_governed(ids[case], self.actor.id, at=moment)
                            for case in ids
                        }
                        self.assertEqual(answers, EXPECTED_AT_T)
                        found = model.search_governed_targets(actor_id=self.actor.id, at=moment)
                        self.assertEqual(set(found.ids) & set(ids.values()), expected_ids)
                        many = model.check_governed_many(
                            list(ids.values()), self.actor.id, at=moment
                        )
                        self.assertEqual({case: many[ids[case]] for case in ids}, EXPECTED_AT_T)
                        explained = {
                            case: model.explain_governed(ids[case], self.actor.id, at=moment)[
                                "allowed"
                            ]
                            for case in ids
                        }
                        self.assertEqual(explained, EXPECTED_AT_T)

    def test_activation_and_cron_at_date_to(self):
        """A row cannot be activated at exactly its date_to; the cron expires it then."""
        Cron = self.env["ov.governance.cron"]
        moment = fields.Datetime.now().replace(microsecond=0) + timedelta(hours=2)
        for pair in self.pairs:
            with self.subTest(pair=pair.name):
                draft = self.make_sa_row(pair, "draft", date_to=moment)
                active = self.make_sa_row(pair, "active", date_to=moment)
                later = self.make_sa_row(pair, "active", date_to=moment + SECOND)
                with freeze_time(moment - SECOND):
                    self.assertEqual(Cron._cron_expire_past_rows(), 0)
                with freeze_time(moment):
                    with self.assertRaises(UserError):
                        draft.action_activate()
                    self.assertEqual(draft.state, "draft")
                    self.assertGreaterEqual(Cron._cron_expire_past_rows(), 1)
                    self.assertEqual(active.state, "expired")
                    self.assertEqual(later.state, "active")
                with freeze_time(moment - SECOND):
                    starts = self.make_sa_row(pair, "draft", date_to=moment)
                    starts.action_activate()  # one second before the end: still allowed
                    self.assertEqual(starts.state, "active")

    def test_report_at_the_window_boundaries(self):
        """The report reads the database clock: boundaries placed at the transaction's now()."""
        self.env.cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        (moment,) = self.env.cr.fetchone()
        Report = self.env["ov.association.report"]
        for pair in self.pairs:
            with self.subTest(pair=pair.name):
                rows = {
                    "ends at T": self.make_sa_row(pair, "draft"),
                    "starts at T": self.make_sa_row(pair, "draft"),
                    "open both ends": self.make_sa_row(pair, "draft"),
                    "ended just before T": self.make_sa_row(pair, "draft"),
                }
                with freeze_time(moment - timedelta(hours=1)):
                    for case, row in rows.items():
                        date_from, date_to = self.windows(moment)[case]
                        row.write({"date_from": date_from, "date_to": date_to})
                        row.action_activate()
                self.env.flush_all()
                lines = Report.search(
                    [("model", "=", pair.sa_model), ("res_id", "in", [r.id for r in rows.values()])]
                )
                effective = {line.res_id: line.is_effective for line in lines}
                self.assertEqual(
                    {case: effective[row.id] for case, row in rows.items()},
                    {case: EXPECTED_AT_T[case] for case in rows},
                )
