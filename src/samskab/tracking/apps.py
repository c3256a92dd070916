from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "samskab.tracking"
    label = "tracking"
    verbose_name = _("Opfølgning og evaluering")

    # Hooks the `samskab plan` command calls on every app that has them (plans imports no
    # higher app): progress and assessments travel in the plan file.
    def plan_export(self, plan, data: dict) -> dict:
        from samskab.tracking.exchange import plan_tracking_export

        return plan_tracking_export(plan, data)

    def plan_import(self, *, actor, plan, data: dict) -> list[str]:
        from samskab.tracking.exchange import plan_tracking_import

        return plan_tracking_import(actor=actor, plan=plan, data=data)
