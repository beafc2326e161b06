"""Absolute addresses of this site, built from ``SITE_URL`` — never from a client's Host.

Canonical links, ``og:url``, ClaimReview ``url``, feeds, the sitemap and the API's links
all go through :func:`absolute_url`. A Host header is whatever the client sent (within
``ALLOWED_HOSTS``, which admits any port): copied into a page that is then cached, it
would be served to every later reader. Production therefore requires ``SITE_URL``
(``claims.checks`` fails ``check --deploy`` without it); without it (development) the
request's own host is used, and the page cache keys on :func:`origin` so one client's host
never reaches another's page.
"""

from __future__ import annotations

from django.conf import settings


def origin(request=None) -> str:
    """``https://factcheck.example.org``: ``SITE_URL`` when set; else the request's scheme
    and host; ``""`` with neither (a relative address then)."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is None:
        return ""
    return f"{request.scheme}://{request.get_host()}"


def absolute_url(request, path: str) -> str:
    """``path`` (from ``reverse()``) on this site's canonical origin."""
    return origin(request) + path
