"""What the pure tier's ``make pair`` tests render from: the introspection
results of crm.lead, the addon they make, and the render step's output read
back (shared by the ``test_scaffold*.py`` modules that run without Odoo).
"""

from lxml import etree
from ovdev.scaffold_checks import Target, make_spec
from ovdev.scaffold_render import render

# What scaffold_introspect answers for crm.lead with crm installed.
CRM_LEAD = {
    "model": "crm.lead",
    "description": "Lead/Opportunity",
    "model_xmlid": "crm.model_crm_lead",
    "app": "CRM",
    "native_action": "crm.crm_lead_all_leads",
    "native_action_name": "Leads",
    "form_view": "crm.crm_lead_view_form",
    "button_anchor": "button_box",
    "has_company": True,
    "required": [{"name": "name", "type": "char", "comodel": ""}],
    "reader_groups": ["sales_team.group_sale_salesman_all_leads"],
    "governed_by": [],
    "notes": [],
}
ADDON = "ov_sa_crm_lead"


def crm_spec(tmp_path, **options):
    return make_spec("crm_lead", "crm.lead", "crm", out=str(tmp_path), **options)


def crm_files(tmp_path, target=None, **options):
    return render(crm_spec(tmp_path, **options), Target.from_dict(target or CRM_LEAD))


def xml(text):
    return etree.fromstring(text.encode("utf-8"))
