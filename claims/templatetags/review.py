"""Template helpers of the reviewers' UI (``{% load review %}``)."""

from django import template

from .. import roles

register = template.Library()


@register.filter
def is_reviewer(user) -> bool:
    """``{% if user|is_reviewer %}``: may use the reviewers' UI (roles are cached per user)."""
    # Pages rendered without a request (an error page) have no user at all.
    return getattr(user, "is_authenticated", False) and roles.is_reviewer(user)


@register.filter
def field_value(form, name: str) -> str:
    """The value a form field holds now, as a string (bound data or initial)."""
    value = form[name].value()
    return "" if value is None else str(value)


CHANGE_LABELS = {
    "assignee": "assignee",
    "due_date": "due date",
    "requested_approver": "approver requested",
    "reply_outcome": "claimant's answer",
    "reply_published": "shown to readers",
}


@register.filter
def change_text(change) -> str:
    """One item of an event's ``changes``: a field name, or ``{"field", "before",
    "after"}`` shown as "field: before → after" ("none" for an empty value)."""
    if not isinstance(change, dict):
        return str(change)
    field = change.get("field", "")
    label = CHANGE_LABELS.get(field, field.replace("_", " "))
    if "before" not in change and "after" not in change:
        return label

    def shown(value) -> str:
        return "none" if value in (None, "") else str(value)

    return f"{label}: {shown(change.get('before'))} → {shown(change.get('after'))}"
