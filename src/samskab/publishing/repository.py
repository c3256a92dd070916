"""The OGP repository of one action plan (issue 14): every public document of its process in
one place, each with when it was last updated, as OGP asks of every country's repository.

Reads only what is public: the plan through `tracking_selectors` (out of drafting), its
consultation if its call is published, published responses through `selectors`, the notat's
publications, the plan's versions (the public reads the latest), self-assessments, forum
meetings, progress and the open-data releases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samskab.consultations.models import Consultation
from samskab.plans.models import ActionPlan
from samskab.publishing import selectors
from samskab.publishing import tracking_selectors as plans_read
from samskab.publishing.models import NotatPublication, PublicationState


@dataclass(frozen=True)
class RepositoryItem:
    stage: str
    title: str
    url: str
    updated: datetime | date | None


def _consultation_items(consultation: Consultation) -> list[RepositoryItem]:
    if consultation.published_at > timezone.now():
        return []
    detail = reverse("consultations:detail", args=[consultation.slug])
    items = [
        RepositoryItem(_("Indkaldelsen"), _("Høringen: %(title)s")
                       % {"title": selectors.public_text(consultation.title_da)},
                       detail, consultation.published_at),
        RepositoryItem(_("Tidsplan"), _("Høringsperiode og frister (kalender)"),
                       reverse("opendata:calendar"), consultation.published_at),
    ]
    for document in consultation.documents.all().order_by("position", "id"):
        items.append(RepositoryItem(_("Indkaldelsen"), selectors.public_text(document.title_da),
                                    document.url or f"{detail}#dokument-{document.pk}",
                                    consultation.published_at))
    if selectors.is_closed(consultation):
        latest = selectors.public_responses_qs(consultation).aggregate(
            m=Max("published_version__published_at"))["m"]
        if latest is not None:
            items.append(RepositoryItem(
                _("Høringssvar"), _("Offentliggjorte høringssvar"),
                reverse("published:responses", args=[consultation.slug]), latest))
            items.append(RepositoryItem(
                _("Høringssvar"), _("Det sagde I – det gør vi"),
                reverse("published:you_said_we_did", args=[consultation.slug]), latest))
    notat = (NotatPublication.objects.filter(consultation=consultation,
                                             state=PublicationState.READY)
             .order_by("-version").only("published_at").first())
    if notat is not None:
        items.append(RepositoryItem(_("Høringsnotat"), _("Høringsnotatet"),
                                    reverse("published:notat", args=[consultation.slug]),
                                    notat.published_at))
    release = consultation.data_releases.order_by("-created_at", "-id").first()
    if release is not None:
        items.append(RepositoryItem(_("Åbne data"), _("Data fra høringen (ZIP)"),
                                    reverse("opendata:release_latest",
                                            args=[consultation.slug]), release.created_at))
    return items


def plan_repository(plan: ActionPlan) -> list[RepositoryItem]:
    """Every public document of the plan's process, in the order of the OGP cycle."""
    from samskab.tracking.models import ProgressUpdate

    items: list[RepositoryItem] = []
    if plan.consultation_id:
        items += _consultation_items(plan.consultation)
    version = plan.versions.order_by("-number").first()
    if version is not None:
        items.append(RepositoryItem(
            _("Handlingsplan"), _("Handlingsplanen, version %(n)s") % {"n": version.number},
            reverse("plans_public:plan", args=[plan.slug]), version.created_at))
        if version.comment_consultation_id:
            items += _consultation_items(version.comment_consultation)
    progress = ProgressUpdate.objects.filter(milestone__commitment__plan=plan).aggregate(
        m=Max("created_at"))["m"]
    items.append(RepositoryItem(_("Gennemførelse"), _("Fremdrift i handlingsplanen"),
                                reverse("tracking_public:plan", args=[plan.slug]), progress))
    if progress is not None:
        items.append(RepositoryItem(_("Gennemførelse"), _("Fremdrift som Atom-feed"),
                                    reverse("opendata:feed_plan_progress", args=[plan.slug]),
                                    progress))
    from samskab.publishing.bulk import latest_plan_release

    release = latest_plan_release(plan)
    if release is not None:
        items.append(RepositoryItem(_("Åbne data"), _("Data om handlingsplanen (ZIP)"),
                                    reverse("opendata:plan_release_latest", args=[plan.slug]),
                                    release.created_at))
    for report in plans_read.public_self_assessments(plan).order_by("as_of", "id"):
        items.append(RepositoryItem(
            _("Selvevaluering"), f"{report.get_kind_display()} ({report.as_of:%d.%m.%Y})",
            reverse("tracking_public:self_assessment", args=[report.pk, "pdf"]),
            report.created_at))
        if report.consultation_id:
            items += _consultation_items(report.consultation)
    meetings, _cadence = plans_read.public_forum(plan)
    for meeting in meetings:
        items.append(RepositoryItem(
            _("Multi-aktør-forum"), _("Referat af mødet %(date)s")
            % {"date": meeting.held_on.strftime("%d.%m.%Y")},
            reverse("tracking_public:plan", args=[plan.slug]),
            meeting.created_at))
    return items
