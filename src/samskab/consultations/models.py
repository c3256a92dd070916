"""Consultations (høringer), respondents, responses and their attachments.

The only way a Response comes into being is `services.response_receive`; nothing here holds
domain logic beyond derived properties.
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samskab.core.i18n import translated
from samskab.core.models import Bilingual, GrandChallenge, OgpValue


class ConsultationQuerySet(models.QuerySet):
    def published(self) -> "ConsultationQuerySet":
        """Consultations whose call is public (the process is published before it opens)."""
        return self.filter(published_at__lte=timezone.now())

    def open(self) -> "ConsultationQuerySet":
        now = timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)

    def upcoming(self) -> "ConsultationQuerySet":
        return self.published().filter(opens_at__gt=timezone.now())

    def closed(self) -> "ConsultationQuerySet":
        return self.published().filter(closes_at__lte=timezone.now())

    def closing_within(self, *, hours: int) -> "ConsultationQuerySet":
        now = timezone.now()
        return self.open().filter(closes_at__lte=now + timedelta(hours=hours))


class ConsultationStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Kommende")
    OPEN = "open", _("Åben")
    CLOSED = "closed", _("Afsluttet")


class Consultation(models.Model):
    """A public call for input (høring) with its deadline and intake routes."""

    slug = models.SlugField(_("kort navn"), max_length=80, unique=True)
    title_da = models.CharField(_("titel (dansk)"), max_length=300)
    title_en = models.CharField(_("titel (engelsk)"), max_length=300, blank=True)
    summary_da = models.TextField(_("resumé (dansk)"), blank=True)
    summary_en = models.TextField(_("resumé (engelsk)"), blank=True)
    body_da = models.TextField(_("høringsbrev (dansk)"), blank=True)
    body_en = models.TextField(_("høringsbrev (engelsk)"), blank=True)
    authority = models.CharField(_("myndighed"), max_length=200, blank=True)
    # The authority as an organisation (its name shown as `authority` above where typed).
    authority_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="consultations", verbose_name=_("myndighed (organisation)"),
    )
    published_at = models.DateTimeField(_("offentliggjort"))
    opens_at = models.DateTimeField(_("åbner"))
    closes_at = models.DateTimeField(_("høringsfrist"))
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontakt-e-mail"), blank=True)
    intake_email = models.EmailField(
        _("modtager-e-mail"), blank=True,
        help_text=_("Adressen høringssvar sendes til; bruges til at sortere indkommende post."),
    )
    subject_tag = models.CharField(
        _("emnemærke"), max_length=80, blank=True,
        help_text=_("Fx »OGP-høring«: e-mails med dette i emnefeltet hører til høringen."),
    )
    reference_prefix = models.CharField(
        _("præfiks for referencenumre"), max_length=30,
        help_text=_("Fx »OGP-2012« giver referencer som OGP-2012-0042."),
    )
    last_reference_number = models.PositiveIntegerField(default=0, editable=False)
    grand_challenges = models.ManyToManyField(
        GrandChallenge, blank=True, related_name="consultations",
        verbose_name=_("hovedudfordringer"),
    )
    focus_challenges = models.ManyToManyField(
        GrandChallenge, blank=True, related_name="focus_of",
        verbose_name=_("fokusudfordringer"),
    )
    ogp_values = models.ManyToManyField(
        OgpValue, blank=True, related_name="consultations", verbose_name=_("OGP-værdier"),
    )

    objects = ConsultationQuerySet.as_manager()

    title = translated("title")
    summary = translated("summary")
    body = translated("body")

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("høring")
        verbose_name_plural = _("høringer")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            ),
            # OGP: the process and timeline are published before the consultation opens.
            models.CheckConstraint(
                condition=models.Q(published_at__lte=models.F("opens_at")),
                name="consultation_published_before_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def status_at(self, moment) -> str:
        if moment < self.opens_at:
            return ConsultationStatus.UPCOMING
        if moment < self.closes_at:
            return ConsultationStatus.OPEN
        return ConsultationStatus.CLOSED

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def status_label(self) -> str:
        return ConsultationStatus(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status == ConsultationStatus.OPEN

    @property
    def last_moment(self):
        """The deadline as people say it: a midnight close is shown as 23:59 the day before."""
        return self.closes_at - timedelta(minutes=1) if timezone.localtime(
            self.closes_at).time().strftime("%H:%M") == "00:00" else self.closes_at

    @property
    def period_days(self) -> int:
        """Length of the consultation period in calendar days, both ends counted."""
        tz = timezone.get_default_timezone()
        first = timezone.localtime(self.opens_at, tz).date()
        last = timezone.localtime(self.closes_at - timedelta(microseconds=1), tz).date()
        return (last - first).days + 1


class Theme(Bilingual):
    """An open-set theme of a consultation (e.g. the call's example areas)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="themes",
        verbose_name=_("høring"),
    )
    slug = models.SlugField(_("kort navn"), max_length=80)
    keywords = models.JSONField(_("nøgleord"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "slug"], name="theme_unique_slug"),
        ]
        verbose_name = _("tema")
        verbose_name_plural = _("temaer")

    def __str__(self) -> str:
        return self.title


class ProcessStepKind(models.TextChoices):
    CALL_PUBLISHED = "call_published", _("Høringen offentliggøres")
    OPENS = "opens", _("Høringen åbner")
    MEETING = "meeting", _("Møde")
    DEADLINE = "deadline", _("Høringsfrist")
    NOTAT = "notat", _("Høringsnotat")
    DRAFT_PLAN = "draft_plan", _("Udkast til handlingsplan")
    ADOPTION = "adoption", _("Handlingsplanen vedtages")
    OTHER = "other", _("Andet")


class ProcessStep(Bilingual):
    """One step of the published process timeline (OGP: publish the timeline before opening)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="steps", verbose_name=_("høring"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=ProcessStepKind.choices)
    date = models.DateField(_("dato"))
    title_da = models.CharField(_("titel (dansk)"), max_length=200, blank=True)  # the kind names it

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("procestrin")
        verbose_name_plural = _("procestrin")

    def __str__(self) -> str:
        return f"{self.date} {self.display_title}"

    @property
    def display_title(self) -> str:
        return self.title or self.get_kind_display()


class ConsultationDocument(models.Model):
    """A public document of the call (høringsbrev, background material), by file or link."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="documents",
        verbose_name=_("høring"),
    )
    title_da = models.CharField(_("titel (dansk)"), max_length=300)
    title_en = models.CharField(_("titel (engelsk)"), max_length=300, blank=True)
    file = models.FileField(_("fil"), upload_to="documents/", blank=True)
    url = models.URLField(_("link"), blank=True)
    position = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    title = translated("title")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("høringsdokument")
        verbose_name_plural = _("høringsdokumenter")

    def __str__(self) -> str:
        return self.title


class RespondentKind(models.TextChoices):
    CITIZEN = "citizen", _("Borger")
    BUSINESS = "business", _("Virksomhed")
    NGO = "ngo", _("Organisation / NGO")
    AUTHORITY_STATE = "authority_state", _("Statslig myndighed")
    AUTHORITY_REGION = "authority_region", _("Region")
    AUTHORITY_MUNICIPALITY = "authority_municipality", _("Kommune")
    RESEARCH = "research", _("Forskning og uddannelse")
    OTHER = "other", _("Andet")


class InvitedParty(models.Model):
    """An authority or organisation on the høringsliste (invited to respond)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="invited_parties",
        verbose_name=_("høring"),
    )
    name = models.CharField(_("navn"), max_length=300)
    kind = models.CharField(
        _("type"), max_length=30, choices=RespondentKind.choices, default=RespondentKind.NGO,
    )
    email = models.EmailField(_("e-mail"), blank=True)
    email_domain = models.CharField(_("e-maildomæne"), max_length=200, blank=True)
    # The party as an organisation: replies are matched to it by its e-mail domains and names.
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="invitations", verbose_name=_("organisation"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "name"], name="invited_unique_name"),
        ]
        verbose_name = _("høringspart")
        verbose_name_plural = _("høringsliste")

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    WEB = "web", _("Webformular")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")
    IMPORT = "import", _("Filimport")
    LETTER = "letter", _("Brev")


class Respondent(models.Model):
    """Who sent a response. Name, e-mail and address are personal data: staff only."""

    kind = models.CharField(
        _("afsendertype"), max_length=30, choices=RespondentKind.choices,
        default=RespondentKind.CITIZEN,
    )
    name = models.CharField(_("navn"), max_length=300, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # The organisation recognised behind the sender (by e-mail domain or name); the typed
    # `organisation` stays as written.
    recognised_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="respondents", verbose_name=_("genkendt organisation"),
    )

    class Meta:
        verbose_name = _("høringspart (afsender)")
        verbose_name_plural = _("afsendere")

    def __str__(self) -> str:
        return self.organisation or self.name or str(_("Anonym"))

    @property
    def is_organisation(self) -> bool:
        return self.kind != RespondentKind.CITIZEN


class ResponseStatus(models.TextChoices):
    RECEIVED = "received", _("Modtaget")
    PUBLISHED = "published", _("Offentliggjort")
    WITHHELD = "withheld", _("Tilbageholdt")
    REJECTED = "rejected", _("Afvist")


class ResponseQuerySet(models.QuerySet):
    def public(self) -> "ResponseQuerySet":
        """Responses the public may see: published, consented to publication, and the
        consultation's deadline passed (the public read model starts here)."""
        return self.filter(self.public_condition())

    @staticmethod
    def public_condition(path: str = "") -> models.Q:
        """The one definition of "the public may see this response", for querysets that reach
        responses through a relation (`path`, e.g. "response__")."""
        return models.Q(**{f"{path}status": ResponseStatus.PUBLISHED,
                           f"{path}consent_publish_response": True,
                           f"{path}consultation__closes_at__lte": timezone.now()})

    def of(self, consultation: Consultation) -> "ResponseQuerySet":
        return self.filter(consultation=consultation)


class Response(models.Model):
    """One høringssvar. Created only by `services.response_receive`."""

    reference = models.CharField(_("referencenummer"), max_length=50, unique=True)
    # No index of its own: every index of this table but two starts with the consultation
    # (migration 0006: each index is written for every response received).
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="responses",
        verbose_name=_("høring"), db_index=False,
    )
    respondent = models.OneToOneField(
        Respondent, on_delete=models.PROTECT, related_name="response",
        verbose_name=_("afsender"),
    )
    # The respondent's kind, copied when the response is received (the kind never changes
    # afterwards): the inbox filters and sorts by it through an index on this table instead of
    # joining every matching respondent. `services.response_receive` sets it.
    respondent_kind = models.CharField(
        _("afsendertype"), max_length=30, choices=RespondentKind.choices,
        default=RespondentKind.CITIZEN, db_default=RespondentKind.CITIZEN, editable=False,
    )
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(_("modtaget"), db_index=True)
    text = models.TextField(_("tekst"), blank=True)
    language = models.CharField(_("sprog"), max_length=8, blank=True)
    # Filtered within a consultation: the index (consultation, status) below.
    status = models.CharField(
        _("status"), max_length=10, choices=ResponseStatus.choices,
        default=ResponseStatus.RECEIVED,
    )
    late = models.BooleanField(_("modtaget efter fristen"), default=False)
    consent_publish_name = models.BooleanField(_("navn må offentliggøres"), default=False)
    consent_publish_response = models.BooleanField(_("svaret må offentliggøres"), default=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    source = models.JSONField(_("kildeoplysninger"), default=dict, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="response_unique_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["consultation", "status"]),
            # the inbox's kind filter and sort, in received order within a kind
            models.Index(fields=["consultation", "respondent_kind", "received_at", "id"],
                         name="response_inbox_kind"),
        ]
        verbose_name = _("høringssvar")
        verbose_name_plural = _("høringssvar")

    def __str__(self) -> str:
        return self.reference


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", _("Venter")
    OK = "ok", _("Tekst udtrukket")
    OCR = "ocr", _("Tekst genkendt (OCR)")
    EMPTY = "empty", _("Ingen tekst")
    UNSUPPORTED = "unsupported", _("Filtypen understøttes ikke")
    TOO_LARGE = "too_large", _("For stor")
    ENCRYPTED = "encrypted", _("Krypteret")
    MALFORMED = "malformed", _("Ødelagt fil")
    TIMEOUT = "timeout", _("Tidsgrænse overskredet")
    REFUSED_TYPE = "refused_type", _("Afvist filtype")
    FAILED = "failed", _("Fejl")


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Content-addressed: the stored name reveals nothing about the respondent.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file that came with a response, kept unchanged with its checksum."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="attachments",
        verbose_name=_("høringssvar"),
    )
    file = models.FileField(_("fil"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("filnavn"), max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    mime_type = models.CharField(_("filtype"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("størrelse"))
    extracted_text = models.TextField(_("udtrukket tekst"), blank=True)
    extraction_status = models.CharField(
        _("udtræksstatus"), max_length=20, choices=ExtractionStatus.choices,
        default=ExtractionStatus.PENDING,
    )
    extraction_error = models.TextField(_("fejl ved udtræk"), blank=True)
    ocr = models.BooleanField(_("OCR"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")

    def __str__(self) -> str:
        return self.original_name


class RawStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Modtaget")
    UNROUTED = "unrouted", _("Ikke knyttet til en høring")
    QUARANTINED = "quarantined", _("I karantæne")
    IGNORED = "ignored", _("Ignoreret")


class RawSubmission(models.Model):
    """Every inbound item exactly as it arrived (e.g. a whole e-mail), before parsing.

    Exactly-once: (channel, source_key) is unique, where source_key is the Message-ID or,
    without one, the content hash. Items that cannot be parsed or routed stay here, flagged,
    until staff retry or ignore them: nothing is dropped.
    """

    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    source_key = models.CharField(_("kildenøgle"), max_length=300)
    received_at = models.DateTimeField(_("modtaget"), auto_now_add=True, db_index=True)
    raw = models.BinaryField(_("rådata"))
    content_hash = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=12, choices=RawStatus.choices)
    reason = models.TextField(_("årsag"), blank=True)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("høring"),
    )
    response = models.OneToOneField(
        Response, on_delete=models.PROTECT, null=True, blank=True, related_name="raw_submission",
        verbose_name=_("høringssvar"),
    )
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "source_key"], name="raw_unique_source"),
        ]
        verbose_name = _("indgående element")
        verbose_name_plural = _("indgående elementer")

    def __str__(self) -> str:
        return f"{self.channel} {self.source_key[:60]} ({self.status})"
