"""Reads for the analysis pages, in few queries (style rules 2 and 7).

Nothing here is for the public: the public page "Det sagde I – det gør vi" reads through
`publishing.selectors`, the one door out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Abs, Coalesce

from samskab import analysis as engine
from samskab.consultations.models import Consultation, RespondentKind, Response
from samskab.insights.models import (
    AnalysisRun,
    GroupMembership,
    Idea,
    Position,
    Proposal,
    ResponseGroup,
    TagState,
    TagSuggestion,
)


def latest_run(consultation: Consultation) -> AnalysisRun | None:
    return (AnalysisRun.objects.filter(consultation=consultation, finished_at__isnull=False)
            .order_by("-started_at", "-id").first())


def latest_full_run(consultation: Consultation) -> AnalysisRun | None:
    return (AnalysisRun.objects.filter(consultation=consultation, kind="full",
                                       finished_at__isnull=False)
            .order_by("-started_at", "-id").first())


@dataclass
class Overview:
    consultation: Consultation
    run: AnalysisRun | None
    full_run: AnalysisRun | None
    responses: int
    pending: int
    groups: int
    grouped: int
    ideas: int
    positions: int
    tags_pending: int
    tags_decided: int


def overview(consultation: Consultation) -> Overview:
    from samskab.insights.services import responses_pending

    groups = ResponseGroup.objects.filter(consultation=consultation, merged_into=None)
    agg = groups.aggregate(n=Count("id"), grouped=Coalesce(Sum("size"), Value(0)))
    tags = TagSuggestion.objects.filter(response__consultation=consultation).aggregate(
        pending=Count("id", filter=Q(state=TagState.SUGGESTED, score__gte=0.5)),
        decided=Count("id", filter=~Q(state=TagState.SUGGESTED)))
    return Overview(
        consultation=consultation,
        run=latest_run(consultation),
        full_run=latest_full_run(consultation),
        responses=Response.objects.filter(consultation=consultation).count(),
        pending=responses_pending(consultation).count(),
        groups=agg["n"], grouped=agg["grouped"],
        ideas=Idea.objects.filter(consultation=consultation, merged_into=None,
                                  proposal_count__gt=0).count(),
        positions=Position.objects.filter(Q(idea__consultation=consultation)
                                          | Q(proposal__response__consultation=consultation))
        .count(),
        tags_pending=tags["pending"], tags_decided=tags["decided"],
    )


def consultations_with_analysis() -> QuerySet[Consultation]:
    return (Consultation.objects.annotate(
        runs=Count("analysis_runs", distinct=True),
        idea_count=Count("ideas", filter=Q(ideas__merged_into=None,
                                           ideas__proposal_count__gt=0), distinct=True))
        .order_by("-opens_at"))


# --- groups ----------------------------------------------------------------------------------
def groups_list(consultation: Consultation) -> QuerySet[ResponseGroup]:
    """Live groups (not merged away), largest first, with the canonical response's reference."""
    return (ResponseGroup.objects.filter(consultation=consultation, merged_into=None)
            .select_related("canonical").order_by("-size", "id"))


def group_detail(pk: int) -> ResponseGroup:
    return (ResponseGroup.objects.select_related("consultation", "canonical", "merged_into")
            .get(pk=pk))


def group_members(group: ResponseGroup) -> QuerySet[GroupMembership]:
    """Members with personal additions first (they are content), then the plain copies;
    respondents' organisations only (never a private person's name here)."""
    return (GroupMembership.objects.filter(group=group)
            .select_related("response__respondent", "decided_by")
            .annotate(has_additions=~Q(additions=""))
            .order_by("-has_additions", "state", "response__received_at", "response_id"))


def merge_candidates(group: ResponseGroup) -> QuerySet[ResponseGroup]:
    return (ResponseGroup.objects.filter(consultation_id=group.consultation_id, merged_into=None)
            .exclude(pk=group.pk).order_by("-size", "id"))


# --- tags ------------------------------------------------------------------------------------
def review_queue(consultation: Consultation, *, code: str = "") -> QuerySet[TagSuggestion]:
    """Undecided suggestions, least certain first (score nearest 0.5), as the engine's
    ``review_order`` orders them; ties in response order."""
    qs = (TagSuggestion.objects.filter(response__consultation=consultation,
                                       state=TagState.SUGGESTED)
          .select_related("response")
          .annotate(uncertainty=Abs(F("score") - Value(0.5)))
          .order_by("uncertainty", "response_id", "code"))
    if code:
        qs = qs.filter(code=code)
    return qs


def tag_codes(consultation: Consultation) -> list[tuple[str, str]]:
    """The codes the consultation's suggestions use, with their names."""
    from samskab.insights.tags import tag_label

    codes = (TagSuggestion.objects.filter(response__consultation=consultation)
             .values_list("code", flat=True).distinct().order_by("code"))
    return [(code, tag_label(code)) for code in codes]


@dataclass
class TagQuality:
    rows: list[Any]  # engine CodeEvaluation per code
    micro: Any
    decided: int
    confirmed: int
    rejected: int
    responses: int


def tag_quality(consultation: Consultation) -> TagQuality:
    """Precision and recall of the engine's suggestions (score ≥ 0.5, as shown when staff
    decided) against the staff's decisions so far, per code and overall (engine.evaluate).

    Only decided tags count: a confirmed tag the engine scored below 0.5 is a miss (recall),
    a rejected one it scored 0.5 or more a false alarm (precision)."""
    decided = (TagSuggestion.objects.filter(response__consultation=consultation)
               .exclude(state=TagState.SUGGESTED)
               .values_list("response_id", "code", "state", "score_at_decision", "score")
               .order_by("response_id", "code"))
    scores: dict[int, dict[str, float]] = defaultdict(dict)
    labels: dict[int, set[str]] = defaultdict(set)
    confirmed = rejected = 0
    for rid, code, state, at_decision, score in decided:
        scores[rid][code] = at_decision if at_decision is not None else score
        labels[rid]
        if state == TagState.CONFIRMED:
            labels[rid].add(code)
            confirmed += 1
        else:
            rejected += 1
    ids = sorted(scores)
    result = engine.evaluate([scores[i] for i in ids], [labels[i] for i in ids])
    from samskab.insights.tags import tag_label

    micro = result.pop("micro")
    rows = [{"label": tag_label(c), "support": r.support, "predicted": r.predicted,
             "true_positives": r.true_positives, "precision": r.precision, "recall": r.recall}
            for c, r in sorted(result.items())]
    return TagQuality(rows=rows, micro=micro,
                      decided=confirmed + rejected, confirmed=confirmed, rejected=rejected,
                      responses=len(ids))


# --- ideas -----------------------------------------------------------------------------------
def ideas_list(consultation: Consultation) -> QuerySet[Idea]:
    """Live ideas with at least one proposal, most responses first, with their position."""
    return (Idea.objects.filter(consultation=consultation, merged_into=None)
            .filter(Q(proposal_count__gt=0) | Q(position__isnull=False))
            .select_related("position", "representative", "label_by")
            .order_by("-response_count", "-proposal_count", "id"))


def idea_detail(pk: int) -> Idea:
    return (Idea.objects.select_related("consultation", "position", "position__decided_by",
                                        "merged_into", "representative", "label_by")
            .get(pk=pk))


def idea_proposals(idea: Idea) -> QuerySet[Proposal]:
    return (Proposal.objects.filter(idea=idea)
            .select_related("response__respondent", "attachment", "proposal_position")
            .order_by("response__received_at", "response_id", "position"))


def move_targets(consultation: Consultation) -> QuerySet[Idea]:
    return (Idea.objects.filter(consultation=consultation, merged_into=None)
            .only("pk", "label", "response_count").order_by("-response_count", "id"))


def respondent_label(response: Response) -> str:
    """What staff pages show for who sent a response: the organisation, a private person's
    name only with consent to publish it, otherwise the kind of respondent."""
    respondent = response.respondent
    if respondent.kind != RespondentKind.CITIZEN and respondent.organisation:
        return respondent.organisation
    if response.consent_publish_name and respondent.name:
        return respondent.name
    return str(RespondentKind(respondent.kind).label)


def set_aside_list(consultation: Consultation, *, reason: str = ""):
    """What the engine set aside as not a proposal and staff have not moved back, in response
    order (the staff page that lists it lets them move a segment back)."""
    from samskab.insights.models import SetAsideSegment

    qs = (SetAsideSegment.objects.filter(response__consultation=consultation,
                                         moved_back_at__isnull=True)
          .select_related("response").order_by("response_id", "start"))
    if reason:
        qs = qs.filter(reason=reason)
    return qs


def set_aside_counts(consultation: Consultation) -> dict[str, int]:
    """Segments not moved back, per reason."""
    from samskab.insights.models import SetAsideSegment

    rows = (SetAsideSegment.objects.filter(response__consultation=consultation,
                                           moved_back_at__isnull=True)
            .values("reason").annotate(n=Count("id")).order_by("reason"))
    return {r["reason"]: r["n"] for r in rows}
