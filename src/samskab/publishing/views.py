"""Staff pages of publishing: edit and download the høringsnotat."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from samskab.consultations.models import Consultation
from samskab.core.views import staff_view
from samskab.publishing import notat, services
from samskab.publishing.forms import NotatTextForm
from samskab.publishing.models import NotatText


@staff_view("publishing.view_notat")
def notat_edit(request, slug: str):
    consultation = get_object_or_404(Consultation, slug=slug)
    text = NotatText.objects.filter(consultation=consultation).first()
    initial = {name: getattr(text, name) for name in services.FIELDS} if text else {}
    form = NotatTextForm(request.POST or None, initial=initial)
    can_change = request.user.has_perm("publishing.change_notat")
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            services.notat_text_update(consultation=consultation, actor=request.user,
                                       **form.cleaned_data)
            messages.success(request, _("Høringsnotatets tekst er gemt."))
            return redirect("publishing:notat", slug=slug)
    return render(request, "publishing/notat_edit.html", {
        "consultation": consultation, "form": form, "can_change": can_change,
        "formats": notat.FORMATS,
    })


@staff_view("publishing.view_notat")
def notat_download(request, slug: str, fmt: str):
    consultation = get_object_or_404(Consultation, slug=slug)
    if fmt not in notat.FORMATS:
        raise Http404(fmt)
    output = notat.render(notat.notat_build(consultation), fmt)
    response = HttpResponse(output, content_type=notat.MIME_TYPES[fmt])
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="hoeringsnotat-{slug}.{fmt}"'
    return response
