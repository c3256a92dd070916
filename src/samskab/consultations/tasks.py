"""Background work for consultations (run by `samskab worker`)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from samskab.consultations import receipts
from samskab.consultations.models import Attachment, ExtractionStatus, Response


@task()
def attachment_extract(attachment_id: int) -> str:
    """Extract an attachment's text (OCR where needed) in a resource-limited subprocess.

    Idempotent: an attachment that already has a final status is left as it is.
    """
    from samskab.consultations.extraction import extract_text

    attachment = Attachment.objects.get(pk=attachment_id)
    if attachment.extraction_status != ExtractionStatus.PENDING:
        return attachment.extraction_status
    with attachment.file.open("rb") as handle:
        data = handle.read()
    result = extract_text(data, attachment.original_name, attachment.mime_type or None)
    attachment.extracted_text = result.text or ""
    status = result.status if result.status in ExtractionStatus.values else ExtractionStatus.FAILED
    attachment.extraction_status = status
    attachment.extraction_error = result.error or ""
    attachment.ocr = bool(result.ocr)
    if result.detected_mime:
        attachment.mime_type = result.detected_mime[:120]
    attachment.save(
        update_fields=["extracted_text", "extraction_status", "extraction_error", "ocr",
                       "mime_type"]
    )
    return status


@task()
def receipt_send(response_id: int, address: str) -> None:
    """Send the receipt e-mail for a response to `address` (already checked not automatic)."""
    response = Response.objects.select_related("consultation").get(pk=response_id)
    receipts.receipt_mail(response, address).send()


logger = logging.getLogger(__name__)


def mailbox_poll_pending() -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=f"{__name__}.mailbox_poll", status__in=["READY", "RUNNING"]
    ).exists()


def mailbox_poll_schedule(delay_seconds: int = 0) -> None:
    """Queue the next poll of SAMSKAB_IMAP_URL unless one is already waiting."""
    if settings.SAMSKAB_IMAP_URL and not mailbox_poll_pending():
        when = timezone.now() + timedelta(seconds=delay_seconds)
        mailbox_poll.using(run_after=when).enqueue()


@task()
def mailbox_poll() -> dict[str, int]:
    """Ingest what waits in the configured IMAP folder, then schedule the next poll.

    The next poll is queued even when this one fails (server down), so polling resumes.
    """
    from samskab.consultations.intake import mailsources
    from samskab.consultations.intake.mail import mail_ingest

    counts: dict[str, int] = {}
    try:
        with mailsources.open_source(imap=settings.SAMSKAB_IMAP_URL) as source:
            for message in source:
                result = mail_ingest(raw=message.raw, source_id=message.source_id)
                message.ack()
                counts[result.status] = counts.get(result.status, 0) + 1
    except mailsources.SourceUnavailable as error:
        logger.warning("mailbox poll: %s", error.reason)
        counts["unavailable"] = 1
    finally:
        mailbox_poll_schedule_after_run()
    return counts


def mailbox_poll_schedule_after_run() -> None:
    # This run is still RUNNING while it schedules, so it cannot use mailbox_poll_schedule().
    if settings.SAMSKAB_IMAP_URL:
        when = timezone.now() + timedelta(seconds=settings.SAMSKAB_IMAP_POLL_SECONDS)
        mailbox_poll.using(run_after=when).enqueue()


@task()
def attachment_files_sweep_daily() -> int:
    """Delete orphaned attachment files, then run again in a day."""
    from samskab.consultations.services import attachment_files_sweep

    try:
        return len(attachment_files_sweep(apply=True))
    finally:
        attachment_files_sweep_daily.using(
            run_after=timezone.now() + timedelta(days=1)).enqueue()


def attachment_files_sweep_schedule() -> None:
    from django_tasks_db.models import DBTaskResult

    path = f"{__name__}.attachment_files_sweep_daily"
    if not DBTaskResult.objects.filter(task_path=path, status__in=["READY", "RUNNING"]).exists():
        attachment_files_sweep_daily.enqueue()
