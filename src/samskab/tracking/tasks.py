"""Background work for tracking (run by `samskab worker`)."""

from django.tasks import task

from samskab.core import scheduling


@task()
def milestone_reminders_daily() -> int:
    """Send the day's milestone reminders, then run again in a day (also after a failure)."""
    from samskab.tracking.reminders import milestone_reminders_send

    try:
        return milestone_reminders_send()
    finally:
        scheduling.schedule_next(milestone_reminders_daily, seconds=24 * 3600)


def periodic_schedule() -> None:
    """What `samskab worker` makes sure is queued when it starts."""
    scheduling.ensure_scheduled(milestone_reminders_daily)
    scheduling.ensure_scheduled(response_tallies_refresh)


@task()
def response_tallies_refresh() -> int:
    """Keep the consultation dashboards' counts current (recounts after staff changes happen
    here rather than in a page view), then run again in a minute."""
    from datetime import timedelta

    from django.utils import timezone

    from samskab.consultations.models import Consultation
    from samskab.tracking.tallies import tally_refresh

    try:
        recent = Consultation.objects.filter(
            closes_at__gte=timezone.now() - timedelta(days=365))
        return sum(tally_refresh(c) != "current" for c in recent)
    finally:
        scheduling.schedule_next(response_tallies_refresh, seconds=60)
