"""Background work of publishing (run by `samskab worker`)."""

from django.tasks import task

from samskab.core import scheduling

NOTIFY_EVERY_SECONDS = 15 * 60


@task()
def subscription_confirmation_send(subscription_id: int) -> None:
    from samskab.publishing.models import Subscription
    from samskab.publishing.subscriptions import confirmation_mail

    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is not None and not subscription.active:
        confirmation_mail(subscription).send()


@task()
def subscriptions_notify_periodic() -> int:
    """Mail subscribers about newly published consultations and plan progress, then run
    again."""
    from samskab.publishing.subscriptions import plan_progress_notify, subscriptions_notify

    try:
        return subscriptions_notify() + plan_progress_notify()
    finally:
        scheduling.schedule_next(subscriptions_notify_periodic, seconds=NOTIFY_EVERY_SECONDS)


RELEASES_EVERY_SECONDS = 60 * 60


@task()
def data_releases_refresh_periodic() -> int:
    """Rebuild the bulk files whose data changed, then run again in an hour."""
    from samskab.publishing.bulk import releases_refresh

    try:
        return len(releases_refresh())
    finally:
        scheduling.schedule_next(data_releases_refresh_periodic, seconds=RELEASES_EVERY_SECONDS)


def periodic_schedule() -> None:
    """What `samskab worker` makes sure is queued when it starts."""
    scheduling.ensure_scheduled(subscriptions_notify_periodic)
    scheduling.ensure_scheduled(data_releases_refresh_periodic)


@task()
def notat_render_task(publication_id: int) -> str:
    """Render a published høringsnotat in every format (idempotent; see services)."""
    from samskab.publishing.models import NotatPublication
    from samskab.publishing.services import notat_render

    publication = NotatPublication.objects.select_related("consultation").get(
        pk=publication_id)
    return notat_render(publication).state
