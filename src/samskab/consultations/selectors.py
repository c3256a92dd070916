"""Reads that speak the domain, for pages and exports."""

from django.db.models import Prefetch, QuerySet

from samskab.consultations.models import Consultation, ProcessStep, Response


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


def consultation_for_response(slug: str) -> Consultation:
    """A published consultation as the response form needs it: its own row, one query (the
    form and its POST are the hottest path of the site at a deadline)."""
    return Consultation.objects.published().get(slug=slug)


def responses_for_export(consultation: Consultation) -> QuerySet[Response]:
    return (
        Response.objects.filter(consultation=consultation)
        .select_related("respondent", "consultation")
        .prefetch_related("attachments")
        .order_by("received_at", "id")
    )
