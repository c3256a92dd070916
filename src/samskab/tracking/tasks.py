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
