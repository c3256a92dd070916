"""An action plan as the contract's JSON dict (action-plan.schema.json), and back to rows.

`plan_as_dict` is what `samskab plan export` writes, what a PlanVersion stores and what the
rules engine reads, so the editor's findings, the file's and the version's are the same.

One addition to the contract's fields, optional and ignored by readers that do not know it:
``translations: {"en": {field: text}}`` on the plan, each commitment and each milestone,
carrying the English text beside the plan's own language. A contact's ``department`` is kept
the same way, inside ``contact``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from samskab.plans.models import ActionPlan, Commitment, Milestone, StrategyInitiative
from samskab.plans.rules_ogp import Initiative

FORMAT = "samskab.action-plan/1"
COMMITMENT_TEXTS = ("title", "problem", "description", "how_it_helps", "relevance", "ambition")
MILESTONE_TEXTS = ("title", "deliverable")


def _period(start, end) -> dict[str, str]:
    out = {}
    if start:
        out["start"] = start.isoformat()
    if end:
        out["end"] = end.isoformat()
    return out


def _translations(obj, fields: Iterable[str]) -> dict[str, Any]:
    english = {f: getattr(obj, f"{f}_en") for f in fields if getattr(obj, f"{f}_en")}
    return {"translations": {"en": english}} if english else {}


def milestone_as_dict(m: Milestone) -> dict[str, Any]:
    out: dict[str, Any] = {"id": m.identifier, "title": m.title_da,
                           "deliverable": m.deliverable_da}
    if m.start:
        out["start"] = m.start.isoformat()
    if m.end:
        out["end"] = m.end.isoformat()
    out.update({"new": m.new, "status": m.status})
    out.update(_translations(m, MILESTONE_TEXTS))
    return out


def source_as_dict(s) -> dict[str, str]:
    if s.idea_id:
        return {"idea": str(s.idea_id)}
    if s.proposal_id:
        return {"proposal": str(s.proposal_id), "response": s.proposal.response.reference}
    return {"response": s.response.reference}


def commitment_as_dict(c: Commitment) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.identifier}
    out.update({f: getattr(c, f"{f}_da") for f in COMMITMENT_TEXTS})
    out["grand_challenges"] = sorted(g.code for g in c.grand_challenges.all())
    out["ogp_values"] = sorted(v.code for v in c.ogp_values.all())
    out["themes"] = list(c.themes or [])
    out["lead_agency"] = c.lead_agency.name if c.lead_agency_id else ""
    out["contact"] = {"name": c.contact_name, "title": c.contact_title,
                      "department": c.contact_department, "email": c.contact_email,
                      "phone": c.contact_phone}
    out["other_actors"] = {"government": list(c.actors_government or []),
                           "civil_society": list(c.actors_civil_society or []),
                           "private_sector": list(c.actors_private_sector or [])}
    out["new_initiative"] = c.new_initiative
    out["existing_strategy"] = (c.existing_strategy.label if c.existing_strategy_id
                                else c.existing_strategy_text)
    out["period"] = _period(c.period_start, c.period_end)
    out["budget"] = c.budget
    out["milestones"] = [milestone_as_dict(m) for m in c.milestones.all()]
    out["sources"] = [source_as_dict(s) for s in c.sources.all()]
    out.update(_translations(c, COMMITMENT_TEXTS))
    return out


def commitments_queryset(plan: ActionPlan):
    return (plan.commitments.select_related("lead_agency", "existing_strategy__strategy")
            .prefetch_related("grand_challenges", "ogp_values", "milestones",
                              "sources__proposal__response", "sources__response"))


def plan_as_dict(plan: ActionPlan) -> dict[str, Any]:
    """The plan in the contract's format (a fixed number of queries, whatever its size)."""
    out: dict[str, Any] = {
        "format": FORMAT, "country": plan.country, "title": plan.title_da,
        "language": plan.language, "period": _period(plan.period_start, plan.period_end),
        "status": plan.status, "uses_grand_challenges": plan.uses_grand_challenges,
    }
    if plan.consultation_id:
        out["consultation"] = plan.consultation.slug
    out.update(_translations(plan, ("title",)))
    out["commitments"] = [commitment_as_dict(c) for c in commitments_queryset(plan)]
    return out


def initiatives_for_rules() -> list[Initiative]:
    """Every imported strategy initiative, as the rules engine reads them."""
    return [Initiative(label=i.label, title=i.title, text=i.text)
            for i in StrategyInitiative.objects.select_related("strategy")]
