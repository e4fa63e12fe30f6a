from lxml.builder import E

from odoo import api, models

MANAGER = "ov_association_base.group_ov_manager"


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
            "groups": MANAGER,
        }
        if visible_states:
            attrs["invisible"] = f"state not in {tuple(visible_states)!r}"
        if wizard_action:
            attrs["context"] = repr({"default_action": wizard_action})
        if context:
            attrs["context"] = repr(context)
        return E.button(**attrs)

    def _ov_handover_buttons(self, visible_states=("active", "suspended")):
        """The handovers this layer offers (DESIGN §6), as wizard buttons."""
        wizard = "ov_association_base.ov_association_handover_wizard_action"
        operations = []
        if hasattr(self, "action_reassign"):
            operations.append(("reassign", self.env._("Reassign")))
        if hasattr(self, "action_transfer"):
            operations.append(("transfer", self.env._("Transfer")))
        if hasattr(self, "action_change_window"):
            operations.append(("window", self.env._("Change window")))
        return [
            self._ov_wizard_button(
                wizard, label, visible_states, context={"default_operation": operation}
            )
            for operation, label in operations
        ]

    @api.model
    def _get_default_form_view(self):
        reason = "ov_association_base.ov_association_reason_wizard_action"
        header = E.header(
            E.button(
                name="action_activate",
                type="object",
                string="Activate",
                invisible="state != 'draft'",
                groups=MANAGER,
                **{"class": "btn-primary"},
            ),
            E.button(
                name="action_resume",
                type="object",
                string="Resume",
                invisible="state != 'suspended'",
                groups=MANAGER,
                **{"class": "btn-primary"},
            ),
            self._ov_wizard_button(reason, "Suspend", ("active",), "suspend"),
            self._ov_wizard_button(reason, "Expire", ("active", "suspended"), "expire"),
            self._ov_wizard_button(reason, "Revoke", ("draft", "active", "suspended"), "revoke"),
            self._ov_wizard_button(
                "ov_association_base.ov_association_kind_wizard_action",
                "Change kind",
                ("active", "suspended"),
            ),
            *self._ov_handover_buttons(),
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
        box = E.div({"class": "oe_button_box", "name": "button_box"})
        if "reassigned_from_id" in self._fields:
            for name, label, icon in (
                ("from", self.env._("Handed over from"), "fa-arrow-left"),
                ("to", self.env._("Handed over to"), "fa-arrow-right"),
            ):
                box.append(E.field(name=f"reassigned_{name}_id", invisible="1"))
                box.append(
                    E.button(
                        name=f"action_open_handed_over_{name}",
                        type="object",
                        string=label,
                        icon=icon,
                        invisible=f"not reassigned_{name}_id",
                        **{"class": "oe_stat_button"},
                    )
                )
        if hasattr(self, "action_open_target"):
            box.append(
                E.button(
                    name="action_open_target",
                    type="object",
                    string="Record",
                    icon="fa-external-link",
                    **{"class": "oe_stat_button"},
                )
            )
        return E.form(
            header,
            E.sheet(
                box,
                E.group(E.group(*main), E.group(*window)),
                E.notebook(
                    E.page(
                        E.field(
                            E.list(*history_columns()),
                            name="ov_event_ids",
                            readonly="1",
                            nolabel="1",
                        ),
                        string="History",
                        name="history",
                        groups=MANAGER,
                    )
                ),
            ),
        )

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
                    name="action_open_target", type="object", string="Open", icon="fa-external-link"
                )
            )
        return E.list(
            # Shown on selected rows: the handovers work on many rows at once.
            E.header(*self._ov_handover_buttons(visible_states=None)),
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
                string="Effective",
                domain="[('is_effective', '=', True)]",
            ),
            E.filter(name="draft", string="Draft", domain="[('state', '=', 'draft')]"),
            E.filter(
                name="suspended",
                string="Suspended",
                domain="[('state', '=', 'suspended')]",
            ),
            E.filter(
                name="ended",
                string="Ended",
                domain="[('state', 'in', ('expired', 'revoked'))]",
            ),
            E.separator(),
            *expiring_filters(),
            E.group(
                E.filter(name="group_state", string="State", context="{'group_by': 'state'}"),
                E.filter(
                    name="group_kind",
                    string="Kind",
                    context="{'group_by': 'association_kind'}",
                ),
                E.filter(
                    name="group_end",
                    string="End of window",
                    context="{'group_by': 'date_to:week'}",
                ),
                expand="0",
                string="Group By",
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


def history_columns():
    """The columns of a row's *History*: the audit log, newest first."""
    return [
        E.field(name="date"),
        E.field(name="event"),
        E.field(name="old_state", optional="show"),
        E.field(name="new_state"),
        E.field(name="old_kind", optional="hide"),
        E.field(name="new_kind", optional="show"),
        E.field(name="old_value", optional="show", string="Before"),
        E.field(name="new_value", optional="show", string="After"),
        E.field(name="reason"),
        E.field(name="user_id"),
    ]


def expiring_filters():
    """*Expiring soon*: live rows whose window ends within 7 or 30 days."""
    return [
        E.filter(
            name=f"expiring_{days}",
            string=f"Ending within {days} days",
            domain=(
                "[('state', 'in', ('active', 'suspended')),"
                " ('date_to', '>=', context_today().strftime('%Y-%m-%d')),"
                f" ('date_to', '<', (context_today() + relativedelta(days={days}))"
                ".strftime('%Y-%m-%d'))]"
            ),
        )
        for days in (7, 30)
    ]
