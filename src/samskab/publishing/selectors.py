"""The public read model: the one door out (design.md, issue 9).

Everything the public sees about responses, respondents, proposals, ideas, groups and positions
is read here and nowhere else: the public pages, the public export, the høringsnotat, and any
future public output (API, bulk files, feeds). The rules, in one place:

- responses: only `Response.objects.public()` (published, consented to publication) of a
  published consultation whose deadline has passed, and only their *published version* (the
  staff's redactions applied), never the received text or an attachment's extracted text;
- respondents: organisations by name, private persons by name only with consent, else
  "Borger (reference)"; never an e-mail address or a postal address;
- every string that leaves passes `public_text`, which masks CPR numbers (all spellings),
  e-mail addresses and phone numbers once more, whatever staff decided upstream;
- engine-made text (idea labels, keywords, campaign labels) is never printed unchecked: an idea
  is named by the label staff gave it, else by its number; keywords that look like names or
  carry digits are dropped; campaigns are shown with the published text of one public member.

Nothing below `publishing` may import this module (import-linter); it imports what it reads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Case, Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext

from samskab.consultations import redaction
from samskab.consultations.models import (
    Attachment,
    Consultation,
    RespondentKind,
    Response,
    ResponseQuerySet,
)
from samskab.consultations.naming import public_name, public_name_expression
from samskab.insights.models import Idea, Position, PositionKind, Proposal, ResponseGroup
from samskab.workspace import redaction as finder
from samskab.workspace.models import (
    REDACTION_MASKS,
    InvitedPartyMatch,
    MatchState,
    PublishedVersion,
    Redaction,
    RedactionKind,
    RedactionState,
)

# --- what may leave ---------------------------------------------------------------------------


def public_text(text: str) -> str:
    """`text` with CPR numbers, e-mail addresses and phone numbers masked: the last screen
    every string passes on its way out."""
    return redaction.mask(text) if text else ""


def respondent_label(*, reference: str, kind: str, organisation: str, name: str,
                     consent_name: bool) -> str:
    """How a respondent is named in public (`consultations.naming.public_name`), and where
    nobody may be named, as a citizen with the response's reference."""
    named = public_name(kind=kind, organisation=organisation, name=name,
                        consent_name=consent_name).strip()
    return public_text(named) if named else f"Borger ({reference})"


def public_consultations() -> QuerySet[Consultation]:
    return Consultation.objects.published()


def public_consultation(slug: str) -> Consultation:
    """A published consultation (raises Consultation.DoesNotExist otherwise)."""
    return Consultation.objects.published().get(slug=slug)


def is_closed(consultation: Consultation) -> bool:
    return consultation.closes_at <= timezone.now()


def public_responses_qs(consultation: Consultation) -> QuerySet[Response]:
    """The responses of `consultation` the public may see: published, consented, with a
    published version, after the deadline. Empty before the deadline."""
    if not is_closed(consultation):
        return Response.objects.none()
    return Response.objects.public().filter(
        consultation=consultation, published_version__isnull=False,
    )


# --- published responses ----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicResponse:
    reference: str
    received_at: datetime
    kind: str
    kind_label: Any
    sender: str  # organisation (non-citizens) or a citizen's name given consent, else ""
    text: str
    redacted: bool
    channel: str = ""
    language: str = ""
    late: bool = False
    attachments: list[dict[str, Any]] = field(default_factory=list)


_ROW_FIELDS = ("id", "reference", "received_at", "respondent__kind", "respondent__organisation",
               "public_name", "published_version__text", "published_version__redaction_count",
               "channel", "language", "late", "status")


def published_responses(consultation: Consultation) -> QuerySet:
    """Published responses as value rows, oldest first, for paging; turn each into a
    PublicResponse with `public_response`. Selects the respondent's name only where the
    citizen consented (`consultations.naming`, in SQL), never the e-mail or the received text."""
    return (public_responses_qs(consultation).annotate(public_name=public_name_expression())
            .order_by("received_at", "id").values(*_ROW_FIELDS))


def public_response(row: dict[str, Any], attachments: list[dict[str, Any]] | None = None
                    ) -> PublicResponse:
    kind = row["respondent__kind"]
    sender = public_text((row["public_name"] or "").strip())
    return PublicResponse(
        reference=row["reference"],
        received_at=row["received_at"],
        kind=kind,
        kind_label=RespondentKind(kind).label,
        sender=sender,
        text=public_text(row["published_version__text"]),
        redacted=row["published_version__redaction_count"] > 0,
        channel=row["channel"], language=row["language"], late=row["late"],
        attachments=attachments or [],
    )


def _attachments_of(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Public facts about attachments: type, checksum and extraction status, never the file
    name (names often carry a person's name) nor the extracted text (it is inside the
    published version, redacted)."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(ids), 1000):
        for a in Attachment.objects.filter(response_id__in=ids[start:start + 1000]).values(
            "response_id", "mime_type", "sha256", "extraction_status", "ocr"
        ).order_by("id"):
            out[a["response_id"]].append(a)
    return out


def response_records(consultation: Consultation) -> Iterator[dict[str, Any]]:
    """The public export (contracts: Responses .jsonl, public form): published responses as
    published, organisation only for non-citizens, attachments as `bilag-n` without text."""
    rows = list(published_responses(consultation))
    attachments = _attachments_of([row["id"] for row in rows])
    for row in rows:
        r = public_response(row)
        yield {
            "id": r.reference,
            "reference": r.reference,
            "text": r.text,
            "respondent_kind": r.kind,
            "organisation": r.sender if r.kind != RespondentKind.CITIZEN else "",
            "received_at": timezone.localtime(r.received_at).isoformat(),
            "language": r.language,
            "channel": r.channel,
            "status": row["status"],
            "late": r.late,
            "attachments": [
                {"name": f"bilag-{i}", "mime": a["mime_type"], "sha256": a["sha256"],
                 "status": a["extraction_status"], "ocr": a["ocr"], "text": ""}
                for i, a in enumerate(attachments.get(row["id"], []), start=1)
            ],
        }


def _sender(prefix: str = "") -> Case:
    """The public name (`consultations.naming`) of the respondent of the response at
    `prefix`."""
    return public_name_expression(f"{prefix}respondent__", f"{prefix}consent_publish_name")


def source_proposals(*, idea_ids: list[int], proposal_ids: list[int]) -> list[dict[str, Any]]:
    """Proposals of public responses (not from attachments) in these ideas or with these ids,
    for the public pages of what a commitment came from: the sender as the public may see
    it, and the proposal's text only when it is unchanged in the published version (no
    masking inside or before it), else ""."""
    public = Response.objects.public().filter(published_version__isnull=False)
    rows = (Proposal.objects.filter(Q(idea_id__in=idea_ids) | Q(pk__in=proposal_ids),
                                    attachment__isnull=True, response__in=public)
            .annotate(sender=_sender("response__"))
            .values("pk", "idea_id", "start", "end", "text", "response__reference",
                    "response__respondent__kind", "sender", "response__consultation__slug",
                    "response__published_version__text")
            .order_by("response__received_at", "position"))
    out = []
    for row in rows:
        published = row.pop("response__published_version__text") or ""
        piece = published[row["start"]:row["end"]]
        row["text"] = public_text(piece) if piece == row["text"] else ""
        row["sender"] = public_text((row["sender"] or "").strip())
        out.append(row)
    return out


def source_responses(references: list[str]) -> list[dict[str, Any]]:
    """Whole public responses by reference (a commitment's direct sources): reference, kind,
    public sender and consultation, never the text."""
    rows = (Response.objects.public().filter(published_version__isnull=False,
                                             reference__in=references)
            .annotate(sender=_sender())
            .values("reference", "respondent__kind", "sender", "consultation__slug"))
    return [{**row, "sender": public_text((row["sender"] or "").strip())} for row in rows]


# --- ideas and positions ----------------------------------------------------------------------


def idea_label(label: str, label_by_id: int | None, number: int) -> str:
    """An idea's public name: the one staff gave it; the engine names ideas after their words,
    which can be a name from a signature, so an unnamed idea is called by its number."""
    if label_by_id and label.strip():
        return public_text(label.strip())
    return gettext("Idé nr. %(n)s fra høringen") % {"n": number}


def checked_keywords(keywords: list[str], private_names: set[str], published: list[str]
                     ) -> list[str]:
    """The engine's keywords that are safe to print. The engine finds them in the received
    texts, where they may come from a masked e-mail address, a signature or a response that is
    not public; so a keyword is printed only if it is a word of a published version of the
    idea's public responses, has no digits or '@', and is neither a common Danish first name
    nor part of a private respondent's name."""
    first_names = {n.casefold() for n in finder.COMMON_FIRST_NAMES}
    words = {w.casefold() for text in published for w in re.findall(r"\w+", text)}
    out = []
    for keyword in keywords:
        word = str(keyword).strip()
        parts = word.casefold().split()
        if (not parts or any(c.isdigit() for c in word) or "@" in word
                or any(p in first_names or p in private_names or p not in words
                       for p in parts)):
            continue
        out.append(word)
    return out


def private_name_parts(consultation: Consultation) -> set[str]:
    """The parts of every name a citizen gave without consent to publish it: words that must
    not appear in engine-made text that is printed (keywords)."""
    names = (Response.objects.filter(consultation=consultation)
             .exclude(consent_publish_name=True, respondent__kind=RespondentKind.CITIZEN)
             .exclude(respondent__name="").values_list("respondent__name", flat=True))
    return {part.casefold() for name in names for part in name.split() if len(part) >= 3}


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


def commitment_refs(position_ids: list[int]) -> dict[int, str]:
    """Position id → the commitments its input became ("DK0001 Title; …"), through the
    golden link (plans.CommitmentSource), in one query."""
    if not position_ids:
        return {}
    rows = (Position.objects.filter(pk__in=position_ids, commitment_sources__isnull=False)
            .values_list("pk", "commitment_sources__commitment__identifier",
                         "commitment_sources__commitment__title_da",
                         "commitment_sources__commitment__title_en")
            .order_by("pk", "commitment_sources__commitment__position"))
    english = (get_language() or "da")[:2] == "en"
    out: dict[int, list[str]] = defaultdict(list)
    for pk, identifier, title_da, title_en in rows:
        label = f"{identifier} {title_en if english and title_en else title_da}"
        if label not in out[pk]:
            out[pk].append(label)
    return {pk: public_text("; ".join(labels)) for pk, labels in out.items()}


def _public_response_q(prefix: str = "response__") -> Q:
    """The response at `prefix` is public (the one rule, `ResponseQuerySet.public_condition`)
    and has its published version."""
    return (ResponseQuerySet.public_condition(prefix)
            & Q(**{f"{prefix}published_version__isnull": False}))


def you_said_we_did(consultation: Consultation) -> YouSaidWeDid:
    """Every idea (and single proposal) with a position: how many responses raised it, which
    organisations (only from responses the public may see), and the position with its reasons.
    Reads idea labels, counts, position fields and organisations of public responses only."""
    position_cols = ("pk", "kind", "justification_da", "justification_en",
                     "existing_strategy")
    rows = list(Position.objects.filter(idea__consultation=consultation,
                                        idea__merged_into=None)
                .values("idea_id", "idea__label", "idea__label_by", "idea__response_count",
                        *position_cols)
                .order_by("-idea__response_count", "idea_id"))
    singles = list(Position.objects.filter(proposal__response__consultation=consultation)
                   .values("proposal_id", "proposal__response_id", *position_cols)
                   .order_by("proposal_id"))
    closed = is_closed(consultation)
    public = _public_response_q()
    idea_ids = [r["idea_id"] for r in rows]
    orgs: dict[int, set[str]] = defaultdict(set)
    public_counts: dict[int, int] = {}
    if closed:
        org_rows = (Proposal.objects.filter(public, idea_id__in=idea_ids)
                    .exclude(response__respondent__kind=RespondentKind.CITIZEN)
                    .exclude(response__respondent__organisation="")
                    .values_list("idea_id", "response__respondent__organisation").distinct())
        for idea_id, org in org_rows:
            orgs[idea_id].add(public_text(org.strip()))
        public_counts = dict(Proposal.objects.filter(public, idea_id__in=idea_ids)
                             .values("idea_id").annotate(n=Count("response_id", distinct=True))
                             .values_list("idea_id", "n"))
    labels = dict(PositionKind.choices)
    commitments = commitment_refs([r["pk"] for r in rows] + [s["pk"] for s in singles])
    out = YouSaidWeDid(consultation)
    for n, r in enumerate(rows, start=1):
        out.items.append(PublicIdea(
            label=idea_label(r["idea__label"], r["idea__label_by"], n),
            responses=r["idea__response_count"],
            organisations=sorted(orgs[r["idea_id"]], key=str.casefold),
            kind=r["kind"], kind_label=str(labels[r["kind"]]),
            justification_da=public_text(r["justification_da"]),
            justification_en=public_text(r["justification_en"]),
            commitment_ref=commitments.get(r["pk"], ""),
            existing_strategy=public_text(r["existing_strategy"]),
            public_responses=public_counts.get(r["idea_id"], 0),
            anchor=f"ide-{r['idea_id']}"))
    if singles:
        single_orgs = {}
        if closed:
            single_orgs = dict(
                Response.objects.public().filter(
                    pk__in=[s["proposal__response_id"] for s in singles],
                    published_version__isnull=False)
                .exclude(respondent__kind=RespondentKind.CITIZEN)
                .exclude(respondent__organisation="")
                .values_list("pk", "respondent__organisation"))
        for s in singles:
            org = single_orgs.get(s["proposal__response_id"])
            out.items.append(PublicIdea(
                label=gettext("Et enkelt forslag"), responses=1,
                organisations=[public_text(org.strip())] if org else [],
                kind=s["kind"], kind_label=str(labels[s["kind"]]),
                justification_da=public_text(s["justification_da"]),
                justification_en=public_text(s["justification_en"]),
                commitment_ref=commitments.get(s["pk"], ""),
                existing_strategy=public_text(s["existing_strategy"]), single=True,
                anchor=f"forslag-{s['proposal_id']}"))
    return out


@dataclass(frozen=True)
class PublicOutcome:
    """What became of a proposal of a published response: a link into the public page."""

    label: str
    kind_label: str
    url: str


def public_outcomes(consultation: Consultation, references: list[str]
                    ) -> dict[str, list[PublicOutcome]]:
    """For each public response (by reference), the positions its proposals met, linked to
    "Det sagde I – det gør vi" (the golden thread)."""
    if not references:
        return {}
    page = you_said_we_did(consultation)
    by_anchor = {item.anchor: item for item in page.items}
    base = reverse("published:you_said_we_did", args=[consultation.slug])
    rows = (Proposal.objects.filter(_public_response_q(), response__consultation=consultation,
                                    response__reference__in=references)
            .values_list("response__reference", "pk", "idea_id")
            .order_by("response_id", "position"))
    rows = list(rows)
    out: dict[str, list[PublicOutcome]] = defaultdict(list)
    for reference, proposal_id, idea_id in rows:
        for anchor in (f"forslag-{proposal_id}", f"ide-{idea_id}" if idea_id else ""):
            item = by_anchor.get(anchor)
            if item is not None:
                outcome = PublicOutcome(item.label, item.kind_label, f"{base}#{anchor}")
                if outcome not in out[reference]:
                    out[reference].append(outcome)
    for reference, outcome in _commitment_outcomes(rows):
        if outcome not in out[reference]:
            out[reference].append(outcome)
    return dict(out)


def _commitment_outcomes(rows: list[tuple[str, int, int | None]]
                         ) -> list[tuple[str, PublicOutcome]]:
    """The commitments of public action plans (not in drafting) that the responses' proposals
    led to, directly or through their idea, linked to the commitment's public page."""
    from django.urls import NoReverseMatch

    from samskab.plans.models import CommitmentSource

    if not rows:
        return []
    by_proposal = {pid: ref for ref, pid, _idea in rows}
    by_idea: dict[int, set[str]] = defaultdict(set)
    for ref, _pid, idea_id in rows:
        if idea_id:
            by_idea[idea_id].add(ref)
    links = (CommitmentSource.objects
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
        label = public_text(f"{identifier} {title_en if english and title_en else title_da}")
        outcome = PublicOutcome(label, gettext("Forpligtelse i handlingsplanen"), url)
        targets = {by_proposal[proposal_id]} if proposal_id else by_idea.get(idea_id, set())
        out.extend((ref, outcome) for ref in sorted(targets))
    return out


# --- what the høringsnotat reads --------------------------------------------------------------


@dataclass(frozen=True)
class NotatResponse:
    """One response as the notat may name it: published ones by their public label, the rest
    by reference and kind only."""

    reference: str
    kind: str
    channel: str
    received_at: datetime
    late: bool
    public: bool
    label: str  # "" for responses that are not public


def notat_responses(consultation: Consultation) -> list[NotatResponse]:
    """Every response that counts (all but rejected ones), by reference. The name of a citizen
    is selected only where they consented and the response is public."""
    public_ids = set(public_responses_qs(consultation).values_list("pk", flat=True))
    rows = (Response.objects.filter(consultation=consultation).exclude(status="rejected")
            .order_by("reference")
            .values_list("pk", "reference", "respondent__kind", "respondent__organisation",
                         "consent_publish_name", "received_at", "channel", "late"))
    names = dict(
        Response.objects.filter(pk__in=public_ids, consent_publish_name=True,
                                respondent__kind=RespondentKind.CITIZEN)
        .values_list("pk", "respondent__name"))
    out = []
    for pk, reference, kind, organisation, consent, received, channel, late in rows:
        public = pk in public_ids
        label = respondent_label(reference=reference, kind=kind, organisation=organisation,
                                 name=names.get(pk, ""), consent_name=consent) if public else ""
        out.append(NotatResponse(reference, kind, channel, received, late, public, label))
    return out


def party_replies(consultation: Consultation) -> list[tuple[str, bool]]:
    """The høringsliste: each invited party and whether staff confirmed a reply from it (the
    same figure as the workspace's høringsliste)."""
    confirmed = set(InvitedPartyMatch.objects.filter(
        party__consultation=consultation, state=MatchState.CONFIRMED,
    ).values_list("party_id", flat=True))
    return [(party.name, party.pk in confirmed)
            for party in consultation.invited_parties.all()]


@dataclass(frozen=True)
class PublicCampaign:
    label: str
    size: int
    excerpt: str


def campaigns(consultation: Consultation, *, excerpt_chars: int = 300) -> list[PublicCampaign]:
    """Form-letter campaigns with their size and, as the shared text, the published version of
    one public member (the canonical response if it is public). The engine's template and label
    are built from every member's received text and are never printed."""
    groups = list(ResponseGroup.objects.filter(consultation=consultation, merged_into=None,
                                               size__gte=2)
                  .order_by("-size", "id").values("id", "size", "canonical_id"))
    if not groups:
        return []
    public_ids = public_responses_qs(consultation)
    members = defaultdict(list)
    for group_id, response_id, text in (
        Response.objects.filter(pk__in=public_ids.values("pk"),
                                group_membership__group_id__in=[g["id"] for g in groups])
        .values_list("group_membership__group_id", "pk", "published_version__text")
        .order_by("pk")
    ):
        members[group_id].append((response_id, text))
    out = []
    for n, group in enumerate(groups, start=1):
        texts = members.get(group["id"], [])
        chosen = next((t for pk, t in texts if pk == group["canonical_id"]),
                      texts[0][1] if texts else "")
        excerpt = " ".join(public_text(chosen).split())
        if len(excerpt) > excerpt_chars:
            excerpt = excerpt[:excerpt_chars - 1].rstrip() + "…"
        out.append(PublicCampaign(gettext("Kampagne %(n)s") % {"n": n}, group["size"], excerpt))
    return out


@dataclass(frozen=True)
class NotatIdea:
    idea_id: int
    label: str
    keywords: list[str]
    references: list[str]  # every response that raised it
    quote: str  # from a public response's published version, or ""
    position_kind: str
    position_label: str
    justification: str
    changes: str


def _quote_of(proposal: Proposal, redactions: list[Redaction], published: str) -> str:
    """The proposal's text as published: its response's accepted redactions masked, and only
    if the result is literally part of the published version (so a quote never shows what
    was masked since)."""
    spans = [(r.start - proposal.start, r.end - proposal.start,
              REDACTION_MASKS[RedactionKind(r.kind)])
             for r in redactions
             if r.state == RedactionState.ACCEPTED and r.attachment_id == proposal.attachment_id
             and r.start < proposal.end and proposal.start < r.end]
    if any(start < 0 or end > len(proposal.text) for start, end, _ in spans):
        return ""  # a redaction crosses the proposal's edge: no clean quote
    quote = finder.apply_masks(proposal.text, spans).strip()
    if not quote or quote not in published:
        return ""
    return public_text(quote)


def notat_ideas(consultation: Consultation) -> list[NotatIdea]:
    """Every idea that responses raised, biggest first, with its public name, checked keywords,
    the references of the responses, a quote from a public response and its position."""
    ideas = list(Idea.objects.filter(consultation=consultation, merged_into=None)
                 .order_by("-response_count", "id")
                 .values("id", "label", "label_by_id", "keywords", "representative_id"))
    if not ideas:
        return []
    positions = {p.idea_id: p for p in Position.objects.filter(
        idea_id__in=[i["id"] for i in ideas])}
    references: dict[int, set[str]] = defaultdict(set)
    for idea_id, reference in Proposal.objects.filter(
        idea_id__in=[i["id"] for i in ideas]
    ).exclude(response__status="rejected").values_list("idea_id", "response__reference"):
        references[idea_id].add(reference)
    # Quote candidates: proposals of public responses, the representative first.
    public = public_responses_qs(consultation)
    candidates: dict[int, list[Proposal]] = defaultdict(list)
    for proposal in (Proposal.objects.filter(idea_id__in=[i["id"] for i in ideas],
                                             response__in=public.values("pk"))
                     .only("id", "idea_id", "response_id", "attachment_id", "start", "end",
                           "text").order_by("id")):
        candidates[proposal.idea_id].append(proposal)
    response_ids = {p.response_id for ps in candidates.values() for p in ps}
    redactions: dict[int, list[Redaction]] = defaultdict(list)
    for r in Redaction.objects.filter(response_id__in=response_ids, state=RedactionState.ACCEPTED):
        redactions[r.response_id].append(r)
    published = dict(PublishedVersion.objects.filter(response_id__in=response_ids)
                     .values_list("response_id", "text"))
    private_names = private_name_parts(consultation)
    commitments = commitment_refs([p.pk for p in positions.values()])
    kinds = dict(PositionKind.choices)
    out = []
    number = 0
    for idea in ideas:
        refs = sorted(references.get(idea["id"], ()))
        if not refs:
            continue
        number += 1
        ordered = sorted(candidates.get(idea["id"], []),
                         key=lambda p, rep=idea["representative_id"]: (p.id != rep, p.id))
        quote = ""
        for proposal in ordered[:20]:
            quote = _quote_of(proposal, redactions[proposal.response_id],
                              published.get(proposal.response_id, ""))
            if quote:
                break
        position = positions.get(idea["id"])
        texts = [published.get(p.response_id, "") for p in ordered]
        out.append(NotatIdea(
            idea_id=idea["id"],
            label=idea_label(idea["label"], idea["label_by_id"], number),
            keywords=checked_keywords(list(idea["keywords"] or [])[:6], private_names, texts),
            references=refs, quote=quote,
            position_kind=position.kind if position else "",
            position_label=str(kinds.get(position.kind, "")) if position else "",
            justification=public_text(position.justification_da) if position else "",
            changes=(commitments.get(position.pk) or public_text(position.existing_strategy))
            if position else "",
        ))
    return out


def ideas_without_position(consultation: Consultation) -> QuerySet[Idea]:
    """Ideas that responses raised and staff have not yet answered: the notat cannot be
    published while there are any."""
    return (Idea.objects.filter(consultation=consultation, merged_into=None,
                                position__isnull=True)
            .annotate(n=Coalesce(Count("proposals__response", distinct=True), 0))
            .filter(n__gt=0).order_by("n", "id"))
