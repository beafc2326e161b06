from django.conf import settings


def site(request) -> dict:
    """What every page's layout needs: the organisation's name and address."""
    return {
        "organization_name": settings.FACTCHECK_ORGANIZATION_NAME,
        "organization_url": settings.FACTCHECK_ORGANIZATION_URL,
    }
