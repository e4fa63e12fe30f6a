"""The records every governed pair needs, written by the base (docs/design.md §2).

Every pair needs the same access lines, the six record rules of its two
layers, its window actions and its menus. They used to be copied into every
pair addon; the base now writes them for each concrete SA-layer model, under
the pair addon's own xml ids, so a hand-written pair needs only its two model
classes and a manifest, and uninstalling the pair removes them with it.

When: at every install or update that sets up the model, after Odoo reflects
the models (``ir.model`` rows exist) and before the addon's data files load
(a data file may refer to them, or redefine one by its xml id to change it).
They are loaded like data-file records (``_load_records``), so Odoo keeps
them at the end of an update. The rules are ``noupdate``, as rules are in a
data file: a changed domain survives an update.

A pair declares, besides its layer attributes::

    _ov_records_label = "Customers"   # plural; "My Customers", the menus
    _ov_menu_sequence = 20            # the pair's place in the menus

and may set ``_ov_pair_records = False`` to write its own instead.
"""

from odoo import api, models

from ..policy import MANAGER_GROUP, USER_GROUP

MY_MENU = "ov_association_base.menu_governance_my"
ASSOCIATIONS_MENU = "ov_association_base.menu_governance_associations"

COMPANY_DOMAIN = "[('company_id', 'in', company_ids)]"
MEMBER_DOMAIN = (
    "[('sa_id.membership_ids', 'any', "
    "[('actor_id.user_id', '=', user.id), ('is_effective', '=', True)])]"
)
OWN_ACTOR_DOMAIN = "[('actor_id.user_id', '=', user.id)]"
ALL_DOMAIN = "[(1, '=', 1)]"
MY_ROWS_DOMAIN = "[('actor_id.user_id', '=', uid), ('is_effective', '=', True)]"


class OvSaAssociationPairRecords(models.AbstractModel):
    _inherit = "ov.sa.association.mixin"

    _ov_pair_records = True
    _ov_records_label = None
    _ov_menu_sequence = 100

    def init(self):
        super().init()
        # Odoo queues post-init work only while it sets up models (init_models);
        # the ir.model rows the access lines and rules name exist by then.
        if self._abstract or not self._ov_pair_records:
            return
        if getattr(self.pool, "_post_init_queue", None) is None:
            return
        self.pool.post_init(self._ov_load_pair_records)

    @api.model
    def _ov_pair_labels(self):
        """(singular, plural) of the governed records, for names and menus."""
        singular = self._fields[self._ov_target_field].string
        return singular, self._ov_records_label or f"{singular}s"

    @api.model
    def _ov_pair_xmlid(self, name):
        return f"{self._original_module}.{name}"

    @api.model
    def _ov_default_my_rows_action(self):
        actor = self.env[self._ov_actor_model_name]
        return self._ov_pair_xmlid(f"{actor._table}_action_my")

    @api.model
    def _ov_load_pair_records(self):
        # Runs during module loading, as the superuser Odoo loads data with.
        # An empty recordset is falsy: the actor layer is tested against None.
        name = self._ov_actor_model_name
        actor = self.env[name] if name else None
        layers = [self] if actor is None else [self, actor]
        for model, records in (
            ("ir.model.access", self._ov_access_records(layers)),
            ("ir.rule", self._ov_rule_records(actor)),
            ("ir.actions.act_window", self._ov_window_action_records(actor)),
            ("ir.actions.server", self._ov_server_action_records(actor)),
        ):
            if records:
                self.env[model]._load_records(records, update=True)
        menus = self._ov_menu_records(actor)
        if menus:
            self.env["ir.ui.menu"]._load_records(menus, update=True)

    def _ov_record(self, name, values, noupdate=False):
        return {"xml_id": self._ov_pair_xmlid(name), "values": values, "noupdate": noupdate}

    def _ov_access_records(self, layers):
        user, manager = self.env.ref(USER_GROUP).id, self.env.ref(MANAGER_GROUP).id
        records = []
        for layer in layers:
            model_id = self.env["ir.model"]._get_id(layer._name)
            for suffix, group, write in (("user", user, False), ("manager", manager, True)):
                records.append(
                    self._ov_record(
                        f"access_{layer._table}_{suffix}",
                        {
                            "name": f"{layer._name} {suffix}",
                            "model_id": model_id,
                            "group_id": group,
                            "perm_read": True,
                            "perm_write": write,
                            "perm_create": write,
                            "perm_unlink": write,
                        },
                    )
                )
        return records

    def _ov_rule_records(self, actor):
        user, manager = self.env.ref(USER_GROUP).id, self.env.ref(MANAGER_GROUP).id
        singular, _plural = self._ov_pair_labels()
        rules = [
            (self, "company", "SA association: multi-company", COMPANY_DOMAIN, None),
            (self, "member", "SA association: SAs of the user", MEMBER_DOMAIN, user),
            (self, "manager", "SA association: all", ALL_DOMAIN, manager),
        ]
        if actor is not None:
            rules += [
                (actor, "company", "actor association: multi-company", COMPANY_DOMAIN, None),
                (actor, "own", "actor association: own actor", OWN_ACTOR_DOMAIN, user),
                (actor, "manager", "actor association: all", ALL_DOMAIN, manager),
            ]
        records = []
        for layer, suffix, name, domain, group in rules:
            values = {
                "name": f"{singular} {name}",
                "model_id": self.env["ir.model"]._get_id(layer._name),
                "domain_force": domain,
                # A rule without groups is global: the company rule binds everyone.
                "groups": [(6, 0, [group] if group else [])],
            }
            records.append(self._ov_record(f"rule_{layer._table}_{suffix}", values, True))
        return records

    def _ov_window_action_records(self, actor):
        singular, plural = self._ov_pair_labels()
        records = [
            self._ov_record(
                f"{self._table}_action",
                {
                    "name": f"{singular} SA Associations",
                    "res_model": self._name,
                    "view_mode": "list,form",
                },
            )
        ]
        if actor is None:
            return records
        records.append(
            self._ov_record(
                f"{actor._table}_action",
                {
                    "name": f"{singular} Actor Associations",
                    "res_model": actor._name,
                    "view_mode": "list,form",
                },
            )
        )
        lower = singular[:1].lower() + singular[1:]
        records.append(
            self._ov_record(
                f"{actor._table}_action_my",
                {
                    "name": f"My {plural}",
                    "res_model": actor._name,
                    "view_mode": "list,form",
                    "domain": MY_ROWS_DOMAIN,
                    "help": (
                        '<p class="o_view_nocontent_smiling_face">'
                        f"No {lower} is assigned to you</p>"
                        f"<p>{plural} appear here when a governance manager associates you "
                        "with them.</p>"
                    ),
                },
            )
        )
        return records

    def _ov_server_action_records(self, actor):
        if actor is None:
            return []
        _singular, plural = self._ov_pair_labels()
        return [
            self._ov_record(
                f"{self._table}_action_my_targets",
                {
                    "name": f"My {plural}",
                    "model_id": self.env["ir.model"]._get_id(self._name),
                    # Governance users run it (Odoo would otherwise ask for write
                    # access to the SA-layer model, which only managers have).
                    "groups_id": [(6, 0, [self.env.ref(USER_GROUP).id])],
                    "state": "code",
                    "code": "action = model.action_open_my_targets()",
                },
            )
        ]

    def _ov_menu_records(self, actor):
        singular, plural = self._ov_pair_labels()
        ref = self.env.ref
        sequence = self._ov_menu_sequence
        sa_window = ref(self._ov_pair_xmlid(f"{self._table}_action"))
        records = [
            self._ov_record(
                f"menu_{self._table}",
                {
                    "name": f"{singular} SA Associations",
                    "parent_id": ref(ASSOCIATIONS_MENU).id,
                    "action": f"ir.actions.act_window,{sa_window.id}",
                    "sequence": sequence,
                },
            )
        ]
        if actor is None:
            return records
        window = ref(self._ov_pair_xmlid(f"{actor._table}_action"))
        my_targets = ref(self._ov_pair_xmlid(f"{self._table}_action_my_targets"))
        records += [
            self._ov_record(
                f"menu_{actor._table}",
                {
                    "name": f"{singular} Actor Associations",
                    "parent_id": ref(ASSOCIATIONS_MENU).id,
                    "action": f"ir.actions.act_window,{window.id}",
                    "sequence": sequence + 1,
                },
            ),
            self._ov_record(
                f"menu_{actor._table}_my",
                {
                    "name": f"My {plural}",
                    "parent_id": ref(MY_MENU).id,
                    "action": f"ir.actions.server,{my_targets.id}",
                    "sequence": sequence,
                },
            ),
        ]
        return records
