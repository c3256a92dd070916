"""Pages of publishing: the staff's høringsnotat page (text, preview downloads, publication,
one position for many small ideas) and the public pages, which read only through
`publishing.selectors` (the one door out)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from samskab.consultations.models import Consultation
from samskab.core.errors import DomainError
from samskab.core.views import staff_view
from samskab.insights.models import Idea
from samskab.publishing import notat, notat_documents, selectors, services
from samskab.publishing.documents import MIME_TYPES
from samskab.publishing.forms import BulkPositionForm, NotatTextForm
from samskab.publishing.models import NotatPublication, NotatText, PublicationState

PAGE_SIZE = 25
SMALL_IDEAS_SHOWN = 200


def _staff_page(request, consultation, *, form=None, bulk_form=None, status=200):
    text = NotatText.objects.filter(consultation=consultation).first()
    initial = {name: getattr(text, name) for name in services.FIELDS} if text else {}
    missing = list(selectors.ideas_without_position(consultation)[:SMALL_IDEAS_SHOWN])
    bulk_form = bulk_form or BulkPositionForm(ideas=missing)
    return render(request, "publishing/notat_edit.html", {
        "consultation": consultation,
        "form": form or NotatTextForm(initial=initial),
        "bulk_form": bulk_form,
        "missing": missing,
        "missing_count": selectors.ideas_without_position(consultation).count(),
        "can_change": request.user.has_perm("publishing.change_notat"),
        "can_publish": request.user.has_perm("publishing.publish_notat"),
        "can_position": request.user.has_perm("insights.change_analysis"),
        "publications": NotatPublication.objects.filter(consultation=consultation)
        .select_related("published_by").defer("data", "html"),
        "formats": notat_documents.FORMATS,
    }, status=status)


@staff_view("publishing.view_notat")
def notat_edit(request, slug: str):
    consultation = get_object_or_404(Consultation, slug=slug)
    if request.method == "POST":
        if not request.user.has_perm("publishing.change_notat"):
            raise PermissionDenied
        form = NotatTextForm(request.POST)
        if form.is_valid():
            services.notat_text_update(consultation=consultation, actor=request.user,
                                       **form.cleaned_data)
            messages.success(request, _("Høringsnotatets tekst er gemt."))
            return redirect("publishing:notat", slug=slug)
        return _staff_page(request, consultation, form=form, status=400)
    return _staff_page(request, consultation)


@require_POST
@staff_view("publishing.publish_notat")
def notat_publish(request, slug: str):
    consultation = get_object_or_404(Consultation, slug=slug)
    try:
        publication = services.notat_publish(actor=request.user, consultation=consultation)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _(
            "Version %(version)s af høringsnotatet er offentliggjort. Filerne dannes nu; "
            "de kan hentes her og på høringens side, når de er klar."
        ) % {"version": publication.version})
    return redirect("publishing:notat", slug=slug)


@require_POST
@staff_view("insights.change_analysis")
def positions_bulk(request, slug: str):
    consultation = get_object_or_404(Consultation, slug=slug)
    ideas = list(selectors.ideas_without_position(consultation)[:SMALL_IDEAS_SHOWN])
    form = BulkPositionForm(request.POST, ideas=ideas)
    if form.is_valid():
        chosen = list(Idea.objects.filter(pk__in=form.cleaned_data["ideas"],
                                          consultation=consultation))
        try:
            count = services.positions_bulk_set(
                actor=request.user, consultation=consultation, ideas=chosen,
                kind=form.cleaned_data["kind"],
                justification_da=form.cleaned_data["justification_da"])
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None,
                           str(error.message))
        else:
            messages.success(request, ngettext(
                "%(n)s idé har fået en stillingtagen.", "%(n)s idéer har fået en stillingtagen.",
                count) % {"n": count})
            return redirect("publishing:notat", slug=slug)
    return _staff_page(request, consultation, bulk_form=form, status=400)


@staff_view("publishing.view_notat")
def notat_download(request, slug: str, fmt: str):
    """A preview of the notat as it would be published now (staff only)."""
    consultation = get_object_or_404(Consultation, slug=slug)
    if fmt not in notat_documents.FORMATS:
        raise Http404(fmt)
    output = notat_documents.render(notat.notat_build(consultation), fmt)
    response = HttpResponse(output, content_type=MIME_TYPES[fmt])
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="hoeringsnotat-{slug}.{fmt}"'
    return response


# --- public -----------------------------------------------------------------------------------


def _public_consultation(slug: str) -> Consultation:
    try:
        return selectors.public_consultation(slug)
    except Consultation.DoesNotExist:
        raise Http404 from None


@require_GET
def public_responses(request, slug: str):
    """Published responses of a published consultation: only the published text."""
    consultation = _public_consultation(slug)
    paginator = Paginator(selectors.published_responses(consultation), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("side"))
    responses = [selectors.public_response(row) for row in page.object_list]
    return render(request, "publishing/public_responses.html", {
        "consultation": consultation, "page": page, "responses": responses,
        "outcomes": selectors.public_outcomes(consultation, [r.reference for r in responses]),
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "query": "", "closed": selectors.is_closed(consultation),
    })


@require_GET
def you_said_we_did(request, slug: str):
    consultation = _public_consultation(slug)
    return render(request, "publishing/public_you_said_we_did.html",
                  {"consultation": consultation,
                   "page": selectors.you_said_we_did(consultation)})


@require_GET
def notat_public(request, slug: str):
    """The published høringsnotat: the newest version in every format, earlier versions."""
    consultation = _public_consultation(slug)
    publications = list(NotatPublication.objects.filter(consultation=consultation)
                        .exclude(state=PublicationState.FAILED).defer("data", "html"))
    return render(request, "publishing/public_notat.html", {
        "consultation": consultation,
        "latest": publications[0] if publications else None,
        "earlier": publications[1:],
        "formats": notat_documents.FORMATS,
    })


@require_GET
def notat_public_file(request, slug: str, version: int, fmt: str):
    consultation = _public_consultation(slug)
    if fmt not in notat_documents.FORMATS:
        raise Http404(fmt)
    publication = get_object_or_404(NotatPublication, consultation=consultation,
                                    version=version, state=PublicationState.READY)
    if fmt == "html":
        return HttpResponse(publication.html, content_type=MIME_TYPES["html"])
    stored = getattr(publication, fmt)
    if not stored:
        raise Http404(fmt)
    return FileResponse(stored.open("rb"), as_attachment=True,
                        filename=f"hoeringsnotat-{slug}-v{version}.{fmt}",
                        content_type=MIME_TYPES[fmt])

