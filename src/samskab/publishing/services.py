"""Use cases of publishing: the høringsnotat's text, its publication and rendering, and the
one position staff give many small ideas at once before publishing."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samskab.consultations.models import Consultation
from samskab.core.actions import staff_action, user_or_none
from samskab.core.errors import DomainError
from samskab.insights.models import Idea, PositionKind
from samskab.publishing import notat, notat_documents, selectors
from samskab.publishing.models import NotatPublication, NotatText, PublicationState

logger = logging.getLogger(__name__)

FIELDS = ("published_where", "general_remarks_da", "other_matters_da")


def notat_text_update(*, consultation: Consultation, actor: Any, published_where: str,
                      general_remarks_da: str, other_matters_da: str) -> NotatText:
    """Save the notat's hand-written parts; audited. Raises PermissionDenied for roles that
    may not write it."""
    with staff_action(actor=actor, perm="publishing.change_notat", obj=consultation,
                      name="notat_text.update") as act:
        text, _created = NotatText.objects.select_for_update().get_or_create(
            consultation=consultation)
        before = {name: getattr(text, name) for name in FIELDS}
        text.published_where = published_where.strip()
        text.general_remarks_da = general_remarks_da.strip()
        text.other_matters_da = other_matters_da.strip()
        text.updated_by = user_or_none(actor)
        text.save(update_fields=[*FIELDS, "updated_by", "updated_at"])
        act.audit(text, before=before, after={name: getattr(text, name) for name in FIELDS})
    return text


def notat_publish(*, actor: Any, consultation: Consultation) -> NotatPublication:
    """Publish the høringsnotat as its next version: built now from the public read model and
    stored as data; the four formats are rendered by `notat_render_task` once this commits.

    Refused (DomainError) before the deadline and while an idea that responses raised has no
    position. Publishing again is how a notat is corrected: a new version, the earlier ones
    stay reachable. Audited; the consultation's row is locked so versions never repeat."""
    from samskab.publishing.tasks import notat_render_task

    with staff_action(actor=actor, perm="publishing.publish_notat", obj=consultation,
                      name="notat.publish") as act:
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        now = timezone.now()
        if consultation.closes_at > now:
            raise DomainError("before_deadline",
                              _("Høringsnotatet kan først offentliggøres efter høringsfristen."))
        missing = selectors.ideas_without_position(consultation).count()
        if missing:
            raise DomainError("positions_missing", ngettext(
                "%(n)s idé med høringssvar mangler en stillingtagen.",
                "%(n)s idéer med høringssvar mangler en stillingtagen.", missing,
            ) % {"n": missing})
        version = (NotatPublication.objects.filter(consultation=consultation)
                   .aggregate(v=Max("version"))["v"] or 0) + 1
        data = notat.notat_build(consultation, dated=timezone.localdate(now))
        publication = NotatPublication.objects.create(
            consultation=consultation, version=version, published_at=now,
            published_by=user_or_none(actor), data=notat.to_json(data),
        )
        act.audit(publication, after={"version": version, "responses": data.total,
                                      "sections": len(data.sections)})
        act.on_commit(lambda: notat_render_task.enqueue(publication.pk))
    return publication


def notat_render(publication: NotatPublication) -> NotatPublication:
    """Render a published version in every format from its stored data and keep the files.
    Idempotent: a version already rendered is left as it is. System work (a task, the demo),
    not a staff change: it writes no AuditEvent."""
    if publication.state == PublicationState.READY:
        return publication
    data = notat.from_json(publication.data)
    slug = publication.consultation.slug
    try:
        html = notat_documents.render_html(data)
        files = {fmt: notat_documents.render(data, fmt) for fmt in ("pdf", "odt", "docx")}
    except Exception as error:  # noqa: BLE001 - recorded on the row, shown to staff
        logger.exception("rendering høringsnotat %s failed", publication.pk)
        publication.state = PublicationState.FAILED
        publication.error = str(error)[:2000]
        publication.save(update_fields=["state", "error"])
        return publication
    with transaction.atomic():
        publication = NotatPublication.objects.select_for_update().get(pk=publication.pk)
        if publication.state == PublicationState.READY:
            return publication
        publication.html = html
        for fmt, content in files.items():
            getattr(publication, fmt).save(
                f"hoeringsnotat-{slug}-v{publication.version}.{fmt}", ContentFile(content),
                save=False)
        publication.state = PublicationState.READY
        publication.error = ""
        publication.rendered_at = timezone.now()
        publication.save(update_fields=["html", "pdf", "odt", "docx", "state", "error",
                                        "rendered_at"])
    return publication


NOTED = "Taget til efterretning"


def positions_bulk_set(*, actor: Any, consultation: Consultation, ideas: list[Idea],
                       kind: str, justification_da: str) -> int:
    """Give many (small) ideas the same position and reason at once, e.g. »taget til
    efterretning« for the long tail; ideas that already have a position keep it. One action,
    audited per position. Returns how many positions were set."""
    from samskab.insights import services as insights

    justification = justification_da.strip()
    if kind not in (PositionKind.NOT_ADOPTED, PositionKind.OUT_OF_SCOPE):
        raise DomainError("bulk_kind", _("Vælg »Ikke taget med« eller »Uden for "
                                         "handlingsplanens rammer« for mange idéer på én "
                                         "gang."), "kind")
    if not justification:
        raise DomainError("reason_required", _("Skriv en begrundelse."), "justification_da")
    if not ideas:
        raise DomainError("no_ideas", _("Vælg mindst én idé."), "ideas")
    if any(idea.consultation_id != consultation.pk for idea in ideas):
        raise DomainError("wrong_consultation", _("En idé hører til en anden høring."), "ideas")
    count = 0
    with staff_action(actor=actor, perm="insights.change_analysis", obj=consultation,
                      name="position.bulk_set") as act:
        locked = Idea.objects.select_for_update(of=("self",)).filter(
            pk__in=[i.pk for i in ideas], position__isnull=True, merged_into=None)
        for idea in locked:
            try:
                insights.position_set(actor=actor, kind=kind, justification_da=justification,
                                      idea=idea)
            except ValidationError as error:
                raise DomainError("invalid_position", "; ".join(error.messages)) from error
            count += 1
        act.audit(consultation, after={"ideas": count, "kind": kind,
                                       "justification_da": justification})
    return count
