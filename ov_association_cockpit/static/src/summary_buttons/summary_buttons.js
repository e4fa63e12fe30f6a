import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * Smart buttons of a governance summary (a JSON field computed per pair):
 * one for what the record governs or reaches, one for its rows. A pair added
 * later gets its buttons without a view change.
 */
export class GovernanceSummaryButtons extends Component {
    static template = "ov_association_base.GovernanceSummaryButtons";
    static props = { ...standardFieldProps };

    setup() {
        this.action = useService("action");
        this.orm = useService("orm");
    }

    get items() {
        // A pair with nothing here yet takes no room.
        return (this.props.record.data[this.props.name] || []).filter(
            (item) => item.governed || item.live || item.active || item.suspended || item.ended
        );
    }

    rowsLabel(item) {
        if ("live" in item) {
            return `${item.live}`;
        }
        return `${item.active} · ${item.suspended} · ${item.ended}`;
    }

    async open(item, effective) {
        const record = this.props.record;
        const action = await this.orm.call(record.resModel, "action_open_governed_rows", [
            [record.resId],
            item.model,
            effective,
        ]);
        await this.action.doAction(action);
    }
}

registry.category("fields").add("ov_governance_summary", {
    component: GovernanceSummaryButtons,
    supportedTypes: ["json"],
});
