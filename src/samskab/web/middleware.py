"""Danish first: the language is Danish unless the visitor chose another with the switch."""

from django.conf import settings
from django.utils import translation


class DanishFirstLocaleMiddleware:
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language header.

    A Danish authority's pages open in Danish; the language switch sets a cookie that wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


# How the databases say "too busy right now": SQLite's lock wait ran out (busy_timeout), or a
# PostgreSQL lock_timeout / statement_timeout / serialization failure / deadlock. These are
# transient: the request changed nothing (its transaction rolled back) and may simply be sent
# again; with an idempotency token it gives the same receipt.
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_POSTGRES_BUSY_SQLSTATES = frozenset({
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
    "55P03",  # lock_not_available (lock_timeout)
    "57014",  # query_canceled (statement_timeout)
})
RETRY_AFTER_SECONDS = 2


def database_is_busy(error: BaseException) -> bool:
    """True when `error` (or what caused it) is a database's transient "too busy" refusal."""
    from django.db import OperationalError

    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, OperationalError):
            if any(text in str(error).lower() for text in _SQLITE_BUSY):
                return True
        sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if sqlstate in _POSTGRES_BUSY_SQLSTATES:
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


class DatabaseBusyMiddleware:
    """A database too busy to take a write is a 503 with Retry-After, never a 500.

    Browsers get a page that says so and carries what they sent: the text in a text box and
    every other field (CSRF and idempotency tokens included) hidden, with a button that sends
    it again to the same address, so a retry gives the same receipt and nothing typed is lost.
    Uploaded files cannot be carried over (a browser cannot be given a file back); the page
    says so. The JSON API gets `{"error": {"code": "busy", ...}}`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_is_busy(exception):
            return None
        import logging

        logging.getLogger("samskab.busy").warning(
            "503 database busy: %s %s: %s", request.method, request.path, exception,
        )
        if request.path.startswith("/api/"):
            from django.http import JsonResponse
            from django.utils.translation import gettext

            response = JsonResponse(
                {"error": {"code": "busy", "field": None, "message": gettext(
                    "Der er travlt lige nu. Send forespørgslen igen om lidt med samme "
                    "Idempotency-Key; intet er gemt to gange.")}},
                status=503, json_dumps_params={"ensure_ascii": False},
            )
        else:
            from django.template.response import TemplateResponse

            fields = []
            text_fields = []
            if request.method == "POST":
                for name, values in request.POST.lists():
                    for value in values:
                        (text_fields if name == "text" else fields).append((name, value))
            response = TemplateResponse(
                request, "web/busy.html",
                {"method": request.method, "fields": fields,
                 "text_fields": text_fields, "had_files": bool(request.FILES),
                 "retry_after": RETRY_AFTER_SECONDS},
                status=503,
            ).render()
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
