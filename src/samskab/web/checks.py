"""System checks of the production setup (`samskab check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from samskab.web.startup import insecure_secret_key

E001 = Error(
    "SAMSKAB_SECRET_KEY is not set: the secret key was generated into var/ on this machine.",
    hint="Set SAMSKAB_SECRET_KEY to a long random value kept outside the code and the "
         "database (every server of the site needs the same one).",
    id="samskab.E001",
)


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    return [E001] if insecure_secret_key(settings) else []
