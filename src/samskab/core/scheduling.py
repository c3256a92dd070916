"""Periodic background work on Django's tasks framework (database queue).

A periodic task re-queues itself with `run_after` when it finishes (also when it fails), and
`samskab worker` makes sure one is waiting when it starts. So the schedule survives restarts
without a separate scheduler process.
"""

from datetime import timedelta

from django.utils import timezone


def task_path(task) -> str:
    return f"{task.func.__module__}.{task.func.__qualname__}"


def is_waiting(task, *, besides_running: bool = False) -> bool:
    """Whether a run of `task` is queued (or running, unless `besides_running`)."""
    from django_tasks_db.models import DBTaskResult

    statuses = ["READY"] if besides_running else ["READY", "RUNNING"]
    return DBTaskResult.objects.filter(task_path=task_path(task), status__in=statuses).exists()


def ensure_scheduled(task, *, delay_seconds: int = 0) -> None:
    """Queue `task` unless a run is already queued or running."""
    if not is_waiting(task):
        task.using(run_after=timezone.now() + timedelta(seconds=delay_seconds)).enqueue()


def schedule_next(task, *, seconds: int) -> None:
    """Called by a periodic task at its end: queue its next run (once)."""
    if not is_waiting(task, besides_running=True):
        task.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue()
