"""The action plan as the public may read it, and where each commitment came from.

A plan is public once it has left the drafting table; the public reads the latest *version*
(the immutable snapshot in the contract's format: the draft put out for comment, or the
adopted plan), never the editor's unsaved working copy. Consultation input behind a
commitment is read only from published responses' published versions
(`commitment_public_sources`, through publishing's read model, `publishing.selectors`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samskab.consultations.models import RespondentKind
from samskab.core.models import GrandChallenge, OgpValue
from samskab.insights.models import Idea
from samskab.plans.models import ActionPlan, PlanStatus, PlanVersion
from samskab.plans.services import paragraphs
from samskab.publishing import selectors

TEXT_FIELDS = ("problem", "description", "how_it_helps", "relevance", "ambition")


def public_plans():
    return ActionPlan.objects.public().order_by("-period_start", "id")


def public_plan(slug: str) -> tuple[ActionPlan, PlanVersion]:
    """The plan and the version the public reads; DoesNotExist for drafts and unknown slugs."""
    plan = ActionPlan.objects.public().get(slug=slug)
    version = plan.versions.order_by("-number").first()
    if version is None:
        raise ActionPlan.DoesNotExist(slug)
    return plan, version


def _english() -> bool:
    return (get_language() or "da")[:2] == "en"


def localised(obj: dict, name: str) -> str:
    """A text field of a snapshot object in the active language (Danish when not entered)."""
    if _english():
        english = ((obj.get("translations") or {}).get("en") or {}).get(name)
        if english:
            return english
    return obj.get(name) or ""


@dataclass
class Paragraph:
    anchor: str  # "problem.2"
    text: str

    @property
    def html_id(self) -> str:
        return self.anchor.replace(".", "-")


@dataclass
class Section:
    name: str
    label: str
    paragraphs: list[Paragraph]


@dataclass
class PublicCommitment:
    data: dict[str, Any]
    title: str
    sections: list[Section]
    values: list[str]
    challenges: list[str]
    milestones: list[dict[str, Any]]

    @property
    def identifier(self) -> str:
        return self.data["id"]


def section_labels() -> dict[str, str]:
    return {"problem": _("Problemet"), "description": _("Hvad forpligtelsen er"),
            "how_it_helps": _("Hvordan den løser problemet"),
            "relevance": _("Relevans for OGP's værdier"), "ambition": _("Ambition")}


def public_commitments(snapshot: dict) -> list[PublicCommitment]:
    values = {v.code: v.title for v in OgpValue.objects.all()}
    challenges = {g.code: str(g) for g in GrandChallenge.objects.all()}
    labels = section_labels()
    out = []
    for c in snapshot.get("commitments") or []:
        sections = [Section(name, labels[name],
                            [Paragraph(f"{name}.{n}", text)
                             for n, text in enumerate(paragraphs(localised(c, name)), 1)])
                    for name in TEXT_FIELDS]
        milestones = [{**m, "title_shown": localised(m, "title"),
                       "deliverable_shown": localised(m, "deliverable")}
                      for m in c.get("milestones") or []]
        out.append(PublicCommitment(
            data=c, title=localised(c, "title"),
            sections=[s for s in sections if s.paragraphs],
            values=[values.get(v, v) for v in c.get("ogp_values") or []],
            challenges=[challenges.get(g, g) for g in c.get("grand_challenges") or []],
            milestones=milestones))
    return out


# --- "Hvor kommer det fra?" -------------------------------------------------------------------

@dataclass
class PublicProposal:
    reference: str
    sender: str
    kind_label: str
    text: str  # from the published version; "" when it cannot be cut out of it unchanged
    consultation_slug: str


@dataclass
class PublicSource:
    label: str
    responses: int
    proposals: list[PublicProposal] = field(default_factory=list)


def commitment_public_sources(snapshot_commitment: dict) -> list[PublicSource]:
    """The ideas and the published proposals behind one commitment of a public version.

    Reads through the public read model (`publishing.selectors.source_proposals` and
    `source_responses`: published responses and their published versions only):
    a proposal's text is cut from the published version at the proposal's offsets and shown
    only when it is the proposal unchanged (no masking inside or before it); otherwise only the
    reference is shown. An idea's name is shown only when staff gave it (the engine may name
    an idea after a person's signature). Never selects names without consent, e-mail or the
    original text for display."""
    sources = snapshot_commitment.get("sources") or []
    idea_ids = [int(s["idea"]) for s in sources if str(s.get("idea") or "").isdigit()]
    proposal_ids = [int(s["proposal"]) for s in sources
                    if str(s.get("proposal") or "").isdigit()]
    references = [s["response"] for s in sources
                  if s.get("response") and not s.get("proposal") and not s.get("idea")]
    rows = selectors.source_proposals(idea_ids=idea_ids, proposal_ids=proposal_ids)
    by_idea: dict[int | None, list[PublicProposal]] = defaultdict(list)
    for r in rows:
        key = r["idea_id"] if r["idea_id"] in idea_ids else None
        by_idea[key].append(PublicProposal(
            reference=r["response__reference"], sender=r["sender"],
            kind_label=str(RespondentKind(r["response__respondent__kind"]).label),
            text=r["text"], consultation_slug=r["response__consultation__slug"]))
    out: list[PublicSource] = []
    ideas = {i.pk: i for i in Idea.objects.filter(pk__in=idea_ids)}
    for n, idea_id in enumerate(idea_ids, 1):
        idea = ideas.get(idea_id)
        if idea is None:
            continue
        label = idea.label if idea.label_by_id else _("Idé nr. %(n)s fra høringen") % {"n": n}
        out.append(PublicSource(label, idea.response_count, by_idea.get(idea_id, [])))
    if by_idea.get(None):
        out.append(PublicSource(_("Enkelte forslag"), len(by_idea[None]), by_idea[None]))
    if references:
        direct = selectors.source_responses(references)
        items = [PublicProposal(r["reference"], r["sender"],
                                str(RespondentKind(r["respondent__kind"]).label), "",
                                r["consultation__slug"]) for r in direct]
        if items:
            out.append(PublicSource(_("Hele høringssvar"), len(items), items))
    return out



def plan_is_open_for_comment(plan: ActionPlan, version: PlanVersion) -> bool:
    consultation = version.comment_consultation
    return (plan.status == PlanStatus.PUBLIC_COMMENT and consultation is not None
            and consultation.is_open)
