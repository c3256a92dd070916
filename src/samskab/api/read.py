"""The read API (issue 14): the whole public process as JSON under /api/v1/read/.

Every answer is read through the public read model (`samskab.publishing.selectors` for
consultations, responses, ideas, positions and campaigns; `publishing.tracking_selectors` for
plans, commitments, milestones, progress, assessments and forum meetings) and every string
passes `selectors.public_text` on its way out. The OpenAPI 3.1 description is generated from
this module by django-ninja; `read_urls` wraps every view with conditional GET (ETag and
Last-Modified, 304), CORS for reads and a per-client rate limit.

Lists are paged with an opaque cursor: `?cursor=` takes the `next_cursor` of the previous page
(`next` is the whole URL of the next page); `limit` is 1–500 (default 100).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer

from samskab.consultations.models import Consultation, RespondentKind
from samskab.insights.models import PositionKind
from samskab.plans.models import MilestoneStatus, PlanStatus
from samskab.publishing import selectors
from samskab.publishing import tracking_selectors as plans_read


class _Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # noqa: RUF012  (ninja's class attribute)


api = NinjaAPI(
    renderer=_Renderer(),
    title="Samskab read API",
    version="1",
    description=(
        "The public process as open data: consultations, published responses, campaigns, "
        "ideas, positions, action plans, commitments, milestones, progress, assessments and "
        "forum meetings, with the links of the golden thread between them. No account; "
        "personal data never leaves (see docs/api.md)."),
    urls_namespace="read_api",
    docs_url="/docs/",
    openapi_url="/openapi.json",
)

MAX_LIMIT = 500
Limit = int
DEFAULT_LIMIT = Query(100, ge=1, le=MAX_LIMIT)


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _t(value: str | None) -> str:
    return selectors.public_text(value or "")


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


class ErrorOut(Schema):
    detail: Any


def _answers(schema: type[Schema]) -> dict[int, type[Schema]]:
    """The answers every read operation documents: the data, and the errors with a detail."""
    return {200: schema, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


# --- paging -----------------------------------------------------------------------------------


class Page(Schema):
    next: str | None = None
    next_cursor: str | None = None


def _encode(key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise HttpError(400, "invalid cursor: pass the next_cursor of a previous page") from None
    if not isinstance(key, list) or not key:
        raise HttpError(400, "invalid cursor: pass the next_cursor of a previous page")
    return key


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"limit must be between 1 and {MAX_LIMIT}")
    return limit


def _page(request: HttpRequest, items: list[Any], more: bool, key: list[Any] | None
          ) -> dict[str, Any]:
    if not more or key is None:
        return {"items": items, "next": None, "next_cursor": None}
    cursor = _encode(key)
    query = request.GET.copy()
    query["cursor"] = cursor
    return {"items": items, "next": _site(request.path + "?" + query.urlencode()),
            "next_cursor": cursor}


def _list_page(request: HttpRequest, rows: list[dict[str, Any]], key: str, cursor: str | None,
               limit: int) -> dict[str, Any]:
    """A page of an ordered list of rows already read, continued after the row whose `key`
    the cursor names (lists whose read model is not a queryset: ideas, positions…)."""
    limit = _limit(limit)
    start = 0
    if cursor:
        after = _decode(cursor)[0]
        keys = [row[key] for row in rows]
        if after not in keys:
            raise HttpError(400, "invalid cursor: pass the next_cursor of a previous page")
        start = keys.index(after) + 1
    chunk = rows[start:start + limit]
    more = start + limit < len(rows)
    return _page(request, chunk, more, [chunk[-1][key]] if chunk else None)


def _keyset_page(request: HttpRequest, qs, *, field: str, cursor: str | None, limit: int,
                 descending: bool = False, item=lambda row: row) -> dict[str, Any]:
    """A page of `qs` (a queryset ordered by `field`, a moment, then `id`, ascending or
    `descending`), continued after the (moment, id) the cursor names; `item` turns a row
    (a model or a values() dict) into the answer's item."""
    limit = _limit(limit)
    if cursor:
        key = _decode(cursor)
        try:
            moment, pk = datetime.fromisoformat(str(key[0])), int(key[1])
        except (ValueError, IndexError, TypeError):
            raise HttpError(400, "invalid cursor: pass the next_cursor of a previous page"
                            ) from None
        op = "lt" if descending else "gt"
        qs = qs.filter(Q(**{f"{field}__{op}": moment}) | Q(**{field: moment, f"id__{op}": pk}))
    rows = list(qs[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    key = None
    if rows:
        last = rows[-1]
        moment, pk = ((last[field], last["id"]) if isinstance(last, dict)
                      else (getattr(last, field), last.pk))
        key = [moment.isoformat(), pk]
    return _page(request, [item(row) for row in rows], more, key)


# --- consultations ----------------------------------------------------------------------------


class ConsultationOut(Schema):
    slug: str
    title_da: str
    title_en: str
    summary_da: str
    summary_en: str
    authority: str
    published_at: str
    opens_at: str
    closes_at: str
    status: str
    url: str
    links: dict[str, str]


class ConsultationPage(Page):
    items: list[ConsultationOut]


def _status(c: Consultation) -> str:
    now = timezone.now()
    if c.opens_at > now:
        return "upcoming"
    return "open" if c.closes_at > now else "closed"


def _consultation(c: Consultation) -> dict[str, Any]:
    base = f"/api/v1/read/consultations/{c.slug}"
    return {
        "slug": c.slug, "title_da": _t(c.title_da), "title_en": _t(c.title_en),
        "summary_da": _t(c.summary_da), "summary_en": _t(c.summary_en),
        "authority": _t(c.authority), "published_at": _iso(c.published_at),
        "opens_at": _iso(c.opens_at), "closes_at": _iso(c.closes_at), "status": _status(c),
        "url": _site(reverse("consultations:detail", args=[c.slug])),
        "links": {name: _site(f"{base}/{name}") for name in
                  ("responses", "campaigns", "ideas", "positions")},
    }


@api.get("/consultations", response=_answers(ConsultationPage), tags=["consultations"],
         summary="Published consultations, newest first")
def consultations(request, status: Literal["open", "closed", "upcoming"] | None = None,
                  authority: str | None = None,
                  cursor: str | None = None, limit: Limit = DEFAULT_LIMIT):
    """`status`: open, closed or upcoming; `authority`: exact name of the authority."""
    qs = selectors.public_consultations().order_by("-published_at", "-id")
    now = timezone.now()
    if status is not None:
        filters = {"open": Q(opens_at__lte=now, closes_at__gt=now),
                   "closed": Q(closes_at__lte=now), "upcoming": Q(opens_at__gt=now)}
        qs = qs.filter(filters[status])
    if authority:
        qs = qs.filter(authority=authority)
    return _keyset_page(request, qs, field="published_at", cursor=cursor, limit=limit,
                        descending=True, item=_consultation)


def _found(slug: str) -> Consultation:
    try:
        return selectors.public_consultation(slug)
    except Consultation.DoesNotExist:
        raise HttpError(404, "no published consultation with this slug") from None


@api.get("/consultations/{slug}", response=_answers(ConsultationOut), tags=["consultations"],
         summary="One published consultation")
def consultation(request, slug: str):
    return _consultation(_found(slug))


# --- published responses ----------------------------------------------------------------------


class AttachmentOut(Schema):
    name: str
    mime: str
    sha256: str
    status: str
    ocr: bool


class ResponseOut(Schema):
    reference: str
    consultation: str
    received_at: str
    respondent_kind: str
    sender: str
    text: str
    redacted: bool
    language: str
    channel: str
    late: bool
    attachments: list[AttachmentOut]
    url: str
    links: dict[str, list[str]]


class ResponsePage(Page):
    items: list[ResponseOut]


@api.get("/consultations/{slug}/responses", response=_answers(ResponsePage), tags=["consultations"],
         summary="Published responses of a consultation, as published")
def responses(request, slug: str, kind: RespondentKind | None = None, cursor: str | None = None,
              limit: Limit = DEFAULT_LIMIT):
    """Only published responses after the deadline, in their published version (personal data
    masked; attachments' text is inside `text`). `sender` is the organisation, or a citizen's
    name only when they consented; never an e-mail or postal address. `links.outcomes` are the
    positions and commitments the response's proposals met (the golden thread). `kind` filters
    on the respondent kind."""
    found = _found(slug)
    qs = selectors.published_responses(found)
    if kind is not None:
        qs = qs.filter(respondent__kind=kind.value)
    page = _keyset_page(request, qs, field="received_at", cursor=cursor, limit=limit)
    rows = page["items"]
    attachments = selectors._attachments_of([row["id"] for row in rows])
    outcomes = selectors.public_outcomes(found, [row["reference"] for row in rows])
    url = reverse("published:responses", args=[found.slug])
    page["items"] = [_response(found, row, attachments, outcomes, url) for row in rows]
    return page


def _response(found: Consultation, row: dict[str, Any], attachments: dict, outcomes: dict,
              url: str) -> dict[str, Any]:
    r = selectors.public_response(row)
    return {
        "reference": r.reference, "consultation": found.slug,
        "received_at": _iso(r.received_at), "respondent_kind": r.kind,
        "sender": r.sender, "text": r.text, "redacted": r.redacted,
        "language": r.language, "channel": r.channel, "late": r.late,
        "attachments": [
            {"name": f"bilag-{i}", "mime": a["mime_type"], "sha256": a["sha256"],
             "status": a["extraction_status"], "ocr": bool(a["ocr"])}
            for i, a in enumerate(attachments.get(row["id"], []), start=1)],
        "url": _site(f"{url}#{r.reference}"),
        "links": {"outcomes": [_site(o.url) for o in outcomes.get(r.reference, [])]},
    }


# --- campaigns, ideas, positions --------------------------------------------------------------


class CampaignOut(Schema):
    number: int
    label: str
    size: int
    common_text: str


class CampaignPage(Page):
    items: list[CampaignOut]


@api.get("/consultations/{slug}/campaigns", response=_answers(CampaignPage), tags=["consultations"],
         summary="Form-letter campaigns: size and the published text of one member")
def campaigns(request, slug: str, cursor: str | None = None, limit: Limit = DEFAULT_LIMIT):
    found = _found(slug)
    rows = [{"number": n, "label": c.label, "size": c.size, "common_text": c.excerpt}
            for n, c in enumerate(selectors.campaigns(found, excerpt_chars=100_000), start=1)]
    return _list_page(request, rows, "number", cursor, limit)


class IdeaOut(Schema):
    id: int
    label: str
    keywords: list[str]
    responses: list[str]
    quote: str
    position_kind: str
    position: str
    changes: str
    links: dict[str, str]


class IdeaPage(Page):
    items: list[IdeaOut]


@api.get("/consultations/{slug}/ideas", response=_answers(IdeaPage), tags=["consultations"],
         summary="Ideas raised in the consultation, biggest first, after the deadline")
def ideas(request, slug: str, position_kind: PositionKind | None = None, cursor: str | None = None,
          limit: Limit = DEFAULT_LIMIT):
    """`responses` are the references of every response that raised the idea (published or
    not: only the reference); `quote` is cut from a public response's published version;
    `changes` names the commitments the idea became (the golden thread)."""
    found = _found(slug)
    if not selectors.is_closed(found):
        rows: list[dict[str, Any]] = []
    else:
        yswd = reverse("published:you_said_we_did", args=[found.slug])
        rows = [{"id": i.idea_id, "label": i.label, "keywords": i.keywords,
                 "responses": i.references, "quote": i.quote,
                 "position_kind": i.position_kind, "position": i.justification,
                 "changes": i.changes,
                 "links": {"position": _site(f"{yswd}#ide-{i.idea_id}")}}
                for i in selectors.notat_ideas(found)
                if position_kind is None or i.position_kind == position_kind.value]
    return _list_page(request, rows, "id", cursor, limit)


class PositionOut(Schema):
    anchor: str
    label: str
    single_proposal: bool
    responses: int
    public_responses: int
    organisations: list[str]
    kind: str
    justification_da: str
    justification_en: str
    existing_strategy: str
    commitments: str
    url: str


class PositionPage(Page):
    items: list[PositionOut]


@api.get("/consultations/{slug}/positions", response=_answers(PositionPage), tags=["consultations"],
         summary="The reasoned response: the authority's position on each idea")
def positions(request, slug: str, kind: PositionKind | None = None, cursor: str | None = None,
              limit: Limit = DEFAULT_LIMIT):
    found = _found(slug)
    base = reverse("published:you_said_we_did", args=[found.slug])
    rows = [{"anchor": i.anchor, "label": i.label, "single_proposal": i.single,
             "responses": i.responses, "public_responses": i.public_responses,
             "organisations": i.organisations, "kind": i.kind,
             "justification_da": i.justification_da, "justification_en": i.justification_en,
             "existing_strategy": i.existing_strategy, "commitments": i.commitment_ref,
             "url": _site(f"{base}#{i.anchor}")}
            for i in selectors.you_said_we_did(found).items
            if kind is None or i.kind == kind.value]
    return _list_page(request, rows, "anchor", cursor, limit)


# --- action plans -----------------------------------------------------------------------------


class PlanOut(Schema):
    slug: str
    country: str
    title_da: str
    title_en: str
    status: str
    period_start: str | None
    period_end: str | None
    adopted_at: str | None
    consultation: str | None
    url: str
    links: dict[str, str]


class PlanPage(Page):
    items: list[PlanOut]


def _plan(p) -> dict[str, Any]:
    base = f"/api/v1/read/plans/{p.slug}"
    consultation = None
    if p.consultation_id and p.consultation.published_at <= timezone.now():
        consultation = p.consultation.slug
    links = {name: _site(f"{base}/{name}") for name in
             ("commitments", "milestones", "progress", "assessments", "forum-meetings")}
    if consultation:
        links["consultation"] = _site(f"/api/v1/read/consultations/{consultation}")
    return {"slug": p.slug, "country": p.country, "title_da": _t(p.title_da),
            "title_en": _t(p.title_en), "status": p.status,
            "period_start": _iso(p.period_start), "period_end": _iso(p.period_end),
            "adopted_at": _iso(p.adopted_at), "consultation": consultation,
            "url": _site(reverse("tracking_public:plan", args=[p.slug])), "links": links}


@api.get("/plans", response=_answers(PlanPage), tags=["plans"],
         summary="Action plans out of drafting, newest first")
def plans(request, status: PlanStatus | None = None,
          cursor: str | None = None, limit: Limit = DEFAULT_LIMIT):
    qs = plans_read.public_plans().select_related("consultation")
    if status:
        qs = qs.filter(status=status.value)
    rows = [_plan(p) for p in qs]
    return _list_page(request, rows, "slug", cursor, limit)


def _plan_found(slug: str):
    from django.http import Http404

    try:
        return plans_read.public_plan(slug)
    except Http404:
        raise HttpError(404, "no public action plan with this slug") from None


@api.get("/plans/{slug}", response=_answers(PlanOut), tags=["plans"], summary="One action plan")
def plan(request, slug: str):
    return _plan(_plan_found(slug))


class SourceOut(Schema):
    idea: int | None
    proposal: int | None
    response: str | None
    consultation: str | None


class CommitmentOut(Schema):
    id: int
    identifier: str
    plan: str
    title_da: str
    title_en: str
    problem_da: str
    description_da: str
    ambition_da: str
    themes: list[str]
    lead_agency: str
    period_start: str | None
    period_end: str | None
    updated_at: str
    sources: list[SourceOut]
    url: str
    links: dict[str, Any]


class CommitmentPage(Page):
    items: list[CommitmentOut]


def _public_sources(commitment_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each commitment's golden link as the public read model shows it, without repeats."""
    out: dict[int, list[dict[str, Any]]] = {pk: [] for pk in commitment_ids}
    for row in plans_read.public_commitment_sources(commitment_ids):
        item = {k: row[k] for k in ("idea", "proposal", "response", "consultation")}
        if item not in out[row["commitment"]]:
            out[row["commitment"]].append(item)
    return out


def _commitment(c, sources) -> dict[str, Any]:
    return {
        "id": c.pk, "identifier": c.identifier, "plan": c.plan.slug,
        "title_da": _t(c.title_da), "title_en": _t(c.title_en),
        "problem_da": _t(c.problem_da), "description_da": _t(c.description_da),
        "ambition_da": _t(c.ambition_da), "themes": [_t(str(t)) for t in c.themes or []],
        "lead_agency": _t(c.lead_agency.name) if c.lead_agency_id else "",
        "period_start": _iso(c.period_start), "period_end": _iso(c.period_end),
        "updated_at": _iso(c.updated_at), "sources": sources,
        "url": _site(reverse("tracking_public:commitment", args=[c.pk])),
        "links": {"plan": _site(f"/api/v1/read/plans/{c.plan.slug}"),
                  "milestones": _site(f"/api/v1/read/plans/{c.plan.slug}/milestones"
                                      f"?commitment={c.identifier}"),
                  "ideas": [_site(f"/api/v1/read/consultations/{s['consultation']}/ideas")
                            for s in sources if s["idea"]][:1]},
    }


@api.get("/plans/{slug}/commitments", response=_answers(CommitmentPage), tags=["plans"],
         summary="Commitments of a plan with their public sources (the golden link)")
def commitments(request, slug: str, theme: str | None = None, cursor: str | None = None,
                limit: Limit = DEFAULT_LIMIT):
    found = _plan_found(slug)
    rows = list(plans_read.public_commitments(found))
    if theme:
        rows = [c for c in rows if theme in (c.themes or [])]
    sources = _public_sources([c.pk for c in rows])
    items = [_commitment(c, sources.get(c.pk, [])) for c in rows]
    return _list_page(request, items, "id", cursor, limit)


class MilestoneOut(Schema):
    id: int
    commitment: str
    identifier: str
    title_da: str
    title_en: str
    deliverable_da: str
    start: str | None
    end: str | None
    status: str


class MilestonePage(Page):
    items: list[MilestoneOut]


@api.get("/plans/{slug}/milestones", response=_answers(MilestonePage), tags=["plans"],
         summary="Milestones of a plan's commitments")
def milestones(request, slug: str, commitment: str | None = None,
               status: MilestoneStatus | None = None,
               cursor: str | None = None, limit: Limit = DEFAULT_LIMIT):
    qs = plans_read.public_milestones(_plan_found(slug))
    if commitment:
        qs = qs.filter(commitment__identifier=commitment)
    if status:
        qs = qs.filter(status=status.value)
    rows = [{"id": m.pk, "commitment": m.commitment.identifier, "identifier": m.identifier,
             "title_da": _t(m.title_da), "title_en": _t(m.title_en),
             "deliverable_da": _t(m.deliverable_da), "start": _iso(m.start),
             "end": _iso(m.end), "status": m.status} for m in qs]
    return _list_page(request, rows, "id", cursor, limit)


class ProgressOut(Schema):
    id: int
    milestone: int
    commitment: str
    status: str
    reported_on: str
    note: str
    links: list[str]
    evidence: list[str]


class ProgressPage(Page):
    items: list[ProgressOut]


@api.get("/plans/{slug}/progress", response=_answers(ProgressPage), tags=["plans"],
         summary="Progress reported on a plan's milestones, oldest first")
def progress(request, slug: str, since: date | None = None, cursor: str | None = None,
             limit: Limit = DEFAULT_LIMIT):
    """`since`: only updates reported on or after this date (YYYY-MM-DD). Who registered an
    update is not published."""
    qs = plans_read.public_progress(_plan_found(slug))
    if since:
        qs = qs.filter(reported_on__gte=since)
    rows = [{"id": u.pk, "milestone": u.milestone_id,
             "commitment": u.milestone.commitment.identifier, "status": u.status,
             "reported_on": _iso(u.reported_on), "note": _t(u.note),
             "links": [_t(str(link)) for link in u.links or []],
             "evidence": [_site(reverse("tracking_public:evidence", args=[e.pk, e.sha256]))
                          for e in u.evidence.all()]} for u in qs]
    return _list_page(request, rows, "id", cursor, limit)


class AssessmentOut(Schema):
    commitment: str
    framework: str
    specificity: str
    verifiable: bool | None
    relevant_values: list[str]
    potential_impact: str
    potential_for_results: str
    completion: str
    did_it_open_government: str
    early_results: str
    starred: bool | None
    promising: bool | None
    assessed_on: str | None
    note: str


class AssessmentPage(Page):
    items: list[AssessmentOut]


@api.get("/plans/{slug}/assessments", response=_answers(AssessmentPage), tags=["plans"],
         summary="IRM-style assessments of a plan's commitments")
def assessments(request, slug: str, cursor: str | None = None, limit: Limit = DEFAULT_LIMIT):
    rows = [{"commitment": a.commitment.identifier, "framework": a.framework,
             "specificity": a.specificity, "verifiable": a.verifiable,
             "relevant_values": [str(v) for v in a.relevant_values or []],
             "potential_impact": a.potential_impact,
             "potential_for_results": a.potential_for_results, "completion": a.completion,
             "did_it_open_government": a.did_it_open_government,
             "early_results": a.early_results, "starred": a.starred, "promising": a.promising,
             "assessed_on": _iso(a.assessed_on), "note": _t(a.note)}
            for a in plans_read.public_assessments(_plan_found(slug))]
    return _list_page(request, rows, "commitment", cursor, limit)


class MeetingOut(Schema):
    id: int
    held_on: str
    government: list[str]
    civil_society: list[str]
    minutes: str
    decisions: str


class MeetingPage(Page):
    items: list[MeetingOut]


@api.get("/plans/{slug}/forum-meetings", response=_answers(MeetingPage), tags=["plans"],
         summary="The multi-stakeholder forum's meetings with minutes and decisions")
def forum_meetings(request, slug: str, cursor: str | None = None, limit: Limit = DEFAULT_LIMIT):
    found = _plan_found(slug)
    meetings, _cadence = plans_read.public_forum(found)
    rows = [{"id": m.pk, "held_on": _iso(m.held_on),
             "government": [_t(str(x)) for x in m.government or []],
             "civil_society": [_t(str(x)) for x in m.civil_society or []],
             "minutes": _t(m.minutes), "decisions": _t(m.decisions)} for m in meetings]
    return _list_page(request, rows, "id", cursor, limit)

