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
from samskab.tracking.forms import ProgressForm

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
    board = dashboards.plan_dashboard(plan)
    return render(request, "tracking/plan_dashboard.html", {
        "plan": plan, "board": board, "charts": chart_context(board),
        "cadence": services.plan_forum_cadence(plan), "staff": True,
        "meetings": plan.forum_meetings.order_by("held_on", "id"),
        "commitments": plan.commitments.select_related("lead_agency"),
        "csv_url": "tracking:plan_csv"})


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
        "similar": commitment.similar_abroad.select_related("foreign")}


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
