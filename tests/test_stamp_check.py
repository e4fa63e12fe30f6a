"""The pre-commit hook that refuses new governance stamps (ADR 0003, step 7)."""

import os
import subprocess
import sys
import textwrap

import ov_stamp_check
from ovdev.addons import REPO_ROOT

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

SCRIPT = os.path.join(REPO_ROOT, "tools", "ov_stamp_check.py")

NATIVE_STAMPS = textwrap.dedent(
    """
    from odoo import fields, models


    class SaleOrder(models.Model):
        _inherit = "sale.order"

        sa_id = fields.Many2one("ov.sa")
        owner_id = fields.Many2one(comodel_name="ov.actor", string="Owner")
        governed_ids = fields.One2many("ov.sa_sale_order", "sale_order_id")
        note = fields.Char()
        partner_shadow_id = fields.Many2one("res.partner")


    class Ticket(models.Model):
        _name = "helpdesk.ticket.legacy"

        team_sa_id = fields.Many2one("ov.sa")  # ov-legacy-stamp: plan "Ticket teams"
        watcher_ids = fields.Many2many("ov.actor_sa_customer")
    """
)

GOVERNANCE_MODELS = textwrap.dedent(
    """
    from odoo import fields, models


    class OvSaSaleOrder(models.Model):
        _name = "ov.sa_sale_order"
        _inherit = "ov.sa.association.mixin"

        sa_id = fields.Many2one("ov.sa")
        sale_order_id = fields.Many2one("sale.order")


    class Helper:
        sa_id = fields.Many2one("ov.sa")
    """
)


def run(tmp_path, source):
    sample = tmp_path / "sample.py"
    sample.write_text(source, encoding="utf-8")
    return subprocess.run(
        [sys.executable, SCRIPT, str(sample)], capture_output=True, text=True, check=False
    )


def test_stamps_on_native_models_are_found():
    assert ov_stamp_check.stamps_in(NATIVE_STAMPS) == [
        (8, "SaleOrder", "sa_id", "sale.order", "ov.sa"),
        (9, "SaleOrder", "owner_id", "sale.order", "ov.actor"),
        (10, "SaleOrder", "governed_ids", "sale.order", "ov.sa_sale_order"),
        (19, "Ticket", "watcher_ids", "helpdesk.ticket.legacy", "ov.actor_sa_customer"),
    ]


def test_governance_models_may_point_at_governance():
    assert ov_stamp_check.stamps_in(GOVERNANCE_MODELS) == []


def test_the_hook_fails_on_a_sample_file(tmp_path):
    result = run(tmp_path, NATIVE_STAMPS)
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.endswith(
        "sample.py:8: SaleOrder.sa_id stamps ov.sa on sale.order: a native record does not "
        "carry its governance (ADR 0003, step 7). Create an association pair "
        "(ov.sa_x / ov.actor_sa_x, see ov_association_base) instead; a legacy stamp a "
        "migration plan declares may keep '# ov-legacy-stamp' on its line."
    )
    assert len(result.stdout.splitlines()) == 4


def test_the_hook_passes_a_clean_file(tmp_path):
    result = run(tmp_path, GOVERNANCE_MODELS)
    assert (result.returncode, result.stdout) == (0, "")


def test_the_hook_is_published_for_other_repositories():
    with open(os.path.join(REPO_ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8") as f:
        hooks = f.read()
    assert "id: ov-no-new-stamps" in hooks
    assert "entry: ov-no-new-stamps" in hooks
    with open(os.path.join(REPO_ROOT, "pyproject.toml"), "rb") as f:
        project = tomllib.load(f)
    assert project["project"]["scripts"]["ov-no-new-stamps"] == "ov_stamp_check:main"
    assert project["tool"]["setuptools"]["py-modules"] == ["ov_stamp_check"]


def test_the_registry_rule_flags_undeclared_stamps_only(stamps):
    described = [
        ("sale.order", "user_id", "many2one", "res.users"),
        ("sale.order", "x_sa_id", "many2one", "ov.sa"),
        ("sale.order", "x_done_ids", "many2many", "ov.actor_sa_sale_order"),
        ("res.partner", "x_actor_id", "many2one", "ov.actor"),
        ("res.partner", "x_name", "char", None),
        ("ov.test.target", "stamp_sa_id", "many2one", "ov.sa"),
        ("ov.actor", "membership_ids", "one2many", "ov.sa.membership"),
    ]
    assert stamps.undeclared_stamps(
        described, {"ov.actor_sa_sale_order"}, declared={("res.partner", "x_actor_id")}
    ) == ["sale.order.x_done_ids", "sale.order.x_sa_id"]
