"""The cache of public pages, and its invalidation.

Public pages are cached whole for anonymous readers (Redis when ``REDIS_URL`` is set, so
every web process shares it; local memory otherwise). Every key embeds a *generation*
number; publishing, correcting or withdrawing a claim bumps it, which invalidates every
public page at once — a claim appears on its own page, its article, the home page, the
feeds and the sitemap, and newsrooms publish rarely enough that starting afresh costs
nothing. Old generations simply expire.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from . import siteurl

GENERATION_KEY = "public-pages:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def invalidate() -> None:
    """Make every cached public page stale (call after the change has committed)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: nothing cached under one either
        cache.add(GENERATION_KEY, 2, timeout=None)


def key_for(name: str) -> str:
    """A cache key for something derived from public pages (a share image): it goes stale
    with them."""
    return f"public-pages:{generation()}:{name}"


def _key(request) -> str:
    """The page's address on its canonical origin: with ``SITE_URL`` unset, pages carry
    the request's host in their links, so one host's page is never another host's."""
    address = siteurl.origin(request) + request.get_full_path()
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"public-pages:{generation()}:{digest}"


def cached_public_page(view):
    """Serve anonymous GETs of ``view`` from the cache; store successful responses."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method not in {"GET", "HEAD"}
            or request.user.is_authenticated
            or settings.PUBLIC_CACHE_SECONDS == 0
        ):
            return view(request, *args, **kwargs)
        key = _key(request)
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(
                key, (response.content, response["Content-Type"]), settings.PUBLIC_CACHE_SECONDS
            )
            response["X-Cache"] = "miss"
        return response

    return wrapper
