from lxml.builder import E

from odoo import api, models

from .. import policy


class OvAssociationViewsMixin(models.AbstractModel):
    """Default list, form and search views of every governed pair.

    A new pair gets a complete UI (status bar, transition buttons, reason and
    kind wizards) without XML; an addon may still ship its own views.
    """

    _name = "ov.association.views.mixin"
    _description = "Association default views"

    def _ov_view_fields(self):
        """Override to list the fields shown first in the default views."""
        return []

    def _ov_wizard_button(self, xmlid, label, visible_states, wizard_action=None, context=None):
        attrs = {
            "name": str(self.env.ref(xmlid).id),
            "type": "action",
            "string": label,
            "groups": policy.MANAGER_GROUP,
        }
        if visible_states:
            attrs["invisible"] = f"state not in {tuple(visible_states)!r}"
        if wizard_action:
            attrs["context"] = repr({"default_action": wizard_action})
        if context:
            attrs["context"] = repr(context)
        return E.button(**attrs)

    def _ov_form_header_buttons(self):
        """The form header's buttons: the transitions and the kind change.
        A capability addon appends its own (handovers)."""
        reason = "ov_association_base.ov_association_reason_wizard_action"
        return [
            E.button(
                name="action_activate",
                type="object",
                string=self.env._("Activate"),
                invisible="state != 'draft'",
                groups=policy.MANAGER_GROUP,
                **{"class": "btn-primary"},
            ),
            E.button(
                name="action_resume",
                type="object",
                string=self.env._("Resume"),
                invisible="state != 'suspended'",
                groups=policy.MANAGER_GROUP,
                **{"class": "btn-primary"},
            ),
            self._ov_wizard_button(reason, self.env._("Suspend"), ("active",), "suspend"),
            self._ov_wizard_button(reason, self.env._("Expire"), ("active", "suspended"), "expire"),
            self._ov_wizard_button(
                reason, self.env._("Revoke"), ("draft", "active", "suspended"), "revoke"
            ),
            self._ov_wizard_button(
                "ov_association_base.ov_association_kind_wizard_action",
                self.env._("Change kind"),
                ("active", "suspended"),
            ),
        ]

    def _ov_form_stat_buttons(self):
        """The buttons of the form's button box: the governed record. A
        capability addon appends its own (the rows of a handover)."""
        if not hasattr(self, "action_open_target"):
            return []
        return [
            E.button(
                name="action_open_target",
                type="object",
                string=self.env._("Record"),
                icon="fa-external-link",
                **{"class": "oe_stat_button"},
            )
        ]

    def _ov_form_pages(self):
        """The form's notebook pages; a capability addon appends its own
        (the cockpit's *History*). No notebook when there is none."""
        return []

    def _ov_list_header_buttons(self):
        """Buttons on the selected rows of the list (a capability's)."""
        return []

    @api.model
    def _get_default_form_view(self):
        header = E.header(
            *self._ov_form_header_buttons(),
            E.field(
                name="state",
                widget="statusbar",
                statusbar_visible="draft,active,expired",
            ),
        )
        # Derived fields (a related field showing the governed record) keep
        # their own readonly: editable, the client would send them back.
        derived = self._ov_derived_fields()
        main = [
            E.field(name=name)
            if name in derived
            else E.field(name=name, readonly="state != 'draft'")
            for name in self._ov_view_fields()
        ]
        main.append(E.field(name="association_kind", readonly="state != 'draft'"))
        window = [
            E.field(name="date_from", readonly="state != 'draft'"),
            E.field(name="date_to", readonly="state != 'draft'"),
            E.field(name="is_effective"),
            E.field(name="company_id", groups="base.group_multi_company"),
        ]
        box = E.div({"class": "oe_button_box", "name": "button_box"}, *self._ov_form_stat_buttons())
        sheet = E.sheet(box, E.group(E.group(*main), E.group(*window)))
        pages = self._ov_form_pages()
        if pages:
            sheet.append(E.notebook(*pages))
        return E.form(header, sheet)

    def _ov_list_fields(self):
        """The view fields as list columns, with the currency of monetary ones."""
        columns = []
        for name in self._ov_view_fields():
            columns.append(E.field(name=name))
            field = self._fields[name]
            if field.type == "monetary":
                columns.append(E.field(name=field.get_currency_field(self), column_invisible="1"))
        return columns

    @api.model
    def _get_default_list_view(self):
        extra = []
        if hasattr(self, "action_open_target"):
            extra.append(
                E.button(
                    name="action_open_target",
                    type="object",
                    string=self.env._("Open"),
                    icon="fa-external-link",
                )
            )
        return E.list(
            E.header(*self._ov_list_header_buttons()),
            *self._ov_list_fields(),
            E.field(name="association_kind"),
            E.field(name="date_from", optional="show"),
            E.field(name="date_to", optional="show"),
            E.field(
                name="state",
                widget="badge",
                **{
                    "decoration-success": "state == 'active'",
                    "decoration-warning": "state == 'suspended'",
                    "decoration-muted": "state in ('expired', 'revoked')",
                },
            ),
            E.field(name="company_id", groups="base.group_multi_company", optional="hide"),
            *extra,
        )

    @api.model
    def _get_default_search_view(self):
        return E.search(
            *[E.field(name=name) for name in self._ov_view_fields()],
            E.field(name="association_kind"),
            E.filter(
                name="effective",
                string=self.env._("Effective"),
                domain="[('is_effective', '=', True)]",
            ),
            E.filter(name="draft", string=self.env._("Draft"), domain="[('state', '=', 'draft')]"),
            E.filter(
                name="suspended",
                string=self.env._("Suspended"),
                domain="[('state', '=', 'suspended')]",
            ),
            E.filter(
                name="ended",
                string=self.env._("Ended"),
                domain="[('state', 'in', ('expired', 'revoked'))]",
            ),
            E.separator(),
            *expiring_filters(self.env),
            E.group(
                E.filter(
                    name="group_state", string=self.env._("State"), context="{'group_by': 'state'}"
                ),
                E.filter(
                    name="group_kind",
                    string=self.env._("Kind"),
                    context="{'group_by': 'association_kind'}",
                ),
                E.filter(
                    name="group_end",
                    string=self.env._("End of window"),
                    context="{'group_by': 'date_to:week'}",
                ),
                expand="0",
                string=self.env._("Group By"),
            ),
        )

    @api.model
    def _get_default_pivot_view(self):
        # Rows by SA (or actor), kind, state and start month (issue 13).
        first = "sa_id" if "sa_id" in self._fields else "actor_id"
        return E.pivot(
            E.field(name=first, type="row"),
            E.field(name="association_kind", type="row"),
            E.field(name="state", type="col"),
            string=self._description,
        )

    @api.model
    def _get_default_graph_view(self):
        return E.graph(
            E.field(name="create_date", interval="month"),
            E.field(name="state"),
            string=self._description,
            stacked="1",
        )


def expiring_filters(env):
    """*Expiring soon*: live rows whose window ends within 7 or 30 days."""
    return [
        E.filter(
            name=f"expiring_{days}",
            string=env._("Ending within %(days)s days", days=days),
            domain=(
                "[('state', 'in', ('active', 'suspended')),"
                " ('date_to', '>=', context_today().strftime('%Y-%m-%d')),"
                f" ('date_to', '<', (context_today() + relativedelta(days={days}))"
                ".strftime('%Y-%m-%d'))]"
            ),
        )
        for days in (7, 30)
    ]
