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


class SubscriptionTopic(models.TextChoices):
    CONSULTATIONS = "consultations", _("Nye høringer")
    PLAN_PROGRESS = "plan_progress", _("Fremdrift i en handlingsplan")


class Subscription(models.Model):
    """An e-mail subscription without an account: double opt-in, one-click unsubscribe.

    The address is personal data: it is used for these mails only and never shown in public."""

    email = models.EmailField(_("e-mail"))
    topic = models.CharField(_("emne"), max_length=32, choices=SubscriptionTopic.choices,
                             default=SubscriptionTopic.CONSULTATIONS)
    authority = models.CharField(_("myndighed"), max_length=200, blank=True,
                                 help_text=_("Tom: alle myndigheder."))
    theme = models.SlugField(_("tema"), max_length=80, blank=True,
                             help_text=_("Tom: alle temaer."))
    plan = models.ForeignKey("plans.ActionPlan", on_delete=models.CASCADE, null=True,
                             blank=True, related_name="+", verbose_name=_("handlingsplan"),
                             help_text=_("Kun for abonnementer på en plans fremdrift."))
    language = models.CharField(_("sprog"), max_length=8, default="da")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("bekræftet"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("afmeldt"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnementer")
        indexes = [models.Index(fields=["topic", "confirmed_at"])]
        constraints = [
            models.UniqueConstraint(fields=["email", "topic", "authority", "theme"],
                                    condition=models.Q(plan__isnull=True),
                                    name="publishing_subscription_unique"),
            models.UniqueConstraint(fields=["email", "plan"],
                                    condition=models.Q(plan__isnull=False),
                                    name="publishing_subscription_plan_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {self.authority or '*'} / {self.theme or '*'}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class SubscriptionDelivery(models.Model):
    """One item sent to one subscription: the record that keeps a restart from sending twice."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="deliveries")
    item_key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "item_key"],
                                    name="publishing_delivery_once"),
        ]


class DataRelease(models.Model):
    """One generated bulk file (ZIP with CSV, JSON, datapackage.json, README and licence) of a
    consultation's public data. Releases are kept: the newest is served at a stable address,
    the dated ones stay downloadable."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="data_releases",
                                     verbose_name=_("høring"))
    plan = models.ForeignKey("plans.ActionPlan", on_delete=models.CASCADE, null=True,
                             blank=True, related_name="data_releases",
                             verbose_name=_("handlingsplan"))
    created_at = models.DateTimeField(_("dannet"), auto_now_add=True, db_index=True)
    file = models.FileField(_("fil"), upload_to="opendata/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("størrelse (bytes)"))
    fingerprint = models.CharField(
        max_length=64, help_text=_("Hash af indholdet uden tidsstempler: en ny udgave "
                                   "dannes kun, når data har ændret sig."))
    counts = models.JSONField(_("antal rækker"), default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dataudgivelse")
        verbose_name_plural = _("dataudgivelser")

    def __str__(self) -> str:
        subject = self.consultation or self.plan
        return f"{subject.slug if subject else '?'} {self.created_at:%Y-%m-%d %H:%M}"


class PublicationState(models.TextChoices):
    RENDERING = "rendering", _("Dannes")
    READY = "ready", _("Klar")
    FAILED = "failed", _("Fejlede")


def notat_file_path(instance: "NotatPublication", filename: str) -> str:
    return f"notater/{instance.consultation_id}/{filename}"


class NotatPublication(models.Model):
    """One published version of a consultation's høringsnotat.

    `data` is the notat as it was published (publishing.notat.to_json), built from the public
    read model at the moment of publication; the four formats are rendered from it by a task
    (`notat_render_task`), so a large consultation's PDF never renders inside a request.
    Publishing again makes a new version; earlier versions stay public.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="notat_publications",
        verbose_name=_("høring"),
    )
    version = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("offentliggjort"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("offentliggjort af"),
    )
    data = models.JSONField(_("notatets indhold"))
    state = models.CharField(_("status"), max_length=10, choices=PublicationState.choices,
                             default=PublicationState.RENDERING)
    error = models.TextField(_("fejl"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to=notat_file_path, blank=True, max_length=200)
    odt = models.FileField(_("ODT"), upload_to=notat_file_path, blank=True, max_length=200)
    docx = models.FileField(_("DOCX"), upload_to=notat_file_path, blank=True, max_length=200)
    rendered_at = models.DateTimeField(_("dannet"), null=True, blank=True)

    class Meta:
        ordering = ["consultation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "version"],
                                    name="notat_publication_unique_version"),
        ]
        verbose_name = _("offentliggjort høringsnotat")
        verbose_name_plural = _("offentliggjorte høringsnotater")

    def __str__(self) -> str:
        return f"{self.consultation} v{self.version}"

    @property
    def ready(self) -> bool:
        return self.state == PublicationState.READY
