"""Use cases of tracking (style rule 1): one typed function each, every staff change through
core's action layer."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samskab.consultations.models import Consultation
from samskab.consultations.services import IncomingFile, ReceiveError, normalise_text
from samskab.consultations.services import _check_attachment as check_attachment
from samskab.core.actions import actor_label, require, staff_action, user_or_none
from samskab.core.errors import DomainError
from samskab.plans.models import ActionPlan, Commitment, Milestone, MilestoneStatus
from samskab.tracking import forum, irm, ogp, similarity
from samskab.tracking.models import (
    Assessment,
    ForeignCommitment,
    ForumMeeting,
    ProgressEvidence,
    ProgressUpdate,
    ReportKind,
    SelfAssessment,
    SimilarCommitment,
    evidence_path,
)

_FOREIGN_FIELDS = ("country", "action_plan", "number", "title", "text", "start_date",
                   "end_date", "start_text", "end_text", "lead_institution", "ogp_values",
                   "framework", "plan_year", "codings", "starred", "promising",
                   "starred_reported", "source_name")


@dataclass
class ForeignImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ogp.RowProblem] = field(default_factory=list)

    @property
    def skipped(self) -> list[ogp.RowProblem]:
        return [p for p in self.problems if p.skipped]


def _values(record: ogp.ForeignRecord, source_name: str) -> dict[str, Any]:
    return {"country": record.country[:120], "action_plan": record.action_plan[:300],
            "number": record.number[:40], "title": record.title[:500], "text": record.text,
            "start_date": record.start, "end_date": record.end,
            "start_text": record.start_text[:100], "end_text": record.end_text[:100],
            "lead_institution": record.lead_institution[:300], "ogp_values": record.values,
            "framework": record.framework, "plan_year": record.plan_year,
            "codings": record.codings, "starred": record.starred,
            "promising": record.promising, "starred_reported": record.starred_reported,
            "source_name": source_name[:200]}


def foreign_commitments_import(*, actor: Any, data: bytes | str, source_name: str,
                               dry_run: bool = False) -> ForeignImportReport:
    """Import OGP's commitment data file (`ogp.read_ogp_csv`); idempotent by OGP id.

    New ids are created, known ones updated where a field changed, nothing is deleted. Rows
    that cannot be read are in the report's problems (and skipped); the rest go in. One
    action, audited per created or changed commitment. `dry_run` reads and compares only.
    Raises ValueError when the file as a whole is unusable."""
    records, problems = ogp.read_ogp_csv(data)
    report = ForeignImportReport(rows=len(records) + len([p for p in problems if p.skipped]),
                                 problems=problems)
    existing = {f.ogp_id: f for f in ForeignCommitment.objects.filter(
        ogp_id__in=[r.commitment_id for r in records])}
    new: list[ForeignCommitment] = []
    changed: list[tuple[ForeignCommitment, dict, dict]] = []
    for record in records:
        values = _values(record, source_name)
        current = existing.get(record.commitment_id)
        if current is None:
            new.append(ForeignCommitment(ogp_id=record.commitment_id[:60], **values))
            continue
        before = {k: getattr(current, k) for k in _FOREIGN_FIELDS if getattr(current, k)
                  != values[k]}
        if not before or set(before) == {"source_name"}:
            report.unchanged += 1
            continue
        after = {k: values[k] for k in before}
        for key, value in after.items():
            setattr(current, key, value)
        changed.append((current, before, after))
    report.created, report.updated = len(new), len(changed)
    if dry_run or not (new or changed):
        return report
    with staff_action(actor=actor, perm="tracking.import_foreign", obj=None,
                      name="foreign_commitment.import") as act:
        ForeignCommitment.objects.bulk_create(new, batch_size=500)
        created = ForeignCommitment.objects.filter(ogp_id__in=[f.ogp_id for f in new])
        for obj in created:
            act.audit(obj, action="foreign_commitment.create",
                      after={"ogp_id": obj.ogp_id, "source": source_name})
        if changed:
            ForeignCommitment.objects.bulk_update([c for c, _, _ in changed],
                                                  fields=list(_FOREIGN_FIELDS), batch_size=500)
        for obj, before, after in changed:
            act.audit(obj, action="foreign_commitment.update",
                      before=_jsonable(before), after=_jsonable(after))
    return report


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


# --- Implementation: progress, assessments, forum ---------------------------------------------

MAX_LINKS = 10


def _snapshot_update(update: ProgressUpdate) -> dict[str, Any]:
    return {"milestone": update.milestone_id, "status": update.status,
            "reported_on": update.reported_on.isoformat(), "note": update.note,
            "links": update.links, "evidence": [e.original_name for e in update.evidence.all()]}


def _clean_links(links: Sequence[str]) -> list[str]:
    validate = URLValidator(schemes=["http", "https"])
    cleaned = [link.strip() for link in links if link and link.strip()]
    if len(cleaned) > MAX_LINKS:
        raise DomainError("too_many_links",
                          _("Højst %(n)s links pr. opdatering.") % {"n": MAX_LINKS}, "links")
    for link in cleaned:
        try:
            validate(link)
        except ValidationError:
            raise DomainError("link_invalid",
                              _("»%(link)s« er ikke en gyldig webadresse (http eller https).")
                              % {"link": link[:200]}, "links") from None
    return cleaned


def _check_files(files: Sequence[IncomingFile]) -> None:
    """The same checks as a response's attachments (type, size, number)."""
    if len(files) > settings.SAMSKAB_MAX_ATTACHMENTS:
        raise DomainError("too_many_files", _("Højst %(n)s filer pr. opdatering.")
                          % {"n": settings.SAMSKAB_MAX_ATTACHMENTS}, "evidence")
    for incoming in files:
        try:
            check_attachment(incoming)
        except ReceiveError as error:
            raise DomainError(error.code, error.message, "evidence") from None


def progress_record(*, actor: Any, milestone: Milestone, status: str, reported_on: date,
                    note: str, links: Sequence[str] = (),
                    files: Sequence[IncomingFile] = ()) -> ProgressUpdate:
    """Record one dated progress update on a milestone by its lead agency.

    Permission `tracking.update_progress` on the milestone's commitment (agency officers only
    for their own organisation's commitments). Append-only: the update joins the public
    history; the milestone takes the status of its latest update (by date, then entry). Files
    are checked like a response's attachments and stored content-addressed. Atomic: a refused
    update leaves no row and no file behind."""
    commitment = milestone.commitment
    require(actor, "tracking.update_progress", commitment)
    if status not in MilestoneStatus.values:
        raise DomainError("status_invalid", _("Ukendt status."), "status")
    if reported_on > timezone.localdate():
        raise DomainError("date_in_future", _("Datoen må ikke ligge i fremtiden."),
                          "reported_on")
    note = normalise_text(note)
    if not note:
        raise DomainError("note_required", _("Skriv en note om fremdriften."), "note")
    links = _clean_links(links)
    _check_files(files)
    written: list[str] = []
    try:
        with staff_action(actor=actor, perm=None, obj=commitment,
                          name="progress.record") as act:
            update = ProgressUpdate.objects.create(
                milestone=milestone, status=status, reported_on=reported_on, note=note,
                links=links, created_by=user_or_none(actor), author_label=actor_label(actor))
            for incoming in files:
                _store_evidence(update, incoming, written)
            latest = milestone.progress_updates.order_by("-reported_on", "-id").first()
            if latest.status != milestone.status:
                before = {"status": milestone.status}
                milestone.status = latest.status
                milestone.save(update_fields=["status"])
                act.audit(milestone, action="milestone.status", before=before,
                          after={"status": milestone.status})
            act.audit(update, after=_snapshot_update(update))
    except BaseException:
        _forget_evidence(written)
        raise
    return update


def _store_evidence(update: ProgressUpdate, incoming: IncomingFile,
                    written: list[str]) -> ProgressEvidence:
    digest = hashlib.sha256(incoming.data).hexdigest()
    evidence = ProgressEvidence(update=update, original_name=(incoming.name or "fil")[:300],
                                sha256=digest, mime_type=(incoming.mime_type or "")[:120],
                                size=len(incoming.data))
    name = evidence_path(evidence, incoming.name)
    if default_storage.exists(name):
        evidence.file.name = name
    else:
        evidence.file.save(digest, ContentFile(incoming.data), save=False)
        written.append(evidence.file.name)
    evidence.save()
    return evidence


def _forget_evidence(names: list[str]) -> None:
    for name in names:
        if not ProgressEvidence.objects.filter(file=name).exists():
            default_storage.delete(name)


def assessment_save(*, actor: Any, commitment: Commitment, codings: dict[str, Any],
                    framework: str | None = None, assessed_on: date | None = None,
                    note: str = "") -> Assessment:
    """Create or replace the IRM-style assessment of a commitment.

    `framework` defaults to the era of the plan's start. Codings are checked against that
    era's scales (DomainError naming the field); `starred`/`promising` are computed by
    `irm.verdict`, and a `starred` among the codings is ignored. Audited with before/after."""
    plan_start = commitment.plan.period_start
    framework = framework or irm.framework_for(plan_start or timezone.localdate())
    try:
        cleaned = irm.clean(framework, codings)
        verdict = irm.verdict(framework, cleaned, plan_start=plan_start)
    except irm.AssessmentInvalid as error:
        raise DomainError("assessment_invalid", error.message, error.field) from None
    with staff_action(actor=actor, perm="tracking.assess", obj=commitment,
                      name="assessment.save") as act:
        assessment = Assessment.objects.filter(commitment=commitment).first()
        before = _assessment_json(assessment) if assessment else None
        if assessment is None:
            assessment = Assessment(commitment=commitment)
        assessment.framework = framework
        for name in Assessment.CODING_FIELDS:
            default: Any = [] if name == "relevant_values" else (
                None if name == "verifiable" else "")
            setattr(assessment, name, cleaned.get(name, default))
        assessment.starred, assessment.promising = verdict.starred, verdict.promising
        assessment.assessed_on = assessed_on
        assessment.note = note
        assessment.save()
        act.audit(assessment, before=before, after=_assessment_json(assessment))
    return assessment


def _assessment_json(assessment: Assessment) -> dict[str, Any]:
    return {"framework": assessment.framework, **assessment.codings(),
            "starred": assessment.starred, "promising": assessment.promising,
            "assessed_on": assessment.assessed_on.isoformat() if assessment.assessed_on
            else None, "note": assessment.note}


def forum_meeting_record(*, actor: Any, plan: ActionPlan, held_on: date,
                         government: Sequence[str], civil_society: Sequence[str],
                         minutes: str, decisions: str = "") -> ForumMeeting:
    """Log a meeting of the plan's multi-stakeholder forum (public once the plan is)."""
    if held_on > timezone.localdate():
        raise DomainError("date_in_future", _("Datoen må ikke ligge i fremtiden."), "held_on")
    government = [g.strip() for g in government if g.strip()]
    civil_society = [c.strip() for c in civil_society if c.strip()]
    if not government and not civil_society:
        raise DomainError("no_participants", _("Angiv mindst én deltager."), "government")
    minutes = normalise_text(minutes)
    if not minutes:
        raise DomainError("minutes_required", _("Skriv et referat."), "minutes")
    with staff_action(actor=actor, perm="tracking.record_forum", obj=plan,
                      name="forum.meeting") as act:
        meeting = ForumMeeting.objects.create(
            plan=plan, held_on=held_on, government=government, civil_society=civil_society,
            minutes=minutes, decisions=normalise_text(decisions))
        act.audit(meeting, after={"held_on": held_on.isoformat(), "government": government,
                                  "civil_society": civil_society})
    return meeting


def plan_forum_cadence(plan: ActionPlan, *, today: date | None = None) -> forum.Cadence | None:
    """The forum check for a plan with a period (None without one)."""
    if not (plan.period_start and plan.period_end):
        return None
    meetings = plan.forum_meetings.values_list("held_on", "civil_society")
    return forum.forum_cadence(((d, bool(c)) for d, c in meetings), start=plan.period_start,
                               end=plan.period_end, today=today or timezone.localdate())


def _commitment_text(commitment: Commitment) -> str:
    return "\n".join(t for t in (commitment.title_da, commitment.problem_da,
                                 commitment.description_da) if t)


def similar_commitments_refresh(*, plan: ActionPlan | None = None, k: int = 5,
                                min_score: float = 0.08) -> int:
    """Rebuild the list of other countries' most similar commitments for each commitment
    (of `plan`, or of every plan). Derived data, no staff decision: replaced whole in one
    transaction. Returns the number of matches stored."""
    foreign = list(ForeignCommitment.objects.values_list("id", "title", "text"))
    index = similarity.SimilarityIndex((str(i), f"{title}\n{text}", None)
                                       for i, title, text in foreign)
    commitments = Commitment.objects.all() if plan is None else plan.commitments.all()
    rows: list[SimilarCommitment] = []
    for commitment in commitments.only("id", "title_da", "problem_da", "description_da"):
        for rank, match in enumerate(index.most_similar(_commitment_text(commitment), k=k,
                                                        min_score=min_score, language="da")):
            rows.append(SimilarCommitment(commitment=commitment, foreign_id=int(match.id),
                                          rank=rank + 1, score=match.score,
                                          shared_words=list(match.shared)))
    with transaction.atomic():
        SimilarCommitment.objects.filter(commitment__in=commitments).delete()
        SimilarCommitment.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def self_assessment_snapshot(plan: ActionPlan, *, as_of: date) -> dict[str, Any]:
    """What a self-assessment report states, from the data: the plan with each commitment's
    milestones, progress and assessment (the contract's format), the forum log and its
    cadence check, and the key figures of the plan dashboard, as of `as_of`."""
    from samskab.plans.exports import plan_as_dict
    from samskab.tracking.dashboards import plan_dashboard
    from samskab.tracking.exchange import plan_tracking_export

    data = plan_tracking_export(plan, plan_as_dict(plan))
    for c in data["commitments"]:
        c["progress"] = [p for p in c.get("progress", []) if p["date"] <= as_of.isoformat()]
    meetings = plan.forum_meetings.filter(held_on__lte=as_of).order_by("held_on", "id")
    cadence = plan_forum_cadence(plan, today=as_of)
    board = plan_dashboard(plan, today=as_of)
    return {
        "as_of": as_of.isoformat(), "plan": data,
        "figures": {k: v for k, v in board.figures.items() if isinstance(v, int | str)},
        "forum": {"met": cadence.met if cadence else None,
                  "gaps": [[g.start.isoformat(), g.end.isoformat()] for g in
                           (cadence.gaps if cadence else [])],
                  "meetings": [{"date": m.held_on.isoformat(), "government": m.government,
                                "civil_society": m.civil_society, "minutes": m.minutes,
                                "decisions": m.decisions} for m in meetings]},
    }


def self_assessment_create(*, actor: Any, plan: ActionPlan, kind: str, as_of: date,
                           closes_at: datetime, opens_at: datetime | None = None
                           ) -> SelfAssessment:
    """Generate the plan's mid-term or end-of-term self-assessment from the data and put it
    to public comment through a consultation of its own (two weeks is OGP's usual period).
    One of each kind per plan; comments are responses like any other."""
    if kind not in ReportKind.values:
        raise DomainError("kind_invalid", _("Ukendt type selvevaluering."), "kind")
    opens_at = opens_at or timezone.now()
    if closes_at <= opens_at:
        raise DomainError("closes_at", _("Fristen skal ligge efter åbningen."), "closes_at")
    if SelfAssessment.objects.filter(plan=plan, kind=kind).exists():
        raise DomainError("exists", _("Planen har allerede denne selvevaluering."), "kind")
    with staff_action(actor=actor, perm="tracking.self_assess", obj=plan,
                      name="self_assessment.create") as act:
        label_da = {ReportKind.MID_TERM: "Midtvejsevaluering",
                    ReportKind.END_OF_TERM: "Slutevaluering"}[kind]
        label_en = {ReportKind.MID_TERM: "Mid-term self-assessment",
                    ReportKind.END_OF_TERM: "End-of-term self-assessment"}[kind]
        slug_base = f"{plan.slug}-{'midtvejs' if kind == ReportKind.MID_TERM else 'slut'}"
        slug, n = slug_base[:80], 1
        while Consultation.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{slug_base[:76]}-{n}"
        consultation = Consultation.objects.create(
            slug=slug, title_da=f"{label_da}: {plan.title_da}",
            title_en=f"{label_en}: {plan.title_en or plan.title_da}",
            summary_da="Kommentér regeringens selvevaluering af handlingsplanen, før den "
                       "sendes til OGP's uafhængige evaluering (IRM).",
            summary_en="Comment on the government's self-assessment of the action plan before "
                       "it goes to OGP's Independent Reporting Mechanism (IRM).",
            authority=plan.consultation.authority if plan.consultation else "",
            published_at=opens_at, opens_at=opens_at, closes_at=closes_at,
            reference_prefix=f"{plan.slug[:16].upper()}-{'MT' if kind == 'mid_term' else 'ET'}")
        report = SelfAssessment.objects.create(
            plan=plan, kind=kind, as_of=as_of, consultation=consultation,
            snapshot=self_assessment_snapshot(plan, as_of=as_of))
        act.audit(report, after={"kind": kind, "as_of": as_of.isoformat(),
                                 "consultation": consultation.slug})
        act.audit(consultation, action="consultation.create",
                  after={"slug": consultation.slug, "self_assessment": report.pk})
    return report
