"""``make pair`` without Odoo: the render step from given introspection results,
the refusals, the README generator and the repository's pairs read from sources.

The end-to-end run (introspection in a real registry, the generated addon
installed and tested) is ``test_scaffold_e2e.py``.
"""

import ast
import csv
import io
import os

import pytest
from lxml import etree
from ovdev import scaffold
from ovdev.addons import REPO_ROOT, read_manifest
from ovdev.readme_rst import addon_readme_rst, readme_rst
from ovdev.scaffold_checks import (
    Refusal,
    Target,
    check_folders,
    check_not_governed,
    make_spec,
    tree_pairs,
)
from ovdev.scaffold_render import render, write

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
FILES = [
    "README.rst",
    "__init__.py",
    "__manifest__.py",
    "models/__init__.py",
    "models/ov_sa_crm_lead.py",
    "pyproject.toml",
    "readme/DESCRIPTION.md",
    "readme/USAGE.md",
    "security/governed_only.xml",
    "security/ir.model.access.csv",
    "security/ov_sa_crm_lead_rules.xml",
    "tests/__init__.py",
    "tests/test_ov_sa_crm_lead.py",
    "views/governed_views.xml",
    "views/ov_sa_crm_lead_views.xml",
]


def crm_spec(tmp_path, **options):
    return make_spec("crm_lead", "crm.lead", "crm", out=str(tmp_path), **options)


def crm_files(tmp_path, target=None, **options):
    return render(crm_spec(tmp_path, **options), Target.from_dict(target or CRM_LEAD))


def classes(source):
    """{class name: {attribute: value}} of the literal class attributes, and
    {class name: {field: {keyword: value}}} of its fields' keywords."""
    attributes, fields_ = {}, {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        attributes[node.name], fields_[node.name] = {}, {}
        for item in node.body:
            if not (isinstance(item, ast.Assign) and isinstance(item.targets[0], ast.Name)):
                continue
            name = item.targets[0].id
            if isinstance(item.value, ast.Call):
                call = item.value
                keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
                if call.args:
                    keywords["comodel"] = ast.literal_eval(call.args[0])
                fields_[node.name][name] = keywords
            else:
                attributes[node.name][name] = ast.literal_eval(item.value)
    return attributes, fields_


def returned(source, method):
    """The expression ``method`` returns, as source text."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name == method:
            for statement in ast.walk(node):
                if isinstance(statement, ast.Return):
                    return ast.unparse(statement.value)
    raise AssertionError(f"{method} not found")


def xml(text):
    return etree.fromstring(text.encode("utf-8"))


def test_every_file_is_written(tmp_path):
    spec = crm_spec(tmp_path)
    written = write(spec.folder, render(spec, Target.from_dict(CRM_LEAD)))
    assert sorted(os.path.relpath(p, spec.folder) for p in written) == FILES
    assert os.path.isfile(tmp_path / ADDON / "models" / "ov_sa_crm_lead.py")


def test_python_is_valid_and_xml_well_formed(tmp_path):
    for path, text in crm_files(tmp_path).items():
        if path.endswith(".py"):
            ast.parse(text, path)
        elif path.endswith(".xml"):
            assert xml(text).tag == "odoo", path


def test_manifest(tmp_path):
    manifest = ast.literal_eval(crm_files(tmp_path)["__manifest__.py"])
    assert manifest["depends"] == ["ov_association_base", "crm"]
    assert manifest["data"] == [
        "security/ir.model.access.csv",
        "security/ov_sa_crm_lead_rules.xml",
        "security/governed_only.xml",
        "views/governed_views.xml",
        "views/ov_sa_crm_lead_views.xml",
    ]
    assert manifest["version"] == "18.0.1.0.0"
    assert manifest["name"] == "Association Governance: Leads"
    assert "demo" not in manifest
    reference = read_manifest(os.path.join(REPO_ROOT, "ov_sa_sale_order"))
    for key in ("license", "author", "website", "maintainers", "development_status", "category"):
        assert manifest[key] == reference[key], key


def test_model_declarations(tmp_path):
    source = crm_files(tmp_path)["models/ov_sa_crm_lead.py"]
    attributes, fields_ = classes(source)
    assert attributes["OvSaCrmLead"] == {
        "_name": "ov.sa_crm_lead",
        "_inherit": "ov.sa.association.mixin",
        "_description": "SA association of a lead/opportunity",
        "_ov_target_field": "crm_lead_id",
        "_ov_deletion_policy": "dependent",
        "_ov_allowed_kinds": ("assignment", "access"),
        "_ov_exclusive_kinds": ("assignment",),
        "_ov_native_action": "crm.crm_lead_all_leads",
        "_ov_my_rows_action": "ov_sa_crm_lead.ov_actor_sa_crm_lead_action_my",
    }
    assert fields_["OvSaCrmLead"]["crm_lead_id"] == {
        "comodel": "crm.lead",
        "string": "Lead/Opportunity",
        "required": True,
        "ondelete": "cascade",
        "index": True,
        "check_company": True,
    }
    assert attributes["OvActorSaCrmLead"] == {
        "_name": "ov.actor_sa_crm_lead",
        "_inherit": "ov.actor.association.mixin",
        "_description": "Actor association of a lead/opportunity",
        "_ov_parent_field": "sa_crm_lead_id",
        "_ov_allowed_kinds": ("assignment", "access"),
        "_ov_exclusive_kinds": ("assignment",),
    }
    assert fields_["OvActorSaCrmLead"] == {
        "sa_crm_lead_id": {
            "comodel": "ov.sa_crm_lead",
            "string": "SA association",
            "required": True,
            "ondelete": "cascade",
            "index": True,
        },
        "crm_lead_id": {"related": "sa_crm_lead_id.crm_lead_id"},
    }
    assert returned(source, "_ov_conformance_target_values") == (
        "{'name': f'Conformance lead/opportunity {sequence}'}"
    )
    assert returned(source, "_ov_conformance_reader_groups") == (
        "['sales_team.group_sale_salesman_all_leads']"
    )
    assert returned(source, "_ov_view_fields") == "['crm_lead_id', *super()._ov_view_fields()]"


@pytest.mark.parametrize(
    ("policy_name", "required", "ondelete"),
    [
        ("dependent", True, "cascade"),
        ("optional", None, "set null"),
        ("restricted", True, "restrict"),
    ],
)
def test_declarations_pass_the_bases_check(tmp_path, policy, policy_name, required, ondelete):
    """Both layers, for each policy, pass ``policy.sa_declaration_errors`` and
    ``actor_declaration_errors``, the checks the registry runs when it loads."""
    files = crm_files(tmp_path, policy=policy_name, kinds="access,binding", exclusive="")
    attributes, fields_ = classes(files["models/ov_sa_crm_lead.py"])
    sa, actor = attributes["OvSaCrmLead"], attributes["OvActorSaCrmLead"]
    target = fields_["OvSaCrmLead"]["crm_lead_id"]
    assert (target.get("required"), target["ondelete"]) == (required, ondelete)
    assert sa["_ov_allowed_kinds"] == ("access", "binding") and sa["_ov_exclusive_kinds"] == ()
    kinds = [value for value, _label in policy.KINDS]
    field = {"type": "many2one", "required": target.get("required"), "ondelete": ondelete}
    assert policy.sa_declaration_errors("ov.sa_crm_lead", sa, field, kinds) == []
    parent = fields_["OvActorSaCrmLead"]["sa_crm_lead_id"]
    parent = {**parent, "type": "many2one"}
    assert (
        policy.actor_declaration_errors(
            "ov.actor_sa_crm_lead", actor, parent, ["ov.sa_crm_lead"], kinds
        )
        == []
    )


def test_access_lines(tmp_path):
    rows = list(csv.reader(io.StringIO(crm_files(tmp_path)["security/ir.model.access.csv"])))
    assert rows == [
        ["id", "name", "model_id:id", "group_id:id"]
        + ["perm_read", "perm_write", "perm_create", "perm_unlink"],
        ["access_ov_sa_crm_lead_user", "ov.sa_crm_lead user", "model_ov_sa_crm_lead"]
        + ["ov_association_base.group_ov_user", "1", "0", "0", "0"],
        ["access_ov_sa_crm_lead_manager", "ov.sa_crm_lead manager", "model_ov_sa_crm_lead"]
        + ["ov_association_base.group_ov_manager", "1", "1", "1", "1"],
        ["access_ov_actor_sa_crm_lead_user", "ov.actor_sa_crm_lead user"]
        + ["model_ov_actor_sa_crm_lead", "ov_association_base.group_ov_user", "1", "0", "0", "0"],
        ["access_ov_actor_sa_crm_lead_manager", "ov.actor_sa_crm_lead manager"]
        + ["model_ov_actor_sa_crm_lead", "ov_association_base.group_ov_manager"]
        + ["1", "1", "1", "1"],
    ]


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


def test_smoke_test(tmp_path):
    files = crm_files(tmp_path)
    assert files["tests/__init__.py"] == "from . import test_ov_sa_crm_lead\n"
    source = files["tests/test_ov_sa_crm_lead.py"]
    ast.parse(source)
    for expected in (
        '@tagged("post_install", "-at_install")',
        "class TestOvSaCrmLead(TransactionCase):",
        'self.env["crm.lead"].create(Sa._ov_conformance_target_values(1))',
        '"crm_lead_id": target.id, "association_kind": "assignment"',
        '"sa_crm_lead_id": row.id,',
        "self.assertEqual(Sa.search_governed_targets(actor_id=self.actor.id).ids, [target.id])",
        "self.assertFalse(Sa.check_governed(other.id, actor_id=self.actor.id))",
    ):
        assert expected in source, expected


def test_smoke_test_kinds_follow_the_kind_matrix(tmp_path):
    source = crm_files(tmp_path, kinds="binding,access", exclusive="binding")[
        "tests/test_ov_sa_crm_lead.py"
    ]
    assert source.count('"association_kind": "binding"') == 2


def test_required_fields_of_each_type(tmp_path):
    required = [
        {"name": "name", "type": "char", "comodel": ""},
        {"name": "partner_id", "type": "many2one", "comodel": "res.partner"},
        {"name": "kind", "type": "selection", "comodel": "", "value": "lead"},
        {"name": "count", "type": "integer", "comodel": ""},
        {"name": "day", "type": "date", "comodel": ""},
        {"name": "tag_ids", "type": "many2many", "comodel": "crm.tag"},
    ]
    target = {**CRM_LEAD, "required": required, "has_company": False, "reader_groups": []}
    source = crm_files(tmp_path, target=target)["models/ov_sa_crm_lead.py"]
    assert returned(source, "_ov_conformance_target_values") == (
        "{'name': f'Conformance lead/opportunity {sequence}',"
        " 'partner_id': self.env['res.partner'].search([], limit=1).id,"
        " 'kind': 'lead', 'count': 1, 'day': fields.Date.today()}"
    )
    assert "# tag_ids (many2many): give it a value." in source
    assert returned(source, "_ov_conformance_reader_groups") == "[]"
    assert "check_company" not in classes(source)[1]["OvSaCrmLead"]["crm_lead_id"]


def test_readme(tmp_path):
    files = crm_files(tmp_path)
    assert files["readme/DESCRIPTION.md"] == (
        "Puts leads under SA governance with `ov.sa_crm_lead` and\n"
        "`ov.actor_sa_crm_lead`, without adding anything to `crm.lead`.\n"
        "Policy *dependent*: deleting a lead/opportunity deletes its association rows.\n"
    )
    manifest = ast.literal_eval(files["__manifest__.py"])
    assert files["README.rst"] == readme_rst(
        manifest, files["readme/DESCRIPTION.md"], files["readme/USAGE.md"]
    )
    assert files["README.rst"].startswith(
        "=============================\nAssociation Governance: Leads\n"
    )
    with open(os.path.join(REPO_ROOT, "ov_sa_sale_order/pyproject.toml"), encoding="utf-8") as f:
        assert files["pyproject.toml"] == f.read()


@pytest.mark.parametrize("addon", ["ov_sa_customer", "ov_sa_location", "ov_sa_sale_order"])
def test_readme_generator_writes_the_pairs_readmes(addon):
    folder = os.path.join(REPO_ROOT, addon)
    with open(os.path.join(folder, "README.rst"), encoding="utf-8") as f:
        assert addon_readme_rst(folder) == f.read()


def test_menu_and_labels_follow_the_options(tmp_path):
    files = crm_files(tmp_path, menu="My Opportunities")
    assert (
        '<field name="name">CRM: governed opportunities only</field>'
        in files["security/governed_only.xml"]
    )
    assert '<field name="name">My Opportunities</field>' in files["views/governed_views.xml"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"name": "CrmLead"}, "NAME 'CrmLead' is not a lowercase identifier"),
        ({"name": "crm-lead"}, "NAME 'crm-lead' is not a lowercase identifier"),
        ({"name": "crm__lead"}, "NAME 'crm__lead' is not a lowercase identifier"),
        ({"name": "1crm"}, "NAME '1crm' is not a lowercase identifier"),
        ({"name": "a" * 26}, "is not a lowercase identifier of at most 25 characters"),
        ({"name": ""}, "NAME is empty"),
        ({"name": "company"}, "its field company_id is one the association mixins have"),
        ({"model": "Crm Lead"}, "MODEL 'Crm Lead' is not a model name"),
        ({"policy": "cascade"}, "POLICY 'cascade' is not one of dependent, optional, restricted"),
        ({"kinds": "assignment,owner"}, "KINDS names unknown kinds owner"),
        ({"kinds": ""}, "KINDS is empty"),
        ({"exclusive": "binding"}, "EXCLUSIVE binding not in KINDS (assignment,access)"),
        ({"reader_group": "group_sale"}, "READER_GROUP 'group_sale' is not an external id"),
    ],
)
def test_bad_requests_are_refused(tmp_path, options, message):
    arguments = {"name": "crm_lead", "model": "crm.lead", "depends": "crm", "out": str(tmp_path)}
    with pytest.raises(Refusal) as refused:
        make_spec(**{**arguments, **options})
    assert message in str(refused.value)


def test_an_existing_folder_is_refused(tmp_path):
    (tmp_path / ADDON).mkdir()
    with pytest.raises(Refusal, match="ov_sa_crm_lead exists already"):
        check_folders(crm_spec(tmp_path))


def test_a_model_governed_in_the_repository_is_refused(tmp_path):
    spec = make_spec("orders", "sale.order", "sale", out=str(tmp_path))
    with pytest.raises(Refusal, match=r"sale.order is governed already, by ov_sa_sale_order"):
        check_not_governed(spec)


def test_a_pair_in_out_counts_too(tmp_path):
    spec = crm_spec(tmp_path)
    write(spec.folder, render(spec, Target.from_dict(CRM_LEAD)))
    again = make_spec("leads", "crm.lead", "crm", out=str(tmp_path))
    with pytest.raises(Refusal, match=r"by ov_sa_crm_lead \(ov.sa_crm_lead\)"):
        check_not_governed(again)


def test_a_name_taken_by_another_addon_is_refused(tmp_path):
    spec = make_spec("test_target", "crm.lead", "crm", out=str(tmp_path))
    with pytest.raises(Refusal, match="ov_association_tests declares ov.sa_test_target already"):
        check_not_governed(spec)


def test_the_repositorys_pairs_from_their_sources():
    assert tree_pairs([REPO_ROOT]) == {
        "ov.test.target": "ov_association_tests (ov.sa_test_target)",
        "res.partner": "ov_sa_customer (ov.sa_customer)",
        "sale.order": "ov_sa_sale_order (ov.sa_sale_order)",
        "stock.location": "ov_sa_location (ov.sa_location)",
    }


def test_a_refusal_exits_2_with_one_line_before_any_odoo(tmp_path, capsys):
    (tmp_path / ADDON).mkdir()
    asked = []
    code = scaffold.run(
        "crm_lead", "crm.lead", "crm", out=str(tmp_path), before_odoo=lambda: asked.append(1)
    )
    assert code == 2 and not asked
    err = capsys.readouterr().err
    folder = tmp_path / ADDON
    assert (
        err == f"pair: refused: {folder} exists already: choose another NAME or OUT, or remove it\n"
    )
    code = scaffold.run("crm_lead", "crm.lead", "crm", exclusive="binding", out=str(tmp_path))
    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_the_lines_for_the_repositorys_lists(tmp_path):
    spec = make_spec("crm_lead", "crm.lead", "crm")
    lines = scaffold.repository_lines(spec, scaffold.names(spec, Target.from_dict(CRM_LEAD)))
    assert '    "ov_sa_crm_lead": {"ov_association_base", "crm"},' in lines
    assert '    "odoo-addon-ov_sa_crm_lead==18.0.*",' in lines
    assert "        \"exclusive\": ('assignment',)," in lines
    assert spec.out == REPO_ROOT


def test_the_introspection_database_is_named_after_depends():
    first, modules = scaffold.introspection_database(["sale", "crm", "crm"])
    assert modules == ["crm", "sale"]
    assert first == scaffold.introspection_database(["crm", "sale"])[0]
    assert first.startswith("ovscaffold_") and len(first) == len("ovscaffold_") + 12
    assert scaffold.introspection_database([])[1] == ["base"]
