"""Use cases of action plans. Every staff change runs through core's action layer
(permission → atomic → change → AuditEvent → effects on commit) and raises `DomainError` for
what the domain forbids; public comments enter through `consultations.services.response_receive`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samskab.analysis.text import fold
from samskab.consultations.models import Consultation, Response
from samskab.consultations.services import RespondentData, response_receive
from samskab.core.actions import staff_action, user_or_none
from samskab.core.errors import DomainError
from samskab.core.models import GrandChallenge, OgpValue, Organisation, OrganisationKind
from samskab.core.services import organisation_by_name, organisation_save
from samskab.insights.models import Idea, Position, PositionKind, Proposal
from samskab.plans.exports import (
    COMMITMENT_TEXTS,
    MILESTONE_TEXTS,
    initiatives_for_rules,
    plan_as_dict,
)
from samskab.plans.models import (
    ActionPlan,
    Commitment,
    CommitmentSource,
    Milestone,
    MilestoneStatus,
    PlanComment,
    PlanStatus,
    PlanVersion,
    Strategy,
    StrategyInitiative,
)
from samskab.plans.rules_ogp import Finding, check_plan, has_errors

# --- findings ---------------------------------------------------------------------------------


def plan_findings(plan: ActionPlan, *, data: dict | None = None) -> list[Finding]:
    """OGP rule findings for a plan (or for `data`, the plan's dict with unsaved edits)."""
    return check_plan(data if data is not None else plan_as_dict(plan),
                      initiatives=initiatives_for_rules(), translations=translation)


_COMMITMENT_WHERE = re.compile(r"^commitments\[(\d+)\]")


def findings_by_commitment(findings: list[Finding]) -> tuple[list[Finding], dict[int, list]]:
    """Split findings into the plan's own and those of each commitment (by index)."""
    plan_level: list[Finding] = []
    per: dict[int, list[Finding]] = {}
    for f in findings:
        m = _COMMITMENT_WHERE.match(f.where)
        if m:
            per.setdefault(int(m.group(1)), []).append(f)
        else:
            plan_level.append(f)
    return plan_level, per


# --- plans ------------------------------------------------------------------------------------

def _plan_state(plan: ActionPlan) -> dict[str, Any]:
    return {"title_da": plan.title_da, "title_en": plan.title_en, "country": plan.country,
            "language": plan.language, "status": plan.status,
            "period_start": plan.period_start.isoformat() if plan.period_start else None,
            "period_end": plan.period_end.isoformat() if plan.period_end else None,
            "uses_grand_challenges": plan.uses_grand_challenges,
            "consultation": plan.consultation_id}


def _unique_slug(model, base: str, exclude_pk=None) -> str:
    base = slugify(fold(base))[:70] or "plan"  # fold: "Næste" → "naeste", not "nste"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def plan_save(*, actor: Any, title_da: str, period_start: date | None,
              period_end: date | None, plan: ActionPlan | None = None, title_en: str = "",
              country: str = "DK", language: str = "da", uses_grand_challenges: bool = True,
              consultation: Consultation | None = None, slug: str = "") -> ActionPlan:
    """Create a plan (drafting) or change its heading fields. Audited."""
    if not title_da.strip():
        raise DomainError("title_required", _("Planen skal have en titel."), "title_da")
    perm = "plans.change_actionplan" if plan else "plans.add_actionplan"
    with staff_action(actor=actor, perm=perm, obj=plan,
                      name="plan.change" if plan else "plan.create") as act:
        before = _plan_state(plan) if plan else None
        plan = plan or ActionPlan()
        plan.title_da, plan.title_en = title_da.strip(), title_en.strip()
        plan.country = (country or "DK").upper()[:2]
        plan.language = language or "da"
        plan.period_start, plan.period_end = period_start, period_end
        plan.uses_grand_challenges = uses_grand_challenges
        plan.consultation = consultation
        if not plan.slug or slug:
            plan.slug = _unique_slug(ActionPlan, slug or title_da, plan.pk)
        plan.save()
        act.audit(plan, before=before, after=_plan_state(plan))
    return plan


# --- commitments ------------------------------------------------------------------------------

COMMITMENT_FIELDS = (
    *(f"{f}_{lang}" for f in COMMITMENT_TEXTS for lang in ("da", "en")),
    "themes", "contact_name", "contact_title", "contact_department", "contact_email",
    "contact_phone", "actors_government", "actors_civil_society", "actors_private_sector",
    "new_initiative", "existing_strategy_text", "period_start", "period_end", "budget",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _commitment_state(c: Commitment) -> dict[str, Any]:
    state = {f: _jsonable(getattr(c, f)) for f in COMMITMENT_FIELDS}
    state.update(identifier=c.identifier, position=c.position, lead_agency=c.lead_agency_id,
                 existing_strategy=c.existing_strategy_id)
    if c.pk:
        state["ogp_values"] = sorted(c.ogp_values.values_list("code", flat=True))
        state["grand_challenges"] = sorted(c.grand_challenges.values_list("code", flat=True))
    return state


def _next_identifier(plan: ActionPlan) -> str:
    prefix = plan.country.upper()
    taken = Commitment.objects.filter(plan__country=plan.country,
                                      identifier__regex=rf"^{prefix}[0-9]+$")
    numbers = [int(i[len(prefix):]) for i in taken.values_list("identifier", flat=True)]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


UNCHANGED = object()


def _editable(plan: ActionPlan) -> None:
    if plan.status not in (PlanStatus.DRAFTING, PlanStatus.PUBLIC_COMMENT):
        raise DomainError("plan_adopted", _("Planen er vedtaget og kan ikke længere redigeres."))


def commitment_save(*, actor: Any, plan: ActionPlan, values: dict[str, Any],
                    commitment: Commitment | None = None,
                    ogp_values: list[str] | None = None,
                    grand_challenges: list[str] | None = None,
                    lead_agency: Organisation | None | object = UNCHANGED,
                    existing_strategy: StrategyInitiative | None | object = UNCHANGED,
                    identifier: str = "") -> Commitment:
    """Create a commitment in `plan` or change one. `values` holds the template's plain fields
    (`COMMITMENT_FIELDS`) to set, the others are left as they are; codes name the values and
    grand challenges (None: unchanged). Audited."""
    _editable(plan)
    unknown = set(values) - set(COMMITMENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown commitment fields: {sorted(unknown)}")
    title = (values.get("title_da") if "title_da" in values
             else commitment.title_da if commitment else "")
    if not (title or "").strip():
        raise DomainError("title_required", _("Forpligtelsen skal have en titel."), "title_da")
    with staff_action(actor=actor, perm="plans.change_commitment", obj=commitment,
                      name="commitment.change" if commitment else "commitment.create") as act:
        before = _commitment_state(commitment) if commitment else None
        c = commitment or Commitment(plan=plan)
        for name, value in values.items():
            setattr(c, name, value.strip() if isinstance(value, str) else value)
        if lead_agency is not UNCHANGED:
            c.lead_agency = lead_agency
        if existing_strategy is not UNCHANGED:
            c.existing_strategy = existing_strategy
        identifier = identifier.strip().upper()
        if identifier:
            clash = Commitment.objects.filter(plan=plan, identifier=identifier).exclude(pk=c.pk)
            if clash.exists():
                raise DomainError("identifier_taken",
                                  _("Nummeret %(id)s er allerede brugt i planen.")
                                  % {"id": identifier}, "identifier")
            c.identifier = identifier
        elif not c.identifier:
            c.identifier = _next_identifier(plan)
        if c.pk is None:
            c.position = (plan.commitments.aggregate(m=Max("position"))["m"] or 0) + 1
        c.save()
        if ogp_values is not None:
            c.ogp_values.set(OgpValue.objects.filter(code__in=ogp_values))
        if grand_challenges is not None:
            c.grand_challenges.set(GrandChallenge.objects.filter(code__in=grand_challenges))
        act.audit(c, before=before, after=_commitment_state(c))
    return c


def commitment_delete(*, actor: Any, commitment: Commitment) -> None:
    _editable(commitment.plan)
    with staff_action(actor=actor, perm="plans.change_commitment", obj=commitment,
                      name="commitment.delete") as act:
        act.audit(commitment, before=_commitment_state(commitment))
        commitment.delete()


# --- milestones -------------------------------------------------------------------------------

MILESTONE_FIELDS = (*(f"{f}_{lang}" for f in MILESTONE_TEXTS for lang in ("da", "en")),
                    "start", "end", "new", "status")


def _milestone_state(m: Milestone) -> dict[str, Any]:
    return {"identifier": m.identifier, "position": m.position,
            **{f: _jsonable(getattr(m, f)) for f in MILESTONE_FIELDS}}


def milestone_save(*, actor: Any, commitment: Commitment, values: dict[str, Any],
                   milestone: Milestone | None = None, identifier: str = "") -> Milestone:
    """Add a milestone to a commitment or change one. Audited."""
    _editable(commitment.plan)
    unknown = set(values) - set(MILESTONE_FIELDS)
    if unknown:
        raise ValueError(f"unknown milestone fields: {sorted(unknown)}")
    title = values.get("title_da", milestone.title_da if milestone else "")
    if not (title or "").strip():
        raise DomainError("title_required", _("Milepælen skal have en aktivitet."), "title_da")
    if values.get("status", MilestoneStatus.NOT_STARTED) not in MilestoneStatus.values:
        raise DomainError("status", _("Ukendt status."), "status")
    with staff_action(actor=actor, perm="plans.change_commitment", obj=commitment,
                      name="milestone.change" if milestone else "milestone.create") as act:
        before = _milestone_state(milestone) if milestone else None
        m = milestone or Milestone(commitment=commitment)
        for name, value in values.items():
            setattr(m, name, value.strip() if isinstance(value, str) else value)
        if m.pk is None:
            m.position = (commitment.milestones.aggregate(p=Max("position"))["p"] or 0) + 1
        m.identifier = identifier.strip() or m.identifier or f"{commitment.identifier}.{m.position}"
        m.save()
        act.audit(m, before=before, after=_milestone_state(m))
    return m


def milestone_delete(*, actor: Any, milestone: Milestone) -> None:
    _editable(milestone.commitment.plan)
    with staff_action(actor=actor, perm="plans.change_commitment", obj=milestone.commitment,
                      name="milestone.delete") as act:
        act.audit(milestone, before=_milestone_state(milestone))
        milestone.delete()


# --- the golden link --------------------------------------------------------------------------

def _position_adopt(act, *, commitment: Commitment, idea: Idea | None,
                    proposal: Proposal | None, kind: str, actor: Any) -> Position | None:
    """Make the authority's position on the linked input "adopted" (or "partly adopted"):
    linking *is* adopting. A position already adopted or partly adopted is kept as it is."""
    lookup = {"idea": idea} if idea is not None else {"proposal": proposal}
    position = Position.objects.select_for_update().filter(**lookup).first()
    if position is not None and position.kind in (PositionKind.ADOPTED,
                                                  PositionKind.PARTLY_ADOPTED):
        return position
    before = ({"kind": position.kind, "justification_da": position.justification_da}
              if position else None)
    position = position or Position(**lookup)
    position.kind = kind
    reason_da = translation.override("da")
    with reason_da:
        position.justification_da = _("Indgår i forpligtelse %(id)s: %(title)s") % {
            "id": commitment.identifier, "title": commitment.title_da}
    with translation.override("en"):
        position.justification_en = _("Indgår i forpligtelse %(id)s: %(title)s") % {
            "id": commitment.identifier, "title": commitment.title_en or commitment.title_da}
    position.decided_by = user_or_none(actor)
    position.decided_at = timezone.now()
    position.save()
    act.audit(position, before=before, action="position.set",
              after={"kind": position.kind, "justification_da": position.justification_da,
                     "idea": position.idea_id, "proposal": position.proposal_id,
                     "commitment": commitment.identifier})
    return position


def commitment_source_link(*, actor: Any, commitment: Commitment, idea: Idea | None = None,
                           proposal: Proposal | None = None, response: Response | None = None,
                           kind: str = PositionKind.ADOPTED) -> CommitmentSource:
    """Trace a commitment to an idea, one proposal or a whole response (idempotent). Linking
    an idea or a proposal records the authority's position on it as adopted (or `kind`
    partly adopted), unless it already is. Audited."""
    if sum(x is not None for x in (idea, proposal, response)) != 1:
        raise DomainError("source_kind", _("Vælg en idé, et forslag eller et svar."))
    if kind not in (PositionKind.ADOPTED, PositionKind.PARTLY_ADOPTED):
        raise DomainError("position_kind", _("Kun »taget med« og »delvist taget med« "
                                             "kan knyttes til en forpligtelse."), "kind")
    if idea is not None and idea.merged_into_id:
        raise DomainError("idea_merged", _("Idéen er flettet ind i en anden."), "idea")
    lookup = ({"idea": idea} if idea is not None else {"proposal": proposal}
              if proposal is not None else {"response": response})
    with staff_action(actor=actor, perm="plans.change_commitment", obj=commitment,
                      name="commitment.source_link") as act:
        source = CommitmentSource.objects.filter(commitment=commitment, **lookup).first()
        created = source is None
        if created:
            source = CommitmentSource.objects.create(commitment=commitment,
                                                     created_by=user_or_none(actor), **lookup)
        if response is None:
            position = _position_adopt(act, commitment=commitment, idea=idea,
                                       proposal=proposal, kind=kind, actor=actor)
            if source.position_id != position.pk:
                source.position = position
                source.save(update_fields=["position"])
        act.audit(commitment, after={"source": {k: v.pk for k, v in lookup.items()},
                                     "created": created})
    return source


def commitment_source_unlink(*, actor: Any, source: CommitmentSource) -> None:
    """Remove one link. The position it made stays: it is the authority's reasoned answer and
    is changed on its own page."""
    with staff_action(actor=actor, perm="plans.change_commitment", obj=source.commitment,
                      name="commitment.source_unlink") as act:
        act.audit(source.commitment, before={"source": {
            "idea": source.idea_id, "proposal": source.proposal_id,
            "response": source.response_id}})
        source.delete()


# --- versions, public comment, adoption -------------------------------------------------------

def plan_version_create(*, actor: Any, plan: ActionPlan, note: str = "",
                        comment_consultation: Consultation | None = None) -> PlanVersion:
    """Freeze the plan as it stands into a new immutable version. Audited."""
    with staff_action(actor=actor, perm="plans.change_actionplan", obj=plan,
                      name="plan.version") as act:
        ActionPlan.objects.select_for_update().filter(pk=plan.pk).first()
        number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = PlanVersion.objects.create(
            plan=plan, number=number, snapshot=plan_as_dict(plan), note=note.strip()[:300],
            comment_consultation=comment_consultation, created_by=user_or_none(actor))
        act.audit(version, after={"plan": plan.pk, "number": number, "note": version.note})
    return version


def plan_publish_for_comment(*, actor: Any, plan: ActionPlan, closes_at: datetime,
                             opens_at: datetime | None = None, authority: str = "",
                             note: str = "") -> PlanVersion:
    """Put the draft out for public comment: freeze a version and open a consultation linked
    to it, in which anyone may comment on the whole plan, a commitment or one paragraph.
    Comments are responses like any other (analysis, workspace, positions, høringsnotat)."""
    if plan.status not in (PlanStatus.DRAFTING, PlanStatus.PUBLIC_COMMENT):
        raise DomainError("plan_adopted", _("Planen er vedtaget."))
    if not plan.commitments.exists():
        raise DomainError("plan_empty", _("Planen har ingen forpligtelser."))
    opens_at = opens_at or timezone.now()
    if closes_at <= opens_at:
        raise DomainError("closes_at", _("Fristen skal ligge efter åbningen."), "closes_at")
    with staff_action(actor=actor, perm="plans.change_actionplan", obj=plan,
                      name="plan.publish_for_comment") as act:
        before = _plan_state(plan)
        number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        with translation.override("da"):
            title_da = _("Kommentering af udkast: %(title)s") % {"title": plan.title_da}
            summary_da = _("Kommentér udkastet til handlingsplanen – hele planen, en "
                           "forpligtelse eller et enkelt afsnit.")
        with translation.override("en"):
            title_en = _("Kommentering af udkast: %(title)s") % {
                "title": plan.title_en or plan.title_da}
            summary_en = _("Kommentér udkastet til handlingsplanen – hele planen, en "
                           "forpligtelse eller et enkelt afsnit.")
        consultation = Consultation.objects.create(
            slug=_unique_slug(Consultation, f"{plan.slug}-udkast-v{number}"),
            title_da=title_da, title_en=title_en, summary_da=summary_da, summary_en=summary_en,
            authority=authority or (plan.consultation.authority if plan.consultation else ""),
            published_at=opens_at, opens_at=opens_at, closes_at=closes_at,
            reference_prefix=f"{plan.slug[:20].upper()}-K{number}",
        )
        version = plan_version_create(actor=actor, plan=plan, comment_consultation=consultation,
                                      note=note or _("Udkast til offentlig kommentering"))
        plan.status = PlanStatus.PUBLIC_COMMENT
        plan.save(update_fields=["status"])
        act.audit(plan, before=before, after=_plan_state(plan))
        act.audit(consultation, action="consultation.create",
                  after={"slug": consultation.slug, "plan_version": version.pk})
    return version


def plan_comment_version(plan: ActionPlan) -> PlanVersion | None:
    """The version currently out for comment (the latest with a comment consultation)."""
    return (plan.versions.filter(comment_consultation__isnull=False)
            .select_related("comment_consultation").order_by("-number").first())


def paragraphs(text: str) -> list[str]:
    """A field's paragraphs, as anchors number them (1-based): blank-line separated."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


@dataclass(frozen=True)
class CommentReceipt:
    reference: str
    response_id: int
    created: bool


def plan_comment_receive(*, version: PlanVersion, text: str, respondent: RespondentData,
                         channel: str = "web", commitment_identifier: str = "",
                         paragraph: str = "", consent_publish_name: bool = False,
                         consent_publish_response: bool = True, idempotency_key: str = "",
                         received_at: datetime | None = None) -> CommentReceipt:
    """Receive a public comment on a plan version: through the one door in, with the anchor
    (commitment, paragraph "field.N") checked against that version and kept beside it."""
    consultation = version.comment_consultation
    if consultation is None:
        raise DomainError("not_for_comment", _("Denne version er ikke lagt frem til "
                                               "kommentering."))
    quoted = ""
    commitment_identifier = commitment_identifier.strip()
    if commitment_identifier:
        by_id = {c["id"]: c for c in version.snapshot.get("commitments", [])}
        if commitment_identifier not in by_id:
            raise DomainError("anchor", _("Forpligtelsen findes ikke i denne version."),
                              "commitment")
        if paragraph:
            field, _dot, number = paragraph.partition(".")
            texts = paragraphs(by_id[commitment_identifier].get(field, "")) \
                if field in COMMITMENT_TEXTS else []
            if not number.isdigit() or not 1 <= int(number) <= len(texts):
                raise DomainError("anchor", _("Afsnittet findes ikke i denne version."),
                                  "paragraph")
            quoted = texts[int(number) - 1]
    elif paragraph:
        raise DomainError("anchor", _("Et afsnit hører til en forpligtelse."), "paragraph")
    anchor = {"plan_version": version.pk, "commitment": commitment_identifier,
              "paragraph": paragraph}
    with transaction.atomic():
        receipt = response_receive(
            consultation=consultation, text=text, channel=channel, respondent=respondent,
            consent_publish_name=consent_publish_name,
            consent_publish_response=consent_publish_response, idempotency_key=idempotency_key,
            received_at=received_at, source={"plan_comment": anchor})
        PlanComment.objects.get_or_create(
            response_id=receipt.response_id,
            defaults={"version": version, "commitment_identifier": commitment_identifier,
                      "paragraph": paragraph, "quoted": quoted})
    return CommentReceipt(receipt.reference, receipt.response_id, receipt.created)


def plan_adopt(*, actor: Any, plan: ActionPlan, note: str = "") -> PlanVersion:
    """Adopt the plan: refused while any ERROR finding remains; freezes the adopted version."""
    if plan.status not in (PlanStatus.DRAFTING, PlanStatus.PUBLIC_COMMENT):
        raise DomainError("plan_status", _("Planen er allerede vedtaget."))
    findings = plan_findings(plan)
    if has_errors(findings):
        errors = [f for f in findings if f.level == "ERROR"]
        raise DomainError("plan_has_errors",
                          _("Planen kan ikke vedtages: %(count)d fejl skal rettes først.")
                          % {"count": len(errors)})
    with staff_action(actor=actor, perm="plans.adopt_actionplan", obj=plan,
                      name="plan.adopt") as act:
        before = _plan_state(plan)
        plan.status = PlanStatus.ADOPTED
        plan.adopted_at = timezone.now()
        plan.save(update_fields=["status", "adopted_at"])
        version = plan_version_create(actor=actor, plan=plan,
                                      note=note or _("Vedtaget handlingsplan"))
        act.audit(plan, before=before, after=_plan_state(plan))
    return version


_NEXT_STATUS = {PlanStatus.ADOPTED: PlanStatus.IMPLEMENTATION,
                PlanStatus.IMPLEMENTATION: PlanStatus.COMPLETED}


def plan_advance(*, actor: Any, plan: ActionPlan) -> ActionPlan:
    """Move an adopted plan on: adopted → implementation → completed."""
    if plan.status not in _NEXT_STATUS:
        raise DomainError("plan_status", _("Planen kan ikke flyttes videre herfra."))
    with staff_action(actor=actor, perm="plans.adopt_actionplan", obj=plan,
                      name="plan.advance") as act:
        before = _plan_state(plan)
        plan.status = _NEXT_STATUS[PlanStatus(plan.status)]
        plan.save(update_fields=["status"])
        act.audit(plan, before=before, after=_plan_state(plan))
    return plan


# --- existing strategies ----------------------------------------------------------------------

def strategy_import(*, actor: Any, slug: str, title_da: str, initiatives: list[dict[str, str]],
                    title_en: str = "", period_start: date | None = None,
                    period_end: date | None = None, url: str = "") -> Strategy:
    """Create or replace an existing strategy's list of initiatives (each: identifier, title,
    text). Idempotent: importing the same list again changes nothing but the audit log."""
    if not slug.strip() or not title_da.strip():
        raise DomainError("strategy", _("En strategi skal have kort navn og titel."))
    seen = set()
    for n, item in enumerate(initiatives, 1):
        ident = str(item.get("identifier") or n).strip()
        if ident in seen:
            raise DomainError("initiative_duplicate", _("Initiativ %(id)s står to gange.")
                              % {"id": ident})
        if not str(item.get("title") or "").strip():
            raise DomainError("initiative_title", _("Initiativ %(id)s mangler en titel.")
                              % {"id": ident})
        seen.add(ident)
    with staff_action(actor=actor, perm="plans.change_strategy", obj=None,
                      name="strategy.import") as act:
        strategy, _created = Strategy.objects.update_or_create(
            slug=slugify(fold(slug)), defaults={"title_da": title_da.strip(),
                                          "title_en": title_en.strip(),
                                          "period_start": period_start,
                                          "period_end": period_end, "url": url})
        kept = []
        for n, item in enumerate(initiatives, 1):
            ident = str(item.get("identifier") or n).strip()
            StrategyInitiative.objects.update_or_create(
                strategy=strategy, identifier=ident,
                defaults={"title": str(item["title"]).strip()[:300],
                          "text": str(item.get("text") or "").strip(), "position": n})
            kept.append(ident)
        stale = strategy.initiatives.exclude(identifier__in=kept)
        stale.filter(commitments__isnull=True).delete()
        act.audit(strategy, after={"slug": strategy.slug, "initiatives": kept})
    return strategy


def strategy_initiative_by_label(label: str) -> StrategyInitiative | None:
    slug, sep, ident = (label or "").partition(":")
    if not sep:
        return None
    return (StrategyInitiative.objects.select_related("strategy")
            .filter(strategy__slug=slug, identifier=ident).first())


# --- import from the contract's file ----------------------------------------------------------

@dataclass
class ImportResult:
    plan: ActionPlan
    findings: list[Finding]
    notes: list[str]


def _date(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _texts(obj: dict, fields, *, translations: dict) -> dict[str, str]:
    english = (translations or {}).get("en", {})
    out = {}
    for f in fields:
        out[f"{f}_da"] = str(obj.get(f) or "")
        out[f"{f}_en"] = str(english.get(f) or "")
    return out


def _organisation(actor: Any, name: str) -> Organisation | None:
    if not name.strip():
        return None
    return organisation_by_name(name) or organisation_save(
        actor=actor, name=name, kind=OrganisationKind.AUTHORITY_STATE)


def _resolve_source(src: dict, consultation: Consultation | None) -> dict | None:
    """A file's source as model rows: ids are this database's (as export writes them)."""
    if src.get("proposal"):
        qs = Proposal.objects.filter(pk=int(src["proposal"])) if str(
            src["proposal"]).isdigit() else Proposal.objects.none()
        if src.get("response"):
            qs = qs.filter(response__reference=src["response"])
        p = qs.first()
        return {"proposal": p} if p else None
    if src.get("idea"):
        qs = Idea.objects.filter(pk=int(src["idea"])) if str(src["idea"]).isdigit() \
            else Idea.objects.none()
        if consultation is not None:
            qs = qs.filter(consultation=consultation)
        i = qs.first()
        return {"idea": i} if i else None
    if src.get("response"):
        r = Response.objects.filter(reference=src["response"]).first()
        return {"response": r} if r else None
    return None


def plan_import(*, actor: Any, data: dict) -> ImportResult:
    """Create a new plan from the contract's dict (validated against the schema by the
    caller). A plan whose findings hold an ERROR is imported as a draft, whatever its status
    in the file; derived fields (an assessment's `starred`) are never read. Sources that do not
    exist in this database are reported in `notes` and left out. One transaction."""
    notes: list[str] = []
    consultation = None
    if data.get("consultation"):
        consultation = Consultation.objects.filter(slug=data["consultation"]).first()
        if consultation is None:
            notes.append(_("Høringen %(slug)s findes ikke; planen er importeret uden den.")
                         % {"slug": data["consultation"]})
    period = data.get("period") or {}
    with transaction.atomic():
        plan = plan_save(
            actor=actor, title_da=data["title"],
            title_en=(data.get("translations") or {}).get("en", {}).get("title", ""),
            period_start=_date(period.get("start")), period_end=_date(period.get("end")),
            country=data.get("country") or "DK", language=data.get("language") or "da",
            uses_grand_challenges=data.get("uses_grand_challenges", True),
            consultation=consultation)
        for i, c in enumerate(data.get("commitments") or []):
            translations = c.get("translations") or {}
            values = _texts(c, COMMITMENT_TEXTS, translations=translations)
            contact = c.get("contact") or {}
            actors = c.get("other_actors") or {}
            c_period = c.get("period") or {}
            initiative = strategy_initiative_by_label(c.get("existing_strategy") or "")
            values.update(
                themes=list(c.get("themes") or []),
                contact_name=contact.get("name", ""), contact_title=contact.get("title", ""),
                contact_department=contact.get("department", ""),
                contact_email=contact.get("email", ""), contact_phone=contact.get("phone", ""),
                actors_government=list(actors.get("government") or []),
                actors_civil_society=list(actors.get("civil_society") or []),
                actors_private_sector=list(actors.get("private_sector") or []),
                new_initiative=bool(c.get("new_initiative", False)),
                existing_strategy_text="" if initiative else (c.get("existing_strategy") or ""),
                period_start=_date(c_period.get("start")), period_end=_date(c_period.get("end")),
                budget=c.get("budget") or "")
            commitment = commitment_save(
                actor=actor, plan=plan, values=values, identifier=c.get("id") or "",
                ogp_values=list(c.get("ogp_values") or []),
                grand_challenges=list(c.get("grand_challenges") or []),
                lead_agency=_organisation(actor, c.get("lead_agency") or ""),
                existing_strategy=initiative)
            for m in c.get("milestones") or []:
                m_values = _texts(m, MILESTONE_TEXTS, translations=m.get("translations") or {})
                m_values.update(start=_date(m.get("start")), end=_date(m.get("end")),
                                new=bool(m.get("new", True)),
                                status=m.get("status") or MilestoneStatus.NOT_STARTED)
                milestone_save(actor=actor, commitment=commitment, values=m_values,
                               identifier=m.get("id") or "")
            for k, src in enumerate(c.get("sources") or []):
                row = _resolve_source(src, consultation)
                if row is None:
                    notes.append(_("commitments[%(i)d].sources[%(k)d] findes ikke i denne "
                                   "database og er udeladt.") % {"i": i, "k": k})
                    continue
                with staff_action(actor=actor, perm="plans.change_commitment", obj=commitment,
                                  name="commitment.source_link") as act:
                    CommitmentSource.objects.get_or_create(commitment=commitment, **row)
                    act.audit(commitment, after={"source": {k2: v.pk for k2, v in row.items()},
                                                 "imported": True})
        findings = plan_findings(plan)
        wanted = data.get("status") or PlanStatus.DRAFTING
        if wanted != PlanStatus.DRAFTING and not has_errors(findings):
            with staff_action(actor=actor, perm="plans.change_actionplan", obj=plan,
                              name="plan.import_status") as act:
                plan.status = wanted
                if wanted != PlanStatus.PUBLIC_COMMENT:
                    plan.adopted_at = timezone.now()
                plan.save(update_fields=["status", "adopted_at"])
                act.audit(plan, after={"status": wanted})
        elif wanted != PlanStatus.DRAFTING:
            notes.append(_("Planen har fejl og er importeret som udkast (status i filen: "
                           "%(status)s).") % {"status": wanted})
        plan_version_create(actor=actor, plan=plan, note=_("Importeret fra fil"))
    return ImportResult(plan=plan, findings=findings, notes=notes)


def default_comment_deadline(now: datetime | None = None) -> datetime:
    """Two weeks, as OGP's guidance gives for comments on a draft."""
    return (now or timezone.now()) + timedelta(days=14)
