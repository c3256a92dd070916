"""What the analysis engine found in a consultation, and what staff decided about it.

Engine output and staff decisions are kept apart: every row the engine writes can be replaced
by the next run, every staff decision (a confirmed or rejected tag, a renamed, merged or split
idea, a moved proposal, a member split out of a group, a position) carries who decided it and
is never overwritten by a run. Rows are written only by `services.py`, which also writes the
AuditEvent of every staff change.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samskab.consultations.models import Attachment, Consultation, Response


class RunKind(models.TextChoices):
    FULL = "full", _("Fuld analyse")
    INCREMENTAL = "incremental", _("Nyt svar")


class AnalysisRun(models.Model):
    """One run of the engine over a consultation (all responses, or one new one)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="analysis_runs",
        verbose_name=_("høring"),
    )
    kind = models.CharField(_("type"), max_length=12, choices=RunKind.choices,
                            default=RunKind.FULL)
    started_at = models.DateTimeField(_("startet"))
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("startet af"),
    )
    params = models.JSONField(_("motorens parametre"), default=dict, blank=True)
    summary = models.JSONField(_("resumé"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("analysekørsel")
        verbose_name_plural = _("analysekørsler")

    def __str__(self) -> str:
        return f"{self.consultation.slug} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class AnalysedResponse(models.Model):
    """Marks a response as seen by the engine (and the language it found), so new responses
    can be told apart and analysed one at a time."""

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="analysis", verbose_name=_("svar"),
    )
    run = models.ForeignKey(AnalysisRun, on_delete=models.SET_NULL, null=True, related_name="+")
    language = models.CharField(_("sprog (fundet)"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("analyseret svar")
        verbose_name_plural = _("analyserede svar")


class ResponseGroup(models.Model):
    """Near-duplicate responses: a form-letter campaign or copies. Every copy still counts."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="response_groups",
        verbose_name=_("høring"),
    )
    engine_key = models.CharField(_("motorens id"), max_length=40, blank=True)
    canonical = models.ForeignKey(
        Response, on_delete=models.PROTECT, related_name="+", verbose_name=_("kanonisk svar"),
    )
    template = models.TextField(_("fælles tekst"), blank=True)
    label = models.CharField(_("navn"), max_length=300, blank=True)
    size = models.PositiveIntegerField(_("antal svar"), default=0)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from",
        verbose_name=_("flettet ind i"),
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-size", "id"]
        indexes = [models.Index(fields=["consultation", "size"])]
        verbose_name = _("gruppe af ens svar")
        verbose_name_plural = _("grupper af ens svar")

    def __str__(self) -> str:
        return self.label or f"#{self.pk}"


class MembershipState(models.TextChoices):
    SUGGESTED = "suggested", _("Foreslået af analysen")
    CONFIRMED = "confirmed", _("Bekræftet")
    SPLIT_OUT = "split_out", _("Udskilt")


class GroupMembership(models.Model):
    """A response's place in a group and what the person added to the shared text.

    A response is in at most one group. A member split out by staff keeps its row (state
    ``split_out``) so the decision survives the next run."""

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="group_membership",
        verbose_name=_("svar"),
    )
    group = models.ForeignKey(
        ResponseGroup, on_delete=models.PROTECT, related_name="memberships",
        verbose_name=_("gruppe"),
    )
    additions = models.TextField(_("personlige tilføjelser"), blank=True)
    state = models.CharField(_("status"), max_length=12, choices=MembershipState.choices,
                             default=MembershipState.SUGGESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("besluttet af"),
    )
    decided_at = models.DateTimeField(_("besluttet"), null=True, blank=True)

    class Meta:
        ordering = ["group", "response__received_at", "response_id"]
        indexes = [models.Index(fields=["group", "state"])]
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")

    @property
    def confirmed_by(self):
        return self.decided_by if self.state == MembershipState.CONFIRMED else None

    @property
    def is_staff_decision(self) -> bool:
        return self.decided_by_id is not None or self.state != MembershipState.SUGGESTED


class Idea(models.Model):
    """Like proposals from (possibly) many responses."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="ideas", verbose_name=_("høring"),
    )
    engine_key = models.CharField(_("motorens id"), max_length=40, blank=True)
    label = models.CharField(_("navn"), max_length=300)
    label_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("navngivet af"),
    )
    keywords = models.JSONField(_("nøgleord"), default=list, blank=True)
    representative = models.ForeignKey(
        "Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("typisk forslag"),
    )
    created_by_engine = models.BooleanField(_("fundet af analysen"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from",
        verbose_name=_("flettet ind i"),
    )
    proposal_count = models.PositiveIntegerField(_("antal forslag"), default=0)
    response_count = models.PositiveIntegerField(_("antal svar"), default=0)

    class Meta:
        ordering = ["-response_count", "id"]
        indexes = [models.Index(fields=["consultation", "engine_key"])]
        verbose_name = _("idé")
        verbose_name_plural = _("idéer")

    def __str__(self) -> str:
        return self.label

    @property
    def is_staff_touched(self) -> bool:
        return (not self.created_by_engine or self.label_by_id is not None
                or self.merged_into_id is not None)


class Proposal(models.Model):
    """One proposal inside one response: the text is ``source[start:end]``, where the source
    is the response's text, or the extracted text of ``attachment`` when it came from one."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("svar"),
    )
    attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, null=True, blank=True, related_name="proposals",
        verbose_name=_("bilag"),
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("slut"))
    text = models.TextField(_("tekst"))
    position = models.PositiveIntegerField(_("rækkefølge i svaret"), default=0)
    engine_key = models.CharField(_("motorens id"), max_length=60, blank=True)
    idea = models.ForeignKey(
        Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals",
        verbose_name=_("idé"),
    )
    idea_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("flyttet af"),
        help_text=_("Sat når en medarbejder har placeret forslaget; analysen flytter det ikke."),
    )

    class Meta:
        ordering = ["response_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "start", "end"],
                                    condition=models.Q(attachment__isnull=True),
                                    name="proposal_unique_span"),
            models.UniqueConstraint(fields=["attachment", "start", "end"],
                                    condition=models.Q(attachment__isnull=False),
                                    name="proposal_unique_attachment_span"),
        ]
        verbose_name = _("forslag")
        verbose_name_plural = _("forslag")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def source_text(self) -> str:
        return self.attachment.extracted_text if self.attachment_id else self.response.text


class SetAsideReason(models.TextChoices):
    GREETING = "greeting", _("Hilsen")
    SIGNOFF = "signoff", _("Afslutning og underskrift")
    COURTESY = "courtesy", _("Høflig indledning eller afslutning")
    ABOUT_RESPONDENT = "about_respondent", _("Om afsenderen")
    RECURRING = "recurring", _("Standardtekst, der går igen i mange svar")


class SetAsideSegment(models.Model):
    """A stretch of a response the engine set aside as not a proposal (a greeting, a sign-off,
    a polite preamble or closing, a word about the sender, or boilerplate learnt from the
    consultation), so staff can see what was left out and move it back. Runs replace the
    segments they find; a segment staff moved back keeps ``moved_back_by`` and its proposal."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="set_aside_segments",
        verbose_name=_("svar"),
    )
    attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("bilag"),
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("slut"))
    text = models.TextField(_("tekst"))
    reason = models.CharField(_("årsag"), max_length=20, choices=SetAsideReason.choices)
    moved_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("flyttet tilbage af"),
    )
    moved_back_at = models.DateTimeField(_("flyttet tilbage"), null=True, blank=True)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("forslag"),
    )

    class Meta:
        ordering = ["response_id", "start"]
        constraints = [
            models.UniqueConstraint(fields=["response", "start", "end"],
                                    condition=models.Q(attachment__isnull=True),
                                    name="set_aside_unique_span"),
            models.UniqueConstraint(fields=["attachment", "start", "end"],
                                    condition=models.Q(attachment__isnull=False),
                                    name="set_aside_unique_attachment_span"),
        ]
        verbose_name = _("tilsidesat tekststykke")
        verbose_name_plural = _("tilsidesatte tekststykker")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def moved_back(self) -> bool:
        return self.moved_back_at is not None


class TagState(models.TextChoices):
    SUGGESTED = "suggested", _("Foreslået")
    CONFIRMED = "confirmed", _("Bekræftet")
    REJECTED = "rejected", _("Afvist")


class TagSuggestion(models.Model):
    """A tag the engine scored on a response (``GC1``…, an OGP value, ``theme:<slug>``).

    ``score`` is the engine's latest score (0.5 or more: suggested); once staff decide,
    ``score_at_decision`` keeps what they were shown, which is what tag quality is measured on.
    """

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="tag_suggestions",
        verbose_name=_("svar"),
    )
    code = models.CharField(_("kode"), max_length=120)
    score = models.FloatField(_("sikkerhed"))
    state = models.CharField(_("status"), max_length=10, choices=TagState.choices,
                             default=TagState.SUGGESTED)
    score_at_decision = models.FloatField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("besluttet af"),
    )
    decided_at = models.DateTimeField(_("besluttet"), null=True, blank=True)
    fed_back = models.BooleanField(default=False, help_text="taught to the saved analyser")

    class Meta:
        ordering = ["response_id", "-score", "code"]
        constraints = [
            models.UniqueConstraint(fields=["response", "code"], name="tag_unique_code"),
            models.CheckConstraint(condition=models.Q(score__gte=0) & models.Q(score__lte=1),
                                   name="tag_score_0_1"),
        ]
        indexes = [models.Index(fields=["state", "code"])]
        verbose_name = _("emnemærke")
        verbose_name_plural = _("emnemærker")

    def __str__(self) -> str:
        return f"{self.code} {self.score:.2f}"

    @property
    def suggested(self) -> bool:
        return self.score >= 0.5

    @property
    def label(self) -> str:
        from samskab.insights.tags import tag_label

        return tag_label(self.code)


class PositionKind(models.TextChoices):
    ADOPTED = "adopted", _("Taget med")
    PARTLY_ADOPTED = "partly_adopted", _("Delvist taget med")
    NOT_ADOPTED = "not_adopted", _("Ikke taget med")
    OUT_OF_SCOPE = "out_of_scope", _("Uden for handlingsplanens rammer")
    ALREADY_COVERED = "already_covered", _("Allerede dækket")


class Position(models.Model):
    """The authority's reasoned response to an idea (or to one single proposal)."""

    idea = models.OneToOneField(
        Idea, on_delete=models.PROTECT, null=True, blank=True, related_name="position",
        verbose_name=_("idé"),
    )
    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, null=True, blank=True,
        related_name="proposal_position",
        verbose_name=_("forslag"),
    )
    kind = models.CharField(_("stillingtagen"), max_length=20, choices=PositionKind.choices)
    justification_da = models.TextField(_("begrundelse (dansk)"))
    justification_en = models.TextField(_("begrundelse (engelsk)"), blank=True)
    existing_strategy = models.CharField(
        _("eksisterende strategi"), max_length=300, blank=True,
        help_text=_("Hvilken eksisterende strategi eller indsats der allerede dækker forslaget."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("besluttet af"),
    )
    decided_at = models.DateTimeField(_("besluttet"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(idea__isnull=False, proposal__isnull=True)
                           | models.Q(idea__isnull=True, proposal__isnull=False)),
                name="position_idea_or_proposal",
            ),
        ]
        verbose_name = _("stillingtagen")
        verbose_name_plural = _("stillingtagener")

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def justification(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "da")[:2] == "en" and self.justification_en:
            return self.justification_en
        return self.justification_da

    @property
    def commitment_ref(self) -> str:
        """The commitments this position's input became, as "DK0001 Title; …": derived from
        the golden link (`plans.CommitmentSource`, reverse name `commitment_sources`), which
        is how a position becomes adopted. Read-only; empty while nothing is linked."""
        sources = getattr(self, "commitment_sources", None)
        if sources is None:
            return ""
        seen = {}
        for source in sources.all():
            c = source.commitment
            seen.setdefault(c.pk, f"{c.identifier} {c.title}")
        return "; ".join(seen.values())
