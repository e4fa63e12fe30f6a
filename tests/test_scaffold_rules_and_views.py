"""``make pair`` without Odoo: the rendered security and views of a pair, read
back as XML: the governed-only group and its rule, the governance button on
the target's form. The access lines, the six record rules, the actions and the
menus are not files of the pair: the base writes them (the conformance suite's
``test_conformance_records.py`` reads them back).
"""

import pytest
from scaffold_samples import CRM_LEAD, crm_files, xml


def _fields(record):
    return {f.get("name"): f.get("ref") or f.get("eval") or f.text for f in record.iter("field")}


def test_governed_only(tmp_path):
    root = xml(crm_files(tmp_path)["security/governed_only.xml"])
    group, rule = root.find("record"), root.find("data/record")
    assert group.get("id") == "group_governed_only"
    assert _fields(group)["name"] == "CRM: governed leads only"
    assert _fields(group)["category_id"] == "ov_association_base.module_category_governed_only"
    assert root.find("data").get("noupdate") == "1"
    assert rule.get("id") == "rule_governed_only"
    values = _fields(rule)
    assert values["model_id"] == "crm.model_crm_lead"
    assert values["perm_create"] == "False"
    assert "groups" not in values  # global: it narrows
    assert values["domain_force"] == (
        "governed.only('ov.sa_crm_lead', 'ov_sa_crm_lead.group_governed_only')"
    )


def test_governed_views(tmp_path):
    root = xml(crm_files(tmp_path)["views/governed_views.xml"])
    records = {r.get("id"): r for r in root.iter("record")}
    # "My Leads" and both layers' menus are the base's (pair_records.py).
    assert list(records) == ["action_record_associations", "view_form_governance_button"]
    associations = _fields(records["action_record_associations"])
    assert associations["res_model"] == "ov.sa_crm_lead"
    assert associations["domain"] == "[('crm_lead_id', '=', active_id)]"
    assert associations["context"] == "{'default_crm_lead_id': active_id}"
    view = records["view_form_governance_button"]
    assert _fields(view)["inherit_id"] == "crm.crm_lead_view_form"
    assert _fields(view)["model"] == "crm.lead"
    box = view.find("field[@name='arch']/div[@name='button_box']")
    assert box.get("position") == "inside"
    button = box.find("button")
    assert button.get("name") == "%(action_record_associations)d"
    assert button.get("groups") == "ov_association_base.group_ov_user"


@pytest.mark.parametrize(("anchor", "xpath"), [("sheet", "//sheet/*[1]"), ("form", "/form/*[1]")])
def test_a_form_without_button_box_gets_one(tmp_path, anchor, xpath):
    files = crm_files(tmp_path, target={**CRM_LEAD, "button_anchor": anchor})
    arch = xml(files["views/governed_views.xml"]).find(".//field[@name='arch']")
    assert arch[0].tag == "xpath" and arch[0].get("expr") == xpath
    assert arch[0].get("position") == "before"
    assert arch[0].find("div[@name='button_box']/button").get("string") == "Governance"
