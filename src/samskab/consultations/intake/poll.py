"""The configured IMAP mailbox, polled by `samskab worker` (SAMSKAB_IMAP_URL)."""

import logging

from django.conf import settings
from django.tasks import task

from samskab.consultations.intake import mailsources
from samskab.consultations.intake.mail import mail_ingest
from samskab.core import scheduling

logger = logging.getLogger(__name__)


@task()
def mailbox_poll() -> dict[str, int]:
    """Ingest what waits in the configured IMAP folder, then schedule the next poll.

    The next poll is queued even when this one fails (server down), so polling resumes.
    """
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
