"""The public read model of implementation: plans out of drafting, their commitments, progress
history, forum log, assessments, similar commitments abroad, and the dashboards over published
data only (published responses; plans the public may read). Pages and downloads of
`tracking_views` read through these and nothing else."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from samskab.consultations.models import Consultation
from samskab.plans.models import ActionPlan, Commitment, CommitmentSource, Milestone
from samskab.publishing import selectors
from samskab.tracking import dashboards
from samskab.tracking.models import (
    Assessment,
    ForumMeeting,
    ProgressEvidence,
    ProgressUpdate,
    SelfAssessment,
)
from samskab.tracking.services import plan_forum_cadence


def public_plans() -> QuerySet[ActionPlan]:
    return ActionPlan.objects.public().order_by("-period_start", "id")


def public_plan(slug: str) -> ActionPlan:
    return get_object_or_404(public_plans(), slug=slug)


def public_commitment(pk: int) -> Commitment:
    return get_object_or_404(Commitment.objects.filter(plan__in=public_plans())
                             .select_related("plan", "lead_agency", "assessment"), pk=pk)


def public_commitments(plan: ActionPlan) -> QuerySet[Commitment]:
    """A public plan's commitments in the plan's order."""
    return plan.commitments.select_related("plan", "lead_agency").order_by("position", "id")


def public_milestones(plan: ActionPlan) -> QuerySet[Milestone]:
    """A public plan's milestones, by commitment and in each commitment's order."""
    return (Milestone.objects.filter(commitment__plan=plan).select_related("commitment")
            .order_by("commitment__position", "commitment_id", "position", "id"))


def public_progress(plan: ActionPlan) -> QuerySet[ProgressUpdate]:
    """Progress reported on a public plan's milestones, oldest first (who reported it is not
    public: read `reporter` nowhere from this)."""
    return (ProgressUpdate.objects.filter(milestone__commitment__plan=plan)
            .select_related("milestone__commitment").prefetch_related("evidence")
            .order_by("reported_on", "id"))


def public_assessments(plan: ActionPlan) -> QuerySet[Assessment]:
    """The assessments of a public plan's commitments, in the plan's order."""
    return (Assessment.objects.filter(commitment__plan=plan).select_related("commitment")
            .order_by("commitment__position", "commitment_id"))


def public_commitment_sources(commitment_ids: list[int]) -> list[dict[str, Any]]:
    """The golden link of these commitments, only as far as the public read model shows it:
    ideas and proposals of public responses, whole public responses. One row a visible link:
    `id` (of the link), `commitment`, `idea`, `proposal`, `response` (reference) and
    `consultation` (slug), in the commitments' and links' order."""
    links = list(CommitmentSource.objects.filter(commitment_id__in=commitment_ids)
                 .values("id", "commitment_id", "idea_id", "proposal_id",
                         "response__reference").order_by("commitment_id", "id"))
    proposals = {r["pk"]: r for r in selectors.source_proposals(
        idea_ids=[x["idea_id"] for x in links if x["idea_id"]],
        proposal_ids=[x["proposal_id"] for x in links if x["proposal_id"]])}
    public_ideas = {r["idea_id"]: r["response__consultation__slug"]
                    for r in proposals.values() if r["idea_id"]}
    responses = {r["reference"]: r["consultation__slug"] for r in selectors.source_responses(
        [x["response__reference"] for x in links if x["response__reference"]])}
    out = []
    for x in links:
        row = None
        if x["proposal_id"] in proposals:
            p = proposals[x["proposal_id"]]
            row = {"idea": p["idea_id"], "proposal": p["pk"],
                   "response": p["response__reference"],
                   "consultation": p["response__consultation__slug"]}
        elif x["idea_id"] and not x["proposal_id"] and x["idea_id"] in public_ideas:
            row = {"idea": x["idea_id"], "proposal": None, "response": None,
                   "consultation": public_ideas[x["idea_id"]]}
        elif (x["response__reference"] in responses and not x["proposal_id"]
              and not x["idea_id"]):
            row = {"idea": None, "proposal": None, "response": x["response__reference"],
                   "consultation": responses[x["response__reference"]]}
        if row:
            out.append({"id": x["id"], "commitment": x["commitment_id"], **row})
    return out


def public_plan_dashboard(plan: ActionPlan) -> dashboards.Dashboard:
    return dashboards.plan_dashboard(plan)


def public_forum(plan: ActionPlan):
    meetings = ForumMeeting.objects.filter(plan=plan).order_by("held_on", "id")
    return meetings, plan_forum_cadence(plan)


def public_consultation(slug: str) -> Consultation:
    """A consultation the public can see (published)."""
    return get_object_or_404(Consultation, slug=slug, published_at__lte=timezone.now())


def public_consultation_dashboard(consultation: Consultation) -> dashboards.Dashboard:
    """Counted over published responses only."""
    return dashboards.consultation_dashboard(consultation, "public")


def public_evidence(pk: int, sha256: str) -> ProgressEvidence:
    return get_object_or_404(ProgressEvidence.objects.filter(
        update__milestone__commitment__plan__in=public_plans()), pk=pk, sha256=sha256)


def public_self_assessments(plan: ActionPlan) -> QuerySet[SelfAssessment]:
    return SelfAssessment.objects.filter(plan=plan).select_related("consultation")


def public_self_assessment(pk: int) -> SelfAssessment:
    return get_object_or_404(SelfAssessment.objects.filter(plan__in=public_plans())
                             .select_related("plan"), pk=pk)
