from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "samskab.insights"
    label = "insights"
    verbose_name = _("Analyse og begrundet svar")

    def ready(self) -> None:
        from samskab.insights import panels

        panels.register()
