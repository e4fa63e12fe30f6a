"""The cockpit in the web client (issue 13): every action and view it adds
loads through the web client's own calls, and shows the rows made here.
"""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCockpitWebClient(HttpCase):
    """Every new action and view loads through the web client's own calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "ov_cockpit_manager", groups="ov_association_base.group_ov_manager"
        )

    def test_actions_and_views_load(self):
        """Each action and view the cockpit adds loads, and shows the row made here."""
        sa = self.env["ov.sa"].create({"name": "Cockpit web SA", "code": "CKWEB"})
        actor = self.env["ov.actor"].create({"name": "Cockpit web actor"})
        membership = self.env["ov.sa.membership"].create({"sa_id": sa.id, "actor_id": actor.id})
        membership.action_activate()
        target = self.env["ov.test.target"].create({"name": "Cockpit web target"})
        Rows = self.env["ov.sa_test_target"]
        row = Rows.create({"sa_id": sa.id, "target_id": target.id, "association_kind": "access"})
        row.action_activate()
        self.env.flush_all()
        self.authenticate("ov_cockpit_manager", "ov_cockpit_manager")
        for xmlid in (
            "ov_association_cockpit.ov_association_report_action",
            "ov_association_cockpit.ov_association_expiring_action",
            "ov_association_cockpit.ov_association_event_report_action",
            "ov_association_base.ov_association_event_action",
            "ov_association_handover.ov_association_handover_wizard_action",
        ):
            with self.subTest(action=xmlid):
                action = self.make_jsonrpc_request(
                    "/web/action/load", {"action_id": self.env.ref(xmlid).id}
                )
                self.assertEqual(action["res_model"], self.env.ref(xmlid).res_model)
                self.assertEqual(action["id"], self.env.ref(xmlid).id)

        def call(model, method, **kwargs):
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/{method}",
                {"model": model, "method": method, "args": [], "kwargs": kwargs},
            )

        mine = [("sa_id", "=", sa.id)]
        with self.subTest(model="ov.association.report", method="web_search_read"):
            spec = {"model_description": {}, "state": {}, "res_id": {}}
            found = call("ov.association.report", "web_search_read", domain=mine,
                         specification=spec)  # fmt: skip
            self.assertEqual(
                sorted((r["model_description"], r["state"], r["res_id"]) for r in found["records"]),
                sorted([(Rows._description, "active", row.id),
                        (membership._description, "active", membership.id)]),
            )  # fmt: skip
        with self.subTest(model="ov.association.report", method="web_read_group"):
            grouped = call("ov.association.report", "web_read_group", domain=mine,
                           groupby=["sa_id", "state"], fields=["__count"], lazy=False)  # fmt: skip
            self.assertEqual(
                [(g["sa_id"][0], g["state"], g["__count"]) for g in grouped["groups"]],
                [(sa.id, "active", 2)],  # the SA row and the membership
            )
        with self.subTest(model="ov.association.event.report", method="web_read_group"):
            grouped = call("ov.association.event.report", "web_read_group",
                           domain=[("model", "=", Rows._name), ("res_id", "=", row.id)],
                           groupby=["event"], fields=["__count"], lazy=False)  # fmt: skip
            self.assertEqual(
                sorted((g["event"], g["__count"]) for g in grouped["groups"]),
                [("create", 1), ("transition", 1)],
            )
        with self.subTest(model="ov.association.event", method="web_search_read"):
            spec = {"model_description": {}, "record_name": {}}
            found = call("ov.association.event", "web_search_read",
                         domain=[("model", "=", Rows._name), ("res_id", "=", row.id)],
                         specification=spec, limit=80)  # fmt: skip
            self.assertEqual(
                {(r["model_description"], r["record_name"]) for r in found["records"]},
                {(Rows._description, row.display_name)},
            )
            self.assertEqual(found["length"], 2)
        for model, field, record in (
            ("ov.sa", "ov_governed_summary", sa),
            ("ov.actor", "ov_reach_summary", actor),
        ):
            with self.subTest(model=model, method="web_search_read"):
                found = call(model, "web_search_read", domain=[("id", "=", record.id)],
                             specification={field: {}}, limit=80)  # fmt: skip
                self.assertEqual([r["id"] for r in found["records"]], [record.id])
                self.assertTrue(found["records"][0][field], field)
        for model in self.env["ov.sa.association.mixin"]._ov_concrete_models():
            with self.subTest(model=model, method="web_read_group"):
                grouped = call(model, "web_read_group", domain=mine, groupby=["sa_id", "state"],
                               fields=["__count"], lazy=False)  # fmt: skip
                expected = [(sa.id, "active", 1)] if model == Rows._name else []
                self.assertEqual(
                    [(g["sa_id"][0], g["state"], g["__count"]) for g in grouped["groups"]],
                    expected,
                )
            with self.subTest(model=model, method="get_views"):
                loaded = call(model, "get_views",
                              views=[[False, "form"], [False, "pivot"], [False, "graph"],
                                     [False, "search"]])  # fmt: skip
                self.assertEqual(set(loaded["views"]), {"form", "pivot", "graph", "search"})
                for view_type, view in loaded["views"].items():
                    self.assertTrue(view["arch"].startswith(f"<{view_type}"), view_type)
                self.assertIn(model, loaded["models"])
        views = self.make_jsonrpc_request(
            "/web/dataset/call_kw/ov.sa/get_views",
            {"model": "ov.sa", "method": "get_views", "args": [],
             "kwargs": {"views": [[False, "form"]]}},
        )  # fmt: skip
        self.assertIn('widget="ov_governance_summary"', views["views"]["form"]["arch"])
