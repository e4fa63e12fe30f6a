"""``make pair`` without Odoo: the render step from given introspection results
(the files, the manifest, the models, the access lines, the smoke test, the
README), the README generator and the lines for the repository's lists.

The rendered rules and views are ``test_scaffold_rules_and_views.py``; the
refusals, ``test_scaffold_refusals.py``. The end-to-end run (introspection in
a real registry, the generated addon installed and tested) is
``test_scaffold_e2e.py``.
"""

import ast
import os

import pytest
from ovdev import scaffold
from ovdev.addons import REPO_ROOT, read_manifest
from ovdev.readme_rst import addon_readme_rst, readme_rst
from ovdev.scaffold_checks import Target, make_spec
from ovdev.scaffold_render import render, write
from scaffold_samples import ADDON, CRM_LEAD, crm_files, crm_spec, xml

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
    "tests/__init__.py",
    "tests/test_ov_sa_crm_lead.py",
    "views/governed_views.xml",
]


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
    # Access lines, rules, actions and menus are the base's (pair_records.py).
    assert manifest["data"] == [
        "security/governed_only.xml",
        "views/governed_views.xml",
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
        "_ov_records_label": "Leads",
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
    assert '    _ov_records_label = "Opportunities"\n' in files["models/ov_sa_crm_lead.py"]


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
