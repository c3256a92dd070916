"""Refusing to serve a production site that is not set up safely."""

from django.core.exceptions import ImproperlyConfigured


def insecure_secret_key(settings) -> bool:
    """True when DEBUG is off, no SAMSKAB_SECRET_KEY was given and the setup is not the
    plain-HTTP demo or test setup (SAMSKAB_INSECURE_HTTP), where a generated key will do."""
    return (not settings.DEBUG and not settings.SAMSKAB_SECRET_KEY_SET
            and not settings.SAMSKAB_INSECURE_HTTP)


def refuse_insecure_start(settings) -> None:
    """Called by `samskab serve` and the WSGI entry point before serving."""
    if insecure_secret_key(settings):
        raise ImproperlyConfigured(
            "Refusing to start: DEBUG is off and SAMSKAB_SECRET_KEY is not set. Set it to a "
            "long random value (the same on every server), or SAMSKAB_DEBUG=true for development."
        )


# The pages of the response form's round and the site's front page: their templates (and the
# ones they include or extend) are compiled by the cached template loader on first use.
_WARM_TEMPLATES = (
    "consultations/list.html", "consultations/respond.html", "consultations/receipt.html",
    "consultations/_receipt.html", "web/busy.html",
)


def warm_up() -> None:
    """Load once, in the process the server's workers fork from (gunicorn --preload), what
    each worker would otherwise load on its first requests: every view module (the URL
    resolver imports them), the message catalogues and the form's round of templates. A worker
    (re)started at a deadline then answers at once, and the loaded code is shared between the
    workers' memory. Touches no database (a connection must not cross a fork)."""
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every urls and views module
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 - the reverse lookup tables, per language
            translation.gettext("Høringer")  # loads the language's catalogues
    for name in _WARM_TEMPLATES:
        get_template(name)
