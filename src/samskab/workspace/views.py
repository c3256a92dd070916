"""Staff workspace pages: parse the request, call one service, render (style rule 1).

Every view declares the permission it needs with `staff_view`: anonymous visitors are sent to
the login page, signed-in users without the permission get 403.
"""

from datetime import datetime, time
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from samskab.consultations import serving
from samskab.consultations.models import Attachment, Consultation, InvitedParty, Response
from samskab.core.errors import DomainError
from samskab.core.views import form_add_domain_error, messages_add_domain_error, staff_view
from samskab.workspace import extensions, search, selectors, services
from samskab.workspace.forms import (
    InboxForm,
    InvitedPartyForm,
    LetterForm,
    ReasonForm,
    RedactionAddForm,
    RedactionDecisionForm,
)
from samskab.workspace.models import InvitedPartyMatch, Redaction
from samskab.workspace.paging import DeferredJoinPaginator
from samskab.workspace.redaction import search_query_for

PAGE_SIZE = 50
# A filter's or a search's matches are counted up to this many (»more than 1,000«), a window
# that moves on with the page asked for (see _count_limit).
INBOX_COUNT_LIMIT = 1_000


def _count_limit(page: str | None) -> int:
    """How far a narrowed inbox is counted for this page: INBOX_COUNT_LIMIT, and from the
    window's last page on, the next window too, so paging on is always possible. Counting to
    the limit costs in proportion to limit ÷ the share of answers that match (a combination
    matching 3 % of a million tests 33,000 answers to count 1,000), so it stays small."""
    try:
        number = max(1, int(page or 1))
    except ValueError:
        number = 1
    shown_to = number * PAGE_SIZE
    return INBOX_COUNT_LIMIT * (1 + shown_to // INBOX_COUNT_LIMIT)


def _consultation(slug: str) -> Consultation:
    return get_object_or_404(Consultation, slug=slug)


def _response(reference: str) -> Response:
    try:
        return selectors.response_detail(reference)
    except Response.DoesNotExist:
        raise Http404(_("Høringssvaret findes ikke.")) from None


def _detail_url(response: Response) -> str:
    return reverse("staff:response", args=[response.reference])


@require_GET
@staff_view("workspace.view_workspace")
def home(request):
    rows, unrouted = selectors.staff_home()
    return render(request, "workspace/home.html", {"rows": rows, "unrouted": unrouted})


@require_GET
@staff_view("workspace.view_workspace")
def inbox(request, slug: str):
    consultation = _consultation(slug)
    form = InboxForm(request.GET, consultation=consultation)
    values = form.values()
    search_text = search_query_for(values["q"], request.user)
    responses = selectors.inbox(
        consultation, filters=values, query=search_text, sort=values["sort"] or "-received",
    )
    narrowed = any(v for k, v in values.items() if k != "sort")
    # The whole list is counted exactly (an index-only count); a filter's or a search's
    # matches up to a limit ("more than 1,000"), so a broad search stays fast.
    paginator = DeferredJoinPaginator(
        responses, PAGE_SIZE, load=selectors.inbox_rows,
        count_limit=_count_limit(request.GET.get("side")) if narrowed else None,
        count_by_keys=search.builds_match_list(search_text))
    page = paginator.get_page(request.GET.get("side"))
    query = urlencode({k: v for k, v in values.items() if v})
    return render(request, "workspace/inbox.html", {
        "consultation": consultation, "form": form, "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "query": query,
        "can_moderate": request.user.has_perm("workspace.moderate_response", consultation),
    })


@require_GET
@staff_view("workspace.view_workspace")
def response_detail(request, reference: str):
    response = _response(reference)
    if (request.user.has_perm("workspace.moderate_response", response)
            and services.redaction_scan_due(response=response)):
        # Proposals are made when a moderator first opens the response (and again once an
        # attachment's text has arrived), so the page always shows what is to be decided.
        services.redaction_propose(actor=request.user, response=response)
        response = _response(reference)
    return render(request, "workspace/response.html", {
        "response": response,
        "consultation": response.consultation,
        "published": selectors.published_version_of(response),
        "moderation": selectors.moderation_of(response),
        "history": selectors.response_history(response),
        "undecided": selectors.undecided_redactions(response),
        "redaction_rows": selectors.redaction_rows(response),
        "can_moderate": request.user.has_perm("workspace.moderate_response", response),
        "can_see_private": request.user.has_perm("workspace.view_respondent_private", response),
        "past_deadline": response.consultation.closes_at <= timezone.now(),
        "reason_form": ReasonForm(),
        "redaction_form": RedactionAddForm(),
        "panels": extensions.response_panels(response, request.user),
        "placeholder_panels": extensions.missing_default_panels(),
    })


@require_GET
@staff_view("workspace.download_attachment")
def attachment_download(request, pk: int):
    """The stored file, streamed to staff only; never from a public URL."""
    attachment = get_object_or_404(Attachment, pk=pk)
    # The type the bytes show, never the sender's claim; always a download (never inline).
    content_type = serving.attachment_content_type(attachment)
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _service_post(request, call, *, success: str, back: str):
    try:
        call()
    except DomainError as error:
        messages_add_domain_error(request, error)
    else:
        messages.success(request, success)
    return redirect(back)


@require_POST
@staff_view("workspace.moderate_response")
def response_publish(request, reference: str):
    response = _response(reference)
    return _service_post(
        request,
        lambda: services.response_publish(actor=request.user, response=response),
        success=_("Høringssvaret er offentliggjort."), back=_detail_url(response),
    )


def _with_reason(request, reference: str, service, success: str):
    response = _response(reference)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skriv en begrundelse."))
        return redirect(_detail_url(response))
    return _service_post(
        request,
        lambda: service(actor=request.user, response=response,
                        reason=form.cleaned_data["reason"]),
        success=success, back=_detail_url(response),
    )


@require_POST
@staff_view("workspace.moderate_response")
def response_withhold(request, reference: str):
    return _with_reason(request, reference, services.response_withhold,
                        _("Høringssvaret er tilbageholdt."))


@require_POST
@staff_view("workspace.moderate_response")
def response_reject(request, reference: str):
    return _with_reason(request, reference, services.response_reject,
                        _("Høringssvaret er afvist."))


@require_POST
@staff_view("workspace.moderate_response")
def redaction_propose(request, reference: str):
    response = _response(reference)
    created = services.redaction_propose(actor=request.user, response=response)
    messages.info(request, ngettext("%(n)s nyt forslag til maskering.",
                                    "%(n)s nye forslag til maskering.", len(created))
                  % {"n": len(created)})
    return redirect(_detail_url(response) + "#maskering")


@require_POST
@staff_view("workspace.moderate_response")
def redaction_add(request, reference: str):
    response = _response(reference)
    form = RedactionAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skriv den tekst, der skal maskeres."))
        return redirect(_detail_url(response) + "#maskering")
    return _service_post(
        request,
        lambda: services.redaction_add(actor=request.user, response=response,
                                       phrase=form.cleaned_data["phrase"],
                                       reason=form.cleaned_data["reason"]),
        success=_("Teksten maskeres."), back=_detail_url(response) + "#maskering",
    )


def _redaction_decide(request, pk: int, service, success: str):
    redaction = get_object_or_404(Redaction.objects.select_related("response"), pk=pk)
    form = RedactionDecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _service_post(
        request, lambda: service(actor=request.user, redaction=redaction, reason=reason),
        success=success, back=_detail_url(redaction.response) + "#maskering",
    )


@require_POST
@staff_view("workspace.moderate_response")
def redaction_accept(request, pk: int):
    return _redaction_decide(request, pk, services.redaction_accept, _("Maskeres."))


@require_POST
@staff_view("workspace.moderate_response")
def redaction_reject(request, pk: int):
    return _redaction_decide(request, pk, services.redaction_reject, _("Maskeres ikke."))


@require_GET
@staff_view("workspace.view_workspace")
def invited_parties(request, slug: str):
    consultation = _consultation(slug)
    rows = selectors.invited_parties(consultation)
    return render(request, "workspace/invited_parties.html", {
        "consultation": consultation, "rows": rows,
        "replied": sum(row.replied for row in rows),
        "can_manage": request.user.has_perm("workspace.manage_invited_parties", consultation),
        "form": InvitedPartyForm(),
    })


def _parties_url(consultation: Consultation) -> str:
    return reverse("staff:invited_parties", args=[consultation.slug])


@staff_view("workspace.manage_invited_parties")
def invited_party_add(request, slug: str):
    consultation = _consultation(slug)
    form = InvitedPartyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invited_party_add(actor=request.user, consultation=consultation,
                                       **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("Høringsparten er tilføjet."))
            return redirect(_parties_url(consultation))
    return render(request, "workspace/invited_party_form.html",
                  {"consultation": consultation, "form": form, "party": None},
                  status=400 if form.errors else 200)


@staff_view("workspace.manage_invited_parties")
def invited_party_edit(request, pk: int):
    party = get_object_or_404(InvitedParty.objects.select_related("consultation"), pk=pk)
    initial = {"name": party.name, "kind": party.kind, "email": party.email,
               "email_domain": party.email_domain}
    form = InvitedPartyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.invited_party_update(actor=request.user, party=party, **form.cleaned_data)
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, _("Høringsparten er rettet."))
            return redirect(_parties_url(party.consultation))
    return render(request, "workspace/invited_party_form.html",
                  {"consultation": party.consultation, "form": form, "party": party},
                  status=400 if form.errors else 200)


@staff_view("workspace.manage_invited_parties")
def invited_party_remove(request, pk: int):
    party = get_object_or_404(InvitedParty.objects.select_related("consultation"), pk=pk)
    if request.method == "POST":
        consultation = party.consultation
        services.invited_party_remove(actor=request.user, party=party)
        messages.success(request, _("Høringsparten er fjernet fra listen."))
        return redirect(_parties_url(consultation))
    return render(request, "workspace/invited_party_remove.html",
                  {"consultation": party.consultation, "party": party})


@require_POST
@staff_view("workspace.manage_invited_parties")
def invited_party_match_propose(request, slug: str):
    consultation = _consultation(slug)
    count = services.invited_party_match_propose(actor=request.user, consultation=consultation)
    messages.info(request, ngettext("%(n)s nyt forslag til svar fra høringsparter.",
                                    "%(n)s nye forslag til svar fra høringsparter.", count)
                  % {"n": count})
    return redirect(_parties_url(consultation))


def _match_decide(request, pk: int, service, success: str):
    match = get_object_or_404(InvitedPartyMatch.objects.select_related("party__consultation"),
                              pk=pk)
    service(actor=request.user, match=match)
    messages.success(request, success)
    return redirect(_parties_url(match.party.consultation))


@require_POST
@staff_view("workspace.manage_invited_parties")
def invited_party_match_confirm(request, pk: int):
    return _match_decide(request, pk, services.invited_party_match_confirm,
                         _("Svaret er knyttet til høringsparten."))


@require_POST
@staff_view("workspace.manage_invited_parties")
def invited_party_match_reject(request, pk: int):
    return _match_decide(request, pk, services.invited_party_match_reject,
                         _("Forslaget er afvist."))


@staff_view("workspace.register_letter")
def letter_register(request, slug: str):
    consultation = _consultation(slug)
    form = LetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        received = datetime.combine(data["received_on"], time(12, 0),
                                    tzinfo=timezone.get_current_timezone())
        try:
            receipt = services.letter_register(
                actor=request.user, consultation=consultation,
                scan_name=data["scan"].name, scan_data=data["scan"].read(),
                kind=data["kind"], name=data["name"], organisation=data["organisation"],
                address=data["address"], text=data["text"],
                received_at=min(received, timezone.now()),
                consent_publish_name=data["consent_publish_name"],
                consent_publish_response=data["consent_publish_response"],
            )
        except DomainError as error:
            form.add_error("scan" if error.code.startswith(("scan", "attachment")) else None,
                           error.message)
        else:
            messages.success(request, _("Brevet er registreret som %(reference)s.")
                             % {"reference": receipt.reference})
            return redirect(reverse("staff:response", args=[receipt.reference]))
    return render(request, "workspace/letter.html",
                  {"consultation": consultation, "form": form},
                  status=400 if form.errors else 200)


# --- Bulk publication of a filter's result ----------------------------------------------------

def _bulk_filters(request, consultation: Consultation) -> dict[str, str]:
    """The inbox's filters from GET (the confirmation page) or POST (its form)."""
    form = InboxForm(request.POST if request.method == "POST" else request.GET,
                     consultation=consultation)
    return {k: v for k, v in form.values().items() if v and k != "sort"}


@staff_view("workspace.moderate_response")
def bulk_publish(request, slug: str):
    """GET: how many responses the filter would publish, and a confirm button; POST: queue it."""
    from samskab.core.errors import DomainError
    from samskab.workspace import bulk

    consultation = _consultation(slug)
    if not request.user.has_perm("workspace.moderate_response", consultation):
        raise PermissionDenied("workspace.moderate_response")
    filters = _bulk_filters(request, consultation)
    back = reverse("staff:inbox", args=[slug]) + (f"?{urlencode(filters)}" if filters else "")
    if request.method == "POST":
        try:
            queued = bulk.bulk_publish_request(actor=request.user, consultation=consultation,
                                               filters=filters)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(back)
        messages.success(request, ngettext(
            "%(n)s høringssvar bliver offentliggjort i baggrunden.",
            "%(n)s høringssvar bliver offentliggjort i baggrunden.", queued.count,
        ) % {"n": queued.count})
        return redirect("staff:bulk_publish_status", slug=slug, task_id=queued.task_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    count = bulk.bulk_publish_candidates(consultation, filters).count()
    return render(request, "workspace/bulk_publish.html", {
        "consultation": consultation, "filters": filters, "count": count, "back": back,
        "past_deadline": consultation.closes_at <= timezone.now(),
    })


@require_GET
@staff_view("workspace.moderate_response")
def bulk_publish_status(request, slug: str, task_id: str):
    """Progress, then the result, of one bulk publication (reload the page to follow it)."""
    from samskab.workspace import bulk, tasks

    consultation = _consultation(slug)
    try:
        result = tasks.bulk_publish_task.get_result(task_id)
    except (TaskResultDoesNotExist, ValueError, ValidationError) as error:
        raise Http404(_("Kørslen findes ikke.")) from error
    if not result.args or result.args[0] != consultation.pk:
        raise Http404(_("Kørslen findes ikke."))
    done = result.status == TaskResultStatus.SUCCESSFUL
    outcome = result.return_value if done else None
    skipped = []
    if outcome:
        skipped = [(bulk.SKIP_REASONS.get(code, code), n)
                   for code, n in sorted(outcome["skipped"].items())]
    return render(request, "workspace/bulk_publish_status.html", {
        "consultation": consultation, "result": result, "done": done,
        "failed": result.status == TaskResultStatus.FAILED,
        "published_so_far": bulk.bulk_publish_progress(task_id) if not done else None,
        "outcome": outcome, "skipped": skipped,
        "listed": [(ref, bulk.SKIP_REASONS.get(code, code))
                   for ref, code in (outcome or {}).get("skipped_listed", [])],
    })
