"""Follow-up work that a crash can lose, found again and queued again.

`response_receive` queues text extraction and the receipt e-mail with `on_commit`: a process
killed after the commit and before the enqueue (or a worker killed while running the task)
leaves an attachment `pending` for ever and the receipt unsent. `followup_sweep` finds such
work from the database alone and queues it once more; `samskab worker` runs it every few
minutes (`housekeeping.followup_sweep_periodic`). The analysis has its own sweep (insights'
`analysis_poll` picks up every response no run has seen).

What counts as left behind:
- an attachment still `pending` whose response is older than the grace period, with no queued
  extraction task and no running one younger than `STALE_RUNNING` (a task `RUNNING` for longer
  belonged to a worker that died), tried fewer than `MAX_ATTEMPTS` times;
- a response received on the web form with an e-mail address, or by e-mail from a sender that
  is not automatic, within the last `RECEIPT_WINDOW` and older than the grace period, for which
  no receipt task exists (or only failed ones, fewer than `MAX_ATTEMPTS`).

Both tasks are idempotent or nearly so: extraction leaves a finished attachment alone; a receipt
is queued only when none was queued, so a receipt is sent at most once unless the first send
failed. The window keeps the sweep from mailing receipts for old responses whose task rows were
pruned.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from samskab.consultations.models import (
    Attachment,
    Channel,
    ExtractionStatus,
    RawSubmission,
    Response,
)

STALE_RUNNING = timedelta(hours=1)
RECEIPT_WINDOW = timedelta(days=2)
MAX_ATTEMPTS = 3


@dataclass
class SweepResult:
    extractions: list[int] = field(default_factory=list)  # attachment ids queued again
    receipts: list[int] = field(default_factory=list)  # response ids whose receipt was queued

    def as_dict(self) -> dict[str, int]:
        return {"extractions": len(self.extractions), "receipts": len(self.receipts)}


def _tasks(task, first_args: set[int]) -> tuple[set[int], dict[int, Counter]]:
    """(ids with a live task, finished tasks' statuses per id) for tasks of `task` whose first
    argument is in `first_args`."""
    from django_tasks_db.models import DBTaskResult

    from samskab.core.scheduling import task_path

    live: set[int] = set()
    finished: dict[int, Counter] = {}
    stale = timezone.now() - STALE_RUNNING
    ids = sorted(first_args)
    for start in range(0, len(ids), 500):
        rows = DBTaskResult.objects.filter(
            task_path=task_path(task), args_kwargs__args__0__in=ids[start:start + 500],
        ).values_list("status", "started_at", "args_kwargs")
        for status, started_at, args_kwargs in rows:
            first = args_kwargs["args"][0]
            if status == "READY" or (status == "RUNNING" and started_at and started_at > stale):
                live.add(first)
            else:
                finished.setdefault(first, Counter())[status] += 1
    return live, finished


def _receipt_address(response: Response, raw: RawSubmission | None) -> str:
    if response.channel == Channel.WEB:
        return response.respondent.email
    if raw is None:
        return ""
    from samskab.consultations.intake.mime import UnparseableMessage, parse_message

    try:
        parsed = parse_message(bytes(raw.raw))
    except UnparseableMessage:
        return ""
    return "" if parsed.is_automatic else (parsed.reply_address or "")


def followup_sweep(*, now: datetime | None = None, grace: timedelta | None = None,
                   apply: bool = True) -> SweepResult:
    """Find the follow-up work left behind (module docstring) and, with `apply`, queue it."""
    from samskab.consultations import tasks

    now = now or timezone.now()
    grace = grace if grace is not None else timedelta(
        minutes=settings.SAMSKAB_FOLLOWUP_GRACE_MINUTES)
    result = SweepResult()

    pending = dict(Attachment.objects.filter(
        extraction_status=ExtractionStatus.PENDING, response__received_at__lte=now - grace,
    ).values_list("pk", "response_id"))
    live, finished = _tasks(tasks.attachment_extract, set(pending))
    result.extractions = sorted(
        pk for pk in pending
        if pk not in live and sum(finished.get(pk, Counter()).values()) < MAX_ATTEMPTS
    )

    since = now - RECEIPT_WINDOW
    candidates = list(
        Response.objects.filter(
            Q(channel=Channel.WEB, received_at__gte=since, received_at__lte=now - grace)
            & ~Q(respondent__email="")
            | Q(channel=Channel.EMAIL, raw_submission__received_at__gte=since,
                raw_submission__received_at__lte=now - grace)
        ).select_related("respondent", "raw_submission")
    )
    live, finished = _tasks(tasks.receipt_send, {r.pk for r in candidates})
    owed: list[tuple[int, str]] = []
    for response in candidates:
        done = finished.get(response.pk, Counter())
        # Queued, running, sent, or failed too often: nothing owed.
        if response.pk in live or done["SUCCESSFUL"] or sum(done.values()) >= MAX_ATTEMPTS:
            continue
        address = _receipt_address(response, getattr(response, "raw_submission", None))
        if address:
            owed.append((response.pk, address))
    result.receipts = [pk for pk, _address in owed]

    if apply:
        for pk in result.extractions:
            tasks.attachment_extract.enqueue(pk)
        for pk, address in owed:
            tasks.receipt_send.enqueue(pk, address)
    return result

