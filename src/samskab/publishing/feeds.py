"""Atom feeds of the public process (django.contrib.syndication).

Only what is public anyway: consultations whose call is published and their documents. The
feeds are Danish-first like the pages; `?lang=en` (or the language cookie) gives English
titles where staff entered them."""

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from samskab.consultations.models import Consultation, ConsultationDocument

FEED_LENGTH = 50


def _filtered(request, queryset: QuerySet[Consultation]) -> QuerySet[Consultation]:
    """`?myndighed=NAME` and `?tema=SLUG` narrow the feed (as subscriptions do)."""
    authority = " ".join(request.GET.get("myndighed", "").split())
    if authority:
        queryset = queryset.filter(authority__iexact=authority)
    theme = request.GET.get("tema", "").strip()
    if theme:
        queryset = queryset.filter(themes__slug=theme).distinct()
    return queryset


class ConsultationsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Samskab: nye høringer")
    subtitle = _("Offentlige høringer, når høringsmaterialet offentliggøres.")

    def get_object(self, request, *args, **kwargs):
        self._request = request
        return None

    def link(self):
        return reverse("consultations:list")

    def items(self):
        queryset = Consultation.objects.published().prefetch_related("themes")
        return _filtered(self._request, queryset).order_by("-published_at", "-id")[:FEED_LENGTH]

    def item_title(self, item: Consultation) -> str:
        return item.title

    def item_description(self, item: Consultation) -> str:
        deadline = item.closes_at.strftime("%d.%m.%Y %H:%M")
        return f"{item.summary}\n\n{_('Høringsfrist')}: {deadline}"

    def item_link(self, item: Consultation) -> str:
        return reverse("consultations:detail", args=[item.slug])

    def item_pubdate(self, item: Consultation):
        return item.published_at

    def item_updateddate(self, item: Consultation):
        return item.published_at

    def item_author_name(self, item: Consultation) -> str:
        return item.authority

    def item_categories(self, item: Consultation) -> list[str]:
        return [theme.title for theme in item.themes.all()]


class DocumentsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Samskab: nye dokumenter")
    subtitle = _("Høringsbreve og andre offentlige dokumenter i processen.")

    def link(self):
        return reverse("opendata:index")

    def items(self):
        return (ConsultationDocument.objects
                .filter(consultation__in=Consultation.objects.published())
                .select_related("consultation")
                .order_by("-consultation__published_at", "-id")[:FEED_LENGTH])

    def item_title(self, item: ConsultationDocument) -> str:
        return f"{item.consultation.title}: {item.title}"

    def item_description(self, item: ConsultationDocument) -> str:
        return item.consultation.summary

    def item_link(self, item: ConsultationDocument) -> str:
        if item.url:
            return item.url
        return reverse("consultations:detail", args=[item.consultation.slug]) + (
            f"#dokument-{item.pk}")

    def item_guid(self, item: ConsultationDocument) -> str:
        return f"samskab:document:{item.pk}"

    def item_pubdate(self, item: ConsultationDocument):
        return item.consultation.published_at


class PlanProgressFeed(Feed):
    """Progress reported on the milestones of one public action plan, newest first (read
    through `tracking_selectors`: plans out of drafting; who registered an update is not
    published)."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        from samskab.publishing import tracking_selectors as plans_read

        return plans_read.public_plan(slug)

    def title(self, plan) -> str:
        return _("Samskab: fremdrift i %(title)s") % {"title": plan.title_da}

    def subtitle(self, plan) -> str:
        return _("Status på handlingsplanens milepæle, efterhånden som den indberettes.")

    def link(self, plan) -> str:
        return reverse("tracking_public:plan", args=[plan.slug])

    def items(self, plan):
        from samskab.tracking.models import ProgressUpdate

        return (ProgressUpdate.objects.filter(milestone__commitment__plan=plan)
                .select_related("milestone__commitment")
                .order_by("-reported_on", "-id")[:FEED_LENGTH])

    def item_title(self, item) -> str:
        from samskab.publishing.selectors import public_text

        commitment = item.milestone.commitment
        return public_text(f"{commitment.identifier} {item.milestone.title_da}: "
                           f"{item.get_status_display()}")

    def item_description(self, item) -> str:
        from samskab.publishing.selectors import public_text

        return public_text(item.note)

    def item_link(self, item) -> str:
        return reverse("tracking_public:commitment", args=[item.milestone.commitment_id]) + (
            f"#fremdrift-{item.pk}")

    def item_guid(self, item) -> str:
        return f"samskab:progress:{item.pk}"

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at
