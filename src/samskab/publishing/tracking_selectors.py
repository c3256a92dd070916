"""The public read model of implementation: plans out of drafting, their commitments, progress
history, forum log, assessments, similar commitments abroad, and the dashboards over published
data only (published responses; plans the public may read). Pages and downloads of
`tracking_views` read through these and nothing else."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from samskab.consultations.models import Consultation
from samskab.plans.models import ActionPlan, Commitment
from samskab.tracking import dashboards
from samskab.tracking.models import ForumMeeting, ProgressEvidence, SelfAssessment
from samskab.tracking.services import plan_forum_cadence


def public_plans() -> QuerySet[ActionPlan]:
    return ActionPlan.objects.public().order_by("-period_start", "id")


def public_plan(slug: str) -> ActionPlan:
    return get_object_or_404(public_plans(), slug=slug)


def public_commitment(pk: int) -> Commitment:
    return get_object_or_404(Commitment.objects.filter(plan__in=public_plans())
                             .select_related("plan", "lead_agency", "assessment"), pk=pk)


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
