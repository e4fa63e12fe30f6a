from lxml import etree

from odoo.tests import Form, tagged

from .common import ConformanceCase


@tagged("post_install", "-at_install")
class TestViewsAndWizards(ConformanceCase):
    def test_default_views_of_every_pair(self):
        """Each layer of each pair gets a status bar, buttons and filters."""
        for pair in self.pairs:
            for model in (pair.sa_model, pair.actor_model):
                with self.pair_case(pair, model=model):
                    views = self.env[model].get_views(
                        [(False, "form"), (False, "list"), (False, "search")]
                    )["views"]
                    form = etree.fromstring(views["form"]["arch"])
                    self.assertTrue(
                        form.xpath("//header/field[@name='state'][@widget='statusbar']")
                    )
                    self.assertTrue(form.xpath("//button[@name='action_activate']"))
                    self.assertTrue(form.xpath("//field[@name='association_kind']"))
                    listing = etree.fromstring(views["list"]["arch"])
                    self.assertTrue(listing.xpath("//field[@name='state']"))
                    search = etree.fromstring(views["search"]["arch"])
                    self.assertTrue(search.xpath("//filter[@name='effective']"))
                    # The web client reads labels from the reflected selections.
                    described = (
                        self.env[model]
                        .with_context(lang="en_US")
                        .fields_get(["state", "association_kind"], ["selection"])
                    )
                    self.assertIn(("active", "Active"), map(tuple, described["state"]["selection"]))
                    self.assertTrue(described["association_kind"]["selection"])

    def test_default_form_creates_rows(self):
        """The default form sends only what a caller may give (no derived field)."""
        for pair in self.pairs:
            with self.pair_case(pair):
                Actor = self.env[pair.actor_model].with_user(self.manager_user)
                parent = self.make_sa_row(pair, "active")
                kind = self.actor_kind(pair, parent.association_kind)
                self.require(pair, kind, "no SA-layer kind admits an actor-layer kind")
                with Form(Actor) as form:
                    setattr(form, Actor._ov_parent_field, parent)
                    form.actor_id = self.actor
                    form.association_kind = kind
                row = form.save()
                self.assertEqual(row._ov_parent(), parent)
                self.assertEqual(row.company_id, parent.company_id)

    def test_reason_wizard_revokes_with_reason(self):
        for pair in self.pairs:
            with self.pair_case(pair):
                row = self.make_sa_row(pair, "active")
                context = {
                    "active_model": row._name,
                    "active_ids": row.ids,
                    "default_action": "revoke",
                }
                wizard = Form(self.env["ov.association.reason.wizard"].with_context(**context))
                wizard.reason = "reorganisation"
                wizard.save().action_confirm()
                self.assertEqual(row.state, "revoked")
                event = self.events(row, event="transition", new_state="revoked")
                self.assertEqual(event.reason, "reorganisation")

    def test_kind_wizard_offers_allowed_kinds_and_changes_kind(self):
        # Chosen by what it can do: a row of one non-exclusive kind, changed
        # to another (an exclusive kind would be the slot's to give).
        pair = self.pair_with_two_free_sa_kinds()
        with self.pair_case(pair):
            Sa = self.env[pair.sa_model]
            old_kind, new_kind = self.kinds(Sa, exclusive=False)[:2]
            row = self.make_sa_row(pair, "active", kind=old_kind)
            Wizard = self.env["ov.association.kind.wizard"].with_context(
                active_model=row._name, active_ids=row.ids
            )
            offered = [value for value, _label in Wizard._selection_new_kind()]
            self.assertEqual(offered, list(Sa._ov_allowed_kinds))
            wizard = Form(Wizard)
            wizard.new_kind = new_kind
            wizard.reason = "re-scoped"
            wizard.save().action_confirm()
            self.assertEqual(row.association_kind, new_kind)
            self.assertEqual(len(self.events(row, event="kind_change")), 1)
