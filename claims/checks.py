"""System checks of production settings (``manage.py check --deploy``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs) -> list:
    """Absolute URLs come from ``SITE_URL`` (``claims.siteurl``): without it they would be
    built from each request's Host header, which a client chooses."""
    if not settings.SITE_URL:
        return [
            Error(
                "SITE_URL is not set.",
                hint="Set SITE_URL to the site's public address (https://factcheck.example.org). "
                "Canonical links, feeds, the sitemap, ClaimReview and API links are built from "
                "it; without it they would follow each request's Host header, and a cached "
                "page would carry one client's host to every reader.",
                id="factcheck.E001",
            )
        ]
    if urlsplit(settings.SITE_URL).scheme != "https":
        return [
            Warning(
                f"SITE_URL ({settings.SITE_URL}) is not an https:// address.",
                hint="Readers, feeds and search engines would be sent to plain HTTP.",
                id="factcheck.W001",
            )
        ]
    return []
