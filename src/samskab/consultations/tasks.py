"""Background work for consultations (run by `samskab worker`)."""

import logging

from django.conf import settings
from django.tasks import task

from samskab.consultations import receipts
from samskab.consultations.models import Attachment, ExtractionStatus, Response
from samskab.core import scheduling

logger = logging.getLogger(__name__)


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
        if settings.SAMSKAB_IMAP_URL:
            scheduling.schedule_next(mailbox_poll, seconds=settings.SAMSKAB_IMAP_POLL_SECONDS)
    return counts


@task()
def attachment_files_sweep_daily() -> int:
    """Delete orphaned attachment files, then run again in a day."""
    from samskab.consultations.services import attachment_files_sweep

    try:
        return len(attachment_files_sweep(apply=True))
    finally:
        scheduling.schedule_next(attachment_files_sweep_daily, seconds=24 * 3600)


@task()
def followup_sweep_periodic() -> dict[str, int]:
    """Queue again the extraction and receipts a crash left behind (consultations.followup),
    then run again in SAMSKAB_FOLLOWUP_SWEEP_SECONDS (also after a failure)."""
    from samskab.consultations.followup import followup_sweep

    try:
        result = followup_sweep()
        if result.extractions or result.receipts:
            logger.warning("follow-up sweep queued again: %s", result.as_dict())
        return result.as_dict()
    finally:
        scheduling.schedule_next(followup_sweep_periodic,
                                 seconds=settings.SAMSKAB_FOLLOWUP_SWEEP_SECONDS)


def periodic_schedule() -> None:
    """What `samskab worker` makes sure is queued when it starts."""
    if settings.SAMSKAB_IMAP_URL:
        scheduling.ensure_scheduled(mailbox_poll)
    scheduling.ensure_scheduled(attachment_files_sweep_daily)
    scheduling.ensure_scheduled(followup_sweep_periodic)
