"""``make pair`` without Odoo: the rendered security and views of a pair, read
back as XML: the six record rules (the hand-written pair's), the governed-only
group and its rule, the actions and menus, the governance button on the
target's form.
"""

import os

import pytest
from ovdev.addons import REPO_ROOT
from scaffold_samples import CRM_LEAD, crm_files, xml


def _fields(record):
    return {f.get("name"): f.get("ref") or f.get("eval") or f.text for f in record.iter("field")}


def test_the_six_rules(tmp_path):
    root = xml(crm_files(tmp_path)["security/ov_sa_crm_lead_rules.xml"])
    assert root.get("noupdate") == "1"
    rules = {r.get("id"): _fields(r) for r in root.iter("record")}
    assert list(rules) == [
        "rule_ov_sa_crm_lead_company",
        "rule_ov_sa_crm_lead_member",
        "rule_ov_sa_crm_lead_manager",
        "rule_ov_actor_sa_crm_lead_company",
        "rule_ov_actor_sa_crm_lead_own",
        "rule_ov_actor_sa_crm_lead_manager",
    ]
    user, manager = (
        "[(4, ref('ov_association_base.group_ov_user'))]",
        "[(4, ref('ov_association_base.group_ov_manager'))]",
    )
    company = "[('company_id', 'in', company_ids)]"
    assert rules["rule_ov_sa_crm_lead_company"]["global"] == "True"
    assert rules["rule_ov_sa_crm_lead_company"]["domain_force"] == company
    assert rules["rule_ov_sa_crm_lead_member"]["groups"] == user
    assert rules["rule_ov_sa_crm_lead_member"]["domain_force"] == (
        "[('sa_id.membership_ids', 'any', [('actor_id.user_id', '=', user.id),"
        " ('is_effective', '=', True)])]"
    )
    assert rules["rule_ov_sa_crm_lead_manager"]["groups"] == manager
    assert rules["rule_ov_actor_sa_crm_lead_own"]["domain_force"] == (
        "[('actor_id.user_id', '=', user.id)]"
    )
    assert rules["rule_ov_actor_sa_crm_lead_manager"]["domain_force"] == "[(1, '=', 1)]"
    for rule_id, values in rules.items():
        layer = "ov_actor_sa_crm_lead" if "_actor_" in rule_id else "ov_sa_crm_lead"
        assert values["model_id"] == f"model_{layer}", rule_id
    # The same rules as the hand-written pair, names and addon aside.
    reference = os.path.join(REPO_ROOT, "ov_sa_sale_order/security/ov_sa_sale_order_rules.xml")
    with open(reference, encoding="utf-8") as f:
        theirs = [_fields(r)["domain_force"] for r in xml(f.read()).iter("record")]
    assert [values["domain_force"] for values in rules.values()] == theirs


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


def test_views_and_menus(tmp_path):
    root = xml(crm_files(tmp_path)["views/ov_sa_crm_lead_views.xml"])
    actions = {r.get("id"): _fields(r) for r in root.iter("record")}
    assert actions["ov_sa_crm_lead_action"]["res_model"] == "ov.sa_crm_lead"
    assert actions["ov_actor_sa_crm_lead_action"]["res_model"] == "ov.actor_sa_crm_lead"
    my = actions["ov_actor_sa_crm_lead_action_my"]
    assert (my["name"], my["res_model"]) == ("My Leads", "ov.actor_sa_crm_lead")
    assert my["domain"] == "[('actor_id.user_id', '=', uid), ('is_effective', '=', True)]"
    menus = [(m.get("id"), m.get("action"), m.get("parent")) for m in root.iter("menuitem")]
    assert menus == [
        (
            "menu_ov_actor_sa_crm_lead_my",
            "action_my_targets",
            "ov_association_base.menu_governance_my",
        ),
        (
            "menu_ov_sa_crm_lead",
            "ov_sa_crm_lead_action",
            "ov_association_base.menu_governance_associations",
        ),
        (
            "menu_ov_actor_sa_crm_lead",
            "ov_actor_sa_crm_lead_action",
            "ov_association_base.menu_governance_associations",
        ),
    ]


def test_governed_views(tmp_path):
    root = xml(crm_files(tmp_path)["views/governed_views.xml"])
    records = {r.get("id"): r for r in root.iter("record")}
    server = _fields(records["action_my_targets"])
    assert records["action_my_targets"].get("model") == "ir.actions.server"
    assert server["name"] == "My Leads"
    assert server["model_id"] == "model_ov_sa_crm_lead"
    assert server["code"] == "action = model.action_open_my_targets()"
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
