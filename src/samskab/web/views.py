"""Error pages and the site's fixed pages (accessibility statement, privacy, contact)."""

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

_ERRORS = {
    400: (_("Forespørgslen kunne ikke forstås"),
          _("Siden kunne ikke vises, fordi forespørgslen var ugyldig. Prøv igen fra forsiden.")),
    403: (_("Du har ikke adgang til siden"),
          _("Din bruger har ikke en rolle, der giver adgang til denne side. Kontakt en "
            "administrator, hvis du mener, du skal have adgang.")),
    404: (_("Siden findes ikke"),
          _("Vi kan ikke finde den side, du leder efter. Den kan være flyttet eller slettet, "
            "eller adressen kan være skrevet forkert.")),
    500: (_("Der skete en fejl"),
          _("Der skete en fejl hos os, og siden kunne ikke vises. Prøv igen om lidt. Hvis du "
            "var ved at sende et høringssvar, og du ikke fik en kvittering, er svaret ikke "
            "modtaget.")),
}


def _error_page(request, status: int, *, heading=None, text=None):
    title, body = _ERRORS[status]
    return render(request, "web/error.html", {
        "status": status, "heading": heading or title, "text": text or body,
    }, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error_page(request, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error_page(request, 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error_page(request, 404)


@requires_csrf_token
def server_error(request):
    """The 500 page with header and footer; if even that fails (say, the database is down),
    a plain page that needs nothing."""
    try:
        return _error_page(request, 500)
    except Exception:  # noqa: BLE001 - the last resort must answer whatever broke
        logger.exception("the error page itself failed")
        return HttpResponseServerError(
            '<!DOCTYPE html><html lang="da"><meta charset="utf-8"><title>Der skete en fejl'
            "</title><h1>Der skete en fejl</h1><p>Prøv igen om lidt.</p>"
            '<p><a href="/">Til forsiden</a></p></html>',
        )


def csrf_failure(request, reason=""):
    """A form sent with a missing or stale security token (often: the page was open long)."""
    return _error_page(
        request, 403, heading=_("Formularen er udløbet"),
        text=_("Af sikkerhedshensyn kunne formularen ikke sendes. Det sker typisk, når siden "
               "har været åben længe, eller når cookies er slået fra. Gå tilbage, genindlæs "
               "siden og send igen. Dit svar er ikke modtaget."),
    )


def accessibility_statement(request) -> HttpResponse:
    return render(request, "web/accessibility.html")


def privacy(request) -> HttpResponse:
    return render(request, "web/privacy.html", {
        "retention_years": settings.SAMSKAB_RETENTION_YEARS,
        "idle_minutes": settings.SAMSKAB_STAFF_IDLE_MINUTES,
        "dpo_email": settings.SAMSKAB_DPO_EMAIL,
    })


def contact(request) -> HttpResponse:
    return render(request, "web/contact.html")
