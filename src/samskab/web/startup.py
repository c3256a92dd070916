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
