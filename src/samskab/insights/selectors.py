"""Reads for the analysis pages, in few queries (style rules 2 and 7).

``public_you_said_we_did`` is the one door out of this app: it selects only public fields
(idea names, counts, organisation names of organisations' responses the public may see, the
positions) and never a respondent's name, e-mail or a response's text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
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


# --- the public page -------------------------------------------------------------------------
@dataclass
class PublicIdea:
    label: str
    responses: int
    organisations: list[str]
    kind: str
    kind_label: str
    justification_da: str
    justification_en: str
    commitment_ref: str
    existing_strategy: str
    public_responses: int = 0
    single: bool = False
    anchor: str = ""

    @property
    def justification(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "da")[:2] == "en" and self.justification_en:
            return self.justification_en
        return self.justification_da


@dataclass
class YouSaidWeDid:
    consultation: Consultation
    items: list[PublicIdea] = field(default_factory=list)


def _commitment_refs(position_ids: list[int]) -> dict[int, str]:
    """Position id → the commitments its input became ("DK0001 Title; …"), read through the
    golden link's reverse relation (plans sits above this app and is not imported)."""
    if not position_ids:
        return {}
    rows = (Position.objects.filter(pk__in=position_ids, commitment_sources__isnull=False)
            .values_list("pk", "commitment_sources__commitment__identifier",
                         "commitment_sources__commitment__title_da",
                         "commitment_sources__commitment__title_en")
            .order_by("pk", "commitment_sources__commitment__position"))
    from django.utils.translation import get_language

    english = (get_language() or "da")[:2] == "en"
    out: dict[int, list[str]] = defaultdict(list)
    for pk, identifier, title_da, title_en in rows:
        label = f"{identifier} {title_en if english and title_en else title_da}"
        if label not in out[pk]:
            out[pk].append(label)
    return {pk: "; ".join(labels) for pk, labels in out.items()}


def public_consultation(slug: str) -> Consultation:
    return Consultation.objects.published().get(slug=slug)


def public_you_said_we_did(consultation: Consultation) -> YouSaidWeDid:
    """Every idea (and single proposal) with a position: how many responses raised it, which
    organisations (only from responses the public may see), and the position with its reasons.

    Reads only these columns: idea label, counts, position fields, and for organisations the
    respondent's kind and organisation of public responses — never a name, an e-mail or text.
    """
    from samskab.consultations.models import ResponseStatus
    from samskab.insights.models import PositionKind

    position_cols = ("pk", "kind", "justification_da", "justification_en", "existing_strategy")
    rows = list(Position.objects.filter(idea__consultation=consultation,
                                        idea__merged_into=None)
                .values("idea_id", "idea__label", "idea__label_by", "idea__response_count",
                        *position_cols)
                .order_by("-idea__response_count", "idea_id"))
    singles = list(Position.objects.filter(proposal__response__consultation=consultation)
                   .values("proposal_id", "proposal__response_id", *position_cols)
                   .order_by("proposal_id"))
    public = Q(response__status=ResponseStatus.PUBLISHED,
               response__consent_publish_response=True)
    org_rows = (Proposal.objects.filter(public, idea_id__in=[r["idea_id"] for r in rows])
                .exclude(response__respondent__kind=RespondentKind.CITIZEN)
                .exclude(response__respondent__organisation="")
                .values_list("idea_id", "response__respondent__organisation")
                .distinct())
    orgs: dict[int, set[str]] = defaultdict(set)
    for idea_id, org in org_rows:
        orgs[idea_id].add(org)
    public_counts = dict(Proposal.objects.filter(public, idea_id__in=[r["idea_id"]
                                                                       for r in rows])
                         .values("idea_id")
                         .annotate(n=Count("response_id", distinct=True))
                         .values_list("idea_id", "n"))
    labels = dict(PositionKind.choices)
    commitments = _commitment_refs([r["pk"] for r in rows] + [s["pk"] for s in singles])
    out = YouSaidWeDid(consultation)
    for n, r in enumerate(rows, start=1):
        # The engine names an idea after its words, which can be a person's name from a
        # signature: only a name staff gave it is published.
        label = r["idea__label"] if r["idea__label_by"] else _unnamed_label(n)
        out.items.append(PublicIdea(
            label=label, responses=r["idea__response_count"],
            organisations=sorted(orgs[r["idea_id"]], key=str.casefold),
            kind=r["kind"], kind_label=str(labels[r["kind"]]),
            justification_da=r["justification_da"], justification_en=r["justification_en"],
            commitment_ref=commitments.get(r["pk"], ""), existing_strategy=r["existing_strategy"],
            public_responses=public_counts.get(r["idea_id"], 0),
            anchor=f"ide-{r['idea_id']}"))
    if singles:
        single_orgs = dict(
            Response.objects.filter(pk__in=[s["proposal__response_id"] for s in singles],
                                    status=ResponseStatus.PUBLISHED,
                                    consent_publish_response=True)
            .exclude(respondent__kind=RespondentKind.CITIZEN)
            .exclude(respondent__organisation="")
            .values_list("pk", "respondent__organisation"))
        for s in singles:
            org = single_orgs.get(s["proposal__response_id"])
            out.items.append(PublicIdea(
                label=str(_single_label()), responses=1, organisations=[org] if org else [],
                kind=s["kind"], kind_label=str(labels[s["kind"]]),
                justification_da=s["justification_da"],
                justification_en=s["justification_en"],
                commitment_ref=commitments.get(s["pk"], ""),
                existing_strategy=s["existing_strategy"], single=True,
                anchor=f"forslag-{s['proposal_id']}"))
    return out


@dataclass(frozen=True)
class PublicOutcome:
    """What became of a proposal of a published response: a link into the public page."""

    label: str
    kind_label: str
    url: str


def public_outcomes(consultation: Consultation, response_ids: list[int]
                    ) -> dict[int, list[PublicOutcome]]:
    """For each response the public may see, the positions its proposals met (through their
    idea, or on the proposal alone), linked to "Det sagde I – det gør vi" — for the pages that
    show published responses. Same public fields as the page itself."""
    from django.urls import reverse

    from samskab.consultations.models import ResponseStatus

    page = public_you_said_we_did(consultation)
    by_anchor = {item.anchor: item for item in page.items}
    base = reverse("insights_public:you_said_we_did", args=[consultation.slug])
    rows = (Proposal.objects.filter(response_id__in=response_ids,
                                    response__consultation=consultation,
                                    response__status=ResponseStatus.PUBLISHED,
                                    response__consent_publish_response=True)
            .values_list("response_id", "pk", "idea_id").order_by("response_id", "position"))
    rows = list(rows)
    out: dict[int, list[PublicOutcome]] = defaultdict(list)
    for response_id, proposal_id, idea_id in rows:
        for anchor in (f"forslag-{proposal_id}", f"ide-{idea_id}" if idea_id else ""):
            item = by_anchor.get(anchor)
            if item is not None:
                outcome = PublicOutcome(item.label, item.kind_label, f"{base}#{anchor}")
                if outcome not in out[response_id]:
                    out[response_id].append(outcome)
    for response_id, outcome in _public_commitment_outcomes(rows):
        if outcome not in out[response_id]:
            out[response_id].append(outcome)
    return dict(out)


def _public_commitment_outcomes(rows: list[tuple[int, int, int | None]]
                                ) -> list[tuple[int, PublicOutcome]]:
    """The commitments of public action plans that the responses' proposals (directly, or
    through their idea) led to, linked to the commitment's public page. Read through the
    golden link's reverse relations; plans sits above this app and is not imported."""
    from django.db.models import Q
    from django.urls import NoReverseMatch, reverse
    from django.utils.translation import get_language, gettext

    if not rows:
        return []
    by_proposal = {pid: rid for rid, pid, _idea in rows}
    by_idea: dict[int, set[int]] = defaultdict(set)
    for rid, _pid, idea_id in rows:
        if idea_id:
            by_idea[idea_id].add(rid)
    from django.apps import apps

    links = (apps.get_model("plans", "CommitmentSource").objects
             .filter(Q(proposal_id__in=list(by_proposal)) | Q(idea_id__in=list(by_idea)))
             .exclude(commitment__plan__status="drafting")
             .values_list("proposal_id", "idea_id", "commitment__identifier",
                          "commitment__title_da", "commitment__title_en",
                          "commitment__plan__slug")
             .order_by("commitment__plan__slug", "commitment__position"))
    english = (get_language() or "da")[:2] == "en"
    out = []
    for proposal_id, idea_id, identifier, title_da, title_en, slug in links:
        try:
            url = reverse("plans_public:commitment", args=[slug, identifier])
        except NoReverseMatch:
            continue
        outcome = PublicOutcome(f"{identifier} {title_en if english and title_en else title_da}",
                                gettext("Forpligtelse i handlingsplanen"), url)
        targets = {by_proposal[proposal_id]} if proposal_id else by_idea.get(idea_id, set())
        out.extend((rid, outcome) for rid in sorted(targets))
    return out


def _unnamed_label(n: int) -> str:
    from django.utils.translation import gettext

    return gettext("Idé nr. %(n)s fra høringen") % {"n": n}


def _single_label():
    from django.utils.translation import gettext

    return gettext("Et enkelt forslag")



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
