"""How ratings look, for templates (``{% load ratings %}``)."""

from django import template

from ..ratingstyle import style_of

register = template.Library()


@register.filter
def rating_shape(rating) -> str:
    """``{{ rating|rating_shape }}``: the rating's icon in words ("a tick in a ring")."""
    return style_of(rating).description
