"""Background work for publishing (run by `samskab worker`)."""

from django.tasks import task

from samskab.publishing.models import NotatPublication


@task()
def notat_render_task(publication_id: int) -> str:
    """Render a published høringsnotat in every format (idempotent; see services)."""
    from samskab.publishing.services import notat_render

    publication = NotatPublication.objects.select_related("consultation").get(
        pk=publication_id)
    return notat_render(publication).state
