"""What every page's header and footer need."""

from django.conf import settings
from django.templatetags.static import static


def _logo_url(logo: str) -> str:
    """The logo setting as a URL: an absolute URL or path as it is, else a static file."""
    if not logo or logo.startswith(("https://", "http://", "/")):
        return logo
    return static(logo)


def site(request) -> dict:
    return {
        "site_authority": settings.SAMSKAB_AUTHORITY_NAME,
        "site_authority_logo": _logo_url(settings.SAMSKAB_AUTHORITY_LOGO),
        "site_authority_url": settings.SAMSKAB_AUTHORITY_URL,
        "site_contact_email": settings.SAMSKAB_CONTACT_EMAIL,
    }
