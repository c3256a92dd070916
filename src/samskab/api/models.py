"""API tokens: how other portals deliver responses to one consultation."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samskab.consultations.models import Consultation


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token scoped to one consultation. Only the secret's sha256 is stored: the
    secret itself is shown once, when the token is created (`services.api_token_create`)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="api_tokens",
        verbose_name=_("høring"),
    )
    name = models.CharField(
        _("navn"), max_length=200,
        help_text=_("Hvem bruger nøglen, fx »Høringsportalen«."),
    )
    description = models.TextField(_("beskrivelse"), blank=True)
    prefix = models.CharField(
        _("nøglens begyndelse"), max_length=16, editable=False,
        help_text=_("De første tegn af nøglen, så den kan genkendes."),
    )
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("oprettet af"), editable=False,
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("sidst brugt"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(
        _("tilbagekaldt"), null=True, blank=True, editable=False,
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API-nøgle")
        verbose_name_plural = _("API-nøgler")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
