"""Publishing an inbox filter's result in bulk, as a background task.

A moderator narrows the inbox (filters, search), asks to publish all of it, sees the count
and confirms; `bulk_publish_request` records that in the audit log and queues
`workspace.tasks.bulk_publish_task`. The task publishes each response through
`services.response_publish`, so each is checked, masked (CPR numbers always; accepted
redactions) and audited exactly as when published one at a time, in its own short
transaction. A response `response_publish` refuses — undecided proposals for masking, the
respondent asked not to be published, an attachment still being extracted, a text changed
since the scan — is skipped and reported; nothing is ever published unmasked.

What is published: the responses of the filter still awaiting a decision (status »received«)
that existed when the moderator confirmed (primary key at most the largest then). Withheld,
rejected and already published ones are left as a moderator decided; answers arriving after
the confirmation are not published by it. Idempotent: a retry (or a second run of the same
request) finds the ones already published no longer »received« and goes on with the rest.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samskab.consultations.models import Consultation, Response, ResponseStatus
from samskab.core.actions import require, staff_action
from samskab.core.errors import DomainError
from samskab.core.models import AuditEvent
from samskab.core.writers import let_others_write
from samskab.workspace import selectors

PERM = "workspace.moderate_response"
# The skipped responses the result lists by reference (the counts by reason are complete).
SKIPPED_LISTED = 500
CHUNK = 200


def _clean_filters(filters: dict[str, str]) -> dict[str, str]:
    return {str(k): str(v) for k, v in sorted(filters.items()) if v and k != "sort"}


def bulk_publish_candidates(consultation: Consultation, filters: dict[str, str], *,
                            upto: int | None = None) -> QuerySet[Response]:
    """The filter's responses a bulk publication would publish (see the module docstring)."""
    filters = _clean_filters(filters)
    qs = selectors.inbox(consultation, filters=filters, query=filters.get("q", ""))
    qs = qs.filter(status=ResponseStatus.RECEIVED).order_by()
    if upto is not None:
        qs = qs.filter(pk__lte=upto)
    return qs


@dataclass(frozen=True)
class BulkRequest:
    task_id: str
    count: int


def bulk_publish_request(*, actor: Any, consultation: Consultation, filters: dict[str, str],
                         now=None) -> BulkRequest:
    """Queue the publication of the filter's responses; returns the task's id and how many
    responses it will try. Refused before the deadline and when nothing is to be published."""
    from samskab.workspace import tasks

    require(actor, PERM, consultation)
    now = now or timezone.now()
    if now < consultation.closes_at:
        raise DomainError("before_deadline",
                          _("Høringssvar offentliggøres først efter høringsfristen."))
    filters = _clean_filters(filters)
    candidates = bulk_publish_candidates(consultation, filters)
    upto = candidates.aggregate(m=Max("pk"))["m"]
    if upto is None:
        raise DomainError("nothing_to_publish",
                          _("Ingen svar i dette filter afventer offentliggørelse."))
    count = candidates.count()
    user = actor if getattr(actor, "is_authenticated", False) else None
    with staff_action(actor=actor, perm=PERM, obj=consultation,
                      name="response.publish_bulk_request") as act:
        result = tasks.bulk_publish_task.enqueue(
            consultation.pk, filters, upto, user.pk if user else None)
        act.audit(consultation, after={"filters": filters, "upto": upto, "count": count,
                                       "task": str(result.id)})
    return BulkRequest(task_id=str(result.id), count=count)


def bulk_publish_run(*, actor: Any, consultation: Consultation, filters: dict[str, str],
                     upto: int, task_id: str) -> dict[str, Any]:
    """Publish the candidates one by one (each its own transaction and audit event, tagged
    with `task_id`); returns what was published and what was skipped, and why."""
    from samskab.workspace import services

    require(actor, PERM, consultation)
    published = 0
    skipped: dict[str, int] = {}
    listed: list[list[str]] = []
    last = 0
    candidates = bulk_publish_candidates(consultation, filters, upto=upto)
    while True:
        # Keyset pages by primary key: each page is a fresh query, so a long run never
        # holds a cursor open, and rows another moderator decided meanwhile drop out.
        chunk = list(candidates.filter(pk__gt=last).order_by("pk")
                     .select_related("consultation")[:CHUNK])
        if not chunk:
            break
        for response in chunk:
            last = response.pk
            let_others_write()  # one transaction per response, back to back
            try:
                services.response_publish(actor=actor, response=response,
                                          audit_extra={"bulk": task_id})
            except services.WorkspaceError as error:
                skipped[error.code] = skipped.get(error.code, 0) + 1
                if len(listed) < SKIPPED_LISTED:
                    listed.append([response.reference, error.code])
            else:
                published += 1
    return {"published": published, "skipped": skipped, "skipped_count": sum(skipped.values()),
            "skipped_listed": listed, "consultation": consultation.pk}


def bulk_publish_progress(task_id: str) -> int:
    """How many responses the bulk publication `task_id` has published so far."""
    return AuditEvent.objects.filter(action="response.publish", after__bulk=task_id).count()


SKIP_REASONS = {
    "undecided_redactions": _("Forslag til maskering er ikke afgjort"),
    "no_consent": _("Afsenderen har bedt om, at svaret ikke offentliggøres"),
    "extraction_pending": _("Teksten i bilagene er ikke udtrukket endnu"),
    "text_changed": _("Svaret er ændret siden scanningen"),
    "rejected": _("Afvist"),
    "before_deadline": _("Før høringsfristen"),
}
