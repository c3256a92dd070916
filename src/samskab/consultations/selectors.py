"""Reads that speak the domain, for pages and exports."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from samskab.consultations.models import Attachment, Consultation, ProcessStep, Response
from samskab.core.prepared import Prepared


def consultation_page(slug: str) -> Consultation:
    """A published consultation with everything its public page shows, in few queries."""
    return (
        Consultation.objects.published()
        .prefetch_related(
            "grand_challenges", "focus_challenges", "ogp_values", "themes", "documents",
            Prefetch("steps", queryset=ProcessStep.objects.order_by("date", "id")),
            "invited_parties",
        )
        .get(slug=slug)
    )


# The response form, its POST and the receipt are the hottest path of the site at a deadline:
# their lookups are compiled to SQL once per process (core.prepared), not on every request.
_CONSULTATION_BY_SLUG = Prepared(
    lambda slug: Consultation.objects.filter(slug=slug), slug="\x00slug")
_RECEIPT_RESPONSE = Prepared(
    lambda reference: Response.objects.select_related("consultation", "respondent")
    .filter(reference=reference).order_by(), reference="\x00reference")
_RESPONSE_ATTACHMENTS = Prepared(
    lambda response_id: Attachment.objects.filter(response_id=response_id),
    response_id=-7_000_001)


# The list of consultations (the front page): every consultation in one query compiled once per
# process, sorted into open, upcoming and closed in Python; drafts are few and dropped here.
_CONSULTATIONS_BY_CLOSE = Prepared(
    lambda: Consultation.objects.order_by("closes_at", "id"))


def consultations_for_list() -> dict[str, list[Consultation]]:
    """The published consultations by status, as `Consultation.objects.published()` with
    `open()` and `upcoming()` (soonest deadline first) and `closed()` (latest deadline first)
    give them, in one query."""
    now = timezone.now()
    found: dict[str, list[Consultation]] = {"open": [], "upcoming": [], "closed": []}
    for consultation in _CONSULTATIONS_BY_CLOSE.all():
        if consultation.published_at <= now:
            found[consultation.status_at(now)].append(consultation)
    found["closed"].reverse()
    return found


def consultation_for_response(slug: str) -> Consultation:
    """A published consultation as the response form needs it: its own row, one query.
    Raises Consultation.DoesNotExist as `Consultation.objects.published().get(slug=slug)`."""
    consultation = _CONSULTATION_BY_SLUG.first(slug=slug)
    if consultation is None or consultation.published_at > timezone.now():
        raise Consultation.DoesNotExist(f"no published consultation {slug!r}")
    return consultation


def response_for_receipt(reference: str) -> tuple[Response, list[Attachment]] | None:
    """The response behind a receipt with its consultation and respondent, and its
    attachments (in order); None when there is none. Two queries."""
    response = _RECEIPT_RESPONSE.first(reference=reference)
    if response is None:
        return None
    return response, _RESPONSE_ATTACHMENTS.all(response_id=response.pk)


def responses_for_export(consultation: Consultation) -> QuerySet[Response]:
    return (
        Response.objects.filter(consultation=consultation)
        .select_related("respondent", "consultation")
        .prefetch_related("attachments")
        .order_by("received_at", "id")
    )
