"""Use cases of the analysis app: run the engine and store what it found, and every staff
decision about it (tags, groups, ideas, proposals, positions).

Runs (``consultation_analyse``, ``response_analyse``) replace engine output only: a row a staff
member decided on (a confirmed or rejected tag, a member split out of a group, a merged group or
idea, a renamed or staff-made idea, a moved proposal, anything with a position) keeps what was
decided. Every staff change passes through one function here, which runs it as
``core.actions.staff_action``: the actor's permission (``insights.change_analysis``) is checked,
the change and its AuditEvent commit together, side effects run after commit. Rule violations
raise ``DomainError`` (``DomainErrors`` when a form has several fields at fault).
"""

from __future__ import annotations

import logging
import os
import re
import resource
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samskab import analysis as engine
from samskab.consultations.models import Consultation, Response
from samskab.core.actions import staff_action, user_or_none
from samskab.core.errors import DomainError, DomainErrors
from samskab.insights import bulk_writes, selectors
from samskab.insights.analyser_state import (
    AnalysisBusy,
    analyser_dir,
    analysis_lock,
    full_run_lock,
    install_state,
    load_state,
    save_state,
    write_state,
)
from samskab.insights.engine_input import (
    Segment,
    inputs_from_rows,
    locate,
    record_of,
    segment_text,
)
from samskab.insights.models import (
    AnalysedResponse,
    AnalysisRun,
    GroupMembership,
    Idea,
    MembershipState,
    Position,
    PositionKind,
    Proposal,
    ResponseGroup,
    RunKind,
    TagState,
    TagSuggestion,
)
from samskab.insights.run_store import (
    group_label,
    group_sizes_refresh,
    idea_counts_refresh,
    mark_analysed,
    proposal_for_segment,
    set_aside_store,
    store_groups,
    store_ideas_and_proposals,
    store_tags,
)

# Part of this module's interface (tasks, tests and the CLI use them from here).
__all__ = ["AnalysisBusy", "analyser_dir", "group_sizes_refresh", "idea_counts_refresh",
           "set_aside_store"]

logger = logging.getLogger(__name__)

# Every staff change below runs as core.actions.staff_action with this permission (the
# analyst's; CLI, tasks and the demo act as a SystemActor). Engine runs are not staff changes.
CHANGE = "insights.change_analysis"
# Rows per query when positions are set in bulk.
BATCH = 2000
# Responses a full run reads per query (with their attachments).
READ_CHUNK = 2000


# --- feeding the engine ----------------------------------------------------------------------


def engine_themes(consultation: Consultation) -> list[engine.Theme]:
    return [engine.Theme(t.slug, tuple(t.keywords or ()), t.title_da)
            for t in consultation.themes.all()]


# What a full run tells its ``progress(stage, done, total, note)``: the stage, how far it is
# (responses read, through the engine's text pass or stored; the engine's steps) and, for the
# engine, its own last message.
Progress = Callable[..., None]
# The engine's steps, each reported by one message: the text pass (proposals), the groups
# stage's slots, signatures, links, description and groups, and the idea clustering.
ENGINE_STEPS = 7
# What a full run stores, in this order ("store" stages of its progress).
STORE_STEPS = ("groups", "ideas", "proposals", "set aside", "tags", "marks", "state")


# The CPU priority (niceness) full runs lower themselves to: the command's and the worker's
# analysis yield the CPU to the web workers, so answers arriving during a run are not slowed
# by it (issue 15).
ANALYSIS_NICE = 10


@contextmanager
def lowered_priority(nice: int = ANALYSIS_NICE) -> Iterator[int]:
    """Run the block at niceness ``nice`` (never a higher priority than now), and yield the
    niceness it runs at. Only this thread is lowered (Linux keeps a niceness per thread), so a
    worker's or a test's other threads keep theirs; the engine's worker processes, started
    inside, inherit it. Afterwards the priority is raised back where allowed (an ordinary user
    may not: the thread then stays lower, as fits a background worker)."""
    tid = threading.get_native_id()
    before = os.getpriority(os.PRIO_PROCESS, tid)
    now = before
    if nice > before:
        try:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
            now = nice
        except OSError:
            pass
    try:
        yield now
    finally:
        if now != before:
            try:
                os.setpriority(os.PRIO_PROCESS, tid, before)
            except OSError:
                pass


def peak_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux: ru_maxrss is in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fit_at_lower_priority(analyser: engine.Analyser,
                          records: Sequence[engine.Record | engine.RecordHead], nice: int, *,
                          texts: Sequence[str] | None = None) -> engine.AnalysisResult:
    """``analyser.fit(records, texts=texts)`` in a thread of its own at niceness ``nice``
    (the engine's worker processes and threads inherit it); the caller's thread keeps its
    priority."""
    if nice <= 0:
        return analyser.fit(records, texts=texts)
    box: dict[str, Any] = {}

    def work() -> None:
        with lowered_priority(nice):
            try:
                box["result"] = analyser.fit(records, texts=texts)
            except BaseException as error:  # noqa: BLE001 - raised again in the caller
                box["error"] = error

    thread = threading.Thread(target=work, name="samskab-analysis-engine")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["result"]


def consultation_analyse(*, consultation: Consultation, actor: Any | None = None,
                         progress: Progress | None = None, nice: int = ANALYSIS_NICE
                         ) -> AnalysisRun:
    """Analyse every response of ``consultation`` (rejected ones left out) and store groups,
    proposals, ideas and tag suggestions; save the analyser state for incremental runs.

    Deterministic and idempotent: the same responses give the same rows. Staff decisions are
    kept (see the module docstring) and taught to the new analyser before it runs, so what the
    tag model learnt survives a rerun.

    Storing never holds the database's write lock for long: rows are written STORE_CHUNK per
    transaction, and the run becomes the current one (``finished_at``, which readers go by,
    and the saved state) in one short final transaction. Between chunks a reader sees each
    row either as the last run left it or as this run stores it. Staff decisions made while
    the run stores win: the writes that would undo one check it is still undecided. Answers
    that arrive during the run (after the largest response id it read) are left alone and
    marked unanalysed at the switch, so the incremental sweep takes them against the new
    state. Full runs of one consultation are serialised (``full_run_lock``).

    Memory: the responses are read in chunks as plain values (no model instance per
    response; only the engine's records are kept), and what is stored is compared and
    written RESPONSE_CHUNK responses at a time, reading only that chunk's stored rows; so
    beyond the engine's own needs a run holds little per response. The summary records the
    peak resident memory after each stage (``peak_mb``).

    Priority: the engine, which is most of a run's CPU, runs at niceness ``nice`` (a thread
    of its own, ``fit_at_lower_priority``), so the web workers are served first while it
    works; reading and storing keep the caller's priority, so that a short write transaction
    is not made long (SQLite's write lock held while a low-priority thread waits for the CPU).

    ``progress(stage, done, total, note)`` is told how far the run is: "read" (responses),
    "engine" (steps, with the engine's message as ``note``), within the engine "texts"
    (responses through its text pass, the longest step: minutes at a million), "store"
    (responses, with the store step as ``note``); the command draws a progress bar from it.
    """
    started = timezone.now()
    t0 = time.perf_counter()
    run = AnalysisRun.objects.create(
        consultation=consultation, kind=RunKind.FULL, started_at=started,
        started_by=user_or_none(actor))
    try:
        return _full_run(consultation, run, t0,
                         progress or (lambda stage, done, total, note="": None), nice)
    except BaseException:
        AnalysisRun.objects.filter(pk=run.pk, finished_at__isnull=True).delete()
        raise


def _full_run(consultation: Consultation, run: AnalysisRun, t0: float,
              progress: Progress, nice: int) -> AnalysisRun:
    upto = (Response.objects.filter(consultation=consultation)
            .aggregate(m=Max("pk"))["m"]) or 0
    analysable = selectors.analysable(consultation).filter(pk__lte=upto)
    total = analysable.count()

    # the texts go to a file beside the saved states as they are read (see EngineInput)
    inputs = inputs_from_rows(analysable, chunk=READ_CHUNK,
                              directory=analyser_dir(consultation).parent,
                              progress=lambda done: progress("read", done, total))
    peaks = {"read": round(peak_mb())}
    steps = iter(range(1, ENGINE_STEPS + 1))
    progress("engine", 0, ENGINE_STEPS)
    themes = engine_themes(consultation)
    analyser = engine.Analyser(
        themes=themes, workers=settings.SAMSKAB_ANALYSIS_WORKERS,
        progress=lambda note: progress("engine", min(next(steps, ENGINE_STEPS),
                                                     ENGINE_STEPS), ENGINE_STEPS, note),
        text_progress=lambda done, texts: progress("texts", done, texts, "texts"))
    read_at = timezone.now()
    decided = list(TagSuggestion.objects
                   .filter(response__consultation=consultation)
                   .exclude(state=TagState.SUGGESTED)
                   .order_by("decided_at", "id").only("pk", "response_id", "code", "state"))
    for s in decided:
        if s.response_id in inputs.by_response:
            analyser.feedback(inputs.by_response[s.response_id], s.code,
                              s.state == TagState.CONFIRMED)
    prepared = time.perf_counter()
    result = fit_at_lower_priority(analyser, inputs.records, nice, texts=inputs.texts)
    fitted = time.perf_counter()
    peaks["engine"] = round(peak_mb())
    progress("engine", ENGINE_STEPS, ENGINE_STEPS)
    with full_run_lock(consultation):
        return _full_run_store(consultation, run, t0, result, inputs, upto, read_at, analyser,
                               themes, decided, {"read_seconds": round(prepared - t0, 3),
                                                 "engine_seconds": round(fitted - prepared, 3)},
                               peaks, progress)


def _full_run_store(consultation, run, t0, result, inputs, upto, read_at, analyser, themes,
                    decided, timings, peaks, progress) -> AnalysisRun:
    if connection.vendor == "sqlite":
        # IMMEDIATE: waits for a write an incremental run began before the lock was taken.
        with transaction.atomic():
            pass
    store: dict[str, float] = {}
    total = len(result.responses)

    def step(name: str):
        progress("store", 0, total, name)
        return lambda done: progress("store", done, total, name)

    t = time.perf_counter()
    progress("store", 0, total, "groups")
    store_groups(consultation, result.groups, upto)
    progress("store", total, total, "groups")
    store["groups"] = time.perf_counter() - t
    t = time.perf_counter()
    idea_map = store_ideas_and_proposals(
        consultation, result, inputs, upto, matching=step("ideas"),
        progress=lambda done: progress("store", done, total, "proposals"))
    set_aside_store(consultation=consultation, result=result, segments=inputs.segments,
                    texts=inputs.by_response, progress=step("set aside"))
    store["ideas_and_proposals"] = time.perf_counter() - t
    t = time.perf_counter()
    store_tags(consultation, result, upto=upto, progress=step("tags"))
    store["tags"] = time.perf_counter() - t
    t = time.perf_counter()
    mark_analysed(consultation, run, result, upto, progress=step("marks"))
    store["marks"] = time.perf_counter() - t
    summary = result.summary
    peaks["store"] = round(peak_mb())
    t = time.perf_counter()
    progress("store", 0, 1, "state")
    fresh = write_state(analyser, consultation)
    store["state"] = time.perf_counter() - t
    peaks["state"] = round(peak_mb())  # the engine's save of its state
    # Staff tag decisions, read here (a scan, outside any transaction): the ones the new
    # state was taught are marked fed back, the ones made while the engine ran are taught
    # next. One made after this read keeps fed_back False; its own feedback task, which steps
    # aside while the run stores, retries later.
    made = list(TagSuggestion.objects.filter(response__consultation=consultation)
                .exclude(state=TagState.SUGGESTED).values_list("pk", "decided_at"))
    taught = [pk for pk, at in made if at is not None and at < read_at]
    untaught = [pk for pk, at in made if at is not None and at >= read_at]
    t = time.perf_counter()
    with transaction.atomic():  # the switch: short
        chunk = bulk_writes.STORE_CHUNK
        for i in range(0, len(taught), chunk):
            TagSuggestion.objects.filter(pk__in=taught[i:i + chunk]).update(fed_back=True)
        for i in range(0, len(untaught), chunk):
            TagSuggestion.objects.filter(pk__in=untaught[i:i + chunk]).update(fed_back=False)
        later = len(untaught)
        if later:
            from samskab.insights import tasks

            transaction.on_commit(lambda: tasks.tag_feedback_task.enqueue(consultation.pk))
        # Answers an incremental run took meanwhile are not in the new state: take them again.
        late = list(Response.objects.filter(consultation=consultation, pk__gt=upto)
                    .values_list("pk", flat=True))
        AnalysedResponse.objects.filter(response_id__in=late).delete()
        install_state(fresh, consultation)
        store["switch"] = time.perf_counter() - t  # the final transaction, all but its save
        run.params = {"stages": list(analyser.stages), "themes": [t.slug for t in themes],
                      "replayed_decisions": len(decided), "idea_map": idea_map}
        run.summary = {**summary, **timings,
                       "store_seconds": {k: round(v, 3) for k, v in store.items()},
                       "peak_mb": peaks,
                       "total_seconds": round(time.perf_counter() - t0, 3)}
        run.finished_at = timezone.now()
        run.save(update_fields=["params", "summary", "finished_at"])
    progress("store", 1, 1, "state")
    return run


# --- one new response ------------------------------------------------------------------------
def response_analyse(*, response: Response) -> AnalysisRun | None:
    """Analyse one new response against the saved state (see ``responses_analyse``)."""
    return responses_analyse(consultation=response.consultation, responses=[response])


class _NeedsFullRun(Exception):
    pass


def responses_analyse(*, consultation: Consultation, responses: Sequence[Response]
                      ) -> AnalysisRun | None:
    """Analyse new responses against the consultation's saved analyser state, in one
    load and one save of the state, and store what the engine gives; the state learns them.

    Idempotent: responses already analysed are left alone (None when nothing is left).
    Without a saved state, or when the state already knows a response the database does not
    (a run that saved its state but did not commit), a full run is made instead. Holds the
    lock on the consultation row while it works.
    """
    started = timezone.now()
    try:
        with transaction.atomic():
            analysis_lock(consultation)
            done = set(AnalysedResponse.objects.filter(response__in=responses)
                       .values_list("response_id", flat=True))
            todo = [r for r in responses if r.pk not in done]
            if not todo:
                return None
            analyser = load_state(consultation)
            if analyser is None:
                raise _NeedsFullRun
            run = AnalysisRun.objects.create(
                consultation=consultation, kind=RunKind.INCREMENTAL, started_at=started,
                params={"responses": [r.reference for r in todo[:100]]})
            grouped = proposals = 0
            full_run = (AnalysisRun.objects.filter(consultation=consultation,
                                                   kind=RunKind.FULL, finished_at__isnull=False)
                        .order_by("-started_at", "-id").first())
            idea_map = dict(full_run.params.get("idea_map", {})) if full_run else {}
            for response in todo:
                record, segments = record_of(response, list(response.attachments.all()))
                try:
                    ra = analyser.add(record)
                except ValueError:
                    raise _NeedsFullRun from None
                _store_one(consultation, analyser, ra, record, segments, full_run, idea_map)
                AnalysedResponse.objects.create(response=response, run=run,
                                                language=ra.language or "")
                grouped += ra.group is not None
                proposals += len(ra.proposals)
            save_state(analyser, consultation)
            run.summary = {"responses": len(todo), "grouped": grouped, "proposals": proposals}
            run.finished_at = timezone.now()
            run.save(update_fields=["summary", "finished_at"])
            return run
    except _NeedsFullRun:
        pass  # the transaction above rolled back: nothing half-stored
    return consultation_analyse(consultation=consultation)


def _store_one(consultation: Consultation, analyser: engine.Analyser,
               ra: engine.ResponseAnalysis, record: engine.Record,
               segments: Sequence[Segment], full_run: AnalysisRun | None,
               idea_map: dict[str, int]) -> None:
    """Store what the engine said about one new response. ``idea_map`` (engine idea id →
    stored idea, as the last full run matched them) learns new ideas, kept on ``full_run``."""
    rid = int(ra.id)
    if ra.group:
        eg = analyser.group(ra.group)
        group = (ResponseGroup.objects.filter(consultation=consultation, engine_key=eg.id)
                 .order_by("pk").first()
                 or ResponseGroup.objects.filter(consultation=consultation,
                                                 canonical_id=int(eg.canonical))
                 .order_by("pk").first())
        if group is None:
            group = ResponseGroup.objects.create(
                consultation=consultation, engine_key=eg.id, canonical_id=int(eg.canonical),
                template=eg.template, label=group_label(eg.template))
        target = group
        while target.merged_into_id:
            target = target.merged_into
        have = set(GroupMembership.objects.filter(response_id__in=[int(m) for m in eg.members])
                   .values_list("response_id", flat=True))
        GroupMembership.objects.bulk_create([
            GroupMembership(response_id=int(m), group=target, additions=eg.additions.get(m, ""))
            for m in eg.members if int(m) not in have])
        group_sizes_refresh(consultation=consultation, groups=[target])
    touched: dict[int, Idea] = {}
    for k, p in enumerate(ra.proposals, start=1):
        where = locate(segments, p.start, p.end)
        if where is None:
            continue
        attachment_id, start, end = where
        idea = None
        if p.idea:
            idea_pk = idea_map.get(p.idea)
            idea = Idea.objects.filter(pk=idea_pk).first() if idea_pk else None
            if idea is None:
                ei = analyser.idea(p.idea)
                idea = Idea.objects.create(consultation=consultation, engine_key=p.idea,
                                           label=(ei.label if ei else p.idea)[:300],
                                           keywords=list(ei.keywords) if ei else [])
                idea_map[p.idea] = idea.pk
                if full_run is not None:
                    full_run.params = {**full_run.params, "idea_map": idea_map}
                    full_run.save(update_fields=["params"])
            while idea.merged_into_id:
                idea = idea.merged_into
            touched[idea.pk] = idea
        Proposal.objects.get_or_create(
            response_id=rid, attachment_id=attachment_id, start=start, end=end,
            defaults={"text": segment_text(segments, record.text, attachment_id, start, end),
                      "position": k, "engine_key": p.id, "idea": idea})
    if touched:
        idea_counts_refresh(consultation=consultation, ideas=touched.values())
    store_tags(consultation, engine.AnalysisResult([ra], [], [], {}), only_responses={rid})
    set_aside_store(consultation=consultation, result=engine.AnalysisResult([ra], [], [], {}),
                    segments={rid: list(segments)}, texts={rid: record.text},
                    only_responses={rid})


def consultation_analyse_pending(*, consultation: Consultation, enqueue: bool = True) -> int:
    """Analyse the responses the engine has not seen yet against the saved state: queue one
    ``consultation_analyse_new_task`` (after commit), or do it here. Returns how many."""
    from samskab.insights import tasks

    pending = list(selectors.responses_pending(consultation).values_list("pk", flat=True))
    if pending and enqueue:
        transaction.on_commit(
            lambda: tasks.consultation_analyse_new_task.enqueue(consultation.pk))
    elif pending:
        responses_analyse(consultation=consultation,
                          responses=list(Response.objects.filter(pk__in=pending)
                                         .order_by("received_at", "id")))
    return len(pending)


def consultation_analyse_enqueue(*, consultation: Consultation, actor: Any | None = None
                                 ) -> None:
    """Queue a full run (after commit); the staff button's and the CLI's ``--enqueue`` way."""
    from samskab.insights import tasks

    user = user_or_none(actor)
    user_id = user.pk if user is not None else None
    transaction.on_commit(
        lambda: tasks.consultation_analyse_task.enqueue(consultation.pk, user_id))


# --- tags ------------------------------------------------------------------------------------
def tag_decide(*, suggestion: TagSuggestion, confirmed: bool, actor: Any) -> TagSuggestion:
    """Confirm or reject a tag suggestion. Audited; the decision is taught to the saved
    analyser by ``tag_feedback_task`` after commit (and replayed before every full run), so
    the model learns it. Deciding again the same way changes nothing."""
    from samskab.insights import tasks

    state = TagState.CONFIRMED if confirmed else TagState.REJECTED
    with staff_action(actor=actor, perm=CHANGE, obj=suggestion,
                      name="tag.confirm" if confirmed else "tag.reject",
                      audit_required=False) as act:
        row = TagSuggestion.objects.select_for_update().select_related(
            "response__consultation").get(pk=suggestion.pk)
        if row.state == state:
            return row
        before = {"state": row.state, "score": row.score}
        row.state = state
        if row.score_at_decision is None:
            row.score_at_decision = row.score
        row.decided_by = user_or_none(actor)
        row.decided_at = timezone.now()
        row.fed_back = False
        row.save(update_fields=["state", "score_at_decision", "decided_by", "decided_at",
                                "fed_back"])
        act.audit(row, before=before, after={"state": state, "code": row.code,
                                             "response": row.response.reference})
        consultation_id = row.response.consultation_id
        act.on_commit(lambda: tasks.tag_feedback_task.enqueue(consultation_id))
    suggestion.refresh_from_db()
    return row


def tag_feedback_apply(*, consultation: Consultation) -> int:
    """Teach the saved analyser every decision it has not learnt yet, in the order they were
    made; returns how many. Without a saved state there is nothing to teach: the next full run
    replays all decisions."""
    with transaction.atomic():
        analysis_lock(consultation)
        todo = list(TagSuggestion.objects
                    .filter(response__consultation=consultation, fed_back=False)
                    .exclude(state=TagState.SUGGESTED)
                    .select_related("response").prefetch_related("response__attachments")
                    .order_by("decided_at", "id"))
        if not todo:
            return 0
        analyser = load_state(consultation)
        if analyser is None:
            return 0
        for s in todo:
            record, _segments = record_of(s.response, list(s.response.attachments.all()))
            analyser.feedback(record.text, s.code, s.state == TagState.CONFIRMED)
        save_state(analyser, consultation)
        TagSuggestion.objects.filter(pk__in=[s.pk for s in todo]).update(fed_back=True)
    return len(todo)


# --- groups ----------------------------------------------------------------------------------
def _membership_decide(*, membership: GroupMembership, actor: Any, state: str,
                       action: str) -> GroupMembership:
    """Record a staff decision on a group member (idempotent), audited, sizes refreshed."""
    with staff_action(actor=actor, perm=CHANGE, obj=membership, name=action,
                      audit_required=False) as act:
        row = GroupMembership.objects.select_for_update().select_related(
            "group", "response").get(pk=membership.pk)
        if row.state == state:
            return row
        before = {"state": row.state, "group": row.group_id}
        row.state = state
        row.decided_by = user_or_none(actor)
        row.decided_at = timezone.now()
        row.save(update_fields=["state", "decided_by", "decided_at"])
        act.audit(row, before=before,
                  after={"state": row.state, "group": row.group_id,
                            "response": row.response.reference})
        group_sizes_refresh(consultation=row.group.consultation, groups=[row.group])
    return row


def group_split_member(*, membership: GroupMembership, actor: Any) -> GroupMembership:
    """Take a wrongly grouped response out of its group. The row stays (state ``split_out``) so
    the next run does not put it back; the response itself is untouched and still counts on
    its own."""
    return _membership_decide(membership=membership, actor=actor,
                              state=MembershipState.SPLIT_OUT, action="group.split_member")


def group_confirm_member(*, membership: GroupMembership, actor: Any) -> GroupMembership:
    """Confirm that a response belongs in its group (also to undo a split): later runs keep
    it there."""
    return _membership_decide(membership=membership, actor=actor,
                              state=MembershipState.CONFIRMED, action="group.confirm_member")


@dataclass
class GroupMergePlan:
    """What ``group_merge`` does (or would do): members moved, sizes before and after."""

    source: ResponseGroup
    target: ResponseGroup
    moved: int
    source_size: int
    target_size: int
    target_size_after: int
    dry_run: bool
    errors: list[str] = field(default_factory=list)


def group_merge(*, source: ResponseGroup, target: ResponseGroup, actor: Any,
                dry_run: bool = True) -> GroupMergePlan:
    """Merge ``source`` into ``target``: every member of source becomes a member of target
    (personal additions kept); source stays, marked merged, with no members. Nothing is
    deleted. ``dry_run`` (the default) changes nothing and returns the plan."""
    errors = []
    if source.pk == target.pk:
        errors.append(_("En gruppe kan ikke flettes ind i sig selv."))
    if source.consultation_id != target.consultation_id:
        errors.append(_("Grupperne hører til forskellige høringer."))
    if source.merged_into_id or target.merged_into_id:
        errors.append(_("Gruppen er allerede flettet ind i en anden."))
    members = GroupMembership.objects.filter(group=source)
    moved = members.exclude(state=MembershipState.SPLIT_OUT).count()
    plan = GroupMergePlan(source, target, moved, source.size, target.size,
                          target.size + moved, dry_run, errors)
    if dry_run or errors:
        if errors and not dry_run:
            raise DomainErrors([DomainError("merge_refused", e) for e in errors])
        return plan
    with staff_action(actor=actor, perm=CHANGE, obj=source, name="group.merge") as act:
        ResponseGroup.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).count()
        moved_ids = list(members.values_list("pk", flat=True))
        GroupMembership.objects.filter(pk__in=moved_ids).update(group=target)
        source.merged_into = target
        source.merged_by = user_or_none(actor)
        source.merged_at = timezone.now()
        source.save(update_fields=["merged_into", "merged_by", "merged_at"])
        group_sizes_refresh(consultation=source.consultation, groups=[source, target])
        act.audit(source, before={"size": plan.source_size, "target_size": plan.target_size},
                  after={"merged_into": target.pk, "moved": moved,
                         "target_size": target.size})
    return plan


# --- ideas and proposals ---------------------------------------------------------------------
def idea_rename(*, idea: Idea, label: str, actor: Any) -> Idea:
    """Give an idea a staff-written name; later runs keep it."""
    label = label.strip()
    if not label:
        raise DomainError("label_required", _("Skriv et navn til idéen."), "label")
    with staff_action(actor=actor, perm=CHANGE, obj=idea, name="idea.rename") as act:
        before = {"label": idea.label}
        idea.label = label[:300]
        idea.label_by = user_or_none(actor)
        idea.save(update_fields=["label", "label_by"])
        act.audit(idea, before=before, after={"label": idea.label})
    return idea


@dataclass
class IdeaMergePlan:
    source: Idea
    target: Idea
    proposals: int
    responses_after: int
    position_moves: bool
    dry_run: bool
    errors: list[str] = field(default_factory=list)


def idea_merge(*, source: Idea, target: Idea, actor: Any, dry_run: bool = True
               ) -> IdeaMergePlan:
    """Merge ``source`` into ``target``: its proposals move to target and later runs send
    source's proposals there too. Source stays, marked merged; a position on source moves to
    target when target has none (both having one is an error to resolve first). ``dry_run``
    (the default) changes nothing and returns the plan."""
    errors = []
    if source.pk == target.pk:
        errors.append(_("En idé kan ikke flettes ind i sig selv."))
    if source.consultation_id != target.consultation_id:
        errors.append(_("Idéerne hører til forskellige høringer."))
    if source.merged_into_id or target.merged_into_id:
        errors.append(_("Idéen er allerede flettet ind i en anden."))
    source_position = Position.objects.filter(idea=source).first()
    target_position = Position.objects.filter(idea=target).first()
    if source_position and target_position:
        errors.append(_("Begge idéer har en stillingtagen; slet eller ret den ene først."))
    responses_after = (Proposal.objects.filter(idea__in=[source, target])
                       .values("response_id").distinct().count())
    plan = IdeaMergePlan(source, target, source.proposals.count(), responses_after,
                         bool(source_position and not target_position), dry_run, errors)
    if dry_run or errors:
        if errors and not dry_run:
            raise DomainErrors([DomainError("merge_refused", e) for e in errors])
        return plan
    with staff_action(actor=actor, perm=CHANGE, obj=source, name="idea.merge") as act:
        Proposal.objects.filter(idea=source).update(idea=target)
        source.merged_into = target
        source.save(update_fields=["merged_into"])
        if source_position:
            source_position.idea = target
            source_position.save(update_fields=["idea"])
        idea_counts_refresh(consultation=source.consultation, ideas=[source, target])
        act.audit(source, before={"label": source.label, "proposals": plan.proposals},
                  after={"merged_into": target.pk, "target_label": target.label,
                         "position_moved": plan.position_moves})
    return plan


def idea_split(*, idea: Idea, proposals: Sequence[Proposal], label: str, actor: Any) -> Idea:
    """Move the chosen proposals of ``idea`` to a new, staff-made idea named ``label``."""
    label = label.strip()
    if not label:
        raise DomainError("label_required", _("Skriv et navn til den nye idé."), "label")
    ids = [p.pk for p in proposals]
    if not ids:
        raise DomainError("proposals_required", _("Vælg mindst ét forslag."), "proposals")
    if Proposal.objects.filter(pk__in=ids).exclude(idea=idea).exists():
        raise DomainError("other_idea", _("Forslagene skal høre til idéen."), "proposals")
    with staff_action(actor=actor, perm=CHANGE, obj=idea, name="idea.split") as act:
        user = user_or_none(actor)
        new = Idea.objects.create(consultation=idea.consultation, label=label[:300],
                                  label_by=user, created_by_engine=False, created_by=user,
                                  keywords=idea.keywords, representative_id=ids[0])
        Proposal.objects.filter(pk__in=ids).update(idea=new, idea_by=user)
        idea_counts_refresh(consultation=idea.consultation, ideas=[idea, new])
        act.audit(new, before={"idea": idea.pk, "label": idea.label},
                  after={"idea": new.pk, "label": new.label, "proposals": ids})
        if idea.representative_id in ids:
            idea.representative = Proposal.objects.filter(idea=idea).order_by("pk").first()
            idea.save(update_fields=["representative"])
    return new


def proposal_move(*, proposal: Proposal, idea: Idea | None, actor: Any) -> Proposal:
    """Put a proposal in another idea (or in none); later runs keep it there."""
    if idea is not None and idea.consultation_id != proposal.response.consultation_id:
        raise DomainError("other_consultation", _("Idéen hører til en anden høring."), "idea")
    if idea is not None and idea.merged_into_id:
        raise DomainError("idea_merged", _("Idéen er flettet ind i en anden."), "idea")
    with staff_action(actor=actor, perm=CHANGE, obj=proposal, name="proposal.move") as act:
        old = proposal.idea
        before = {"idea": proposal.idea_id}
        proposal.idea = idea
        proposal.idea_by = user_or_none(actor)
        proposal.save(update_fields=["idea", "idea_by"])
        idea_counts_refresh(consultation=proposal.response.consultation,
                            ideas=[i for i in (old, idea) if i is not None])
        act.audit(proposal, before=before, after={"idea": idea.pk if idea else None})
    return proposal


# --- positions -------------------------------------------------------------------------------
def _position_snapshot(p: Position) -> dict[str, Any]:
    return {"kind": p.kind, "justification_da": p.justification_da,
            "justification_en": p.justification_en, "existing_strategy": p.existing_strategy}


def position_set(*, actor: Any, kind: str, justification_da: str, idea: Idea | None = None,
                 proposal: Proposal | None = None, justification_en: str = "",
                 existing_strategy: str = "") -> Position:
    """Record (or change) the authority's position on an idea or a single proposal, with its
    reasons. Already covered needs the strategy that covers it. The commitment an adopted
    proposal became is not named here: linking it from the plan (`plans.CommitmentSource`)
    records it, and sets the position to adopted. Audited with before and after."""
    if (idea is None) == (proposal is None):
        raise DomainError("subject_required",
                          _("Tag stilling til enten en idé eller et enkelt forslag."))
    errors: list[DomainError] = []
    if kind not in PositionKind.values:
        errors.append(DomainError("invalid_kind", _("Vælg en stillingtagen."), "kind"))
    if not justification_da.strip():
        errors.append(DomainError("justification_required",
                                  _("Skriv en begrundelse på dansk."), "justification_da"))
    if kind == PositionKind.ALREADY_COVERED and not existing_strategy.strip():
        errors.append(DomainError("strategy_required",
                                  _("Angiv den strategi, der allerede dækker forslaget."),
                                  "existing_strategy"))
    if idea is not None and idea.merged_into_id:
        errors.append(DomainError("idea_merged", _("Idéen er flettet ind i en anden."), "idea"))
    if errors:
        raise DomainErrors(errors)
    with staff_action(actor=actor, perm=CHANGE, obj=idea or proposal,
                      name="position.set") as act:
        lookup = {"idea": idea} if idea is not None else {"proposal": proposal}
        position = Position.objects.select_for_update().filter(**lookup).first()
        before = _position_snapshot(position) if position else None
        if position is None:
            position = Position(**lookup)
        position.kind = kind
        position.justification_da = justification_da.strip()
        position.justification_en = justification_en.strip()
        position.existing_strategy = (existing_strategy.strip()
                                      if kind == PositionKind.ALREADY_COVERED else "")
        position.decided_by = user_or_none(actor)
        position.decided_at = timezone.now()
        if position.pk:
            position.save(update_fields=["kind", "justification_da", "justification_en",
                                         "existing_strategy", "decided_by",
                                         "decided_at"])
        else:
            position.save()
        act.audit(position, before=before,
                  after={**_position_snapshot(position),
                         "idea": position.idea_id, "proposal": position.proposal_id})
    return position


_SPACE = re.compile(r"\s+")


def excerpt(text: str, length: int = 240) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def set_aside_move_back(*, segment: Any, actor: Any) -> Proposal:
    """Make a set-aside segment a proposal after all (staff disagree with the engine). The
    proposal is placed by staff (in no idea yet; ``proposal_move`` puts it in one), so runs
    keep it; the segment stays, marked moved back. Raises ``DomainError`` when it already
    was."""
    from samskab.core.actions import staff_action, user_or_none
    from samskab.core.errors import DomainError
    from samskab.insights.models import SetAsideSegment

    with staff_action(actor=actor, perm="insights.change_analysis", obj=segment,
                      name="set_aside.move_back") as act:
        row = SetAsideSegment.objects.select_for_update().select_related("response").get(
            pk=segment.pk)
        if row.moved_back_at is not None:
            raise DomainError("already_moved_back",
                              _("Tekststykket er allerede flyttet tilbage til forslagene."))
        row.moved_back_by = user_or_none(actor)
        row.moved_back_at = timezone.now()
        row.proposal = proposal_for_segment(row)
        row.save(update_fields=["moved_back_by", "moved_back_at", "proposal"])
        act.audit(row, before={"reason": row.reason, "moved_back": False},
                  after={"moved_back": True, "proposal": row.proposal_id,
                         "response": row.response.reference})
    segment.refresh_from_db()
    return row.proposal


def group_members_decide(*, group: ResponseGroup, confirmed: bool, actor: Any) -> int:
    """Confirm (``confirmed``) or take out every member of ``group`` the engine suggested and
    nobody decided on yet, in one action with one AuditEvent per member; returns how many.
    Members staff already decided on keep their decision."""
    from samskab.core.actions import staff_action, user_or_none
    from samskab.core.errors import DomainError

    if group.merged_into_id:
        raise DomainError("group_merged", _("Gruppen er flettet ind i en anden."))
    state = MembershipState.CONFIRMED if confirmed else MembershipState.SPLIT_OUT
    name = "group.confirm_members" if confirmed else "group.split_members"
    with staff_action(actor=actor, perm="insights.change_analysis", obj=group,
                      name=name, audit_required=False) as act:
        rows = list(GroupMembership.objects.select_for_update().select_related("response")
                    .filter(group=group, state=MembershipState.SUGGESTED).order_by("pk"))
        if not rows:
            return 0
        now = timezone.now()
        user = user_or_none(actor)
        for row in rows:
            act.audit(row, before={"state": row.state, "group": group.pk},
                      after={"state": state, "group": group.pk,
                             "response": row.response.reference})
        GroupMembership.objects.filter(pk__in=[r.pk for r in rows]).update(
            state=state, decided_by=user, decided_at=now)
        group_sizes_refresh(consultation=group.consultation, groups=[group])
    return len(rows)


def tags_decide_by_score(*, consultation: Consultation, confirmed: bool, threshold: float,
                         actor: Any, code: str = "") -> int:
    """Decide every undecided tag suggestion of ``consultation`` (of ``code`` when given) in
    one action: confirm those scored at or above ``threshold`` (``confirmed``), or reject
    those below it. One AuditEvent per suggestion; the tag model learns the decisions after
    commit as for single decisions. Returns how many were decided."""
    from samskab.core.actions import staff_action, user_or_none
    from samskab.core.errors import DomainError
    from samskab.insights import tasks

    if not 0.0 <= threshold <= 1.0:
        raise DomainError("bad_threshold", _("Grænsen skal ligge mellem 0 og 1."), "threshold")
    state = TagState.CONFIRMED if confirmed else TagState.REJECTED
    name = "tag.confirm_above" if confirmed else "tag.reject_below"
    with staff_action(actor=actor, perm="insights.change_analysis", obj=consultation,
                      name=name, audit_required=False) as act:
        qs = TagSuggestion.objects.select_for_update().filter(
            response__consultation=consultation, state=TagState.SUGGESTED)
        if code:
            qs = qs.filter(code=code)
        qs = qs.filter(score__gte=threshold) if confirmed else qs.filter(score__lt=threshold)
        rows = list(qs.select_related("response").order_by("pk"))
        if not rows:
            return 0
        now = timezone.now()
        user = user_or_none(actor)
        for row in rows:
            act.audit(row, action="tag.confirm" if confirmed else "tag.reject",
                      before={"state": row.state, "score": row.score},
                      after={"state": state, "code": row.code,
                             "response": row.response.reference})
            row.state, row.decided_by, row.decided_at, row.fed_back = state, user, now, False
            if row.score_at_decision is None:
                row.score_at_decision = row.score
        TagSuggestion.objects.bulk_update(
            rows, ["state", "decided_by", "decided_at", "fed_back", "score_at_decision"],
            batch_size=BATCH)
        consultation_id = consultation.pk
        act.on_commit(lambda: tasks.tag_feedback_task.enqueue(consultation_id))
    return len(rows)
