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
