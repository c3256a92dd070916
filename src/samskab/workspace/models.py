"""What the staff workspace adds to a response: moderation, redaction, publication, matches.

The received original (`consultations.Response.text`) is never changed here; the text the public
sees is stored separately in `PublishedVersion`. Every row here is written by a service in
`services.py`, which also writes the AuditEvent.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samskab.consultations.models import Attachment, InvitedParty, Response


class RedactionKind(models.TextChoices):
    CPR = "cpr", _("CPR-nummer")
    EMAIL = "email", _("E-mailadresse")
    PHONE = "phone", _("Telefonnummer")
    NAME = "name", _("Navn på privatperson")
    MANUAL = "manual", _("Anden tekst")


class RedactionState(models.TextChoices):
    PROPOSED = "proposed", _("Foreslået")
    ACCEPTED = "accepted", _("Maskeres")
    REJECTED = "rejected", _("Maskeres ikke")


REDACTION_MASKS = {
    RedactionKind.CPR: "[CPR-nr. fjernet]",
    RedactionKind.EMAIL: "[e-mail fjernet]",
    RedactionKind.PHONE: "[telefonnr. fjernet]",
    RedactionKind.NAME: "[navn fjernet]",
    RedactionKind.MANUAL: "[fjernet]",
}


class Redaction(models.Model):
    """One span of a response's original text, or of one attachment's extracted text, proposed
    for masking, and the decision on it.

    `start`/`end` are character offsets into `Response.text` (which never changes after
    receipt) or, with `attachment`, into that attachment's `extracted_text`; `found_text` is
    what was there, so a span gone stale (text extracted again) is recognised.
    CPR numbers are accepted automatically and cannot be rejected.
    """

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="redactions",
        verbose_name=_("høringssvar"),
    )
    attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, null=True, blank=True,
        related_name="redactions", verbose_name=_("bilag"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=RedactionKind.choices)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("slut"))
    found_text = models.CharField(_("fundet tekst"), max_length=300)
    state = models.CharField(
        _("afgørelse"), max_length=10, choices=RedactionState.choices,
        default=RedactionState.PROPOSED,
    )
    automatic = models.BooleanField(_("automatisk"), default=False)
    reason = models.TextField(_("begrundelse"), blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("afgjort af"),
    )
    decided_at = models.DateTimeField(_("afgjort"), null=True, blank=True)

    class Meta:
        ordering = ["response", "attachment", "start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "start", "end"], condition=models.Q(attachment=None),
                name="redaction_unique_text_span",
            ),
            models.UniqueConstraint(
                fields=["attachment", "start", "end"],
                condition=models.Q(attachment__isnull=False),
                name="redaction_unique_attachment_span",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="redaction_nonempty_span",
            ),
        ]
        verbose_name = _("maskering")
        verbose_name_plural = _("maskeringer")

    def __str__(self) -> str:
        return f"{self.response_id} {self.kind} {self.start}-{self.end} ({self.state})"

    @property
    def mask(self) -> str:
        return REDACTION_MASKS[RedactionKind(self.kind)]


class PublishedVersion(models.Model):
    """The text of a response as published: the original with accepted redactions masked."""

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="published_version",
        verbose_name=_("høringssvar"),
    )
    text = models.TextField(_("offentliggjort tekst"))
    redaction_count = models.PositiveIntegerField(_("antal maskeringer"), default=0)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("offentliggjort af"),
    )
    published_at = models.DateTimeField(_("offentliggjort"))

    class Meta:
        verbose_name = _("offentliggjort version")
        verbose_name_plural = _("offentliggjorte versioner")

    def __str__(self) -> str:
        return f"{self.response_id} ({self.published_at:%Y-%m-%d})"

    @property
    def redacted(self) -> bool:
        return self.redaction_count > 0


class ModerationDecision(models.Model):
    """The latest moderation decision on a response with its written reason.

    Earlier decisions live in the AuditEvents; this row is what staff see at a glance.
    """

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="moderation",
        verbose_name=_("høringssvar"),
    )
    status = models.CharField(_("status"), max_length=10)
    reason = models.TextField(_("begrundelse"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("afgjort af"),
    )
    decided_at = models.DateTimeField(_("afgjort"))

    class Meta:
        verbose_name = _("moderationsafgørelse")
        verbose_name_plural = _("moderationsafgørelser")

    def __str__(self) -> str:
        return f"{self.response_id} {self.status}"


class MatchMethod(models.TextChoices):
    ORGANISATION = "organisation", _("Organisationsnavn")
    EMAIL_DOMAIN = "email_domain", _("E-maildomæne")
    MANUAL = "manual", _("Manuelt")


class MatchState(models.TextChoices):
    PROPOSED = "proposed", _("Foreslået")
    CONFIRMED = "confirmed", _("Bekræftet")
    REJECTED = "rejected", _("Afvist")


class InvitedPartyMatch(models.Model):
    """A response recognised as the reply of an invited party; counts once staff confirm it."""

    party = models.ForeignKey(
        InvitedParty, on_delete=models.CASCADE, related_name="matches",
        verbose_name=_("høringspart"),
    )
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="party_matches",
        verbose_name=_("høringssvar"),
    )
    method = models.CharField(_("fundet ved"), max_length=20, choices=MatchMethod.choices)
    state = models.CharField(
        _("status"), max_length=10, choices=MatchState.choices, default=MatchState.PROPOSED,
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("afgjort af"),
    )
    confirmed_at = models.DateTimeField(_("afgjort"), null=True, blank=True)

    class Meta:
        ordering = ["party", "response"]
        constraints = [
            models.UniqueConstraint(fields=["party", "response"], name="match_unique_pair"),
        ]
        verbose_name = _("svar fra høringspart")
        verbose_name_plural = _("svar fra høringsparter")

    def __str__(self) -> str:
        return f"{self.party_id} ↔ {self.response_id} ({self.state})"
