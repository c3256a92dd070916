"""Public consultation pages: parse the request, call one service, render."""

import uuid

from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samskab.consultations import receipts, selectors, services
from samskab.consultations.forms import ResponseForm
from samskab.consultations.models import Channel, Consultation, Response
from samskab.core.errors import DomainError


def consultation_list(request):
    published = Consultation.objects.published().order_by("closes_at")
    context = {
        "open": list(published.open()),
        "upcoming": list(published.upcoming()),
        "closed": list(published.closed().order_by("-closes_at")),
    }
    return render(request, "consultations/list.html", context)


def _consultation_or_404(slug: str, *, lean: bool = False) -> Consultation:
    try:
        if lean:
            return selectors.consultation_for_response(slug)
        return selectors.consultation_page(slug)
    except Consultation.DoesNotExist:
        raise Http404(_("Høringen findes ikke.")) from None


# The blank response form is the same page for every anonymous visitor but for two tokens (the
# CSRF token and the idempotency token), so each worker process renders it once per version of
# the consultation and language and fills the tokens in: at a deadline this page is fetched
# once per answer. Slots are plain ASCII that no template or translation contains.
_CSRF_SLOT = "SAMSKABCSRFTOKENSLOT"
_IDEMPOTENCY_SLOT = "SAMSKABIDEMPOTENCYSLOT"
_blank_form_pages: dict[tuple, str] = {}


def _blank_form_page(request, consultation: Consultation) -> HttpResponse:
    cacheable = not (
        request.GET or request.COOKIES.get("sessionid") or request.COOKIES.get("messages")
    )
    key = (
        consultation.pk, consultation.slug, consultation.title_da, consultation.title_en,
        consultation.opens_at, consultation.closes_at, request.LANGUAGE_CODE, request.path,
    )
    html = _blank_form_pages.get(key) if cacheable else None
    if html is None:
        form = ResponseForm(initial={"idempotency_token": _IDEMPOTENCY_SLOT})
        rendered = render(
            request, "consultations/respond.html",
            {"consultation": consultation, "form": form, "csrf_token": _CSRF_SLOT},
        )
        html = rendered.content.decode()
        if cacheable:
            if len(_blank_form_pages) > 100:
                _blank_form_pages.clear()
            _blank_form_pages[key] = html
    html = html.replace(_CSRF_SLOT, get_token(request)).replace(
        _IDEMPOTENCY_SLOT, uuid.uuid4().hex)
    return HttpResponse(html)


def consultation_detail(request, slug: str):
    consultation = _consultation_or_404(slug)
    return render(request, "consultations/detail.html", {"consultation": consultation})


@require_http_methods(["GET", "POST"])
def response_create(request, slug: str):
    consultation = _consultation_or_404(slug, lean=True)
    if not consultation.is_open and request.method == "GET":
        return render(
            request, "consultations/respond.html",
            {"consultation": consultation, "form": None}, status=200,
        )
    if request.method == "GET":
        return _blank_form_page(request, consultation)
    form = ResponseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receipt = services.response_receive(
                consultation=consultation,
                text=data["text"],
                channel=Channel.WEB,
                respondent=services.RespondentData(
                    kind=data["respondent_kind"], name=data["name"],
                    organisation=data["organisation"], email=data["email"],
                ),
                language=(request.LANGUAGE_CODE or "da")[:2],
                consent_publish_name=data["consent_publish_name"],
                consent_publish_response=data["consent_publish_response"],
                idempotency_key=data["idempotency_token"],
                attachments=[
                    services.IncomingFile(name=f.name, data=f.read(), mime_type=f.content_type)
                    for f in data["attachments"]
                ],
                source={"user_agent": request.headers.get("User-Agent", "")[:300]},
                receipt_to=data["email"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            token = receipts.receipt_token(receipt.reference)
            return redirect(reverse("consultations:receipt", args=[token]))
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "consultations/respond.html",
        {"consultation": consultation, "form": form}, status=status,
    )


def receipt(request, token: str):
    reference = receipts.reference_from_token(token)
    if reference is None:
        raise Http404(_("Kvitteringen findes ikke."))
    response = (
        Response.objects.select_related("consultation", "respondent")
        .prefetch_related("attachments").filter(reference=reference).first()
    )
    if response is None:
        raise Http404(_("Kvitteringen findes ikke."))
    # The page holds a copy of what was sent (personal data): never cached on the way.
    page = render(request, "consultations/receipt.html", {"response": response})
    patch_cache_control(page, no_store=True, private=True)
    return page
