"""Share images of published fact-checks (``claims.shareimage`` draws them).

Anyone may fetch them — social networks' crawlers do, without cookies — and they show
only what the public claim page shows. A claim that is not published (a draft, one in
review, a withdrawn one) has no image: 404, like its page for anything but a notice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from .. import public_cache, shareimage
from ..models import Claim


@require_safe
def share_image(request, slug: str):
    """The 1200×630 PNG for ``og:image``, cached with the public pages.

    The claim is looked up every time (one query), so a withdrawal is a 404 at once; the
    picture itself is drawn once per generation of the public cache and per fingerprint
    of what it shows, for every reader, signed in or not (it holds nothing private).
    """
    claim = get_object_or_404(Claim.objects.published(), slug=slug)
    card = shareimage.card_for(claim)
    fingerprint = shareimage.fingerprint(card)
    etag = f'"{fingerprint}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    key = public_cache.key_for(f"share-image:{claim.slug}:{fingerprint}")
    png = cache.get(key) if settings.PUBLIC_CACHE_SECONDS else None
    hit = png is not None
    if png is None:
        png = shareimage.render(card)
        if settings.PUBLIC_CACHE_SECONDS:
            cache.set(key, png, settings.PUBLIC_CACHE_SECONDS)
    response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    response["X-Cache"] = "hit" if hit else "miss"
    if settings.PUBLIC_CACHE_SECONDS:
        response["Cache-Control"] = f"public, max-age={settings.PUBLIC_CACHE_SECONDS}"
    return response


def share_image_path(claim: Claim) -> str:
    """The image's path with its fingerprint (a new URL whenever the picture changes)."""
    from django.urls import reverse

    fingerprint = shareimage.fingerprint(shareimage.card_for(claim))
    return reverse("claims:claim_share_image", args=[claim.slug]) + f"?v={fingerprint}"
