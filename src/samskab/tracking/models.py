"""Tracking: other countries' commitments (OGP's public data), and — built on the plans app —
progress, forum meetings, assessments and reminders."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samskab.tracking import irm


class Framework(models.TextChoices):
    PRE2017 = irm.PRE2017, _("før 2017")
    Y2017_2020 = irm.Y2017_2020, "2017–2020"
    Y2021 = irm.Y2021, _("2021 og senere")


class ForeignCommitment(models.Model):
    """A commitment of another country's action plan as OGP publishes it, with the IRM's
    codings. `starred` and `promising` are computed by `irm.verdict` on import; OGP's own
    mark is kept as `starred_reported`."""

    ogp_id = models.CharField(_("OGP-id"), max_length=60, unique=True)
    country = models.CharField(_("land"), max_length=120, db_index=True)
    action_plan = models.CharField(_("handlingsplan"), max_length=300, blank=True)
    number = models.CharField(_("nummer"), max_length=40, blank=True)
    title = models.CharField(_("titel"), max_length=500)
    text = models.TextField(_("fuld tekst"), blank=True)
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    end_date = models.DateField(_("slutdato"), null=True, blank=True)
    start_text = models.CharField(_("startdato som skrevet"), max_length=100, blank=True)
    end_text = models.CharField(_("slutdato som skrevet"), max_length=100, blank=True)
    lead_institution = models.CharField(_("ansvarlig institution"), max_length=300,
                                        blank=True)
    ogp_values = models.JSONField(_("OGP-værdier"), default=list, blank=True)
    framework = models.CharField(_("IRM-ramme"), max_length=12, choices=Framework.choices)
    plan_year = models.PositiveSmallIntegerField(_("planens startår"), null=True, blank=True)
    codings = models.JSONField(_("IRM-kodning"), default=dict, blank=True)
    starred = models.BooleanField(_("stjernemarkeret"), null=True)
    promising = models.BooleanField(_("lovende"), null=True)
    starred_reported = models.BooleanField(_("stjernemarkeret ifølge OGP"), null=True)
    source_name = models.CharField(_("kildefil"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("importeret"), auto_now=True)

    class Meta:
        ordering = ["country", "ogp_id"]
        verbose_name = _("forpligtelse fra et andet land")
        verbose_name_plural = _("forpligtelser fra andre lande")

    def __str__(self) -> str:
        return f"{self.ogp_id} {self.title}"

    def verdict(self) -> irm.Verdict:
        return irm.verdict(self.framework, {**self.codings, "relevant_values": self.ogp_values},
                           plan_start=self.plan_year)
