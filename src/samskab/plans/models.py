"""Action plans on OGP's commitment template, their immutable versions, and the golden link
from a commitment back to the consultation input it answers.

Rows are written only by `services.py` through core's action layer; nothing here holds domain
logic beyond derived properties. Field names are a contract with `tracking` (progress,
assessments): add fields, do not rename them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samskab.consultations.models import Consultation, Response
from samskab.core.i18n import translated
from samskab.core.models import GrandChallenge, OgpValue, Organisation
from samskab.insights.models import Idea, Position, Proposal


class PlanStatus(models.TextChoices):
    DRAFTING = "drafting", _("Under udarbejdelse")
    PUBLIC_COMMENT = "public_comment", _("I offentlig kommentering")
    ADOPTED = "adopted", _("Vedtaget")
    IMPLEMENTATION = "implementation", _("Under gennemførelse")
    COMPLETED = "completed", _("Afsluttet")


class ActionPlanQuerySet(models.QuerySet):
    def public(self) -> "ActionPlanQuerySet":
        """Plans the public may read: every plan that has left the drafting table."""
        return self.exclude(status=PlanStatus.DRAFTING)


class ActionPlan(models.Model):
    """One national OGP action plan (12 months in 2012; two years later)."""

    country = models.CharField(_("land"), max_length=2, default="DK",
                               help_text=_("ISO 3166-1 alpha-2, fx DK."))
    title_da = models.CharField(_("titel (dansk)"), max_length=300)
    title_en = models.CharField(_("titel (engelsk)"), max_length=300, blank=True)
    slug = models.SlugField(_("kort navn"), max_length=80, unique=True)
    language = models.CharField(_("sprog"), max_length=8, default="da")
    period_start = models.DateField(_("periode fra"), null=True, blank=True)
    period_end = models.DateField(_("periode til"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFTING, db_index=True)
    uses_grand_challenges = models.BooleanField(
        _("bruger OGP's hovedudfordringer"), default=True,
        help_text=_("Planer fra 2012 skal adressere mindst én af de fem hovedudfordringer."),
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, null=True, blank=True,
        related_name="action_plans", verbose_name=_("høring planen bygger på"),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    adopted_at = models.DateTimeField(_("vedtaget"), null=True, blank=True)

    title = translated("title")
    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "id"]
        verbose_name = _("handlingsplan")
        verbose_name_plural = _("handlingsplaner")

    def __str__(self) -> str:
        return self.title

    @property
    def era_year(self) -> int | None:
        """The year whose OGP rules apply (the year the plan starts)."""
        return self.period_start.year if self.period_start else None


class PlanVersion(models.Model):
    """An immutable snapshot of a plan in the contract's JSON format (action-plan.schema.json)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions",
                             verbose_name=_("handlingsplan"))
    number = models.PositiveIntegerField(_("versionsnummer"))
    snapshot = models.JSONField(_("indhold"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    comment_consultation = models.OneToOneField(
        Consultation, on_delete=models.PROTECT, null=True, blank=True,
        related_name="plan_version", verbose_name=_("offentlig kommentering"),
        help_text=_("Høringen, hvor denne version blev lagt frem til kommentering."),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("oprettet af"),
    )

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"],
                                               name="plans_version_unique_number")]
        verbose_name = _("planversion")
        verbose_name_plural = _("planversioner")

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("PlanVersion is immutable")
        super().save(*args, **kwargs)


class Strategy(models.Model):
    """An existing government strategy whose initiatives a new commitment must not repeat
    (Denmark 2012: the common public digitisation strategy 2011–2015)."""

    title_da = models.CharField(_("titel (dansk)"), max_length=300)
    title_en = models.CharField(_("titel (engelsk)"), max_length=300, blank=True)
    slug = models.SlugField(_("kort navn"), max_length=80, unique=True)
    period_start = models.DateField(_("periode fra"), null=True, blank=True)
    period_end = models.DateField(_("periode til"), null=True, blank=True)
    url = models.URLField(_("link"), blank=True)

    title = translated("title")

    class Meta:
        ordering = ["slug"]
        verbose_name = _("eksisterende strategi")
        verbose_name_plural = _("eksisterende strategier")

    def __str__(self) -> str:
        return self.title


class StrategyInitiative(models.Model):
    """One initiative of an existing strategy, as imported by staff."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="initiatives",
                                 verbose_name=_("strategi"))
    identifier = models.CharField(_("nummer"), max_length=40)
    title = models.CharField(_("titel"), max_length=300)
    text = models.TextField(_("beskrivelse"), blank=True)
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)

    class Meta:
        ordering = ["strategy", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["strategy", "identifier"],
                                               name="plans_initiative_unique_identifier")]
        verbose_name = _("initiativ i eksisterende strategi")
        verbose_name_plural = _("initiativer i eksisterende strategier")

    def __str__(self) -> str:
        return f"{self.identifier} {self.title}"

    @property
    def label(self) -> str:
        """How a plan file names it (`existing_strategy`): strategy slug and identifier."""
        return f"{self.strategy.slug}:{self.identifier}"


class Commitment(models.Model):
    """One commitment on OGP's template (forpligtelse)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="commitments",
                             verbose_name=_("handlingsplan"))
    identifier = models.CharField(_("nummer"), max_length=20, help_text=_("fx DK0001"))
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)
    title_da = models.CharField(_("titel (dansk)"), max_length=300)
    title_en = models.CharField(_("titel (engelsk)"), max_length=300, blank=True)
    problem_da = models.TextField(_("problemet (dansk)"), blank=True)
    problem_en = models.TextField(_("problemet (engelsk)"), blank=True)
    description_da = models.TextField(_("hvad forpligtelsen er (dansk)"), blank=True)
    description_en = models.TextField(_("hvad forpligtelsen er (engelsk)"), blank=True)
    how_it_helps_da = models.TextField(_("hvordan den løser problemet (dansk)"), blank=True)
    how_it_helps_en = models.TextField(_("hvordan den løser problemet (engelsk)"), blank=True)
    relevance_da = models.TextField(_("relevans for OGP's værdier (dansk)"), blank=True)
    relevance_en = models.TextField(_("relevans for OGP's værdier (engelsk)"), blank=True)
    ambition_da = models.TextField(_("ambition (dansk)"), blank=True)
    ambition_en = models.TextField(_("ambition (engelsk)"), blank=True)
    ogp_values = models.ManyToManyField(OgpValue, blank=True, related_name="commitments",
                                        verbose_name=_("OGP-værdier"))
    grand_challenges = models.ManyToManyField(GrandChallenge, blank=True,
                                              related_name="commitments",
                                              verbose_name=_("hovedudfordringer"))
    themes = models.JSONField(_("temaer"), default=list, blank=True)
    lead_agency = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True,
        related_name="led_commitments", verbose_name=_("ansvarlig myndighed"),
    )
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_title = models.CharField(_("stilling"), max_length=200, blank=True)
    contact_department = models.CharField(_("afdeling"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("telefon"), max_length=40, blank=True)
    actors_government = models.JSONField(_("andre offentlige aktører"), default=list, blank=True)
    actors_civil_society = models.JSONField(_("civilsamfundet"), default=list, blank=True)
    actors_private_sector = models.JSONField(
        _("private virksomheder, multilaterale organisationer og arbejdsgrupper"),
        default=list, blank=True,
    )
    new_initiative = models.BooleanField(_("nyt initiativ"), default=True)
    existing_strategy = models.ForeignKey(
        StrategyInitiative, on_delete=models.PROTECT, null=True, blank=True,
        related_name="commitments", verbose_name=_("viderefører initiativ"),
    )
    existing_strategy_text = models.CharField(
        _("viderefører (tekst)"), max_length=300, blank=True,
        help_text=_("Den strategi eller indsats forpligtelsen viderefører, hvis den ikke er "
                    "importeret som initiativ."),
    )
    period_start = models.DateField(_("start"), null=True, blank=True)
    period_end = models.DateField(_("slut"), null=True, blank=True)
    budget = models.CharField(_("budget"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    title = translated("title")
    problem = translated("problem")
    description = translated("description")
    how_it_helps = translated("how_it_helps")
    relevance = translated("relevance")
    ambition = translated("ambition")

    class Meta:
        ordering = ["plan", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "identifier"],
                                               name="plans_commitment_unique_identifier")]
        verbose_name = _("forpligtelse")
        verbose_name_plural = _("forpligtelser")

    def __str__(self) -> str:
        return f"{self.identifier} {self.title}"


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Ikke påbegyndt")
    LIMITED = "limited", _("Begrænset")
    SUBSTANTIAL = "substantial", _("Væsentlig")
    COMPLETE = "complete", _("Gennemført")
    WITHDRAWN = "withdrawn", _("Trukket tilbage")


class Milestone(models.Model):
    """An activity with a verifiable deliverable (milepæl)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE,
                                   related_name="milestones", verbose_name=_("forpligtelse"))
    identifier = models.CharField(_("nummer"), max_length=30, blank=True)
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)
    title_da = models.CharField(_("aktivitet (dansk)"), max_length=500)
    title_en = models.CharField(_("aktivitet (engelsk)"), max_length=500, blank=True)
    deliverable_da = models.TextField(_("leverance (dansk)"), blank=True)
    deliverable_en = models.TextField(_("leverance (engelsk)"), blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("slut"), null=True, blank=True)
    new = models.BooleanField(_("ny"), default=True)
    status = models.CharField(_("status"), max_length=12, choices=MilestoneStatus.choices,
                              default=MilestoneStatus.NOT_STARTED)

    title = translated("title")
    deliverable = translated("deliverable")

    class Meta:
        ordering = ["commitment", "position", "id"]
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæle")

    def __str__(self) -> str:
        return self.title


class CommitmentSource(models.Model):
    """The golden link: consultation input (an idea, one proposal, or a whole response that
    was never split into proposals) a commitment answers,
    and the position that adopted it, if any. A commitment answers many ideas; an idea can
    feed several commitments."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="sources",
                                   verbose_name=_("forpligtelse"))
    idea = models.ForeignKey(Idea, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="commitment_sources", verbose_name=_("idé"))
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="commitment_sources", verbose_name=_("forslag"))
    response = models.ForeignKey(
        Response, on_delete=models.PROTECT, null=True, blank=True,
        related_name="commitment_sources", verbose_name=_("høringssvar"),
        help_text=_("Et helt svar som kilde, når det ikke er delt op i forslag."),
    )
    position = models.ForeignKey(Position, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="commitment_sources",
                                 verbose_name=_("stillingtagen"))
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("oprettet af"),
    )

    class Meta:
        ordering = ["commitment", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(idea__isnull=False, proposal__isnull=True, response__isnull=True)
                    | models.Q(idea__isnull=True, proposal__isnull=False, response__isnull=True)
                    | models.Q(idea__isnull=True, proposal__isnull=True, response__isnull=False)
                ),
                name="plans_source_idea_or_proposal",
            ),
            models.UniqueConstraint(fields=["commitment", "idea"],
                                    condition=models.Q(idea__isnull=False),
                                    name="plans_source_unique_idea"),
            models.UniqueConstraint(fields=["commitment", "proposal"],
                                    condition=models.Q(proposal__isnull=False),
                                    name="plans_source_unique_proposal"),
            models.UniqueConstraint(fields=["commitment", "response"],
                                    condition=models.Q(response__isnull=False),
                                    name="plans_source_unique_response"),
        ]
        verbose_name = _("kilde til forpligtelse")
        verbose_name_plural = _("kilder til forpligtelser")

    def __str__(self) -> str:
        return f"{self.commitment.identifier} ← {self.idea or self.proposal or self.response}"


class PlanComment(models.Model):
    """Where a public comment on a draft plan points: the version it was made on, the
    commitment (by identifier, stable across versions) and optionally one paragraph. The
    comment itself is a `Response` received through the one door in."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE,
                                    related_name="plan_comment", verbose_name=_("svar"))
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="comments",
                                verbose_name=_("planversion"))
    commitment_identifier = models.CharField(_("forpligtelse"), max_length=20, blank=True)
    paragraph = models.CharField(
        _("afsnit"), max_length=60, blank=True,
        help_text=_("Feltet og afsnittets nummer i den kommenterede version, fx problem.2."),
    )
    quoted = models.TextField(_("citeret afsnit"), blank=True)

    class Meta:
        ordering = ["version", "commitment_identifier", "id"]
        verbose_name = _("kommentar til planudkast")
        verbose_name_plural = _("kommentarer til planudkast")
