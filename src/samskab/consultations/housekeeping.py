"""Housekeeping: attachment files no row points to, and the periodic work `samskab worker`
keeps queued."""

import logging
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.tasks import task

from samskab.consultations.intake.poll import mailbox_poll
from samskab.consultations.models import Attachment
from samskab.core import scheduling

logger = logging.getLogger(__name__)


def attachment_files_sweep(*, older_than: timedelta = timedelta(hours=1),
                           apply: bool = False) -> list[str]:
    """Attachment files that no Attachment row points to (left when an enclosing transaction
    rolled back after the file was written). Deleted only with `apply=True`; files younger
    than `older_than` are left alone, as their transaction may still be open."""
    root = Path(settings.MEDIA_ROOT) / "attachments"
    if not root.exists():
        return []
    cutoff = time.time() - older_than.total_seconds()
    candidates = {
        path.name: path for path in root.glob("*/*")
        if path.is_file() and path.stat().st_mtime < cutoff
    }
    known: set[str] = set()
    names = list(candidates)
    for start in range(0, len(names), 1000):
        known.update(Attachment.objects.filter(sha256__in=names[start:start + 1000])
                     .values_list("sha256", flat=True))
    orphans = [str(candidates[name]) for name in names if name not in known]
    if apply:
        for path in orphans:
            Path(path).unlink(missing_ok=True)
    return orphans


@task()
def attachment_files_sweep_daily() -> int:
    """Delete orphaned attachment files, then run again in a day."""
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
