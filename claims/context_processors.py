import logging

from django.conf import settings
from django.templatetags.static import static

from .enums import PageKind

logger = logging.getLogger(__name__)


def _logo_url() -> str:
    if not settings.FACTCHECK_LOGO:
        return ""
    try:
        return static(settings.FACTCHECK_LOGO)
    except ValueError:
        # Hashed static files (production) know only what collectstatic saw: a logo added
        # after it must not take every page down — the built-in mark stands in.
        logger.error(
            "FACTCHECK_LOGO %r is not among the collected static files (run "
            "collectstatic with FACTCHECK_BRAND_DIR set)",
            settings.FACTCHECK_LOGO,
        )
        return ""


def site(request) -> dict:
    """What every page's layout needs: the organisation's name, address and logo."""
    return {
        "organization_name": settings.FACTCHECK_ORGANIZATION_NAME,
        "organization_url": settings.FACTCHECK_ORGANIZATION_URL,
        "organization_logo": _logo_url(),
        # The footer's transparency pages: fixed kinds, so no query on any page.
        "transparency_pages": list(PageKind),
    }
