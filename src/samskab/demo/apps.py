from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data and the `samskab demo` command: the top layer, which may import every
    other app and which none imports."""

    name = "samskab.demo"
    label = "demo"
    verbose_name = _("Demo")
