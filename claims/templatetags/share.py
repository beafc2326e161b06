"""``{% load share %}``: the share image of a claim, for OpenGraph and Twitter tags."""

from django import template
from django.conf import settings

from ..enums import ClaimStatus
from ..views.share import share_image_path

register = template.Library()


@register.simple_tag(takes_context=True)
def share_image_url(context, claim) -> str:
    """The absolute URL of ``claim``'s share image, or "" when it has none (not published)."""
    if claim.status != ClaimStatus.PUBLISHED:
        return ""
    path = share_image_path(claim)
    if settings.SITE_URL:
        return settings.SITE_URL + path
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path
