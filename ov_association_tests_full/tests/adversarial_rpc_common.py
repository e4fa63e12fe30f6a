"""What the two halves of the adversarial RPC suite share (issue 9).

``test_adversarial_rpc`` attacks the seven classes of doors the issue lists;
``test_adversarial_rpc_held`` the doors that were already shut. Both send
Odoo's uninstall keys, expect the same clear refusals, and read as the web
client does, judging what a read reveals (``AdversarialRpcCase``).
"""

from odoo.exceptions import AccessError

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.addons.ov_association_tests.tests.adversarial_common import AdversarialCase

# Odoo skips @api.ondelete(at_uninstall=False) hooks under its uninstall key:
# MODULE_UNINSTALL_FLAG, "_force_unlink" in 18.0 ("module_uninstall" is the
# name the issue used; both are sent, each in its own attack).
UNINSTALL_KEYS = (MODULE_UNINSTALL_FLAG, "module_uninstall")
USER_ERROR = {"odoo.exceptions.UserError", "odoo.exceptions.ValidationError"}


def empty(result):
    if result not in ([], False, None):
        return f"answered {result!r} (must be empty/False or an AccessError)"
    return None


class AdversarialRpcCase(AdversarialCase):
    """How the suite reads as the web client does, and judges what a read reveals."""

    def spec(self, model):
        """A web-client fields spec of every field, many2ones with their name."""
        spec = {}
        for name, field in self.env[model]._fields.items():
            relational = field.type in ("many2one", "one2many", "many2many")
            spec[name] = {"fields": {"display_name": {}}} if relational else {}
        return spec

    def through(self, model, root):
        """Related fields of ``model`` whose value comes through field ``root``."""
        fields = self.env[model]._fields
        found = {root}
        changed = True
        while changed:
            changed = False
            for name, field in fields.items():
                if name not in found and field.related and field.related.split(".")[0] in found:
                    found.add(name)
                    changed = True
        return sorted(found - {root})

    def related_empty(self, model, root):
        names = self.through(model, root)

        def check(result):
            values = result.get("value", {}) if isinstance(result, dict) else {}
            shown = {name: values[name] for name in names if values.get(name)}
            return f"reveals {shown}" if shown else None

        return check

    def can_read(self, who, record):
        """Whether ``who`` may read ``record`` natively (access rights and rules)."""
        user = self.users[who]
        as_user = record.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)
        try:
            return bool(as_user.search_count([("id", "=", record.id)]))
        except AccessError:
            return False

    def name_ids(self, result):
        return {row[0] for row in result or ()}

    def finds(self, expected):
        def check(result):
            missing = set(expected.ids) - self.name_ids(result)
            if missing:
                return f"does not find {expected._name} {sorted(missing)} (got {result!r:.120})"
            return None

        return check
