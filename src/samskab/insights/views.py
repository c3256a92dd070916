"""Analysis and reasoned-response pages: parse the request, call one service, render.

Every staff view declares its permission with ``staff_view`` (rules.py): anonymous visitors are
sent to the login page, signed-in users without the permission get 403. Links to a response go
to the workspace's response page (``/medarbejder/svar/<reference>/``).
"""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samskab.consultations.models import Consultation
from samskab.core.views import staff_view
from samskab.insights import selectors, services
from samskab.insights.forms import (
    GroupMergeForm,
    IdeaMergeForm,
    IdeaSplitForm,
    PositionForm,
    ProposalMoveForm,
    RenameForm,
    TagDecisionForm,
)
from samskab.insights.models import (
    GroupMembership,
    Idea,
    Position,
    Proposal,
    ResponseGroup,
    TagSuggestion,
)

PAGE_SIZE = 50
VIEW_IDEAS = "insights.view_ideas"
VIEW_ANALYSIS = "insights.view_analysis"
CHANGE = "insights.change_analysis"


def _consultation(slug: str) -> Consultation:
    return get_object_or_404(Consultation, slug=slug)


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("side"))


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _perms(request) -> dict:
    return {"can_change": request.user.has_perm(CHANGE),
            "can_view_analysis": request.user.has_perm(VIEW_ANALYSIS)}


# --- overview and runs -----------------------------------------------------------------------
@require_GET
@staff_view(VIEW_IDEAS)
def home(request):
    return render(request, "insights/home.html",
                  {"consultations": selectors.consultations_with_analysis(), **_perms(request)})


@require_GET
@staff_view(VIEW_IDEAS)
def overview(request, slug: str):
    consultation = _consultation(slug)
    return render(request, "insights/overview.html",
                  {"consultation": consultation, "o": selectors.overview(consultation),
                   **_perms(request)})


@require_POST
@staff_view(CHANGE)
def run(request, slug: str):
    consultation = _consultation(slug)
    if request.POST.get("what") == "new":
        n = services.consultation_analyse_pending(consultation=consultation)
        messages.success(request, _("%(n)s nye svar er sat i kø til analyse.") % {"n": n})
    else:
        services.consultation_analyse_enqueue(consultation=consultation, actor=request.user)
        messages.success(request, _("Analysen er sat i kø; siden viser resultatet, når den "
                                    "er kørt."))
    return redirect("insights:overview", slug=slug)


# --- groups ----------------------------------------------------------------------------------
@require_GET
@staff_view(VIEW_ANALYSIS)
def groups(request, slug: str):
    consultation = _consultation(slug)
    return render(request, "insights/groups.html",
                  {"consultation": consultation,
                   "page": _page(request, selectors.groups_list(consultation)),
                   **_perms(request)})


@require_GET
@staff_view(VIEW_ANALYSIS)
def group_detail(request, pk: int):
    try:
        group = selectors.group_detail(pk)
    except ResponseGroup.DoesNotExist:
        raise Http404 from None
    return render(request, "insights/group.html", {
        "group": group, "consultation": group.consultation,
        "page": _page(request, selectors.group_members(group)),
        "merge_form": GroupMergeForm(targets=selectors.merge_candidates(group)),
        **_perms(request)})


@require_POST
@staff_view(CHANGE)
def group_split(request, pk: int):
    membership = get_object_or_404(GroupMembership.objects.select_related("group"), pk=pk)
    services.group_split_member(membership=membership, actor=request.user)
    messages.success(request, _("Svaret er taget ud af gruppen; det tæller stadig med."))
    return redirect("insights:group", pk=membership.group_id)


@require_POST
@staff_view(CHANGE)
def group_confirm(request, pk: int):
    membership = get_object_or_404(GroupMembership.objects.select_related("group"), pk=pk)
    services.group_confirm_member(membership=membership, actor=request.user)
    messages.success(request, _("Svaret er bekræftet som medlem af gruppen."))
    return redirect("insights:group", pk=membership.group_id)


@require_http_methods(["GET", "POST"])
@staff_view(CHANGE)
def group_merge(request, pk: int):
    source = get_object_or_404(ResponseGroup.objects.select_related("consultation"), pk=pk)
    form = GroupMergeForm(request.POST or request.GET or None,
                          targets=selectors.merge_candidates(source))
    return _merge_page(request, form, source, services.group_merge, "insights:group",
                       "insights/group_merge.html", "group",
                       _("Grupperne er flettet; intet svar er slettet."))


def _merge_page(request, form, source, merge, detail: str, template: str, name: str,
                done: str):
    """A merge page: a valid form shows the dry run; a confirmed POST merges and goes to the
    target, a refused merge back to the source with the reasons."""
    plan = None
    if form.is_bound and form.is_valid():
        confirm = request.method == "POST" and form.cleaned_data["confirm"]
        try:
            plan = merge(source=source, target=form.cleaned_data["target"],
                         actor=request.user, dry_run=not confirm)
        except ValidationError as error:
            _errors(request, error)
            return redirect(detail, pk=source.pk)
        if confirm:
            messages.success(request, done)
            return redirect(detail, pk=plan.target.pk)
    return render(request, template, {name: source, "consultation": source.consultation,
                                      "form": form, "plan": plan})


# --- tags ------------------------------------------------------------------------------------
@require_GET
@staff_view(VIEW_ANALYSIS)
def tag_review(request, slug: str):
    consultation = _consultation(slug)
    code = request.GET.get("kode", "")
    page = _page(request, selectors.review_queue(consultation, code=code))
    return render(request, "insights/tags.html", {
        "consultation": consultation, "page": page, "code": code,
        "codes": selectors.tag_codes(consultation),
        "query": f"kode={code}" if code else "", **_perms(request)})


@require_POST
@staff_view(CHANGE)
def tag_decide(request, pk: int):
    suggestion = get_object_or_404(TagSuggestion.objects.select_related(
        "response__consultation"), pk=pk)
    form = TagDecisionForm(request.POST)
    if form.is_valid():
        services.tag_decide(suggestion=suggestion,
                            confirmed=form.cleaned_data["decision"] == "confirm",
                            actor=request.user)
        messages.success(request, _("Beslutningen er gemt, og analysen lærer af den."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("insights:tags", args=[suggestion.response.consultation.slug])
    return redirect(target)


@require_GET
@staff_view(VIEW_ANALYSIS)
def tag_quality(request, slug: str):
    consultation = _consultation(slug)
    return render(request, "insights/tag_quality.html",
                  {"consultation": consultation, "q": selectors.tag_quality(consultation)})


# --- ideas -----------------------------------------------------------------------------------
@require_GET
@staff_view(VIEW_IDEAS)
def ideas(request, slug: str):
    consultation = _consultation(slug)
    return render(request, "insights/ideas.html", {
        "consultation": consultation,
        "page": _page(request, selectors.ideas_list(consultation)), **_perms(request)})


def _idea(pk: int) -> Idea:
    try:
        return selectors.idea_detail(pk)
    except Idea.DoesNotExist:
        raise Http404 from None


MOVE_TARGETS_SHOWN = 500


def _idea_page(request, idea: Idea, *, position_form=None, split_form=None, status=200):
    page = _page(request, selectors.idea_proposals(idea))
    for p in page.object_list:
        p.who = selectors.respondent_label(p.response)
    position = getattr(idea, "position", None)
    if position_form is None:
        initial = ({"kind": position.kind, "justification_da": position.justification_da,
                    "justification_en": position.justification_en,
                    "existing_strategy": position.existing_strategy} if position else None)
        position_form = PositionForm(initial=initial)
    can_change = request.user.has_perm(CHANGE)
    targets = (list(selectors.move_targets(idea.consultation).exclude(pk=idea.pk)
                    [:MOVE_TARGETS_SHOWN]) if can_change else [])
    return render(request, "insights/idea.html", {
        "idea": idea, "consultation": idea.consultation, "page": page, "position": position,
        "position_form": position_form, "targets": targets,
        "rename_form": RenameForm(initial={"label": idea.label}),
        "split_form": split_form or IdeaSplitForm(proposals=Proposal.objects.filter(idea=idea)),
        **_perms(request)}, status=status)


@require_GET
@staff_view(VIEW_IDEAS)
def idea_detail(request, pk: int):
    idea = _idea(pk)
    if idea.merged_into_id:
        messages.info(request, _("Idéen er flettet ind i denne."))
        return redirect("insights:idea", pk=idea.merged_into_id)
    return _idea_page(request, idea)


@require_POST
@staff_view(CHANGE)
def idea_rename(request, pk: int):
    idea = _idea(pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        services.idea_rename(idea=idea, label=form.cleaned_data["label"], actor=request.user)
        messages.success(request, _("Idéen har fået nyt navn."))
    else:
        messages.error(request, _("Skriv et navn til idéen."))
    return redirect("insights:idea", pk=idea.pk)


@require_http_methods(["GET", "POST"])
@staff_view(CHANGE)
def idea_merge(request, pk: int):
    idea = _idea(pk)
    form = IdeaMergeForm(request.POST or request.GET or None, idea=idea,
                         targets=selectors.move_targets(idea.consultation))
    return _merge_page(request, form, idea, services.idea_merge, "insights:idea",
                       "insights/idea_merge.html", "idea", _("Idéerne er flettet."))


@require_POST
@staff_view(CHANGE)
def idea_split(request, pk: int):
    idea = _idea(pk)
    form = IdeaSplitForm(request.POST, proposals=Proposal.objects.filter(idea=idea))
    if form.is_valid():
        new = services.idea_split(idea=idea, proposals=list(form.cleaned_data["proposals"]),
                                  label=form.cleaned_data["label"], actor=request.user)
        messages.success(request, _("De valgte forslag er flyttet til en ny idé."))
        return redirect("insights:idea", pk=new.pk)
    return _idea_page(request, idea, split_form=form, status=400)


@require_POST
@staff_view(CHANGE)
def proposal_move(request, pk: int):
    proposal = get_object_or_404(Proposal.objects.select_related("response__consultation"),
                                 pk=pk)
    form = ProposalMoveForm(request.POST,
                            targets=selectors.move_targets(proposal.response.consultation))
    back = proposal.idea_id
    if form.is_valid():
        try:
            services.proposal_move(proposal=proposal, idea=form.cleaned_data["idea"],
                                   actor=request.user)
            messages.success(request, _("Forslaget er flyttet."))
        except ValidationError as error:
            _errors(request, error)
    if back:
        return redirect("insights:idea", pk=back)
    return redirect("insights:ideas", slug=proposal.response.consultation.slug)


@require_POST
@staff_view(CHANGE)
def position_set(request, pk: int):
    idea = _idea(pk)
    form = PositionForm(request.POST)
    if form.is_valid():
        try:
            services.position_set(idea=idea, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("Stillingtagen er gemt."))
            return redirect("insights:idea", pk=idea.pk)
    return _idea_page(request, idea, position_form=form, status=400)


@require_http_methods(["GET", "POST"])
@staff_view(CHANGE)
def proposal_position(request, pk: int):
    proposal = get_object_or_404(
        Proposal.objects.select_related("response__consultation", "response__respondent",
                                        "idea"), pk=pk)
    position = Position.objects.filter(proposal=proposal).first()
    if request.method == "POST":
        form = PositionForm(request.POST)
        if form.is_valid():
            try:
                services.position_set(proposal=proposal, actor=request.user,
                                      **form.cleaned_data)
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(request, _("Stillingtagen er gemt."))
                return redirect("insights:proposal_position", pk=proposal.pk)
    else:
        form = PositionForm(initial={
            "kind": position.kind, "justification_da": position.justification_da,
            "justification_en": position.justification_en,
            "existing_strategy": position.existing_strategy} if position else None)
    targets = list(selectors.move_targets(proposal.response.consultation)
                   [:MOVE_TARGETS_SHOWN])
    return render(request, "insights/proposal_position.html", {
        "proposal": proposal, "consultation": proposal.response.consultation,
        "who": selectors.respondent_label(proposal.response), "position": position,
        "form": form, "targets": targets},
        status=400 if form.is_bound and form.errors else 200)


# --- set aside, and decisions in bulk (issue 16) ---------------------------------------------
def _domain_error(request, error) -> None:
    messages.error(request, str(error.message))


@require_GET
@staff_view(VIEW_ANALYSIS)
def set_aside(request, slug: str):
    from samskab.insights.models import SetAsideReason

    consultation = _consultation(slug)
    reason = request.GET.get("aarsag", "")
    if reason not in SetAsideReason.values:
        reason = ""
    counts = selectors.set_aside_counts(consultation)
    return render(request, "insights/set_aside.html", {
        "consultation": consultation, "reason": reason,
        "reasons": [(value, label, counts.get(value, 0))
                    for value, label in SetAsideReason.choices],
        "page": _page(request, selectors.set_aside_list(consultation, reason=reason)),
        "query": f"aarsag={reason}" if reason else "", **_perms(request)})


@require_POST
@staff_view(CHANGE)
def set_aside_move_back(request, pk: int):
    from samskab.core.errors import DomainError
    from samskab.insights.models import SetAsideSegment

    segment = get_object_or_404(SetAsideSegment.objects.select_related(
        "response__consultation"), pk=pk)
    try:
        services.set_aside_move_back(segment=segment, actor=request.user)
        messages.success(request, _("Tekststykket er nu et forslag (uden idé endnu)."))
    except DomainError as error:
        _domain_error(request, error)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("insights:set_aside", args=[segment.response.consultation.slug])
    return redirect(target)


@require_POST
@staff_view(CHANGE)
def group_members_decide(request, pk: int):
    from samskab.core.errors import DomainError

    group = get_object_or_404(ResponseGroup.objects.select_related("consultation"), pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("confirm", "split"):
        messages.error(request, _("Vælg om medlemmerne skal bekræftes eller tages ud."))
        return redirect("insights:group", pk=pk)
    try:
        n = services.group_members_decide(group=group, confirmed=decision == "confirm",
                                          actor=request.user)
    except DomainError as error:
        _domain_error(request, error)
        return redirect("insights:group", pk=pk)
    if decision == "confirm":
        messages.success(request, _("%(n)s medlemmer er bekræftet.") % {"n": n})
    else:
        messages.success(request, _("%(n)s medlemmer er taget ud af gruppen; de tæller stadig "
                                    "med.") % {"n": n})
    return redirect("insights:group", pk=pk)


@require_POST
@staff_view(CHANGE)
def tags_decide_bulk(request, slug: str):
    from samskab.core.errors import DomainError

    consultation = _consultation(slug)
    code = request.POST.get("kode", "")
    decision = request.POST.get("decision")
    try:
        threshold = float(request.POST.get("graense", "").replace(",", "."))
    except ValueError:
        threshold = -1.0
    target = reverse("insights:tags", args=[slug]) + (f"?kode={code}" if code else "")
    if decision not in ("confirm_above", "reject_below"):
        messages.error(request, _("Vælg om forslagene skal bekræftes eller afvises."))
        return redirect(target)
    try:
        n = services.tags_decide_by_score(consultation=consultation, code=code,
                                          confirmed=decision == "confirm_above",
                                          threshold=threshold, actor=request.user)
    except DomainError as error:
        _domain_error(request, error)
        return redirect(target)
    messages.success(request, _("%(n)s emnemærker er afgjort, og analysen lærer af dem.")
                     % {"n": n})
    return redirect(target)
