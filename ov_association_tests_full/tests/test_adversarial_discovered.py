"""Adversarial suite, security round 3: the class attacks on every model the
library has, discovered, so a new model is attacked without a line of test.

For each concrete ``ov.*`` model (``library_models``), over HTTP:

* **the module-uninstall key**: deleting a record with Odoo's
  ``_force_unlink`` key (and the older name) has the outcome it has without;
* **another company's record**: a governance manager of company A neither
  reads, writes nor deletes a record of company B;
* **a derived field**: writing a stored compute or related field is refused;
* **a wrong-typed argument**: every public method the library defines
  (``action_*``, the governed reads, ...) given a value of the wrong type for
  one of its arguments refuses it clearly, naming it;
* **a name the reader may not read**: a record the reader cannot read is not
  read by id, is not found by ``name_search``, and shows as no name of its
  own where a readable record points at it.

A model the fixture holds no record of is reported, not failed: the test
says which attacks had nothing to attack.
"""

import inspect
import logging

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.addons.ov_association_tests.tests.adversarial_common import AdversarialCase
from odoo.addons.ov_association_tests.tests.library_models import library_models
from odoo.addons.ov_association_tests.tests.rpc_client import VIAS

from .review_fixtures import make_review_fixtures

_logger = logging.getLogger(__name__)

UNINSTALL_KEYS = (MODULE_UNINSTALL_FLAG, "module_uninstall")
WRONG = {"zqx-wrong-type": [1, 2]}  # no argument of the library takes a dict of lists
# Odoo's own API, overridden by the library's mixins but attacked by the
# class tests of test_adversarial_rpc; and the web client's plumbing.
ODOO_API = {
    "create",
    "write",
    "read",
    "unlink",
    "copy",
    "onchange",
    "web_read",
    "web_search_read",
    "web_save",
    "export_data",
    "name_search",
    "search",
    "search_read",
    "read_group",
    "init",
}
SCALAR = ("char", "text", "integer", "float", "boolean", "date", "datetime", "selection")


@tagged("post_install", "-at_install", "ov_adversarial")
class TestAdversarialDiscovered(AdversarialCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Records of the capabilities' own models, for the attacks to reach.
        make_review_fixtures(cls)

    def setUp(self):
        super().setUp()
        self.models = library_models(self.env, transient=False)
        self.unattacked = []

    def tearDown(self):
        if self.unattacked:
            _logger.info("discovered attacks with nothing to attack: %s", self.unattacked)
        super().tearDown()

    def as_user(self, who, name):
        user = self.users[who]
        return self.env[name].with_user(user).with_context(allowed_company_ids=user.company_ids.ids)

    def readable(self, who, name, limit=2, order="id desc"):
        try:
            return self.as_user(who, name).search([], limit=limit, order=order).sudo(False)
        except AccessError:
            return self.env[name].browse()

    def outcome_of(self, via, who, model, method, args, kwargs=None):
        """One call inside a savepoint that is rolled back: what it answered."""
        self.env.flush_all()
        self.env.cr.execute("SAVEPOINT ov_discovered_probe")
        try:
            return self.client.call(via, self.rpc_users[who], model, method, args, kwargs)
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT ov_discovered_probe")
            self.env.cr.execute("RELEASE SAVEPOINT ov_discovered_probe")
            self.env.invalidate_all()

    # ------------------------------------------------------------------
    def test_discovered_uninstall_key_changes_no_deletion(self):
        for name in self.models:
            records = self.readable("manager", name)
            if not records:
                self.unattacked.append(f"{name}: uninstall key")
                continue
            for record in records:
                plain = self.outcome_of("web", "manager", name, "unlink", [record.ids])
                for key in UNINSTALL_KEYS:
                    self.each_via(
                        f"unlink with {key}",
                        "manager",
                        name,
                        "unlink",
                        [record.ids],
                        {"context": {key: True}},
                        expect="either" if plain.ok else "refusal",
                        then=(lambda outcome, before: []) if plain.ok else None,
                    )
        self.assertNoProblems()

    def test_discovered_another_companys_record(self):
        company_b = self.company_b
        for name in self.models:
            Model = self.env[name]
            if "company_id" not in Model._fields:
                continue
            record = Model.search([("company_id", "=", company_b.id)], limit=1)
            if not record:
                self.unattacked.append(f"{name}: another company's record")
                continue
            writable = next(
                (
                    field_name
                    for field_name, field in Model._fields.items()
                    if field.type in ("char", "text")
                    and field.store
                    and not field.compute
                    and not field.readonly
                ),
                None,
            )
            calls = [("read", [record.ids, ["display_name"]]), ("unlink", [record.ids])]
            if writable:
                calls.append(("write", [record.ids, {writable: "zqx-written"}]))
            for method, args in calls:
                self.each_via(
                    "another company's record",
                    "manager",
                    name,
                    method,
                    args,
                    secrets=[record.display_name.lower()] if len(record.display_name) > 6 else [],
                )
        self.assertNoProblems()

    def test_discovered_derived_field_writes(self):
        for name in self.models:
            Model = self.env[name]
            records = self.readable("manager", name, limit=1)
            derived = [
                field_name
                for field_name, field in Model._fields.items()
                if field.compute
                and field.readonly
                and not field.inverse
                and field_name != "id"
                and (field.type in SCALAR or field.type == "many2one")
            ]
            if not records or not derived:
                if derived:
                    self.unattacked.append(f"{name}: derived fields")
                continue
            for field_name in derived:
                value = records[field_name]
                if Model._fields[field_name].type == "many2one":
                    value = value.id
                elif Model._fields[field_name].type in ("date", "datetime"):
                    value = str(value) if value else False
                self.attack(
                    f"derived field {field_name}",
                    "web",
                    "manager",
                    name,
                    "write",
                    [records.ids, {field_name: value}],
                )
        self.assertNoProblems()

    def public_methods(self, name):
        """The library's own public methods of a model (Odoo's CRUD API aside)."""
        cls = type(self.env[name])
        found = []
        for method_name in dir(cls):
            if method_name.startswith("_") or method_name in ODOO_API:
                continue
            function = getattr(cls, method_name, None)
            if callable(function) and getattr(function, "__module__", "").startswith(
                "odoo.addons.ov_"
            ):
                found.append(method_name)
        return found

    def test_discovered_wrong_typed_arguments(self):
        # The discovery finds the library's public methods, not Odoo's.
        found = set(self.public_methods("ov.sa_test_target"))
        expected = {
            "search_governed_targets",
            "check_governed",
            "check_governed_many",
            "explain_governed",
            "action_activate",
            "action_revoke",
            "action_change_kind",
            "action_change_window",
            "action_transfer",
        }
        self.assertEqual(expected - found, set())
        self.assertFalse(found & ODOO_API)
        for name in self.models:
            # The oldest: the fixture's first actor and rows, whose successors
            # in valid_arguments() hold the memberships a handover needs.
            records = self.readable("manager", name, limit=1, order="id asc")
            for method_name in self.public_methods(name):
                function = getattr(type(self.env[name]), method_name)
                on_model = getattr(function, "_api", None) == "model"
                parameters = [
                    parameter
                    for parameter in inspect.signature(
                        getattr(self.env[name], method_name)
                    ).parameters.values()
                    if parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
                ]
                if not parameters:
                    continue
                if not records and not on_model:
                    self.unattacked.append(f"{name}.{method_name}: wrong-typed argument")
                    continue
                valid = self.valid_arguments(records)
                unknown = {p.name for p in parameters if p.name not in valid}
                for parameter in parameters:
                    # This argument of the wrong type, the others valid; those
                    # the suite knows no valid value of are given wrong too,
                    # and the error must name one of those given wrong.
                    wrong = unknown | {parameter.name}
                    self.attack(
                        f"{parameter.name} of the wrong type",
                        "json",
                        "manager",
                        name,
                        method_name,
                        [] if on_model else [records.ids],
                        {
                            **{p.name: valid[p.name] for p in parameters if p.name not in wrong},
                            **dict.fromkeys(sorted(wrong), WRONG),
                        },
                        mentions=[tuple(sorted(wrong))],
                    )
        self.assertNoProblems()

    def valid_arguments(self, records):
        """A valid value, from the fixture, for the arguments public methods take."""
        actor = self.other if records != self.other else self.nonative
        return {
            "reason": "Adversarial check",
            "date": False,
            "date_from": False,
            "date_to": False,
            "keep_actor_rows": False,
            "new_actor_id": actor.id,
            "successor_id": actor.id,
            "new_sa_id": self.sa_a2.id,
            "sa_id": self.sa_a2.id,
        }

    def test_discovered_names_of_unreadable_records(self):
        for who in ("actor", "portal"):
            for name in self.models:
                Model = self.env[name]
                hidden = Model.search([], order="id desc", limit=50) - self.readable(
                    who, name, limit=None
                )
                if not hidden:
                    continue
                record = hidden[0]
                secret = record.display_name if len(record.display_name or "") > 6 else None
                secrets = [secret.lower()] if secret else []
                for via in VIAS:
                    self.attack(
                        "read an unreadable record",
                        via,
                        who,
                        name,
                        "read",
                        [record.ids, ["display_name"]],
                        secrets=secrets,
                    )
                    self.attack(
                        "name_search for an unreadable record",
                        via,
                        who,
                        name,
                        "name_search",
                        [secret or ""],
                        {"limit": 1000},
                        expect="either",
                        secrets=secrets,
                        harmless=lambda result, record=record: (
                            f"finds #{record.id}" if record.id in self.name_ids(result) else None
                        ),
                    )
        self.assertNoProblems()

    def name_ids(self, result):
        return {row[0] for row in result or ()}
