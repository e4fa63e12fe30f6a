"""``make pair`` without Odoo: what it refuses, before any Odoo is started: a
bad request, an existing folder, a model the repository (or OUT) governs
already, a name another addon declares; the repository's pairs read from
their sources, and a refusal's exit status and single line.
"""

import pytest
from ovdev import scaffold
from ovdev.scaffold_checks import (
    Refusal,
    Target,
    check_folders,
    check_not_governed,
    make_spec,
    tree_pairs,
)
from ovdev.scaffold_render import render, write
from scaffold_samples import ADDON, CRM_LEAD, crm_spec


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


def test_a_name_taken_by_another_addon_is_refused(tmp_path, committed_root):
    spec = make_spec("test_target", "crm.lead", "crm", out=str(tmp_path))
    with pytest.raises(Refusal, match="ov_association_tests declares ov.sa_test_target already"):
        check_not_governed(spec, root=committed_root)


def test_the_repositorys_pairs_from_their_sources(committed_root):
    assert tree_pairs([committed_root]) == {
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
