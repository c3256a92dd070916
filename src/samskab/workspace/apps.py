from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The staff workspace: inbox, moderation, publication, høringsliste, letters."""

    name = "samskab.workspace"
    label = "workspace"
    verbose_name = _("Medarbejderområde")
    default_auto_field = "django.db.models.BigAutoField"
