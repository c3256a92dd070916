"""What staff write for the public documents beyond what the data says."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samskab.consultations.models import Consultation


class NotatText(models.Model):
    """The høringsnotat's hand-written parts: general remarks and other matters."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="notat_text",
        verbose_name=_("høring"),
    )
    published_where = models.CharField(
        _("offentliggjort på"), max_length=300, blank=True,
        help_text=_("Hvor høringen blev offentliggjort, fx høringsportalen og styrelsens "
                    "hjemmeside."),
    )
    general_remarks_da = models.TextField(_("generelle bemærkninger"), blank=True)
    other_matters_da = models.TextField(_("øvrige bemærkninger"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("opdateret af"),
    )
    updated_at = models.DateTimeField(_("opdateret"), auto_now=True)

    class Meta:
        verbose_name = _("høringsnotatets tekst")
        verbose_name_plural = _("høringsnotaters tekst")

    def __str__(self) -> str:
        return str(self.consultation)
