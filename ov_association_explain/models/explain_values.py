"""What an explanation says of each row, membership and path
(``governed_explain``): plain values, from live records or from rows rebuilt
out of the audit log, and the reason codes with their sentences."""

from odoo import fields

# Why a row, a membership or a path does not grant (machine code → sentence).
REASONS = {
    "state_draft": "The row is a draft: it was never activated.",
    "state_suspended": "The row is suspended.",
    "state_expired": "The row has expired.",
    "state_revoked": "The row was revoked.",
    "window_not_started": "Its effective window has not started yet.",
    "window_ended": "Its effective window has ended.",
    "parent_not_effective": "Its SA association does not grant anything now.",
    "target_deleted": "The governed record was deleted; the row governs nothing.",
    "not_a_member": "The actor holds no membership in this SA.",
    "membership_not_effective": "The actor's membership in this SA is not effective.",
    "membership_suspended": "The actor's membership in this SA is suspended.",
    "membership_ended": "The actor's membership in this SA has ended.",
    "sa_archived": "The SA is archived.",
    "actor_archived": "The actor is archived.",
    "kind_filtered": "Its kind is not among the kinds asked about.",
    "covered_by_ancestor": "The row governs an ancestor, whose scope covers this record.",
    "no_actor_row": "The actor has no row under this SA association.",
}


def reason_of(code):
    """A reason code with its sentence (English: codes are the stable API)."""
    return {"code": code, "message": REASONS[code]}


def live_values(row, sa_names, parent_live=True):
    """What an explanation says of a live row or membership (read as the
    answer's rows are, see ``_ov_explain_paths_now``); ``sa_names``: the SAs'
    names as the caller may see them."""
    values = {
        "model": row._name,
        "id": row.id,
        "state": row.state,
        "date_from": row.date_from,
        "date_to": row.date_to,
        "parent_live": parent_live,
        "has_target": True,
    }
    if "association_kind" in row._fields:
        values["kind"] = row.association_kind
    target_field = getattr(row, "_ov_target_field", None)
    if target_field:
        values["has_target"] = bool(row[target_field])
    if "sa_id" in row._fields:
        values["sa"] = {"id": row.sa_id.id, "name": sa_names.get(row.sa_id.id, "?")}
    return values


def logged_values(model_name, row, sa_names, parent_live=True):
    """What an explanation says of a row rebuilt from the log."""
    values = {
        "model": model_name,
        "id": row["res_id"],
        "state": row["row_state"],
        "date_from": row["row_date_from"],
        "date_to": row["row_date_to"],
        "parent_live": parent_live,
        # Only the SA layer records a target; it is emptied when the record goes.
        "has_target": row["row_parent_id"] is not None
        or row["row_actor_id"] is not None
        or row["row_target_id"] is not None,
    }
    if model_name != "ov.sa.membership":
        values["kind"] = row["row_kind"]
    if row["row_sa_id"]:
        values["sa"] = {"id": row["row_sa_id"], "name": sa_names.get(row["row_sa_id"], "?")}
    return values


def effective_at(row, at):
    return (
        row["row_state"] == "active"
        and (not row["row_date_from"] or row["row_date_from"] <= at)
        and (not row["row_date_to"] or row["row_date_to"] > at)
    )


def explain_row(values, now):
    """A row or membership: what it is, and why it does not grant."""
    reasons = []
    if values["state"] != "active":
        reasons.append(reason_of(f"state_{values['state']}"))
    if values["date_from"] and values["date_from"] > now:
        reasons.append(reason_of("window_not_started"))
    if values["date_to"] and values["date_to"] <= now:
        reasons.append(reason_of("window_ended"))
    if not values["has_target"]:
        reasons.append(reason_of("target_deleted"))
    explained = {
        "model": values["model"],
        "id": values["id"],
        "state": values["state"],
        "date_from": fields.Datetime.to_string(values["date_from"])
        if values["date_from"]
        else None,
        "date_to": fields.Datetime.to_string(values["date_to"]) if values["date_to"] else None,
        "effective": not reasons,
        "reasons": reasons,
    }
    for key in ("kind", "sa"):
        if key in values:
            explained[key] = values[key]
    return explained


def without_none(value):
    """``False`` where a value is absent, as Odoo answers: XML-RPC cannot
    carry ``None``."""
    if value is None:
        return False
    if isinstance(value, dict):
        return {key: without_none(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_none(item) for item in value]
    return value


def membership_reason(membership):
    """Why an explained membership (``explain_row``'s answer) does not hold:
    one stable code, the most specific one."""
    state = membership["state"]
    if state == "suspended":
        return "membership_suspended"
    if state in ("expired", "revoked") or any(
        reason["code"] == "window_ended" for reason in membership["reasons"]
    ):
        return "membership_ended"
    return "membership_not_effective"
