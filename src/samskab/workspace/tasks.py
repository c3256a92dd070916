"""Background work of the staff workspace (run by `samskab worker`)."""

from django.contrib.auth import get_user_model
from django.tasks import task

from samskab.consultations.models import Consultation
from samskab.core.actions import SystemActor


@task(takes_context=True)
def bulk_publish_task(context, consultation_id: int, filters: dict, upto: int,
                      user_id: int | None = None) -> dict:
    """Publish an inbox filter's responses (workspace.bulk; idempotent on retry). Acts as the
    moderator who asked (their permission is checked again), so each publication is audited
    in their name."""
    from samskab.workspace.bulk import bulk_publish_run

    consultation = Consultation.objects.get(pk=consultation_id)
    actor = get_user_model().objects.get(pk=user_id) if user_id else SystemActor("worker")
    return bulk_publish_run(actor=actor, consultation=consultation, filters=filters,
                            upto=upto, task_id=str(context.task_result.id))
