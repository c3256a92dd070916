"""Reads for the plan editor's pages (staff). Public reads of plans live in publishing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from samskab.insights.models import Idea
from samskab.plans.exports import commitments_queryset
from samskab.plans.models import ActionPlan, Commitment, PlanComment
from samskab.plans.rules_ogp import Finding, cosine, stems, tfidf_vectors
from samskab.plans.services import findings_by_commitment, plan_findings


@dataclass
class CommitmentRow:
    commitment: Commitment
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(f.level == "ERROR" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.level == "WARNING" for f in self.findings)


@dataclass
class PlanOverview:
    plan: ActionPlan
    plan_findings: list[Finding]
    rows: list[CommitmentRow]

    @property
    def errors(self) -> int:
        return sum(f.level == "ERROR" for f in self.plan_findings) + sum(
            r.errors for r in self.rows)

    @property
    def warnings(self) -> int:
        return sum(f.level == "WARNING" for f in self.plan_findings) + sum(
            r.warnings for r in self.rows)


def plan_overview(plan: ActionPlan) -> PlanOverview:
    """The plan with each commitment's findings (a fixed number of queries)."""
    commitments = list(commitments_queryset(plan).annotate(
        source_count=Count("sources", distinct=True)))
    plan_level, per = findings_by_commitment(plan_findings(plan))
    return PlanOverview(plan, plan_level,
                        [CommitmentRow(c, per.get(i, [])) for i, c in enumerate(commitments)])


def commitment_index(commitment: Commitment) -> int:
    """The commitment's place in its plan's export (the `commitments[i]` of its findings)."""
    ids = list(commitment.plan.commitments.values_list("pk", flat=True))
    return ids.index(commitment.pk) if commitment.pk in ids else len(ids)


def candidate_ideas(plan: ActionPlan) -> QuerySet[Idea]:
    """Ideas a plan's commitments may be traced to: those of the plan's consultation (every
    consultation's when the plan names none), never ones merged into another."""
    qs = Idea.objects.filter(merged_into=None)
    if plan.consultation_id:
        qs = qs.filter(consultation_id=plan.consultation_id)
    return qs


def idea_search(plan: ActionPlan, query: str, limit: int = 30) -> list[Idea]:
    query = " ".join(query.split())
    if not query:
        return []
    qs = candidate_ideas(plan).filter(
        Q(label__icontains=query) | Q(proposals__text__icontains=query)).distinct()
    return list(qs.select_related("position").order_by("-response_count", "id")[:limit])


def idea_suggestions(commitment: Commitment, limit: int = 10,
                     pool: int = 2000) -> list[tuple[Idea, float]]:
    """The ideas most like the commitment's text that no commitment answers yet (TF-IDF
    cosine of stems, the rules engine's measure), best first. Looks at the `pool` largest
    untraced ideas, which bounds the work on very large consultations."""
    text = " ".join([commitment.title_da, commitment.problem_da, commitment.description_da])
    ideas = list(candidate_ideas(commitment.plan)
                 .filter(commitment_sources__isnull=True)
                 .select_related("representative", "position")
                 .order_by("-response_count", "id")[:pool])
    if not ideas or not text.strip():
        return []
    docs = [stems(text)] + [
        stems(" ".join([i.label, " ".join(i.keywords or []),
                         i.representative.text if i.representative else ""])) for i in ideas]
    vecs = tfidf_vectors(docs)
    scored = [(idea, cosine(vecs[0], v)) for idea, v in zip(ideas, vecs[1:], strict=True)]
    scored = [s for s in scored if s[1] > 0]
    scored.sort(key=lambda s: (-s[1], -s[0].response_count, s[0].pk))
    return scored[:limit]


def version_comments(plan: ActionPlan) -> QuerySet[PlanComment]:
    return (PlanComment.objects.filter(version__plan=plan)
            .select_related("version", "response").order_by("-response__received_at"))
