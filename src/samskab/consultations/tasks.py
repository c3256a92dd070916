"""Work after a response is received (run by `samskab worker`): text extraction and the
receipt e-mail. The mailbox poll is in `intake/poll.py`, the file sweep and the periodic
schedule in `housekeeping.py`; this module imports no service, so `services` may enqueue."""

import logging

from django.tasks import task

from samskab.consultations import receipts
from samskab.consultations.models import Attachment, ExtractionStatus, Response

logger = logging.getLogger(__name__)


@task()
def attachment_extract(attachment_id: int) -> str:
    """Extract an attachment's text (OCR where needed) in a resource-limited subprocess.

    Idempotent: an attachment that already has a final status is left as it is.
    """
    from samskab.extraction import extract_text

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
