"""Staff pages: plan and consultation dashboards (everything received), commitment pages
where the lead agency's officers write progress updates."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samskab.consultations.models import Consultation
from samskab.consultations.services import IncomingFile
from samskab.core.errors import DomainError
from samskab.core.views import staff_view
from samskab.plans.models import ActionPlan, Commitment, Milestone
from samskab.tracking import dashboards, services
from samskab.tracking.charts import render_svg
from samskab.tracking.forms import (
    AssessmentForm,
    ForumMeetingForm,
    ProgressForm,
    SelfAssessmentForm,
)

PERM = "tracking.view_dashboard"


def chart_csv_response(chart, filename: str) -> HttpResponse:
    response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def chart_context(board) -> list[dict]:
    return [{"chart": c, "svg": render_svg(c)} for c in board.charts]


@staff_view(PERM)
def home(request):
    plans = ActionPlan.objects.order_by("-period_start", "id")
    consultations = Consultation.objects.order_by("-closes_at")[:20]
    return render(request, "tracking/home.html", {"plans": plans,
                                                  "consultations": consultations})


@staff_view(PERM)
def plan_dashboard(request, slug):
    plan = get_object_or_404(ActionPlan, slug=slug)
    return render(request, "tracking/plan_dashboard.html", _plan_forms(request, plan))


@staff_view(PERM)
def plan_chart_csv(request, slug, chart):
    plan = get_object_or_404(ActionPlan, slug=slug)
    try:
        found = dashboards.plan_dashboard(plan).chart(chart)
    except StopIteration:
        raise Http404 from None
    return chart_csv_response(found, f"{plan.slug}-{chart}")


@staff_view(PERM)
def consultation_dashboard(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    board = dashboards.consultation_dashboard(consultation, "all")
    return render(request, "tracking/consultation_dashboard.html", {
        "consultation": consultation, "board": board, "charts": chart_context(board),
        "staff": True, "csv_url": "tracking:consultation_csv"})


@staff_view(PERM)
def consultation_chart_csv(request, slug, chart):
    consultation = get_object_or_404(Consultation, slug=slug)
    board = dashboards.consultation_dashboard(consultation, "all")
    try:
        found = board.chart(chart)
    except StopIteration:
        raise Http404 from None
    return chart_csv_response(found, f"{consultation.slug}-{chart}")


def _commitment_context(request, commitment, forms=None):
    milestones = commitment.milestones.prefetch_related("progress_updates__evidence")
    can_update = request.user.has_perm("tracking.update_progress", commitment)
    forms = forms or {}
    return {"commitment": commitment, "milestones": [
        {"milestone": m, "form": forms.get(m.pk) or ProgressForm(
            prefix=f"m{m.pk}", initial={"status": m.status})} for m in milestones],
        "can_update": can_update, "assessment": getattr(commitment, "assessment", None),
        "similar": commitment.similar_abroad.select_related("foreign"),
        "can_assess": request.user.has_perm("tracking.assess", commitment),
        "assessment_form": _assessment_form(commitment)}


def _assessment_form(commitment) -> AssessmentForm:
    from samskab.tracking import irm

    a = getattr(commitment, "assessment", None)
    if a is None:
        start = commitment.plan.period_start
        return AssessmentForm(prefix="a", initial={
            "framework": irm.framework_for(start) if start else irm.Y2021})
    initial = {"framework": a.framework, **a.codings(), "assessed_on": a.assessed_on,
               "note": a.note}
    if a.verifiable is not None:
        initial["verifiable"] = "yes" if a.verifiable else "no"
    return AssessmentForm(prefix="a", initial=initial)


@staff_view(PERM)
def commitment(request, pk):
    commitment = get_object_or_404(Commitment.objects.select_related(
        "plan", "lead_agency", "assessment"), pk=pk)
    return render(request, "tracking/commitment.html",
                  _commitment_context(request, commitment))


@staff_view(PERM)
@require_POST
def progress_add(request, pk):
    milestone = get_object_or_404(Milestone.objects.select_related(
        "commitment__plan", "commitment__lead_agency"), pk=pk)
    commitment = milestone.commitment
    if not request.user.has_perm("tracking.update_progress", commitment):
        raise PermissionDenied("tracking.update_progress")
    form = ProgressForm(request.POST, request.FILES, prefix=f"m{milestone.pk}")
    if form.is_valid():
        files = [IncomingFile(f.name, f.read(), f.content_type or "")
                 for f in form.cleaned_data["files"]]
        try:
            services.progress_record(
                actor=request.user, milestone=milestone, status=form.cleaned_data["status"],
                reported_on=form.cleaned_data["reported_on"], note=form.cleaned_data["note"],
                links=form.links_list(), files=files)
        except DomainError as error:
            field = {"evidence": "files"}.get(error.field, error.field)
            form.add_error(field if field in form.fields else None,
                           str(error.message))
        else:
            messages.success(request, _("Statusopdateringen er gemt og offentlig."))
            return redirect("tracking:commitment", pk=commitment.pk)
    context = _commitment_context(request, commitment, forms={milestone.pk: form})
    return render(request, "tracking/commitment.html", context, status=400)


def _domain_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


@staff_view(PERM)
@require_POST
def assessment_save(request, pk):
    commitment = get_object_or_404(Commitment.objects.select_related("plan"), pk=pk)
    if not request.user.has_perm("tracking.assess", commitment):
        raise PermissionDenied("tracking.assess")
    form = AssessmentForm(request.POST, prefix="a")
    if form.is_valid():
        try:
            services.assessment_save(
                actor=request.user, commitment=commitment, codings=form.codings(),
                framework=form.cleaned_data["framework"],
                assessed_on=form.cleaned_data["assessed_on"], note=form.cleaned_data["note"])
        except DomainError as error:
            _domain_error(form, error)
        else:
            messages.success(request, _("Vurderingen er gemt; stjernen er beregnet."))
            return redirect("tracking:commitment", pk=commitment.pk)
    context = _commitment_context(request, commitment)
    context["assessment_form"] = form
    return render(request, "tracking/commitment.html", context, status=400)


def _plan_forms(request, plan, **forms):
    board = dashboards.plan_dashboard(plan)
    return {
        "plan": plan, "board": board, "charts": chart_context(board),
        "cadence": services.plan_forum_cadence(plan), "staff": True,
        "meetings": plan.forum_meetings.order_by("held_on", "id"),
        "commitments": plan.commitments.select_related("lead_agency"),
        "csv_url": "tracking:plan_csv",
        "can_coordinate": request.user.has_perm("tracking.record_forum", plan),
        "forum_form": forms.get("forum_form") or ForumMeetingForm(prefix="f"),
        "report_form": forms.get("report_form") or SelfAssessmentForm(prefix="r"),
        "reports": plan.self_assessments.select_related("consultation"),
    }


@staff_view(PERM)
@require_POST
def forum_meeting_add(request, slug):
    plan = get_object_or_404(ActionPlan, slug=slug)
    if not request.user.has_perm("tracking.record_forum", plan):
        raise PermissionDenied("tracking.record_forum")
    form = ForumMeetingForm(request.POST, prefix="f")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.forum_meeting_record(
                actor=request.user, plan=plan, held_on=data["held_on"],
                government=form.lines(data["government"]),
                civil_society=form.lines(data["civil_society"]), minutes=data["minutes"],
                decisions=data["decisions"])
        except DomainError as error:
            _domain_error(form, error)
        else:
            messages.success(request, _("Mødet er registreret."))
            return redirect("tracking:plan", slug=plan.slug)
    return render(request, "tracking/plan_dashboard.html",
                  _plan_forms(request, plan, forum_form=form), status=400)


@staff_view(PERM)
@require_POST
def self_assessment_add(request, slug):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from django.conf import settings

    plan = get_object_or_404(ActionPlan, slug=slug)
    if not request.user.has_perm("tracking.self_assess", plan):
        raise PermissionDenied("tracking.self_assess")
    form = SelfAssessmentForm(request.POST, prefix="r")
    if form.is_valid():
        data = form.cleaned_data
        closes_at = datetime.combine(data["closes_on"], time(23, 59),
                                     tzinfo=ZoneInfo(settings.TIME_ZONE))
        try:
            services.self_assessment_create(actor=request.user, plan=plan, kind=data["kind"],
                                            as_of=data["as_of"], closes_at=closes_at)
        except DomainError as error:
            if error.field == "closes_at":
                error.field = "closes_on"
            _domain_error(form, error)
        else:
            messages.success(request, _("Selvevalueringen er lagt ud til kommentering."))
            return redirect("tracking:plan", slug=plan.slug)
    return render(request, "tracking/plan_dashboard.html",
                  _plan_forms(request, plan, report_form=form), status=400)
