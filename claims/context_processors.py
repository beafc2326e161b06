from django.conf import settings

from .enums import PageKind


def site(request) -> dict:
    """What every page's layout needs: the organisation's name and address."""
    return {
        "organization_name": settings.FACTCHECK_ORGANIZATION_NAME,
        "organization_url": settings.FACTCHECK_ORGANIZATION_URL,
        # The footer's transparency pages: fixed kinds, so no query on any page.
        "transparency_pages": list(PageKind),
    }
