"""What every page's header and footer need."""

from django.conf import settings


def site(request) -> dict:
    return {
        "site_authority": settings.SAMSKAB_AUTHORITY_NAME,
        "site_contact_email": settings.SAMSKAB_CONTACT_EMAIL,
    }
