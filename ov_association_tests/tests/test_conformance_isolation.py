"""The conformance suite's own robustness: a broken pair fails alone, and says
what to implement.

A new pair whose target needs values the suite cannot guess (crm.lead's
computed required ``name``) used to abort the transaction, and every later
pair's sub-test then failed with ``InFailedSqlTransaction``; a test that took
``self.pairs[0]`` raised a bare ``StopIteration`` when that pair lacked a kind.
Here the pair is broken without a new model: one hook (or one kind
declaration) of the test pair is patched for the duration of a check, and the
suite's helpers must roll the failure back, name the hook and the field, and
pick pairs by what they can do.
"""

import unittest
from unittest.mock import patch

import psycopg2.errors

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import (
    ConformanceCase,
    installed_pair,
    reader_groups,
    unreadable_target_problem,
)

TEST_SA = "ov.sa_test_target"
TEST_ACTOR = "ov.actor_sa_test_target"
TARGET_MESSAGE = (
    "ov.sa_test_target: could not create a ov.test.target for the conformance suite ({}):"
    " implement _ov_conformance_target_values() on ov.sa_test_target to return the values"
    " it needs"
)


@tagged("post_install", "-at_install", "ov_conformance")
class TestConformanceIsolation(ConformanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Installed with this addon, whatever pairs the fast loop checks.
        cls.test_pair = installed_pair(cls.env, TEST_SA)

    def patch_hook(self, sa_model, hook, result):
        """``sa_model``'s ``hook`` answering ``result`` while the block runs."""
        return patch.object(type(self.env[sa_model]), hook, lambda _self, *_args: result)

    def failure_of(self, call):
        """The exception ``call`` raises, caught without a savepoint of ours
        (Odoo's assertRaises opens one, which would hide an aborted
        transaction)."""
        try:
            call()
        except Exception as error:  # the type is the assertion
            return error
        return None

    # ------------------------------------------------------------------
    # (a) the failure names the hook and the field
    # ------------------------------------------------------------------
    def test_a_refused_target_names_the_hook_and_the_field(self):
        """A NOT NULL column left empty (what crm.lead's computed name does)."""
        with self.patch_hook(TEST_SA, "_ov_conformance_target_values", {"name": False}):
            failure = self.failure_of(lambda: self.make_target(self.test_pair))
        self.assertIsInstance(failure, AssertionError)
        self.assertEqual(str(failure), TARGET_MESSAGE.format("field 'name' is required"))
        self.assertIsInstance(failure.__cause__, psycopg2.errors.NotNullViolation)

    def test_a_target_refused_by_the_orm_names_the_field(self):
        """A UserError of the ORM (check_company): the field it quotes is named."""
        parent = self.make_target(self.test_pair, company=self.company)
        values = {"parent_id": parent.id, "company_id": self.other_company.id}
        with self.patch_hook(TEST_SA, "_ov_conformance_target_values", values):
            failure = self.failure_of(lambda: self.make_target(self.test_pair))
        self.assertIsInstance(failure, AssertionError)
        self.assertIsInstance(failure.__cause__, UserError)
        refusal = " ".join(
            line.strip() for line in str(failure.__cause__).splitlines() if line.strip()
        )
        self.assertIn("(parent_id: ", refusal)
        self.assertEqual(str(failure), TARGET_MESSAGE.format(f"field 'parent_id': {refusal}"))

    def test_a_target_refused_by_a_check_constraint_names_it(self):
        """res.partner requires a name through a CHECK constraint, not the field:
        the customer pair's hook gives it; without it, the constraint is named."""
        pair = installed_pair(self.env, "ov.sa_customer")
        if pair is None:
            self.skipTest("ov_sa_customer is not installed")
        with self.patch_hook(pair.sa_model, "_ov_conformance_target_values", {}):
            failure = self.failure_of(lambda: self.make_target(pair))
        self.assertIsInstance(failure, AssertionError)
        self.assertIsInstance(failure.__cause__, psycopg2.errors.CheckViolation)
        self.assertEqual(
            str(failure),
            "ov.sa_customer: could not create a res.partner for the conformance suite"
            " (constraint 'res_partner_check_name' refused it: Contacts require a name):"
            " implement _ov_conformance_target_values() on ov.sa_customer to return the"
            " values it needs",
        )

    # ------------------------------------------------------------------
    # (b) the transaction stays usable
    # ------------------------------------------------------------------
    def test_the_transaction_survives_a_refused_target(self):
        """After the refusal, the next statements run: a query on every pair,
        and new rows of the pair, its hook restored."""
        with self.patch_hook(TEST_SA, "_ov_conformance_target_values", {"name": False}):
            failure = self.failure_of(lambda: self.make_target(self.test_pair))
        self.assertIsInstance(failure, AssertionError)
        self.env.cr.execute("SELECT count(*) FROM ov_test_target WHERE name IS NULL")
        self.assertEqual(self.env.cr.fetchone(), (0,))
        for pair in self.pairs:
            if pair.sa_model == TEST_SA:
                continue
            with self.subTest(pair=pair.name):
                # The SA was made for this class: no pair governs anything in it yet.
                governed = self.env[pair.sa_model].search_governed_targets(sa_id=self.sa.id)
                self.assertEqual(governed.ids, [])
        row = self.make_sa_row(self.test_pair, "active")
        governed = self.env[TEST_SA].search_governed_targets(sa_id=self.sa.id)
        self.assertEqual(governed, row.target_id)

    def test_without_a_savepoint_the_transaction_is_lost(self):
        """What the savepoints prevent: a refused flush aborts the transaction,
        and the next statement, whatever it is, fails."""
        cr = self.env.cr
        self.env.flush_all()
        savepoint = cr.savepoint(flush=False)
        try:
            with mute_logger("odoo.sql_db"):
                refused = self.failure_of(
                    lambda: (
                        self.env["ov.test.target"].create({"name": False}),
                        self.env.flush_all(),
                    )
                )
                after = self.failure_of(lambda: cr.execute("SELECT 1"))
        finally:
            cr.clear()
            savepoint.close(rollback=True)
        self.assertIsInstance(refused, psycopg2.errors.NotNullViolation)
        self.assertIsInstance(after, psycopg2.errors.InFailedSqlTransaction)
        cr.execute("SELECT 1")
        self.assertEqual(cr.fetchone(), (1,))

    def test_a_pair_case_rolls_back_what_failed_in_it(self):
        """pair_isolation (the savepoint of every pair's sub-test): what the
        body wrote before the database refused it is gone, and the
        transaction goes on, with or without the ORM flushed first."""
        for flush in (True, False):
            with self.subTest(flush=flush):
                made = {}

                # pylint: disable-next=dangerous-default-value
                def body(flush=flush, made=made):  # bound to this iteration on purpose
                    with mute_logger("odoo.sql_db"), self.pair_isolation(self.test_pair, flush):
                        made["target"] = self.make_target(self.test_pair)
                        self.env.flush_all()
                        self.env.cr.execute("INSERT INTO ov_test_target (name) VALUES (NULL)")

                failure = self.failure_of(body)
                self.assertIsInstance(failure, psycopg2.errors.NotNullViolation)
                self.assertFalse(made["target"].exists())
                self.env.cr.execute("SELECT count(*) FROM ov_test_target WHERE name IS NULL")
                self.assertEqual(self.env.cr.fetchone(), (0,))

    # ------------------------------------------------------------------
    # The reader-group hook
    # ------------------------------------------------------------------
    def test_reader_groups_that_are_not_groups_are_named(self):
        hook = "_ov_conformance_reader_groups"
        for returned, expected in (
            (["base.group_user"], None),
            (
                ["base.no_such_group"],
                "'base.no_such_group'",
            ),
            (
                ["base.group_user", "base.main_company", "no_module_part"],
                "'base.main_company', 'no_module_part'",
            ),
        ):
            with self.subTest(returned=returned), self.patch_hook(TEST_SA, hook, returned):
                groups, problem = reader_groups(self.env, self.test_pair)
                if expected is None:
                    self.assertIsNone(problem)
                    self.assertEqual(groups, self.env.ref("base.group_user"))
                    continue
                self.assertEqual(
                    problem,
                    f"ov.sa_test_target: _ov_conformance_reader_groups() returns {expected},"
                    " which is not the xmlid of a group: implement"
                    " _ov_conformance_reader_groups() on ov.sa_test_target to return the"
                    " xmlids of the groups that read ov.test.target",
                )

    def test_readers_who_cannot_read_the_target_name_the_hook(self):
        """A user without the native group (a portal user cannot read
        ov.test.target): the problem names the hook, and an AccessError in the
        pair's sub-test becomes an AssertionError that says it."""
        portal = new_test_user(self.env, "ov_iso_portal", groups="base.group_portal")
        self.assertIsNone(
            unreadable_target_problem(self.env, self.test_pair, self.member_user | self.peer_user)
        )
        problem = unreadable_target_problem(self.env, self.test_pair, self.member_user | portal)
        self.assertEqual(
            problem,
            "ov.sa_test_target: the conformance suite's users (ov_iso_portal) cannot read"
            " ov.test.target: implement _ov_conformance_reader_groups() on ov.sa_test_target"
            " to return the xmlids of the groups that read ov.test.target (governance never"
            " grants native read rights)",
        )
        read = self.env["ov.test.target"].with_user(portal)
        with patch.dict(self.reader_problems, {TEST_SA: problem}):
            failure = self.failure_of(self._read_in_pair_case(read))
        self.assertIsInstance(failure, AssertionError)
        self.assertEqual(str(failure), problem)
        self.assertIsInstance(failure.__cause__, AccessError)
        # A pair whose readers can read: the AccessError is the test's, unchanged.
        self.assertNotIn(TEST_SA, self.reader_problems)
        self.assertIsInstance(self.failure_of(self._read_in_pair_case(read)), AccessError)

    def _read_in_pair_case(self, Target):
        def read():
            with self.pair_isolation(self.test_pair):
                Target.search([])

        return read

    # ------------------------------------------------------------------
    # (c) pairs picked by what they can do
    # ------------------------------------------------------------------
    def test_a_pair_with_an_exclusive_kind_is_picked_by_its_kinds(self):
        self.assertEqual(self.pair_with_exclusive_kind([self.test_pair]), self.test_pair)
        for pairs in (self.pairs, list(reversed(self.pairs))):
            with self.subTest(order=[pair.sa_model for pair in pairs]):
                picked = self.pair_with_exclusive_kind(pairs)
                exclusive = {
                    kind for Model in self.layers(picked) for kind in Model._ov_exclusive_kinds
                }
                if picked == self.test_pair:
                    self.assertEqual(exclusive, {"assignment"})
                self.assertTrue(exclusive, picked.name)
        with (
            patch.object(type(self.env[TEST_SA]), "_ov_exclusive_kinds", ()),
            patch.object(type(self.env[TEST_ACTOR]), "_ov_exclusive_kinds", ()),
            self.assertRaises(unittest.SkipTest) as caught,
        ):
            self.pair_with_exclusive_kind([self.test_pair])
        self.assertEqual(
            str(caught.exception),
            "no pair has an exclusive kind: ov.sa_test_target allows assignment, access,"
            " binding (none exclusive); ov.actor_sa_test_target allows assignment, access,"
            " binding (none exclusive)",
        )
        with self.assertRaises(unittest.SkipTest) as caught:
            self.pair_with_exclusive_kind([])
        self.assertEqual(
            str(caught.exception), "no pair has an exclusive kind: no pair is installed"
        )

    def test_the_kind_wizard_pair_needs_two_free_kinds(self):
        """Issue 2: a pair with one non-exclusive SA-layer kind is not picked
        (it raised StopIteration as ``self.pairs[0]``); none left, a skip says why."""
        self.assertEqual(self.pair_with_two_free_sa_kinds([self.test_pair]), self.test_pair)
        Sa = type(self.env[TEST_SA])
        with (
            patch.object(Sa, "_ov_allowed_kinds", ("assignment", "access")),
            self.assertRaises(unittest.SkipTest) as caught,
        ):
            self.pair_with_two_free_sa_kinds([self.test_pair])
        self.assertEqual(
            str(caught.exception),
            "no pair has two non-exclusive SA-layer kinds: ov.sa_test_target allows"
            " assignment, access (exclusive: assignment); ov.actor_sa_test_target allows"
            " assignment, access, binding (exclusive: assignment)",
        )

    def test_a_row_its_kinds_cannot_make_skips_with_the_reason(self):
        """No SA-layer kind admits the actor layer's only kind: the actor row
        cannot exist, and the sub-test is skipped, saying so."""
        with (
            patch.object(type(self.env[TEST_SA]), "_ov_allowed_kinds", ("assignment", "access")),
            patch.object(type(self.env[TEST_ACTOR]), "_ov_allowed_kinds", ("binding",)),
            self.assertRaises(unittest.SkipTest) as caught,
        ):
            self.make_actor_row(self.test_pair, "active")
        self.assertEqual(
            str(caught.exception),
            "ov.sa_test_target: no SA-layer kind admits any actor-layer row"
            " (ov.sa_test_target allows assignment, access (exclusive: assignment);"
            " ov.actor_sa_test_target allows binding (none exclusive))",
        )
