"""The plan editor's pages: parse the request, call one service, render.

Every view declares its permission with `staff_view` (rules.py). The commitment editor shows
the OGP rules' findings as the editor types (an htmx request to `commitment_check` with the
unsaved form) and, without JavaScript, on "Tjek" or on save.
"""

from __future__ import annotations

import json
from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samskab.core.errors import DomainError
from samskab.core.views import staff_view
from samskab.insights.models import PositionKind
from samskab.plans import selectors, services
from samskab.plans.diff import plan_diff
from samskab.plans.exports import commitment_as_dict, plan_as_dict
from samskab.plans.forms import (
    CommitmentForm,
    MilestoneForm,
    PlanForm,
    PublishForm,
    StrategyImportForm,
    VersionForm,
)
from samskab.plans.models import (
    ActionPlan,
    Commitment,
    CommitmentSource,
    Milestone,
    PlanStatus,
    Strategy,
)
from samskab.plans.rules_ogp import has_errors

VIEW = "plans.view_actionplan"
CHANGE = "plans.change_actionplan"
ADOPT = "plans.adopt_actionplan"


def _plan(pk: int) -> ActionPlan:
    return get_object_or_404(ActionPlan.objects.select_related("consultation"), pk=pk)


def _commitment(pk: int) -> Commitment:
    return get_object_or_404(Commitment.objects.select_related("plan", "lead_agency"), pk=pk)


def _domain_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


# What `_submit` returns when the service refused the change (the form carries the error).
_REFUSED = object()


def _submit(request, form, change, done):
    """Run `change` (one service call) for a valid form. A DomainError lands on the form and
    `_REFUSED` is returned; otherwise `done` (a message, or a function of the result giving
    one) is shown and the result returned."""
    try:
        result = change()
    except DomainError as error:
        _domain_error(form, error)
        return _REFUSED
    messages.success(request, done(result) if callable(done) else done)
    return result


def _change_and_back(request, change, done: str, *to):
    """A POST-only change without a form (delete, advance): the DomainError or `done` as a
    message, then back to `to` (redirect arguments)."""
    try:
        change()
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        if done:
            messages.success(request, done)
    return redirect(*to)


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _ctx(request, plan: ActionPlan, **extra) -> dict:
    return {"plan": plan, "can_change": request.user.has_perm(CHANGE),
            "can_adopt": request.user.has_perm(ADOPT),
            "editable": plan.status in (PlanStatus.DRAFTING, PlanStatus.PUBLIC_COMMENT), **extra}


# --- plans ------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@staff_view(VIEW)
def home(request):
    form = PlanForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(CHANGE):
            raise PermissionDenied(CHANGE)
        plan = form.is_valid() and _submit(
            request, form, lambda: services.plan_save(actor=request.user,
                                                      **form.service_kwargs()),
            _("Planen er oprettet."))
        if plan and plan is not _REFUSED:
            return redirect("plans:plan", pk=plan.pk)
    plans = ActionPlan.objects.annotate(commitment_count=Count("commitments"))
    return render(request, "plans/home.html", {
        "plans": plans, "form": form, "can_change": request.user.has_perm(CHANGE),
        "strategies": Strategy.objects.all()}, status=_status(form))


@require_GET
@staff_view(VIEW)
def plan_detail(request, pk: int):
    plan = _plan(pk)
    overview = selectors.plan_overview(plan)
    return render(request, "plans/plan.html", _ctx(
        request, plan, overview=overview, tab="plan",
        comment_version=services.plan_comment_version(plan),
        comments=selectors.version_comments(plan)[:20]))


@require_http_methods(["GET", "POST"])
@staff_view(CHANGE)
def plan_edit(request, pk: int):
    plan = _plan(pk)
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid() and _submit(
                request, form, lambda: services.plan_save(actor=request.user, plan=plan,
                                                          **form.service_kwargs()),
                _("Planen er gemt.")) is not _REFUSED:
            return redirect("plans:plan", pk=plan.pk)
    else:
        form = PlanForm(initial=PlanForm.initial_for(plan))
    return render(request, "plans/plan_edit.html", _ctx(request, plan, form=form, tab="plan"),
                  status=_status(form))


@require_GET
@staff_view(VIEW)
def plan_export(request, pk: int):
    plan = _plan(pk)
    body = json.dumps(plan_as_dict(plan), ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}.json"'
    return response


# --- commitments ------------------------------------------------------------------------------

def _check_data(plan: ActionPlan, commitment: Commitment | None, form: CommitmentForm) -> dict:
    """The plan's dict with this commitment replaced by the unsaved form's content."""
    data = plan_as_dict(plan)
    d = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    base = commitment_as_dict(commitment) if commitment else {
        "id": "", "milestones": [], "sources": []}
    kwargs = form.service_kwargs() if d else None
    if kwargs:
        v = kwargs["values"]
        base.update({k[:-3]: v.get(k, "") for k in v if k.endswith("_da")})
        base["ogp_values"] = kwargs["ogp_values"]
        base["grand_challenges"] = kwargs["grand_challenges"]
        base["lead_agency"] = kwargs["lead_agency"].name if kwargs["lead_agency"] else ""
        base["new_initiative"] = bool(v.get("new_initiative"))
        base["period"] = {k: v[f"period_{k}"].isoformat() for k in ("start", "end")
                          if v.get(f"period_{k}")}
    index = selectors.commitment_index(commitment) if commitment else len(data["commitments"])
    if index < len(data["commitments"]):
        data["commitments"][index] = base
    else:
        data["commitments"].append(base)
    return data, index


def _commitment_findings(plan, commitment, form):
    if form is None or not form.is_bound:
        if commitment is None:
            return []
        _plan_level, per = services.findings_by_commitment(services.plan_findings(plan))
        return per.get(selectors.commitment_index(commitment), [])
    form.is_valid()
    data, index = _check_data(plan, commitment, form)
    _plan_level, per = services.findings_by_commitment(services.plan_findings(plan, data=data))
    return per.get(index, [])


def _commitment_page(request, plan, commitment, form, *, status=200):
    return render(request, "plans/commitment.html", _ctx(
        request, plan, commitment=commitment, form=form, tab="commitments",
        findings=_commitment_findings(plan, commitment, form if form.is_bound else None)),
        status=status)


@require_http_methods(["GET", "POST"])
@staff_view(CHANGE)
def commitment_new(request, pk: int):
    plan = _plan(pk)
    form = CommitmentForm(request.POST or None, initial={
        "new_initiative": True, "period_start": plan.period_start,
        "period_end": plan.period_end})
    if request.method == "POST" and "check" not in request.POST and form.is_valid():
        commitment = _submit(request, form, lambda: services.commitment_save(
            actor=request.user, plan=plan, **form.service_kwargs()),
            _("Forpligtelsen er oprettet."))
        if commitment is not _REFUSED:
            return redirect("plans:commitment", pk=commitment.pk)
    return _commitment_page(request, plan, None, form, status=_status(form))


@require_http_methods(["GET", "POST"])
@staff_view(CHANGE)
def commitment_edit(request, pk: int):
    commitment = _commitment(pk)
    plan = commitment.plan
    if request.method == "POST":
        form = CommitmentForm(request.POST)
        if "check" not in request.POST and form.is_valid() and _submit(
                request, form, lambda: services.commitment_save(
                    actor=request.user, plan=plan, commitment=commitment,
                    **form.service_kwargs()),
                _("Forpligtelsen er gemt.")) is not _REFUSED:
            return redirect("plans:commitment", pk=commitment.pk)
        return _commitment_page(request, plan, commitment, form,
                                status=400 if form.errors else 200)
    form = CommitmentForm(initial=CommitmentForm.initial_for(commitment))
    return _commitment_page(request, plan, commitment, form)


@require_POST
@staff_view(CHANGE)
def commitment_check(request, pk: int):
    """htmx: the findings for the unsaved commitment form (plan `pk`; `commitment` names the
    commitment being edited, empty for a new one). Saves nothing."""
    plan = _plan(pk)
    commitment = None
    if request.POST.get("commitment"):
        commitment = get_object_or_404(Commitment, pk=request.POST["commitment"], plan=plan)
    form = CommitmentForm(request.POST)
    return render(request, "plans/_findings.html", {
        "findings": _commitment_findings(plan, commitment, form), "live": True})


@require_POST
@staff_view(CHANGE)
def commitment_delete(request, pk: int):
    commitment = _commitment(pk)
    return _change_and_back(
        request, lambda: services.commitment_delete(actor=request.user, commitment=commitment),
        _("Forpligtelsen er slettet."), "plans:plan", commitment.plan.pk)


# --- milestones -------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@staff_view(CHANGE)
def milestones(request, pk: int):
    commitment = _commitment(pk)
    plan = commitment.plan
    form = MilestoneForm(request.POST or None, initial={
        "start": commitment.period_start or plan.period_start,
        "end": commitment.period_end or plan.period_end})
    if request.method == "POST" and form.is_valid() and _submit(
            request, form, lambda: services.milestone_save(
                actor=request.user, commitment=commitment, **form.service_kwargs()),
            _("Milepælen er tilføjet.")) is not _REFUSED:
        return redirect("plans:milestones", pk=commitment.pk)
    _plan_level, per = services.findings_by_commitment(services.plan_findings(plan))
    findings = per.get(selectors.commitment_index(commitment), [])
    by_milestone: dict[int, list] = {}
    for f in findings:
        if ".milestones[" in f.where:
            k = int(f.where.rsplit("[", 1)[1].rstrip("]"))
            by_milestone.setdefault(k, []).append(f)
    rows = [(m, by_milestone.get(k, [])) for k, m in enumerate(commitment.milestones.all())]
    return render(request, "plans/milestones.html", _ctx(
        request, plan, commitment=commitment, rows=rows, form=form, tab="commitments"),
        status=_status(form))


@require_http_methods(["GET", "POST"])
@staff_view(CHANGE)
def milestone_edit(request, pk: int):
    milestone = get_object_or_404(Milestone.objects.select_related("commitment__plan"), pk=pk)
    commitment = milestone.commitment
    if request.method == "POST":
        form = MilestoneForm(request.POST)
        if form.is_valid() and _submit(
                request, form, lambda: services.milestone_save(
                    actor=request.user, commitment=commitment, milestone=milestone,
                    **form.service_kwargs()),
                _("Milepælen er gemt.")) is not _REFUSED:
            return redirect("plans:milestones", pk=commitment.pk)
    else:
        form = MilestoneForm(initial={f: getattr(milestone, f) for f in MilestoneForm.base_fields})
    return render(request, "plans/milestone_edit.html", _ctx(
        request, commitment.plan, commitment=commitment, milestone=milestone, form=form,
        tab="commitments"), status=_status(form))


@require_POST
@staff_view(CHANGE)
def milestone_delete(request, pk: int):
    milestone = get_object_or_404(Milestone.objects.select_related("commitment__plan"), pk=pk)
    return _change_and_back(
        request, lambda: services.milestone_delete(actor=request.user, milestone=milestone),
        _("Milepælen er slettet."), "plans:milestones", milestone.commitment_id)


# --- sources ----------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@staff_view(CHANGE)
def sources(request, pk: int):
    commitment = _commitment(pk)
    plan = commitment.plan
    if request.method == "POST":
        idea = get_object_or_404(selectors.candidate_ideas(plan), pk=request.POST.get("idea"))
        kind = request.POST.get("kind") or PositionKind.ADOPTED
        return _change_and_back(
            request, lambda: services.commitment_source_link(
                actor=request.user, commitment=commitment, idea=idea, kind=kind),
            _("Idéen »%(label)s« er knyttet til forpligtelsen.") % {"label": idea.label},
            "plans:sources", commitment.pk)
    query = request.GET.get("q", "")
    linked = (commitment.sources.select_related(
        "idea", "proposal__response", "response", "position"))
    return render(request, "plans/sources.html", _ctx(
        request, plan, commitment=commitment, linked=linked, query=query,
        results=selectors.idea_search(plan, query),
        suggestions=selectors.idea_suggestions(commitment), tab="commitments",
        kinds=[(PositionKind.ADOPTED, PositionKind.ADOPTED.label),
               (PositionKind.PARTLY_ADOPTED, PositionKind.PARTLY_ADOPTED.label)]))


@require_POST
@staff_view(CHANGE)
def source_unlink(request, pk: int):
    source = get_object_or_404(CommitmentSource.objects.select_related("commitment"), pk=pk)
    services.commitment_source_unlink(actor=request.user, source=source)
    messages.success(request, _("Kilden er fjernet fra forpligtelsen."))
    return redirect("plans:sources", pk=source.commitment_id)


# --- versions, comment, adoption --------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@staff_view(VIEW)
def versions(request, pk: int):
    plan = _plan(pk)
    form = VersionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(CHANGE):
            raise PermissionDenied(CHANGE)
        if form.is_valid():
            version = services.plan_version_create(actor=request.user, plan=plan,
                                                   note=form.cleaned_data["note"])
            messages.success(request, _("Version %(n)d er gemt.") % {"n": version.number})
            return redirect("plans:versions", pk=plan.pk)
    all_versions = list(plan.versions.select_related("created_by", "comment_consultation"))
    by_number = {v.number: v for v in all_versions}
    diff = None
    a, b = request.GET.get("a"), request.GET.get("b")
    if a and b:
        if not (a.isdigit() and (b.isdigit() or b == "nu")) or int(a) not in by_number or (
                b != "nu" and int(b) not in by_number):
            raise Http404
        old = by_number[int(a)].snapshot
        new = plan_as_dict(plan) if b == "nu" else by_number[int(b)].snapshot
        diff = plan_diff(old, new)
    return render(request, "plans/versions.html", _ctx(
        request, plan, versions=all_versions, form=form, diff=diff, a=a, b=b, tab="versions"))


@require_http_methods(["GET", "POST"])
@staff_view(CHANGE)
def publish_for_comment(request, pk: int):
    plan = _plan(pk)
    form = PublishForm(request.POST or None, initial={
        "closes_at": services.default_comment_deadline().date()})
    if request.method == "POST" and form.is_valid():
        closes = timezone.make_aware(datetime.combine(form.cleaned_data["closes_at"],
                                                      time(23, 59)))
        if _submit(request, form, lambda: services.plan_publish_for_comment(
                actor=request.user, plan=plan, closes_at=closes),
                lambda version: _("Udkastet (version %(n)d) er lagt frem til offentlig "
                                  "kommentering.") % {"n": version.number}) is not _REFUSED:
            return redirect("plans:plan", pk=plan.pk)
    overview = selectors.plan_overview(plan)
    return render(request, "plans/publish.html", _ctx(
        request, plan, form=form, overview=overview, tab="plan"), status=_status(form))


@require_http_methods(["GET", "POST"])
@staff_view(ADOPT)
def adopt(request, pk: int):
    plan = _plan(pk)
    overview = selectors.plan_overview(plan)
    error = None
    if request.method == "POST":
        try:
            version = services.plan_adopt(actor=request.user, plan=plan)
        except DomainError as e:
            error = str(e.message)
        else:
            messages.success(request, _("Planen er vedtaget (version %(n)d).")
                             % {"n": version.number})
            return redirect("plans:plan", pk=plan.pk)
    blocked = has_errors(overview.plan_findings + [f for r in overview.rows
                                                  for f in r.findings])
    return render(request, "plans/adopt.html", _ctx(
        request, plan, overview=overview, blocked=blocked, error=error, tab="plan"),
        status=400 if error else 200)


@require_POST
@staff_view(ADOPT)
def advance(request, pk: int):
    plan = _plan(pk)
    return _change_and_back(request, lambda: services.plan_advance(actor=request.user, plan=plan),
                            "", "plans:plan", plan.pk)


# --- strategies -------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@staff_view(VIEW)
def strategies(request):
    form = StrategyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.has_perm("plans.change_strategy"):
            raise PermissionDenied("plans.change_strategy")
        if form.is_valid():
            try:
                raw = json.loads(form.cleaned_data["file"].read().decode("utf-8-sig"))
                items = raw if isinstance(raw, list) else [raw]
                for s in items:
                    services.strategy_import(
                        actor=request.user, slug=str(s.get("slug") or ""),
                        title_da=str(s.get("title") or ""),
                        initiatives=list(s.get("initiatives") or []))
            except (UnicodeDecodeError, json.JSONDecodeError, AttributeError, TypeError):
                form.add_error("file", _("Filen er ikke en gyldig JSON-liste over initiativer."))
            except DomainError as error:
                form.add_error("file", str(error.message))
            else:
                messages.success(request, _("Strategien er importeret."))
                return redirect("plans:strategies")
    return render(request, "plans/strategies.html", {
        "strategies": Strategy.objects.prefetch_related("initiatives"), "form": form,
        "can_change": request.user.has_perm("plans.change_strategy")}, status=_status(form))
