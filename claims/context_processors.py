from django.conf import settings
from django.templatetags.static import static


def site(request) -> dict:
    """What every page's layout needs: the organisation's name, address and logo."""
    return {
        "organization_name": settings.FACTCHECK_ORGANIZATION_NAME,
        "organization_url": settings.FACTCHECK_ORGANIZATION_URL,
        "organization_logo": static(settings.FACTCHECK_LOGO) if settings.FACTCHECK_LOGO else "",
    }
