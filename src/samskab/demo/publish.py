"""Publish most of the demo's responses, as staff would after the deadline.

Every proposal for masking is accepted (so names, e-mail addresses and phone numbers are
masked, CPR numbers always are); every tenth publishable response is left for the visitor to
moderate. Responses whose senders asked not to be published stay unpublished.
"""

from django.contrib.auth import get_user_model

from samskab.consultations.models import Consultation, ExtractionStatus, ResponseStatus
from samskab.workspace import services as workspace
from samskab.workspace.models import RedactionState


def demo_publish(slug: str = "ogp-2012", *, leave_every: int = 10) -> int:
    consultation = Consultation.objects.filter(slug=slug).first()
    actor = get_user_model().objects.filter(username="demo").first()
    if consultation is None or actor is None:
        return 0
    candidates = (
        consultation.responses.filter(status=ResponseStatus.RECEIVED,
                                      consent_publish_response=True)
        .exclude(attachments__extraction_status=ExtractionStatus.PENDING)
        .order_by("reference")
    )
    published = 0
    for index, response in enumerate(candidates):
        if index % leave_every == leave_every - 1:
            continue
        for redaction in workspace.redaction_propose(actor=actor, response=response):
            workspace.redaction_accept(actor=actor, redaction=redaction)
        for redaction in response.redactions.filter(state=RedactionState.PROPOSED):
            workspace.redaction_accept(actor=actor, redaction=redaction)
        workspace.response_publish(actor=actor, response=response)
        published += 1
    return published


def demo_notat_publish(slug: str = "ogp-2012") -> int | None:
    """Publish the demo consultation's høringsnotat, as staff would once every idea has a
    position: the ideas the demo did not answer get one position together (»taget til
    efterretning«), then version 1 is published and rendered at once (no worker needed).
    Idempotent: when a version is already published nothing changes. Returns the version."""
    from samskab.core.actions import SystemActor
    from samskab.publishing import selectors
    from samskab.publishing import services as publishing
    from samskab.publishing.models import NotatPublication

    consultation = Consultation.objects.filter(slug=slug).first()
    if consultation is None:
        return None
    existing = NotatPublication.objects.filter(consultation=consultation).first()
    if existing is not None:
        publishing.notat_render(existing)  # in case an earlier run stopped before rendering
        return existing.version
    actor = get_user_model().objects.filter(username="demo").first() or SystemActor("demo")
    ideas = list(selectors.ideas_without_position(consultation))
    if ideas:
        publishing.positions_bulk_set(
            actor=actor, consultation=consultation, ideas=ideas, kind="not_adopted",
            justification_da=("Taget til efterretning. Forslaget rejses i få høringssvar og "
                              "indgår ikke i denne handlingsplan; styrelsen tager det med i "
                              "arbejdet med den næste."))
    publication = publishing.notat_publish(actor=actor, consultation=consultation)
    publishing.notat_render(publication)
    return publication.version
