"""The files of a pair addon, as ``string.Template`` texts (``$name`` placeholders).

Written after the hand-made pairs (``ov_sa_sale_order``, ``ov_sa_customer``);
``scaffold_render`` fills them in. Every value put into XML is escaped there.
"""

from string import Template

MANIFEST = Template("""{
    "name": $title,
    "summary": $summary,
    "version": "18.0.1.0.0",
    "category": "Governance",
    "website": "https://github.com/ov-association/ov_association",
    "author": "ov_association contributors",
    "maintainers": ["ov-association"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": [$depends],
    # Access lines, record rules, actions and menus come from the base
    # (ov_association_base/models/pair_records.py): only what is this pair's own.
    "data": [
        "security/governed_only.xml",
        "views/governed_views.xml",
    ],
}
""")

GOVERNED_ONLY = Template("""<?xml version="1.0" encoding="UTF-8" ?>
<odoo>
    <!-- Opt-in: members see, in Odoo's own screens, only the ${x_noun_lower} their actor
         reaches. The rule narrows what Odoo's own rights grant; it never grants. -->
    <record id="group_governed_only" model="res.groups">
        <field name="name">${x_group_label}</field>
        <field name="category_id" ref="ov_association_base.module_category_governed_only" />
        <field name="comment">${x_noun} in Odoo's own apps, views, exports and reports: only\
 those the user's actor reaches through their associations.</field>
    </record>

    <data noupdate="1">
        <!-- Global, so that it narrows (group rules are or-ed with Odoo's own).
             Members of the group, and reads of "${x_menu}": the reach; anyone else:
             no condition. Not on create: a new record has no association yet. -->
        <record id="rule_governed_only" model="ir.rule">
            <field name="name">${x_noun}: governed only (group "${x_group_label}", or\
 "${x_menu}")</field>
            <field name="model_id" ref="${model_xmlid}" />
            <field name="perm_create" eval="False" />
            <field name="domain_force">governed.only('${sa_model}',\
 '${addon}.group_governed_only')</field>
        </record>
    </data>
</odoo>
""")

# The Governance button, by where the form can take it.
BUTTON = (
    '<button name="%(action_record_associations)d" type="action" class="oe_stat_button"'
    ' icon="fa-shield" string="Governance" groups="ov_association_base.group_ov_user" />'
)
BUTTON_ARCH = {
    "button_box": Template("""            <div name="button_box" position="inside">
                ${button}
            </div>"""),
    "sheet": Template("""            <xpath expr="//sheet/*[1]" position="before">
                <div class="oe_button_box" name="button_box">
                    ${button}
                </div>
            </xpath>"""),
    "form": Template("""            <xpath expr="/form/*[1]" position="before">
                <div class="oe_button_box" name="button_box">
                    ${button}
                </div>
            </xpath>"""),
}

GOVERNED_VIEWS = Template("""<?xml version="1.0" encoding="UTF-8" ?>
<odoo>
    <!-- The association rows of one record, from its form: no field on it. -->
    <record id="action_record_associations" model="ir.actions.act_window">
        <field name="name">Governance</field>
        <field name="res_model">${sa_model}</field>
        <field name="view_mode">list,form</field>
        <field name="domain">[('${target_field}', '=', active_id)]</field>
        <field name="context">{'default_${target_field}': active_id}</field>
    </record>
    <record id="view_form_governance_button" model="ir.ui.view">
        <field name="name">${form_view_name}.ov.governance</field>
        <field name="model">${model}</field>
        <field name="inherit_id" ref="${form_view}" />
        <field name="arch" type="xml">
${button_arch}
        </field>
    </record>
</odoo>
""")

MODELS = Template("""from odoo import api, fields, models


class ${sa_class}(models.Model):
    _name = "${sa_model}"
    _inherit = "ov.sa.association.mixin"
    _description = ${sa_description}

    _ov_target_field = "${target_field}"
    _ov_deletion_policy = "${policy}"
    _ov_allowed_kinds = ${kinds}
    _ov_exclusive_kinds = ${exclusive}
    # "My …": Odoo's own views of the target, restricted to the reach.
    _ov_native_action = "${native_action}"
    # The menus the base writes for the pair: "My ${noun}" and both layers' lists.
    _ov_records_label = ${records_label}

    ${target_field} = fields.Many2one(
        "${model}",
        string=${target_string},
${target_options}        index=True,
${check_company}    )

    @api.model
    def _ov_conformance_target_values(self, sequence):
        # The required fields of ${model} without a default (make pair's introspection).
        return {${target_values}}

    @api.model
    def _ov_conformance_reader_groups(self):
        # Governance never grants native read rights: ${reader_comment}.
        return [${reader_groups}]


class ${actor_class}(models.Model):
    _name = "${actor_model}"
    _inherit = "ov.actor.association.mixin"
    _description = ${actor_description}

    _ov_parent_field = "${parent_field}"
    _ov_allowed_kinds = ${kinds}
    _ov_exclusive_kinds = ${exclusive}

    ${parent_field} = fields.Many2one(
        "${sa_model}",
        string="SA association",
        required=True,
        ondelete="cascade",
        index=True,
    )
    # What "${menu}" shows of the target (read through the association).
    ${target_field} = fields.Many2one(related="${parent_field}.${target_field}")

    def _ov_view_fields(self):
        return ["${target_field}", *super()._ov_view_fields()]
""")

SMOKE_TEST = Template('''from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class ${test_class}(TransactionCase):
    """Written by make pair: one ${model} governed end to end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sa = cls.env["ov.sa"].create({"name": "${addon} SA", "code": "${sa_code}"})
        cls.actor = cls.env["ov.actor"].create({"name": "${addon} actor"})
        membership = cls.env["ov.sa.membership"].create(
            {"sa_id": cls.sa.id, "actor_id": cls.actor.id}
        )
        membership.action_activate()

    def test_actor_reaches_the_governed_target(self):
        Sa = self.env["${sa_model}"]
        target = self.env["${model}"].create(Sa._ov_conformance_target_values(1))
        other = self.env["${model}"].create(Sa._ov_conformance_target_values(2))
        row = Sa.create(
            {"sa_id": self.sa.id, "${target_field}": target.id, "association_kind": "${sa_kind}"}
        )
        row.action_activate()
        child = self.env["${actor_model}"].create(
            {
                "${parent_field}": row.id,
                "actor_id": self.actor.id,
                "association_kind": "${actor_kind}",
            }
        )
        child.action_activate()
        self.assertEqual(Sa.search_governed_targets(actor_id=self.actor.id).ids, [target.id])
        self.assertEqual(Sa.search_governed_targets(sa_id=self.sa.id).ids, [target.id])
        self.assertTrue(Sa.check_governed(target.id, actor_id=self.actor.id))
        self.assertFalse(Sa.check_governed(other.id, actor_id=self.actor.id))

    def test_my_targets_opens_the_native_views(self):
        action = self.env["${sa_model}"].action_open_my_targets()
        self.assertEqual(action["res_model"], "${model}")
        self.assertTrue(self.env.ref("${addon}.view_form_governance_button"))
''')

DESCRIPTION = Template("""Puts ${noun_lower} under SA governance with `${sa_model}` and
`${actor_model}`, without adding anything to `${model}`.
Policy *${policy}*: ${policy_sentence}
""")

POLICY_SENTENCES = {
    "dependent": "deleting a ${desc_lower} deletes its association rows.",
    "optional": "deleting a ${desc_lower} empties the association's target.",
    "restricted": "a governed ${desc_lower} cannot be deleted.",
}

USAGE = Template("""Under *Governance*, associate ${noun_lower} with an SA, then actors of that
SA with those rows. *${menu}* opens the ${app} app's own views of the
${noun_lower} the current user's actor reaches (the list of their actor rows
for a user who may not read them). Members of *${group_label}*
(`group_governed_only`) see only those ${noun_lower} in Odoo's own screens;
the *Governance* button of a ${desc_lower} lists its association rows.
""")

PYPROJECT = """[build-system]
requires = ["whool"]
build-backend = "whool.buildapi"
"""
