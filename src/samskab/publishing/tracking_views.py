"""Public pages of implementation: plan progress dashboards with data tables and CSV, each
commitment's progress history, assessment and experience abroad, the consultation dashboard.
Everything reads through `tracking_selectors` (published data only)."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samskab.publishing import tracking_selectors as selectors
from samskab.tracking.charts import render_svg
from samskab.tracking.views import chart_csv_response


def _charts(board):
    return [{"chart": c, "svg": render_svg(c)} for c in board.charts]


@require_GET
def plans(request):
    return render(request, "publishing/tracking/plans.html",
                  {"plans": selectors.public_plans()})


@require_GET
def plan(request, slug):
    found = selectors.public_plan(slug)
    board = selectors.public_plan_dashboard(found)
    meetings, cadence = selectors.public_forum(found)
    return render(request, "publishing/tracking/plan.html", {
        "plan": found, "board": board, "charts": _charts(board), "meetings": meetings,
        "cadence": cadence, "commitments": found.commitments.select_related("lead_agency"),
        "reports": selectors.public_self_assessments(found)})


@require_GET
def plan_csv(request, slug, chart):
    found = selectors.public_plan(slug)
    try:
        data = selectors.public_plan_dashboard(found).chart(chart)
    except StopIteration:
        raise Http404 from None
    return chart_csv_response(data, f"{found.slug}-{chart}")


@require_GET
def commitment(request, pk):
    found = selectors.public_commitment(pk)
    milestones = found.milestones.prefetch_related("progress_updates__evidence")
    return render(request, "publishing/tracking/commitment.html", {
        "commitment": found, "milestones": [{"milestone": m} for m in milestones],
        "can_update": False, "assessment": getattr(found, "assessment", None),
        "similar": found.similar_abroad.select_related("foreign")})


@require_GET
def consultation(request, slug):
    found = selectors.public_consultation(slug)
    board = selectors.public_consultation_dashboard(found)
    return render(request, "publishing/tracking/consultation.html",
                  {"consultation": found, "board": board, "charts": _charts(board)})


@require_GET
def consultation_csv(request, slug, chart):
    found = selectors.public_consultation(slug)
    try:
        data = selectors.public_consultation_dashboard(found).chart(chart)
    except StopIteration:
        raise Http404 from None
    return chart_csv_response(data, f"{found.slug}-{chart}")


@require_GET
def evidence(request, pk, sha256):
    found = selectors.public_evidence(pk, sha256)
    return FileResponse(found.file.open("rb"), as_attachment=True,
                        filename=found.original_name,
                        content_type=found.mime_type or "application/octet-stream")


@require_GET
def self_assessment(request, pk, fmt):
    from django.http import HttpResponse

    from samskab.publishing.self_assessment import FORMATS, MIME_TYPES, self_assessment_document

    if fmt not in FORMATS:
        raise Http404
    report = selectors.public_self_assessment(pk)
    language = "en" if request.GET.get("sprog") == "en" else "da"
    response = HttpResponse(self_assessment_document(report, fmt, language),
                            content_type=MIME_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{report.plan.slug}-{report.kind}.{fmt}"')
    return response


@require_GET
def repository(request, slug):
    """The OGP repository: every public document of the plan's process and when it was last
    updated."""
    from samskab.publishing.repository import plan_repository

    found = selectors.public_plan(slug)
    return render(request, "publishing/tracking/repository.html",
                  {"plan": found, "items": plan_repository(found)})
