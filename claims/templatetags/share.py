"""``{% load share %}``: the share image of a claim, for OpenGraph and Twitter tags."""

from django import template

from ..enums import ClaimStatus
from ..siteurl import absolute_url
from ..views.share import share_image_path

register = template.Library()


@register.simple_tag(takes_context=True)
def share_image_url(context, claim) -> str:
    """The absolute URL of ``claim``'s share image, or "" when it has none (not published)."""
    if claim.status != ClaimStatus.PUBLISHED:
        return ""
    path = share_image_path(claim)
    request = context.get("request")
    return absolute_url(request, path) if request is not None else path
