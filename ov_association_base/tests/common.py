"""Test helpers shared by the target addons."""

from odoo.tools.safe_eval import safe_eval


def my_rows(env, action_xmlid, user):
    """The rows a "My …" action lists for ``user``, as that user sees them."""
    action = env.ref(action_xmlid)
    domain = safe_eval(action.domain or "[]", {"uid": user.id})
    return env[action.res_model].with_user(user).search(domain)
