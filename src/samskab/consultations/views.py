"""Public consultation pages: parse the request, call one service, render."""


from django.conf import settings
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samskab.consultations import hygiene, receipts, selectors, services
from samskab.consultations.forms import ResponseForm, form_token
from samskab.consultations.models import Channel, Consultation, Response
from samskab.core.errors import DomainError


def consultation_list(request):
    return render(request, "consultations/list.html", selectors.consultations_for_list())


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
        _IDEMPOTENCY_SLOT, form_token())
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
    if request.method == "POST" and _refuse_large_files(request, form):
        pass
    elif request.method == "POST" and form.is_valid():
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
            receipt_url = reverse("consultations:receipt", args=[token])
            if not receipt.created and _differs(receipt, data["text"]):
                return _already_received(request, consultation, data, receipt, receipt_url)
            return redirect(receipt_url)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "consultations/respond.html",
        {"consultation": consultation, "form": form}, status=status,
    )


def _refuse_large_files(request, form: ResponseForm) -> bool:
    """Files over the limit were dropped while they streamed in (core.uploads) or are
    reported larger than it: say so on the form, and read none of them."""
    limit = settings.SAMSKAB_MAX_ATTACHMENT_BYTES
    names = list(getattr(request, "upload_refusals", []))
    names += [f.name for f in request.FILES.getlist("attachments") if f.size > limit]
    for name in dict.fromkeys(names):
        form.add_error("attachments", _("Filen »%(name)s« er for stor (højst %(limit)s MB).")
                       % {"name": name, "limit": limit // (1024 * 1024)})
    return bool(names)


def _differs(receipt: services.Receipt, text: str) -> bool:
    """Whether `text` is not what the response behind `receipt` holds."""
    stored = Response.objects.values_list("content_hash", flat=True).get(pk=receipt.response_id)
    return stored != hygiene.content_hash(text)


def _already_received(request, consultation, data, receipt, receipt_url):
    """The form came again under a used token with another text (a second tab, the back
    button): say the first response was received, link its receipt, and offer the changed
    text as a new response under a new token."""
    initial = {name: value for name, value in data.items()
               if name not in ("attachments", "idempotency_token")}
    return render(
        request, "consultations/respond.html",
        {"consultation": consultation, "form": ResponseForm(initial=initial),
         "already_received": {"reference": receipt.reference, "receipt_url": receipt_url}},
        status=409,
    )


def receipt(request, token: str):
    reference = receipts.reference_from_token(token)
    if reference is None:
        raise Http404(_("Kvitteringen findes ikke."))
    found = selectors.response_for_receipt(reference)
    if found is None:
        raise Http404(_("Kvitteringen findes ikke."))
    response, attachments = found
    context = {"response": response, "attachments": attachments}
    frame = _receipt_frame(request)
    if frame is None:
        page = render(request, "consultations/receipt.html", context)
    else:
        # Slots filled in this order, the content last and by position, so that nothing the
        # visitor controls (the address, the text sent) is read as a slot.
        csrf_token, path = get_token(request), escape(request.get_full_path())
        before, after = (
            part.replace(_CSRF_SLOT, csrf_token).replace(_PATH_SLOT, path) for part in frame
        )
        content = render_to_string("consultations/_receipt.html", context, request)
        page = HttpResponse(before + content + after)
    # The page holds a copy of what was sent (personal data): never cached on the way.
    patch_cache_control(page, no_store=True, private=True)
    return page


# The receipt page around the receipt (header, navigation, footer) is the same for every
# anonymous visitor in a language but for the CSRF token and the page's own address (in the
# language switch): each worker process renders it once per language and fills them in.
_CONTENT_SLOT = "SAMSKABCONTENTSLOT"
_PATH_SLOT = "SAMSKABPATHSLOT"
_receipt_frames: dict[str, tuple[str, str]] = {}


class _PathSlot:
    """Stands in for the request in the frame: its address is a slot."""

    @staticmethod
    def get_full_path() -> str:
        return _PATH_SLOT


def _receipt_frame(request) -> tuple[str, str] | None:
    """The receipt page before and after its content, or None when it must be rendered whole."""
    if request.COOKIES.get("sessionid") or request.COOKIES.get("messages"):
        return None  # a signed-in header, or a message to show
    frame = _receipt_frames.get(request.LANGUAGE_CODE)
    if frame is None:
        html = render_to_string(
            "consultations/receipt.html",
            {"content_slot": _CONTENT_SLOT, "csrf_token": _CSRF_SLOT, "request": _PathSlot()},
            request,
        )
        before, _slot, after = html.partition(_CONTENT_SLOT)
        frame = _receipt_frames[request.LANGUAGE_CODE] = (before, after)
    return frame
