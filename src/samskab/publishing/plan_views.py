"""Public pages of action plans: the plan, each commitment with "Hvor kommer det fra?", the
plan as a document, and comments on a draft out for public comment (received through the one
door in, `plans.services.plan_comment_receive` → `response_receive`)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samskab.consultations import receipts
from samskab.consultations.models import Channel, RespondentKind
from samskab.consultations.services import ReceiveError, RespondentData
from samskab.core.errors import DomainError
from samskab.plans.forms import CommentForm
from samskab.plans.models import ActionPlan
from samskab.plans.services import plan_comment_receive
from samskab.publishing import plan_public
from samskab.publishing.plan_documents import FORMATS, MIME_TYPES, plan_document


def _plan_or_404(slug: str):
    try:
        return plan_public.public_plan(slug)
    except ActionPlan.DoesNotExist:
        raise Http404(_("Handlingsplanen findes ikke.")) from None


@require_GET
def plan_list(request):
    return render(request, "publishing/plans/list.html", {"plans": plan_public.public_plans()})


def _comment(request, plan, version, *, identifier: str = ""):
    """Handle the comment form; returns (form, redirect or None)."""
    form = CommentForm(request.POST or None,
                       initial={"paragraph": request.GET.get("afsnit", "")})
    if request.method != "POST":
        return form, None
    if not plan_public.plan_is_open_for_comment(plan, version):
        form.add_error(None, _("Planen er ikke åben for kommentarer."))
        return form, None
    if form.is_valid():
        d = form.cleaned_data
        try:
            receipt = plan_comment_receive(
                version=version, text=d["text"], channel=Channel.WEB,
                respondent=RespondentData(
                    kind=RespondentKind.NGO if d["organisation"] else RespondentKind.CITIZEN,
                    name=d["name"], organisation=d["organisation"], email=d["email"]),
                commitment_identifier=identifier, paragraph=d["paragraph"],
                consent_publish_name=d["consent_publish_name"])
        except (DomainError, ReceiveError) as error:
            form.add_error(None, str(error.message))
        else:
            return form, redirect(reverse("consultations:receipt",
                                          args=[receipts.receipt_token(receipt.reference)]))
    return form, None


@require_http_methods(["GET", "POST"])
def plan_detail(request, slug: str):
    plan, version = _plan_or_404(slug)
    form, done = _comment(request, plan, version)
    if done:
        return done
    return render(request, "publishing/plans/plan.html", {
        "plan": plan, "version": version, "snapshot": version.snapshot,
        "title": plan_public.localised(version.snapshot, "title"),
        "commitments": plan_public.public_commitments(version.snapshot),
        "open_for_comment": plan_public.plan_is_open_for_comment(plan, version),
        "form": form, "formats": FORMATS},
        status=400 if form.is_bound and form.errors else 200)


@require_http_methods(["GET", "POST"])
def commitment_detail(request, slug: str, identifier: str):
    plan, version = _plan_or_404(slug)
    commitments = {c.identifier: c for c in plan_public.public_commitments(version.snapshot)}
    commitment = commitments.get(identifier)
    if commitment is None:
        raise Http404(_("Forpligtelsen findes ikke."))
    form, done = _comment(request, plan, version, identifier=identifier)
    if done:
        return done
    anchor = form["paragraph"].value() or ""
    quoted = next((p.text for s in commitment.sections for p in s.paragraphs
                   if p.anchor == anchor), "")
    return render(request, "publishing/plans/commitment.html", {
        "plan": plan, "version": version, "commitment": commitment,
        "title": plan_public.localised(version.snapshot, "title"),
        "sources": plan_public.commitment_public_sources(commitment.data),
        "open_for_comment": plan_public.plan_is_open_for_comment(plan, version),
        "form": form, "quoted": quoted},
        status=400 if form.is_bound and form.errors else 200)


@require_GET
def plan_download(request, slug: str, fmt: str):
    plan, version = _plan_or_404(slug)
    if fmt not in FORMATS:
        raise Http404
    language = "en" if request.GET.get("sprog") == "en" else "da"
    body = plan_document(plan, version, fmt, language)
    response = HttpResponse(body, content_type=MIME_TYPES[fmt])
    suffix = "-en" if language == "en" else ""
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}{suffix}.{fmt}"'
    return response
