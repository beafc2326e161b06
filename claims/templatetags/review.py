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
