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

import fcntl
import logging
import os
import re
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samskab import analysis as engine
from samskab.consultations.models import Attachment, Consultation, Response
from samskab.core.actions import staff_action, user_or_none
from samskab.core.errors import DomainError, DomainErrors
from samskab.insights import selectors
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

logger = logging.getLogger(__name__)

# Attachments' extracted text follows the response's own text, after this mark.
ATTACHMENT_MARK = "\n\n[Bilag]\n\n"
BATCH = 2000
# Every staff change below runs as core.actions.staff_action with this permission (the
# analyst's; CLI, tasks and the demo act as a SystemActor). Engine runs are not staff changes.
CHANGE = "insights.change_analysis"
# Rows a full run writes per transaction: SQLite's write lock is held for a few milliseconds
# at a time, so answers arriving meanwhile are stored between two chunks.
STORE_CHUNK = 1000
# Responses a full run reads per query (with their attachments).
READ_CHUNK = 2000


# --- feeding the engine ----------------------------------------------------------------------
@dataclass(frozen=True)
class _Segment:
    """Where one source text (the response's, or an attachment's) sits in the record text."""

    start: int
    end: int
    attachment_id: int | None


@dataclass
class _Input:
    records: list[engine.Record] = field(default_factory=list)
    segments: dict[int, list[_Segment]] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)


def analyser_dir(consultation: Consultation) -> Path:
    """Where the consultation's saved analyser state lives (JSON and plain arrays)."""
    return Path(settings.VAR_DIR) / "analysis" / consultation.slug


def engine_themes(consultation: Consultation) -> list[engine.Theme]:
    return [engine.Theme(t.slug, tuple(t.keywords or ()), t.title_da)
            for t in consultation.themes.all()]


def _record(response: Response, attachments: Sequence[Attachment]
            ) -> tuple[engine.Record, list[_Segment]]:
    """The plain record for a response: its text, then each attachment's extracted text after
    ``ATTACHMENT_MARK``; segments map record offsets back to the source text."""
    parts = [response.text]
    segments = [_Segment(0, len(response.text), None)]
    pos = len(response.text)
    for a in attachments:
        extracted = a.extracted_text or ""
        if not extracted.strip():
            continue
        pos += len(ATTACHMENT_MARK)
        segments.append(_Segment(pos, pos + len(extracted), a.pk))
        parts += [ATTACHMENT_MARK, extracted]
        pos += len(extracted)
    record = engine.Record(id=str(response.pk), text="".join(parts),
                           language=response.language or None)
    return record, segments


def _inputs(responses: Iterable[Response]) -> _Input:
    out = _Input()
    for r in responses:
        record, segments = _record(r, list(r.attachments.all()))
        out.records.append(record)
        out.segments[r.pk] = segments
        out.texts[r.pk] = record.text
    return out


def _locate(segments: Sequence[_Segment], start: int, end: int
            ) -> tuple[int | None, int, int] | None:
    """Record offsets → (attachment id or None, start, end) in that source; None when the span
    is only the attachment mark."""
    for seg in segments:
        if seg.start <= start < seg.end or (start == seg.end == seg.start):
            s, e = start - seg.start, min(end, seg.end) - seg.start
            return (seg.attachment_id, s, e) if e > s else None
    # Inside a mark: move to the next segment.
    for seg in segments:
        if start < seg.start < end:
            s, e = 0, min(end, seg.end) - seg.start
            return (seg.attachment_id, s, e) if e > s else None
    return None


def _group_label(template: str) -> str:
    """A short name for a group: its first line of some length, shortened."""
    lines = [ln.strip() for ln in template.splitlines() if ln.strip()]
    line = next((ln for ln in lines if len(ln.split()) >= 5), lines[0] if lines else "")
    return line if len(line) <= 90 else line[:87].rstrip() + "…"


# --- storing a full run ----------------------------------------------------------------------
def _final(obj, by_id: dict):
    seen = set()
    while obj.merged_into_id and obj.pk not in seen:
        seen.add(obj.pk)
        obj = by_id[obj.merged_into_id]
    return obj


def _store_groups(consultation: Consultation, groups: Sequence[engine.Group],
                  upto: int | None = None) -> None:
    """``upto``: the largest response id when the run read the responses; rows of later ones
    (answers that arrived since) are left for the incremental sweep."""
    existing = {g.pk: g for g in ResponseGroup.objects.filter(consultation=consultation)}
    by_canonical: dict[int, ResponseGroup] = {}
    for g in sorted(existing.values(), key=lambda g: g.pk):
        by_canonical.setdefault(g.canonical_id, g)
    memberships = {m.response_id: m for m in
                   GroupMembership.objects.filter(group__consultation=consultation)}
    claimed: set[int] = set()
    seen: set[int] = set()
    to_create: list[GroupMembership] = []
    to_update: list[GroupMembership] = []
    changed_groups: list[ResponseGroup] = []
    for eg in groups:
        members = [int(m) for m in eg.members]
        canonical = int(eg.canonical)
        group = by_canonical.get(canonical)
        if group is None or group.pk in claimed:
            votes = Counter(memberships[m].group_id for m in members
                            if m in memberships and not memberships[m].is_staff_decision)
            group = next((existing[gid] for gid, _n in votes.most_common()
                          if gid not in claimed and existing[gid].merged_into_id is None), None)
        if group is None:
            group = ResponseGroup.objects.create(
                consultation=consultation, engine_key=eg.id, canonical_id=canonical,
                template=eg.template, label=_group_label(eg.template), size=len(members))
            existing[group.pk] = group
        else:
            fields = (eg.id, eg.template, _group_label(eg.template),
                      canonical if group.merged_into_id is None else group.canonical_id)
            if (group.engine_key, group.template, group.label, group.canonical_id) != fields:
                group.engine_key, group.template, group.label, group.canonical_id = fields
                changed_groups.append(group)
        claimed.add(group.pk)
        target = _final(group, existing)
        for m in members:
            seen.add(m)
            additions = eg.additions.get(str(m), "")
            mem = memberships.get(m)
            if mem is None:
                mem = GroupMembership(response_id=m, group=target, additions=additions)
                memberships[m] = mem
                to_create.append(mem)
            elif not mem.is_staff_decision and (mem.group_id != target.pk
                                                or mem.additions != additions):
                mem.group, mem.additions = target, additions
                to_update.append(mem)
    _chunked_bulk_update(ResponseGroup, changed_groups,
                         ["engine_key", "template", "label", "canonical"])
    _fast_insert(GroupMembership, ["response", "group", "additions", "state"],
                 [(m.response_id, m.group_id, m.additions, m.state) for m in to_create])
    # Staff may decide a membership while the run stores (no lock is held across chunks):
    # the engine only changes and removes memberships nobody decided, checked in the write.
    _fast_update(GroupMembership, ["group", "additions"],
                 [(m.group_id, m.additions, m.pk) for m in to_update],
                 where=_UNDECIDED_MEMBERSHIP)
    stale = [m.pk for r, m in memberships.items()
             if r not in seen and (upto is None or r <= upto) and not m.is_staff_decision
             and m.pk]
    _delete_pks(GroupMembership, stale, decided_by__isnull=True,
                state=MembershipState.SUGGESTED)
    # Pure engine groups left without any member go; merged or merged-into groups stay.
    (ResponseGroup.objects.filter(consultation=consultation, memberships__isnull=True,
                                  merged_into__isnull=True, merged_from__isnull=True)
     .delete())
    group_sizes_refresh(consultation=consultation)


def group_sizes_refresh(*, consultation: Consultation,
                        groups: Iterable[ResponseGroup] | None = None) -> None:
    """Store each group's member count (members split out do not count)."""
    qs = ResponseGroup.objects.filter(consultation=consultation)
    given = list(groups) if groups is not None else []
    if groups is not None:
        qs = qs.filter(pk__in=[g.pk for g in given])
    rows = list(qs.annotate(n=Count("memberships", filter=~Q(
        memberships__state=MembershipState.SPLIT_OUT))).only("pk", "size"))
    _fast_update(ResponseGroup, ["size"], [(g.n, g.pk) for g in rows if g.size != g.n])
    sizes = {g.pk: g.n for g in rows}
    for g in given:
        g.size = sizes.get(g.pk, 0)


def idea_counts_refresh(*, consultation: Consultation,
                        ideas: Iterable[Idea] | None = None) -> None:
    """Store each idea's number of proposals and of distinct responses."""
    qs = Idea.objects.filter(consultation=consultation)
    given = list(ideas) if ideas is not None else []
    if ideas is not None:
        qs = qs.filter(pk__in=[i.pk for i in given])
    rows = list(qs.annotate(np=Count("proposals"),
                            nr=Count("proposals__response", distinct=True))
                .only("pk", "proposal_count", "response_count"))
    _fast_update(Idea, ["proposal_count", "response_count"],
                 [(i.np, i.nr, i.pk) for i in rows
                  if (i.proposal_count, i.response_count) != (i.np, i.nr)])
    counts = {i.pk: (i.np, i.nr) for i in rows}
    for i in given:  # the caller's instances show the new counts too
        i.proposal_count, i.response_count = counts.get(i.pk, (0, 0))


class _Row(NamedTuple):
    pk: int
    text: str
    position: int
    engine_key: str
    idea_id: int | None
    idea_by_id: int | None


def _store_ideas_and_proposals(consultation: Consultation, result: engine.AnalysisResult,
                               inputs: _Input, upto: int | None = None) -> dict[str, int]:
    """Store proposals and ideas; returns the engine idea id → Idea pk map of this run.

    An engine idea is matched to the stored idea most of its proposals are in now (engine ids
    are not stable when the data or the engine change): one-to-one, except that several may
    go to an idea staff merged others into, so a merge holds. A staff name, a position or a
    merge thus stays with the proposals it was about."""
    ideas = {i.pk: i for i in Idea.objects.filter(consultation=consultation)}
    merge_targets = {i.merged_into_id for i in ideas.values() if i.merged_into_id}
    existing = {(rid, aid, start, end): _Row(pk, text, position, key, idea_id, idea_by_id)
                for pk, rid, aid, start, end, text, position, key, idea_id, idea_by_id in
                Proposal.objects.filter(response__consultation=consultation)
                .values_list("pk", "response_id", "attachment_id", "start", "end", "text",
                             "position", "engine_key", "idea_id", "idea_by_id")}
    located: list[tuple[tuple, engine.Proposal, str, int]] = []
    votes: dict[str, Counter] = defaultdict(Counter)
    sizes: Counter = Counter()
    seen: set[tuple] = set()
    for ra in result.responses:
        rid = int(ra.id)
        k = 0
        for p in ra.proposals:
            where = _locate(inputs.segments[rid], p.start, p.end)
            if where is None:
                continue
            attachment_id, start, end = where
            key = (rid, attachment_id, start, end)
            if key in seen:
                continue
            seen.add(key)
            k += 1
            text = _segment_text(inputs.segments[rid], inputs.texts[rid], attachment_id,
                                 start, end)
            located.append((key, p, text, k))
            if p.idea:
                sizes[p.idea] += 1
                row = existing.get(key)
                if row is not None and row.idea_id in ideas:
                    votes[p.idea][_final(ideas[row.idea_id], ideas).pk] += 1

    assigned: dict[str, Idea] = {}
    primary: dict[int, str] = {}
    for n, eid, iid in sorted(((n, eid, iid) for eid, c in votes.items()
                               for iid, n in c.items()), key=lambda x: (-x[0], x[1], x[2])):
        idea = ideas[iid]
        if eid in assigned or (iid in primary and iid not in merge_targets):
            continue
        if 2 * n <= min(sizes[eid], max(idea.proposal_count, 1)):
            continue  # too little in common
        assigned[eid] = idea
        primary.setdefault(iid, eid)
    new_ideas, changed_ideas = [], []
    for ei in result.ideas:
        idea = assigned.get(ei.id)
        if idea is None:
            idea = Idea(consultation=consultation, engine_key=ei.id, label=ei.label[:300],
                        keywords=list(ei.keywords))
            new_ideas.append(idea)
            assigned[ei.id] = idea
        elif primary.get(idea.pk) == ei.id:
            label = idea.label if idea.label_by_id is not None else ei.label[:300]
            fields = (ei.id, list(ei.keywords), label)
            if (idea.engine_key, idea.keywords, idea.label) != fields:
                idea.engine_key, idea.keywords, idea.label = fields
                changed_ideas.append(idea)
    for i in range(0, len(new_ideas), STORE_CHUNK):
        Idea.objects.bulk_create(new_ideas[i:i + STORE_CHUNK])
    _chunked_bulk_update(Idea, changed_ideas, ["engine_key", "keywords", "label"])
    for i in new_ideas:
        ideas[i.pk] = i
    placed = {key: _final(i, ideas) for key, i in assigned.items()}

    key_of: dict[str, tuple] = {}
    to_create: list[tuple] = []
    to_update: list[tuple] = []
    moves: dict[int | None, list[int]] = defaultdict(list)
    for key, p, text, k in located:
        rid, attachment_id, start, end = key
        idea = placed.get(p.idea) if p.idea else None
        idea_id = idea.pk if idea else None
        row = existing.get(key)
        if row is None:
            to_create.append((rid, attachment_id, start, end, text, k, p.id, idea_id))
        else:
            if (row.text, row.position, row.engine_key) != (text, k, p.id):
                to_update.append((text, k, p.id, row.pk))
            if row.idea_by_id is None and row.idea_id != idea_id:
                moves[idea_id].append(row.pk)
        key_of[p.id] = key
    _fast_insert(Proposal, ["response", "attachment", "start", "end", "text", "position",
                            "engine_key", "idea"], to_create)
    _fast_update(Proposal, ["text", "position", "engine_key"], to_update)
    for idea_id in sorted(moves, key=lambda i: (i is None, i or 0)):
        pks = moves[idea_id]
        for i in range(0, len(pks), STORE_CHUNK):
            # A proposal staff moved meanwhile stays where they put it.
            Proposal.objects.filter(pk__in=pks[i:i + STORE_CHUNK],
                                    idea_by__isnull=True).update(idea_id=idea_id)
    pk_of = {key: p.pk for key, p in existing.items()}
    staff_placed = {key for key, p in existing.items() if p.idea_by_id is not None}
    if to_create:
        pk_of = {(rid, aid, start, end): pk for pk, rid, aid, start, end in
                 Proposal.objects.filter(response__consultation=consultation)
                 .values_list("pk", "response_id", "attachment_id", "start", "end")}
    gone = [pk for key, pk in pk_of.items()
            if key not in seen and key not in staff_placed and (upto is None or key[0] <= upto)]
    positioned = set(Position.objects.filter(proposal_id__in=gone)
                     .values_list("proposal_id", flat=True))
    gone = [pk for pk in gone if pk not in positioned]
    _delete_pks(Proposal, gone, idea_by__isnull=True, proposal_position__isnull=True)

    reps = []
    for ei in result.ideas:
        idea = assigned[ei.id]
        if primary.get(idea.pk, ei.id) != ei.id:
            continue
        key = key_of.get(ei.representative)
        rep = pk_of.get(key) if key else None
        if rep is not None and idea.representative_id != rep:
            idea.representative_id = rep
            reps.append((rep, idea.pk))
    _fast_update(Idea, ["representative"], reps)
    idea_counts_refresh(consultation=consultation)
    # Engine ideas nobody touched and no proposal is in any more go.
    (Idea.objects.filter(consultation=consultation, created_by_engine=True, label_by=None,
                         merged_into=None, merged_from__isnull=True, proposal_count=0,
                         position__isnull=True)
     .delete())
    return {eid: placed[eid].pk for eid in sorted(placed)}


def _segment_text(segments: Sequence[_Segment], record_text: str, attachment_id: int | None,
                  start: int, end: int) -> str:
    seg = next(s for s in segments if s.attachment_id == attachment_id)
    return record_text[seg.start + start:seg.start + end]


def _fast_insert(model, fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert plain rows with the DB-API's executemany. For hundreds of thousands of rows the
    ORM's per-value SQL compilation costs many times what the database does; these models'
    other columns are nullable. Identifiers come from the model, values are parameters."""
    if not rows:
        return
    qn = connection.ops.quote_name
    columns = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    _executemany_chunked(sql, rows)


def _executemany_chunked(sql: str, rows: Sequence[tuple]) -> None:
    """STORE_CHUNK rows per transaction (a savepoint inside a caller's transaction)."""
    for i in range(0, len(rows), STORE_CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows[i:i + STORE_CHUNK])


# The engine's own membership suggestions (what ``GroupMembership.is_staff_decision`` is not).
_UNDECIDED_MEMBERSHIP = ("decided_by_id IS NULL AND state = '%s'"
                         % MembershipState.SUGGESTED.value)


def _fast_update(model, fields: Sequence[str], rows: Sequence[tuple], *, where: str = ""
                 ) -> None:
    """``UPDATE … WHERE pk = …`` through executemany; each row is the new values, then the pk
    (what ``bulk_update``'s CASE expressions do, without their cost at scale). ``where`` is a
    further condition (constant SQL of ours, never input)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(model._meta.get_field(f).column)} = %s" for f in fields)
    sql = (f"UPDATE {qn(model._meta.db_table)} SET {sets} "  # noqa: S608
           f"WHERE {qn(model._meta.pk.column)} = %s" + (f" AND {where}" if where else ""))
    _executemany_chunked(sql, rows)


def _chunked_bulk_update(model, objs: Sequence, fields: Sequence[str]) -> None:
    for i in range(0, len(objs), STORE_CHUNK):
        with transaction.atomic():
            model.objects.bulk_update(objs[i:i + STORE_CHUNK], fields)


def _delete_pks(model, pks: Sequence[int], **still) -> None:
    """Delete these rows, STORE_CHUNK per transaction; ``still`` filters out rows that have
    changed since they were read (a staff decision made while the run stored)."""
    for i in range(0, len(pks), STORE_CHUNK):
        model.objects.filter(pk__in=pks[i:i + STORE_CHUNK], **still).delete()


def _store_tags(consultation: Consultation, result: engine.AnalysisResult,
                only_responses: set[int] | None = None, upto: int | None = None) -> None:
    """Undecided suggestions are engine output: changed ones are rescored, vanished ones go.
    Decided ones keep their state; only their current score is refreshed."""
    qs = TagSuggestion.objects.filter(response__consultation=consultation)
    if only_responses is not None:
        qs = qs.filter(response_id__in=only_responses)
    existing = {(rid, code): (pk, score, state) for pk, rid, code, score, state in
                qs.values_list("pk", "response_id", "code", "score", "state")}
    seen = set()
    to_insert, to_delete, decided, rescored = [], [], [], []
    for ra in result.responses:
        rid = int(ra.id)
        for t in ra.tags:
            key = (rid, t.code)
            if key in seen:
                continue
            seen.add(key)
            score = min(1.0, max(0.0, float(t.score)))
            row = existing.get(key)
            if row is None:
                to_insert.append((rid, t.code, score, TagState.SUGGESTED, False))
            elif row[1] != score:
                if row[2] == TagState.SUGGESTED:
                    rescored.append((score, row[0]))
                else:
                    decided.append(TagSuggestion(pk=row[0], score=score))
    to_delete += [pk for key, (pk, _score, state) in existing.items()
                  if key not in seen and state == TagState.SUGGESTED
                  and (upto is None or key[0] <= upto)]
    _delete_pks(TagSuggestion, to_delete, state=TagState.SUGGESTED)
    # Still an engine suggestion (staff may decide one while a full run stores): new score.
    _fast_update(TagSuggestion, ["score"], rescored,
                 where="state = '%s'" % TagState.SUGGESTED.value)
    _fast_insert(TagSuggestion, ["response", "code", "score", "state", "fed_back"], to_insert)
    _chunked_bulk_update(TagSuggestion, decided, ["score"])


def _save_state(analyser: engine.Analyser, consultation: Consultation) -> None:
    """Replace the saved analyser state in one rename, so a reader never sees half a state."""
    _install_state(_write_state(analyser, consultation), consultation)


def _write_state(analyser: engine.Analyser, consultation: Consultation) -> Path:
    """Write the state beside the saved one (seconds for a large consultation: a full run
    does it before its final transaction, so no lock is held meanwhile)."""
    final = analyser_dir(consultation)
    final.parent.mkdir(parents=True, exist_ok=True)
    fresh = final.with_name(f"{final.name}.new-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    analyser.save(fresh)
    return fresh


def _install_state(fresh: Path, consultation: Consultation) -> None:
    """Make a written state the saved one by renames (milliseconds)."""
    final = analyser_dir(consultation)
    old = final.with_name(f"{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    fresh.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _load_state(consultation: Consultation) -> engine.Analyser | None:
    path = analyser_dir(consultation)
    if not (path / "state.json").exists():
        return None
    try:
        return engine.Analyser.load(path)
    except (OSError, ValueError, KeyError):
        logger.exception("unreadable analyser state at %s; a full run will replace it", path)
        return None


# pg_advisory_xact_lock's first key: "analysis" runs of one consultation, one at a time.
_ANALYSIS_LOCK_SPACE = 0x5A4E


class AnalysisBusy(Exception):
    """A full run is storing its results (SQLite): try again later (the sweep does)."""


def _analysis_lock(consultation: Consultation) -> None:
    """Serialise the analysis runs of one consultation until the transaction ends.

    Not a lock on the consultation's row: answers take that row to number themselves, and the
    form must not wait for an analysis to store its results (PostgreSQL: an advisory lock,
    which waits for a full run storing; SQLite: the transaction already holds the database's
    write lock, IMMEDIATE, so it must not wait for the full run's file lock: it raises
    AnalysisBusy while a full run stores, and the caller's transaction rolls back)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)",
                           [_ANALYSIS_LOCK_SPACE, consultation.pk])
        return
    path = analyser_dir(consultation)
    lock = path.with_name(f"{path.name}.lock")
    if not lock.exists():
        return
    with open(lock, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AnalysisBusy(consultation.pk) from None
        fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _full_run_lock(consultation: Consultation) -> Iterator[None]:
    """Serialise full runs of one consultation for the whole run, which stores in many short
    transactions (PostgreSQL: a session advisory lock, the same key incremental runs take per
    transaction; SQLite: an exclusive lock on a file beside the analyser state)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s::int, %s::int)",
                           [_ANALYSIS_LOCK_SPACE, consultation.pk])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s::int, %s::int)",
                               [_ANALYSIS_LOCK_SPACE, consultation.pk])
        return
    path = analyser_dir(consultation)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f"{path.name}.lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _mark_analysed(consultation: Consultation, run: AnalysisRun,
                   result: engine.AnalysisResult, upto: int) -> None:
    """Point every analysed response at ``run`` (chunked), drop the marks of responses the
    run did not analyse (rejected since), leave later answers to the switch."""
    table = connection.ops.quote_name(AnalysedResponse._meta.db_table)
    have = set(AnalysedResponse.objects.filter(response__consultation=consultation)
               .values_list("response_id", flat=True))
    languages = {int(ra.id): ra.language or "" for ra in result.responses}
    _executemany_chunked(
        f"UPDATE {table} SET run_id = %s, language = %s WHERE response_id = %s",  # noqa: S608
        [(run.pk, lang, rid) for rid, lang in languages.items() if rid in have])
    _fast_insert(AnalysedResponse, ["response", "run", "language"],
                 [(rid, run.pk, lang) for rid, lang in languages.items() if rid not in have])
    _delete_pks_by(AnalysedResponse, "response_id",
                   sorted(rid for rid in have if rid not in languages and rid <= upto))


def _delete_pks_by(model, column: str, values: Sequence[int]) -> None:
    for i in range(0, len(values), STORE_CHUNK):
        model.objects.filter(**{f"{column}__in": values[i:i + STORE_CHUNK]}).delete()


def consultation_analyse(*, consultation: Consultation, actor: Any | None = None,
                         progress: Callable[[str, int, int], None] | None = None
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
    state. Full runs of one consultation are serialised (``_full_run_lock``).

    The responses are read in chunks (no model instance per response is kept, only the
    engine's records). ``progress(stage, done, total)`` is told how far the run is (stages
    "read", "engine", "store"; the command draws a progress bar from it).
    """
    started = timezone.now()
    t0 = time.perf_counter()
    run = AnalysisRun.objects.create(
        consultation=consultation, kind=RunKind.FULL, started_at=started,
        started_by=user_or_none(actor))
    try:
        return _full_run(consultation, run, t0, progress or (lambda stage, done, total: None))
    except BaseException:
        AnalysisRun.objects.filter(pk=run.pk, finished_at__isnull=True).delete()
        raise


def _full_run(consultation: Consultation, run: AnalysisRun, t0: float,
              progress: Callable[[str, int, int], None]) -> AnalysisRun:
    upto = (Response.objects.filter(consultation=consultation)
            .aggregate(m=Max("pk"))["m"]) or 0
    analysable = selectors.analysable(consultation).filter(pk__lte=upto)
    total = analysable.count()

    def read() -> Iterator[Response]:
        for i, response in enumerate(analysable.only("pk", "text", "language")
                                     .prefetch_related("attachments")
                                     .iterator(chunk_size=READ_CHUNK), start=1):
            if i % READ_CHUNK == 0 or i == total:
                progress("read", i, total)
            yield response

    inputs = _inputs(read())
    progress("engine", 0, 1)
    themes = engine_themes(consultation)
    analyser = engine.Analyser(themes=themes, workers=settings.SAMSKAB_ANALYSIS_WORKERS)
    read_at = timezone.now()
    decided = list(TagSuggestion.objects
                   .filter(response__consultation=consultation)
                   .exclude(state=TagState.SUGGESTED)
                   .order_by("decided_at", "id").only("pk", "response_id", "code", "state"))
    for s in decided:
        if s.response_id in inputs.texts:
            analyser.feedback(inputs.texts[s.response_id], s.code, s.state == TagState.CONFIRMED)
    prepared = time.perf_counter()
    result = analyser.fit(inputs.records)
    fitted = time.perf_counter()
    progress("engine", 1, 1)
    with _full_run_lock(consultation):
        return _full_run_store(consultation, run, t0, result, inputs, upto, read_at, analyser,
                               themes, decided, {"read_seconds": round(prepared - t0, 3),
                                                 "engine_seconds": round(fitted - prepared, 3)},
                               progress)


def _full_run_store(consultation, run, t0, result, inputs, upto, read_at, analyser, themes,
                    decided, timings, progress) -> AnalysisRun:
    if connection.vendor == "sqlite":
        # IMMEDIATE: waits for a write an incremental run began before the lock was taken.
        with transaction.atomic():
            pass
    store: dict[str, float] = {}
    t = time.perf_counter()
    progress("store", 0, 5)
    _store_groups(consultation, result.groups, upto)
    store["groups"] = time.perf_counter() - t
    progress("store", 1, 5)
    t = time.perf_counter()
    idea_map = _store_ideas_and_proposals(consultation, result, inputs, upto)
    set_aside_store(consultation=consultation, result=result, segments=inputs.segments,
                    texts=inputs.texts)
    store["ideas_and_proposals"] = time.perf_counter() - t
    progress("store", 2, 5)
    t = time.perf_counter()
    _store_tags(consultation, result, upto=upto)
    store["tags"] = time.perf_counter() - t
    progress("store", 3, 5)
    t = time.perf_counter()
    _mark_analysed(consultation, run, result, upto)
    store["marks"] = time.perf_counter() - t
    progress("store", 4, 5)
    t = time.perf_counter()
    fresh = _write_state(analyser, consultation)
    store["state"] = time.perf_counter() - t
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
        for i in range(0, len(taught), STORE_CHUNK):
            TagSuggestion.objects.filter(pk__in=taught[i:i + STORE_CHUNK]).update(fed_back=True)
        for i in range(0, len(untaught), STORE_CHUNK):
            TagSuggestion.objects.filter(pk__in=untaught[i:i + STORE_CHUNK]
                                         ).update(fed_back=False)
        later = len(untaught)
        if later:
            from samskab.insights import tasks

            transaction.on_commit(lambda: tasks.tag_feedback_task.enqueue(consultation.pk))
        # Answers an incremental run took meanwhile are not in the new state: take them again.
        late = list(Response.objects.filter(consultation=consultation, pk__gt=upto)
                    .values_list("pk", flat=True))
        AnalysedResponse.objects.filter(response_id__in=late).delete()
        _install_state(fresh, consultation)
        store["switch"] = time.perf_counter() - t  # the final transaction, all but its save
        run.params = {"stages": list(analyser.stages), "themes": [t.slug for t in themes],
                      "replayed_decisions": len(decided), "idea_map": idea_map}
        run.summary = {**result.summary, **timings,
                       "store_seconds": {k: round(v, 3) for k, v in store.items()},
                       "total_seconds": round(time.perf_counter() - t0, 3)}
        run.finished_at = timezone.now()
        run.save(update_fields=["params", "summary", "finished_at"])
    progress("store", 5, 5)
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
            _analysis_lock(consultation)
            done = set(AnalysedResponse.objects.filter(response__in=responses)
                       .values_list("response_id", flat=True))
            todo = [r for r in responses if r.pk not in done]
            if not todo:
                return None
            analyser = _load_state(consultation)
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
                record, segments = _record(response, list(response.attachments.all()))
                try:
                    ra = analyser.add(record)
                except ValueError:
                    raise _NeedsFullRun from None
                _store_one(consultation, analyser, ra, record, segments, full_run, idea_map)
                AnalysedResponse.objects.create(response=response, run=run,
                                                language=ra.language or "")
                grouped += ra.group is not None
                proposals += len(ra.proposals)
            _save_state(analyser, consultation)
            run.summary = {"responses": len(todo), "grouped": grouped, "proposals": proposals}
            run.finished_at = timezone.now()
            run.save(update_fields=["summary", "finished_at"])
            return run
    except _NeedsFullRun:
        pass  # the transaction above rolled back: nothing half-stored
    return consultation_analyse(consultation=consultation)


def _store_one(consultation: Consultation, analyser: engine.Analyser,
               ra: engine.ResponseAnalysis, record: engine.Record,
               segments: Sequence[_Segment], full_run: AnalysisRun | None,
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
                template=eg.template, label=_group_label(eg.template))
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
        where = _locate(segments, p.start, p.end)
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
            defaults={"text": _segment_text(segments, record.text, attachment_id, start, end),
                      "position": k, "engine_key": p.id, "idea": idea})
    if touched:
        idea_counts_refresh(consultation=consultation, ideas=touched.values())
    _store_tags(consultation, engine.AnalysisResult([ra], [], [], {}), only_responses={rid})
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
        _analysis_lock(consultation)
        todo = list(TagSuggestion.objects
                    .filter(response__consultation=consultation, fed_back=False)
                    .exclude(state=TagState.SUGGESTED)
                    .select_related("response").prefetch_related("response__attachments")
                    .order_by("decided_at", "id"))
        if not todo:
            return 0
        analyser = _load_state(consultation)
        if analyser is None:
            return 0
        for s in todo:
            record, _segments = _record(s.response, list(s.response.attachments.all()))
            analyser.feedback(record.text, s.code, s.state == TagState.CONFIRMED)
        _save_state(analyser, consultation)
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



# --- set-aside segments and decisions in bulk (issue 16) -------------------------------------
# New functions only, at the end of the module: the runs call ``set_aside_store`` once after
# storing proposals.
def set_aside_store(*, consultation: Consultation, result: engine.AnalysisResult,
                    segments: dict[int, list[_Segment]], texts: dict[int, str],
                    only_responses: set[int] | None = None) -> int:
    """Store what the engine set aside as not a proposal (greetings, sign-offs, courtesy,
    statements about the sender, learnt boilerplate) for the responses of ``result``; returns
    how many segments are stored.

    Segments of an earlier run that nobody moved back are replaced (for ``only_responses``
    when given, else for the whole consultation). A segment staff moved back stays moved back:
    the engine sets it aside again, but its proposal is kept (recreated if a run removed it)."""
    from samskab.insights.models import SetAsideSegment

    rows = SetAsideSegment.objects.filter(response__consultation=consultation)
    if only_responses is not None:
        rows = rows.filter(response_id__in=only_responses)
    kept = {(s.response_id, s.attachment_id, s.start, s.end): s
            for s in rows.filter(moved_back_at__isnull=False)}
    # Chunked (STORE_CHUNK per transaction), and a segment moved back meanwhile stays.
    _delete_pks(SetAsideSegment, list(rows.filter(moved_back_at__isnull=True)
                                      .values_list("pk", flat=True)),
                moved_back_at__isnull=True)
    new: list[tuple] = []
    seen: set[tuple] = set()
    for ra in result.responses:
        rid = int(ra.id)
        if rid not in segments or (only_responses is not None and rid not in only_responses):
            continue
        for x in ra.set_aside:
            where = _locate(segments[rid], x.start, x.end)
            if where is None:
                continue
            key = (rid, *where)
            if key in kept or key in seen:
                continue
            seen.add(key)
            attachment_id, start, end = where
            new.append((rid, attachment_id, start, end,
                        _segment_text(segments[rid], texts[rid], attachment_id, start, end),
                        x.reason))
    _fast_insert(SetAsideSegment, ["response", "attachment", "start", "end", "text", "reason"],
                 new)
    for segment in kept.values():  # moved back: its proposal stays
        if segment.proposal_id is None or not Proposal.objects.filter(
                pk=segment.proposal_id).exists():
            segment.proposal = _proposal_for_segment(segment)
            segment.save(update_fields=["proposal"])
    return len(new) + len(kept)


def _proposal_for_segment(segment: Any) -> Proposal:
    last = (Proposal.objects.filter(response_id=segment.response_id)
            .order_by("-position").values_list("position", flat=True).first()) or 0
    proposal, _created = Proposal.objects.get_or_create(
        response_id=segment.response_id, attachment_id=segment.attachment_id,
        start=segment.start, end=segment.end,
        defaults={"text": segment.text, "position": last + 1,
                  "idea_by": segment.moved_back_by})
    return proposal


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
        row.proposal = _proposal_for_segment(row)
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
