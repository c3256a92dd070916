"""Public open-data pages of publishing: the data page, feeds, calendar, catalogue, data files
and subscriptions. Nothing here needs an account; everything reads public data only."""

import zipfile

from django import forms
from django.conf import settings
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from samskab.consultations.models import Consultation, Theme
from samskab.core.errors import DomainError
from samskab.publishing import bulk, calendar, catalogue, subscriptions
from samskab.publishing.models import DataRelease


@require_GET
def open_data(request):
    closed = Consultation.objects.closed().order_by("-closes_at").prefetch_related(
        Prefetch("data_releases", queryset=DataRelease.objects.order_by("-created_at", "-id"),
                 to_attr="releases"))
    return render(request, "publishing/opendata/index.html", {
        "closed": closed, "licence": settings.SAMSKAB_DATA_LICENCE,
        "licence_uri": catalogue.licence_uri(),
    })


@require_GET
def deadlines_ics(request):
    response = HttpResponse(calendar.deadlines_calendar(),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="samskab-frister.ics"'
    return response


@require_GET
def catalogue_ttl(request):
    return HttpResponse(catalogue.catalogue_graph().serialize(format="turtle"),
                        content_type="text/turtle; charset=utf-8")


@require_GET
def catalogue_jsonld(request):
    return HttpResponse(catalogue.catalogue_graph().serialize(format="json-ld", indent=2),
                        content_type="application/ld+json; charset=utf-8")


def _release(slug: str) -> DataRelease:
    consultation = get_object_or_404(Consultation.objects.published(), slug=slug)
    release = bulk.latest_release(consultation)
    if release is None:
        raise Http404  # nothing is published before the deadline, or not built yet
    return release


def _zip_member(release: DataRelease, member: str, content_type: str, filename: str):
    """Stream one file of a release's ZIP (the distributions of the catalogue)."""
    handle = release.file.open("rb")
    archive = zipfile.ZipFile(handle)

    def chunks():
        try:
            with archive.open(member) as source:
                yield from iter(lambda: source.read(1 << 16), b"")
        finally:
            archive.close()
            handle.close()

    response = StreamingHttpResponse(chunks(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Last-Modified"] = http_date(release.created_at.timestamp())
    response["ETag"] = f'"{release.sha256}-{member}"'
    return response


@require_GET
def responses_csv(request, slug: str):
    return _zip_member(_release(slug), "responses.csv", "text/csv; charset=utf-8",
                       f"{slug}-svar.csv")


@require_GET
def responses_jsonl(request, slug: str):
    return _zip_member(_release(slug), "responses.json", "application/json; charset=utf-8",
                       f"{slug}-svar.json")


@require_GET
def release_latest(request, slug: str):
    return _latest_zip(_release(slug), f"{slug}-seneste.zip")


def _latest_zip(release, filename: str) -> FileResponse:
    """The newest release's ZIP, with its date and checksum for caches and mirrors."""
    response = FileResponse(release.file.open("rb"), as_attachment=True,
                            filename=filename, content_type="application/zip")
    response["Last-Modified"] = http_date(release.created_at.timestamp())
    response["ETag"] = f'"{release.sha256}"'
    return response


@require_GET
def release_dated(request, slug: str, release_id: int):
    release = get_object_or_404(DataRelease, pk=release_id, consultation__slug=slug)
    return FileResponse(release.file.open("rb"), as_attachment=True,
                        filename=release.file.name.rsplit("/", 1)[-1],
                        content_type="application/zip")


class SubscriptionForm(forms.Form):
    email = forms.EmailField(label=_("Din e-mailadresse"), max_length=254,
                             widget=forms.EmailInput(attrs={"class": "form-input",
                                                            "autocomplete": "email"}))
    authority = forms.ChoiceField(label=_("Myndighed"), required=False,
                                  widget=forms.Select(attrs={"class": "form-select"}))
    theme = forms.ChoiceField(label=_("Tema"), required=False,
                              widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        published = Consultation.objects.published()
        authorities = sorted({a for a in published.values_list("authority", flat=True) if a})
        themes = (Theme.objects.filter(consultation__in=published)
                  .order_by("slug").values_list("slug", "title_da").distinct())
        seen: dict[str, str] = {}
        for slug, title in themes:
            seen.setdefault(slug, title)
        self.fields["authority"].choices = [("", _("Alle myndigheder"))] + [
            (a, a) for a in authorities]
        self.fields["theme"].choices = [("", _("Alle temaer"))] + sorted(
            seen.items(), key=lambda item: item[1])


@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "POST" and request.POST.get("topic") == "plan_progress":
        return _subscribe_plan(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscriptions.subscription_request(
                email=form.cleaned_data["email"], authority=form.cleaned_data["authority"],
                theme=form.cleaned_data["theme"], language=(get_language() or "da")[:2])
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None,
                           str(error.message))
        else:
            return render(request, "publishing/opendata/subscribe_sent.html", {})
    return render(request, "publishing/opendata/subscribe.html", {"form": form})


def _subscribe_plan(request):
    """A subscription to a plan's progress, from the form on the plan's public page."""
    email = request.POST.get("email", "")
    slug = request.POST.get("plan", "")
    try:
        subscriptions.subscription_request(
            email=email, topic="plan_progress", plan_slug=slug,
            language=(get_language() or "da")[:2])
    except DomainError as error:
        return render(request, "publishing/opendata/subscription_done.html",
                      {"error": error.message, "heading": _("Tilmeldingen lykkedes ikke")},
                      status=400)
    return render(request, "publishing/opendata/subscribe_sent.html", {})


@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token: str):
    subscription = subscriptions.subscription_by_token(token)
    if subscription is None:
        raise Http404
    if request.method == "POST":
        try:
            subscriptions.subscription_confirm(token=token)
        except DomainError as error:
            return render(request, "publishing/opendata/subscription_done.html",
                          {"error": error.message}, status=410)
        return render(request, "publishing/opendata/subscription_done.html",
                      {"confirmed": True, "subscription": subscription})
    # A GET only shows the button: mail scanners that follow links confirm nothing.
    return render(request, "publishing/opendata/subscription_action.html",
                  {"subscription": subscription, "action": "confirm"})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a form; the token is the key
@require_http_methods(["GET", "POST"])
def subscription_cancel(request, token: str):
    subscription = subscriptions.subscription_by_token(token)
    if subscription is None:
        raise Http404
    if request.method == "POST":
        subscriptions.subscription_cancel(token=token)
        return render(request, "publishing/opendata/subscription_done.html",
                      {"cancelled": True, "subscription": subscription})
    return render(request, "publishing/opendata/subscription_action.html",
                  {"subscription": subscription, "action": "cancel"})


@require_GET
def search(request):
    """Full-text search across published responses and consultations (public read model)."""
    from samskab.publishing import public_search

    query = " ".join(request.GET.get("q", "").split())[:200]
    hits = public_search.search(query) if query else []
    return render(request, "publishing/opendata/search.html",
                  {"query": query, "hits": hits, "limit": public_search.MAX_RESULTS})


def _plan_release(slug: str) -> DataRelease:
    from samskab.publishing import tracking_selectors as plans_read

    plan = plans_read.public_plan(slug)
    release = bulk.latest_plan_release(plan)
    if release is None:
        raise Http404
    return release


@require_GET
def plan_release_latest(request, slug: str):
    return _latest_zip(_plan_release(slug), f"plan-{slug}-seneste.zip")


@require_GET
def plan_release_dated(request, slug: str, release_id: int):
    from samskab.publishing import tracking_selectors as plans_read

    plan = plans_read.public_plan(slug)
    release = get_object_or_404(DataRelease, pk=release_id, plan=plan)
    return FileResponse(release.file.open("rb"), as_attachment=True,
                        filename=release.file.name.rsplit("/", 1)[-1],
                        content_type="application/zip")
