"""Tracking: other countries' commitments (OGP's public data), and — built on the plans app —
progress, forum meetings, assessments and reminders."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samskab.plans.models import MilestoneStatus
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


# --- Implementation (built on the plans app) -------------------------------------------------


class ProgressUpdate(models.Model):
    """One dated report on a milestone by its lead agency (append-only: the public history).
    The milestone's current status is the status of its latest update."""

    milestone = models.ForeignKey("plans.Milestone", on_delete=models.CASCADE,
                                  related_name="progress_updates", verbose_name=_("milepæl"))
    status = models.CharField(_("status"), max_length=12, choices=MilestoneStatus.choices)
    reported_on = models.DateField(_("dato"))
    note = models.TextField(_("note"), blank=True)
    links = models.JSONField(_("links til dokumentation"), default=list, blank=True)
    created_at = models.DateTimeField(_("registreret"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("registreret af"))
    author_label = models.CharField(_("registreret af"), max_length=200, blank=True)

    class Meta:
        ordering = ["milestone", "-reported_on", "-id"]
        indexes = [models.Index(fields=["milestone", "reported_on"],
                                name="tracking_progress_ms_date")]
        verbose_name = _("statusopdatering")
        verbose_name_plural = _("statusopdateringer")

    def __str__(self) -> str:
        return f"{self.milestone} {self.reported_on} {self.status}"


def evidence_path(instance: "ProgressEvidence", filename: str) -> str:
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class ProgressEvidence(models.Model):
    """A file documenting a progress update, checked like a response's attachment."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE,
                               related_name="evidence", verbose_name=_("statusopdatering"))
    file = models.FileField(_("fil"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("filnavn"), max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    mime_type = models.CharField(_("filtype"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("størrelse"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("dokumentation")
        verbose_name_plural = _("dokumentation")

    def __str__(self) -> str:
        return self.original_name


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("før fristen")
    AFTER = "after", _("efter fristen")


class ReminderSent(models.Model):
    """The marker that a reminder went out: one per milestone, kind and due date, so a restart
    of the worker never sends the same reminder twice (a moved due date gets new ones)."""

    milestone = models.ForeignKey("plans.Milestone", on_delete=models.CASCADE,
                                  related_name="reminders_sent", verbose_name=_("milepæl"))
    kind = models.CharField(_("type"), max_length=8, choices=ReminderKind.choices)
    due = models.DateField(_("frist"))
    recipients = models.JSONField(_("modtagere"), default=list)
    sent_at = models.DateTimeField(_("sendt"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["milestone", "kind", "due"],
                                               name="tracking_reminder_once")]
        verbose_name = _("sendt påmindelse")
        verbose_name_plural = _("sendte påmindelser")


class ForumMeeting(models.Model):
    """A meeting of the plan's multi-stakeholder forum (public: minutes and decisions)."""

    plan = models.ForeignKey("plans.ActionPlan", on_delete=models.CASCADE,
                             related_name="forum_meetings", verbose_name=_("handlingsplan"))
    held_on = models.DateField(_("dato"))
    government = models.JSONField(_("deltagere fra myndigheder"), default=list, blank=True)
    civil_society = models.JSONField(_("deltagere fra civilsamfundet"), default=list,
                                     blank=True)
    minutes = models.TextField(_("referat"), blank=True)
    decisions = models.TextField(_("beslutninger"), blank=True)
    created_at = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "held_on", "id"]
        verbose_name = _("forummøde")
        verbose_name_plural = _("forummøder")

    def __str__(self) -> str:
        return f"{self.plan} {self.held_on}"


class Assessment(models.Model):
    """An IRM-style assessment of a commitment in the framework of its era. `starred` and
    `promising` are written only by `services.assessment_save` from `irm.verdict` (never
    typed in); they are stored so that dashboards count them in one query."""

    commitment = models.OneToOneField("plans.Commitment", on_delete=models.CASCADE,
                                      related_name="assessment", verbose_name=_("forpligtelse"))
    framework = models.CharField(_("IRM-ramme"), max_length=12, choices=Framework.choices)
    specificity = models.CharField(_("specificitet"), max_length=8, blank=True,
                                   choices=[(v, v) for v in irm.SPECIFICITY])
    verifiable = models.BooleanField(_("verificerbar"), null=True, blank=True)
    relevant_values = models.JSONField(_("relevante OGP-værdier"), default=list, blank=True)
    potential_impact = models.CharField(_("potentiel virkning"), max_length=16, blank=True,
                                        choices=[(v, v) for v in irm.POTENTIAL_IMPACT])
    potential_for_results = models.CharField(
        _("potentiale for resultater"), max_length=12, blank=True,
        choices=[(v, v) for v in irm.POTENTIAL_FOR_RESULTS])
    completion = models.CharField(_("gennemførelse"), max_length=12, blank=True,
                                  choices=[(v, v) for v in irm.COMPLETION])
    did_it_open_government = models.CharField(
        _("åbnede det forvaltningen?"), max_length=16, blank=True,
        choices=[(v, v) for v in irm.DID_IT_OPEN_GOVERNMENT])
    early_results = models.CharField(_("tidlige resultater"), max_length=12, blank=True,
                                     choices=[(v, v) for v in irm.EARLY_RESULTS])
    starred = models.BooleanField(_("stjernemarkeret"), null=True, editable=False)
    promising = models.BooleanField(_("lovende"), null=True, editable=False)
    assessed_on = models.DateField(_("vurderet"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    CODING_FIELDS = ("specificity", "verifiable", "relevant_values", "potential_impact",
                     "potential_for_results", "completion", "did_it_open_government",
                     "early_results")

    class Meta:
        verbose_name = _("vurdering")
        verbose_name_plural = _("vurderinger")

    def __str__(self) -> str:
        return f"{self.commitment} ({self.framework})"

    def codings(self) -> dict:
        return {f: getattr(self, f) for f in self.CODING_FIELDS
                if getattr(self, f) not in (None, "", [])}

    def verdict(self) -> irm.Verdict:
        return irm.verdict(self.framework, self.codings(),
                           plan_start=self.commitment.plan.period_start)


class ReportKind(models.TextChoices):
    MID_TERM = "mid_term", _("midtvejsevaluering")
    END_OF_TERM = "end_of_term", _("slutevaluering")


class SelfAssessment(models.Model):
    """A self-assessment report of a plan (mid-term or end-of-term), generated from the data
    and put to public comment through its own consultation."""

    plan = models.ForeignKey("plans.ActionPlan", on_delete=models.CASCADE,
                             related_name="self_assessments", verbose_name=_("handlingsplan"))
    kind = models.CharField(_("type"), max_length=12, choices=ReportKind.choices)
    as_of = models.DateField(_("opgjort pr."))
    snapshot = models.JSONField(_("indhold"))
    consultation = models.OneToOneField(
        "consultations.Consultation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="self_assessment", verbose_name=_("offentlig kommentering"))
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "as_of"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind"],
                                               name="tracking_self_assessment_once")]
        verbose_name = _("selvevaluering")
        verbose_name_plural = _("selvevalueringer")

    def __str__(self) -> str:
        return f"{self.plan} {self.get_kind_display()}"


class SimilarCommitment(models.Model):
    """A commitment of another country that resembles one of ours (derived: rebuilt by
    `services.similar_commitments_refresh` after an OGP import or a plan change)."""

    commitment = models.ForeignKey("plans.Commitment", on_delete=models.CASCADE,
                                   related_name="similar_abroad",
                                   verbose_name=_("forpligtelse"))
    foreign = models.ForeignKey(ForeignCommitment, on_delete=models.CASCADE,
                                related_name="similar_here",
                                verbose_name=_("forpligtelse fra et andet land"))
    rank = models.PositiveSmallIntegerField(_("placering"))
    score = models.FloatField(_("lighed"))
    shared_words = models.JSONField(_("fælles ord"), default=list)

    class Meta:
        ordering = ["commitment", "rank"]
        constraints = [models.UniqueConstraint(fields=["commitment", "foreign"],
                                               name="tracking_similar_once")]
        verbose_name = _("lignende forpligtelse")
        verbose_name_plural = _("lignende forpligtelser")


class ResponseTally(models.Model):
    """Maintained counts of a consultation's responses for its dashboard, so that a page over
    a million responses reads a few hundred rows: per `scope` (all received / public) and
    `dimension` (hour in UTC with the late flag, respondent kind, channel, late), the number of
    responses with that `key`. Kept by `tallies.tally_refresh`; never edited by hand."""

    consultation = models.ForeignKey("consultations.Consultation", on_delete=models.CASCADE,
                                     related_name="+")
    scope = models.CharField(max_length=8)
    dimension = models.CharField(max_length=8)
    key = models.CharField(max_length=40)
    n = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["consultation", "scope", "dimension", "key"], name="tracking_tally_key")]


class ResponseTallyState(models.Model):
    """How far the tallies of a consultation have counted: the last response id counted and
    the last audit event seen (a staff change to responses after it means a recount)."""

    consultation = models.OneToOneField("consultations.Consultation", on_delete=models.CASCADE,
                                        related_name="+")
    last_response_id = models.BigIntegerField(default=0)
    last_audit_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
