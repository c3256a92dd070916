"""What the analysis adds to the workspace's response page and inbox, through the workspace's
extension points (``workspace/extensions.py``, ``workspace/selectors.register_inbox_filter``),
registered from ``InsightsConfig.ready()``.

Panels: the response text with its proposals marked and linked to their ideas, the tag
suggestions (confirm/reject for those who may), the group with the personal additions, and the
ideas with their positions. All four read one shared bundle, built once per response object in
four queries, so the page's query count stays bounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from samskab.insights.models import (
    AnalysedResponse,
    GroupMembership,
    Proposal,
    TagState,
    TagSuggestion,
)
from samskab.insights.tags import BASE_TAG_CODES, tag_label

VIEW = "insights.view_analysis"
CHANGE = "insights.change_analysis"


@dataclass
class Segment:
    text: str
    number: int | None = None
    proposal: Proposal | None = None


@dataclass
class Bundle:
    allowed: bool
    analysed: bool = False
    can_change: bool = False
    segments: list[Segment] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    attachment_proposals: list[Proposal] = field(default_factory=list)
    tags: list[TagSuggestion] = field(default_factory=list)
    membership: GroupMembership | None = None
    ideas: list[Any] = field(default_factory=list)


def _segments(text: str, proposals: list[Proposal]) -> list[Segment]:
    out, cursor = [], 0
    for n, p in enumerate(proposals, start=1):
        if p.start < cursor or p.end > len(text):
            continue
        if p.start > cursor:
            out.append(Segment(text[cursor:p.start]))
        out.append(Segment(text[p.start:p.end], n, p))
        cursor = p.end
    if cursor < len(text):
        out.append(Segment(text[cursor:]))
    return out


def bundle(response, user) -> Bundle:
    """Everything the panels show for ``response``, cached on the object for the request."""
    cached = getattr(response, "_insights_bundle", None)
    if cached is not None:
        return cached
    if not user.has_perm(VIEW):
        data = Bundle(allowed=False)
    else:
        data = Bundle(allowed=True, can_change=user.has_perm(CHANGE),
                      analysed=AnalysedResponse.objects.filter(response=response).exists())
        rows = list(Proposal.objects.filter(response=response)
                    .select_related("idea__position", "attachment", "proposal_position")
                    .order_by("position", "id"))
        data.proposals = [p for p in rows if p.attachment_id is None]
        data.attachment_proposals = [p for p in rows if p.attachment_id is not None]
        data.segments = _segments(response.text, data.proposals)
        data.tags = list(TagSuggestion.objects.filter(response=response)
                         .select_related("decided_by").order_by("-score", "code"))
        data.membership = (GroupMembership.objects.filter(response=response)
                           .select_related("group").first())
        seen: dict[int, Any] = {}
        for p in rows:
            if p.idea_id and p.idea_id not in seen:
                seen[p.idea_id] = p.idea
        data.ideas = list(seen.values())
    response._insights_bundle = data
    return data


def _context(response, user) -> dict[str, Any]:
    return {"b": bundle(response, user), "reference": response.reference}


def register() -> None:
    """Register the panels and the inbox's tag filter with the workspace."""
    from samskab.workspace import extensions, selectors

    for order, key in enumerate(("proposals", "tags", "group", "idea")):
        extensions.register_response_panel(extensions.ResponsePanel(
            key=key, template=f"insights/panels/{key}.html", context=_context,
            order=50 + order))
    selectors.register_inbox_filter(selectors.InboxFilter(
        "tag", _("Emnemærke"), tag_choices, tag_filter))


def tag_choices(consultation) -> list[tuple[str, str]]:
    """The OGP codes (no query: the inbox's query count stays as it is)."""
    return [(code, tag_label(code)) for code in BASE_TAG_CODES]


def tag_filter(qs: QuerySet, value: str) -> QuerySet:
    """Responses with tag ``value`` suggested (score 0.5 or more) or confirmed, not rejected."""
    if not value:
        return qs
    has = TagSuggestion.objects.filter(
        Q(state=TagState.CONFIRMED) | Q(state=TagState.SUGGESTED, score__gte=0.5),
        response=OuterRef("pk"), code=value)
    return qs.filter(Exists(has))


