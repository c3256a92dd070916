"""Reads of the workspace, in few queries (style rule 2 and 7).

Nothing here is for the public: public outputs read through `publishing.selectors`.
`INBOX_FILTERS` is the inbox's filter set; the analysis engine adds »tag«, »idea« and »group«
filters with `register_inbox_filter` without touching this module.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from samskab.consultations.models import (
    Attachment,
    Channel,
    Consultation,
    InvitedParty,
    RawStatus,
    RawSubmission,
    RespondentKind,
    Response,
    ResponseStatus,
)
from samskab.core import audit
from samskab.core.models import AuditEvent
from samskab.workspace import search
from samskab.workspace.models import InvitedPartyMatch, MatchState, Redaction, RedactionState

# --- Staff home -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationCounts:
    consultation: Consultation
    responses: int
    unpublished: int
    late: int
    quarantined: int


def staff_home() -> tuple[list[ConsultationCounts], int]:
    """Every consultation with its counts, and the number of unrouted inbound items. 2 queries
    plus one for the unrouted count."""
    consultations = Consultation.objects.annotate(
        n_responses=Count("responses"),
        n_unpublished=Count("responses", filter=Q(responses__status=ResponseStatus.RECEIVED)),
        n_late=Count("responses", filter=Q(responses__late=True)),
    ).order_by("-closes_at")
    quarantined = dict(
        RawSubmission.objects.filter(status=RawStatus.QUARANTINED, consultation__isnull=False)
        .values_list("consultation").annotate(n=Count("pk")).values_list("consultation", "n")
    )
    rows = [
        ConsultationCounts(c, c.n_responses, c.n_unpublished, c.n_late, quarantined.get(c.pk, 0))
        for c in consultations
    ]
    unrouted = RawSubmission.objects.filter(
        Q(status=RawStatus.UNROUTED) | Q(status=RawStatus.QUARANTINED, consultation__isnull=True)
    ).count()
    return rows, unrouted


# --- Inbox ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilter:
    """One filter of the inbox: a GET parameter, its label and choices, and how it narrows the
    queryset. `choices(consultation)` returns (value, label) pairs; `apply(qs, value)`."""

    name: str
    label: Any
    choices: Callable[[Consultation], list[tuple[str, Any]]]
    apply: Callable[[QuerySet, str], QuerySet]


YES_NO = [("yes", _("Ja")), ("no", _("Nej"))]


def _boolean(field: str) -> Callable[[QuerySet, str], QuerySet]:
    def apply(qs: QuerySet, value: str) -> QuerySet:
        return qs.filter(**{field: value == "yes"}) if value in {"yes", "no"} else qs
    return apply


def _has_attachment(qs: QuerySet, value: str) -> QuerySet:
    if value == "yes":
        return qs.filter(search.ListedIn(F("pk"), Attachment.objects.order_by()
                                         .values("response_id")))
    if value == "no":
        return qs.filter(~Exists(Attachment.objects.filter(response=OuterRef("pk"))))
    return qs


# The distinct languages by hopping through the (consultation_id, language) index: one index
# seek per language instead of reading every response (a "loose index scan"; both databases).
_LANGUAGES_SQL = """
    WITH RECURSIVE langs(code) AS (
        SELECT MIN(language) FROM consultations_response
        WHERE consultation_id = %s AND language > ''
        UNION ALL
        SELECT (SELECT MIN(language) FROM consultations_response
                WHERE consultation_id = %s AND language > langs.code)
        FROM langs WHERE langs.code IS NOT NULL
    )
    SELECT code FROM langs WHERE code IS NOT NULL
"""


def _languages(consultation: Consultation) -> list[tuple[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(_LANGUAGES_SQL, [consultation.pk, consultation.pk])
        codes = [row[0] for row in cursor.fetchall()]
    names = {"da": _("Dansk"), "en": _("Engelsk"), "de": _("Tysk"), "sv": _("Svensk"),
             "no": _("Norsk")}
    return [(code, names.get(code, code)) for code in codes]


INBOX_FILTERS: list[InboxFilter] = [
    InboxFilter("status", _("Status"), lambda c: list(ResponseStatus.choices),
                lambda qs, v: qs.filter(status=v) if v in ResponseStatus.values else qs),
    InboxFilter("kind", _("Afsendertype"), lambda c: list(RespondentKind.choices),
                lambda qs, v: qs.filter(respondent_kind=v) if v in RespondentKind.values
                else qs),
    InboxFilter("channel", _("Kanal"), lambda c: list(Channel.choices),
                lambda qs, v: qs.filter(channel=v) if v in Channel.values else qs),
    InboxFilter("late", _("Efter fristen"), lambda c: YES_NO, _boolean("late")),
    InboxFilter("attachment", _("Med bilag"), lambda c: YES_NO, _has_attachment),
    InboxFilter("language", _("Sprog"), _languages,
                lambda qs, v: qs.filter(language=v) if v else qs),
]


def register_inbox_filter(inbox_filter: InboxFilter) -> None:
    """Add a filter (e.g. tag, idea, group from the analysis app's ready())."""
    INBOX_FILTERS[:] = [f for f in INBOX_FILTERS if f.name != inbox_filter.name]
    INBOX_FILTERS.append(inbox_filter)


INBOX_SORTS = {
    "received": ("received_at", "id"),
    "-received": ("-received_at", "-id"),
    "reference": ("reference",),
    "kind": ("respondent_kind", "received_at", "id"),  # the response's copy: its index
    "status": ("status", "received_at", "id"),
}
INBOX_SORT_LABELS = {
    "-received": _("Nyeste først"),
    "received": _("Ældste først"),
    "reference": _("Referencenummer"),
    "kind": _("Afsendertype"),
    "status": _("Status"),
}


def inbox(consultation: Consultation, *, filters: dict[str, str], query: str = "",
          sort: str = "-received") -> QuerySet[Response]:
    """The consultation's responses narrowed by `filters` (name -> value, unknown names and
    values ignored) and the full-text `query`, sorted. Page it with `inbox_rows` as loader."""
    qs = Response.objects.filter(consultation=consultation)
    for inbox_filter in INBOX_FILTERS:
        value = filters.get(inbox_filter.name, "")
        if value:
            qs = inbox_filter.apply(qs, value)
    qs = qs.filter(search.matching(query))
    return qs.order_by(*INBOX_SORTS.get(sort, INBOX_SORTS["-received"]))


def inbox_rows(keys: list[int]) -> QuerySet[Response]:
    """The inbox rows for these primary keys, with what a row shows (3 queries at most)."""
    return (
        Response.objects.filter(pk__in=keys)
        .select_related("respondent")
        .only("pk", "reference", "received_at", "status", "late", "channel", "language",
              "text", "consultation_id", "respondent__kind", "respondent__organisation")
        .prefetch_related(Prefetch(
            "attachments", queryset=Attachment.objects.only("pk", "response_id",
                                                            "original_name"),
        ))
    )


# --- Response detail --------------------------------------------------------------------------


def response_detail(reference: str) -> Response:
    """One response with its consultation, respondent, attachments, redactions, published
    version, moderation decision and party matches."""
    return (
        Response.objects.select_related(
            "consultation", "respondent", "published_version__published_by", "moderation",
        )
        .prefetch_related(
            "attachments",
            Prefetch("redactions", queryset=Redaction.objects.select_related("decided_by")
                     .order_by("attachment", "start", "id")),
            Prefetch("party_matches", queryset=InvitedPartyMatch.objects.select_related("party")),
        )
        .get(reference=reference)
    )


def published_version_of(response: Response):
    try:
        return response.published_version
    except Response.published_version.RelatedObjectDoesNotExist:
        return None


def moderation_of(response: Response):
    try:
        return response.moderation
    except Response.moderation.RelatedObjectDoesNotExist:
        return None


def response_history(response: Response) -> list[AuditEvent]:
    """The response's AuditEvents, and those of its redactions, newest first; each with
    `action_label` and `actor_display`, the action and the actor in words."""
    redaction_ids = [str(r.pk) for r in response.redactions.all()]
    match_ids = [str(m.pk) for m in response.party_matches.all()]
    events = list(
        AuditEvent.objects.filter(
            Q(object_type="consultations.response", object_id=str(response.pk))
            | Q(object_type="workspace.redaction", object_id__in=redaction_ids)
            | Q(object_type="workspace.invitedpartymatch", object_id__in=match_ids)
        ).select_related("actor").order_by("-created_at", "-id")
    )
    for event in events:
        event.action_label = audit.action_label(event.action)
        event.actor_display = audit.actor_display(event.actor_label)
    return events


@dataclass(frozen=True)
class RedactionRow:
    redaction: Redaction
    where: str  # "" for the response's text, else the attachment's file name
    before: str
    after: str


CONTEXT_CHARS = 40


def redaction_rows(response: Response) -> list[RedactionRow]:
    """Each redaction with a little of the text around it, so staff decide in context.
    Uses the prefetched attachments (no query per row)."""
    attachments = {a.pk: a for a in response.attachments.all()}
    rows = []
    for redaction in response.redactions.all():
        attachment = attachments.get(redaction.attachment_id)
        text = attachment.extracted_text if attachment else response.text
        start, end = redaction.start, redaction.end
        before = text[max(0, start - CONTEXT_CHARS):start]
        after = text[end:end + CONTEXT_CHARS]
        rows.append(RedactionRow(
            redaction,
            attachment.original_name if attachment else "",
            ("…" if start > CONTEXT_CHARS else "") + before,
            after + ("…" if end + CONTEXT_CHARS < len(text) else ""),
        ))
    return rows


def undecided_redactions(response: Response) -> int:
    return sum(r.state == RedactionState.PROPOSED for r in response.redactions.all())


# --- Høringsliste -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyRow:
    party: InvitedParty
    confirmed: list[InvitedPartyMatch]
    proposed: list[InvitedPartyMatch]

    @property
    def replied(self) -> bool:
        return bool(self.confirmed)


def invited_parties(consultation: Consultation) -> list[PartyRow]:
    """The høringsliste with each party's confirmed and proposed replies (2 queries)."""
    parties = consultation.invited_parties.prefetch_related(Prefetch(
        "matches",
        queryset=InvitedPartyMatch.objects.exclude(state=MatchState.REJECTED)
        .select_related("response__respondent").order_by("response__received_at"),
    )).order_by("name")
    rows = []
    for party in parties:
        matches = list(party.matches.all())
        rows.append(PartyRow(
            party,
            [m for m in matches if m.state == MatchState.CONFIRMED],
            [m for m in matches if m.state == MatchState.PROPOSED],
        ))
    return rows
