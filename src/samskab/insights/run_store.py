"""Storing what a run of the engine found: groups and their members, proposals and the ideas
they are in, tag suggestions, set-aside segments, and which responses a run analysed.

Runs replace engine output only: a row a staff member decided on keeps what was decided (see
``insights.services``). Every write is chunked (``bulk_writes``); a staff decision made while
a full run stores wins, because the writes that would undo one check it is still undecided."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from django.db import connection
from django.db.models import Count, Q

from samskab import analysis as engine
from samskab.analysis.results import Responses
from samskab.consultations.models import Consultation
from samskab.insights import bulk_writes
from samskab.insights.bulk_writes import (
    bulk_update_chunked,
    delete_by,
    delete_pks,
    executemany_chunked,
    insert_rows,
    update_rows,
)
from samskab.insights.engine_input import EngineInput, Segment, locate, segment_text
from samskab.insights.models import (
    AnalysedResponse,
    AnalysisRun,
    GroupMembership,
    Idea,
    MembershipState,
    Position,
    Proposal,
    ResponseGroup,
    TagState,
    TagSuggestion,
)

# The engine's own membership suggestions (what ``GroupMembership.is_staff_decision`` is not).
_UNDECIDED_MEMBERSHIP = ("decided_by_id IS NULL AND state = '%s'"
                         % MembershipState.SUGGESTED.value)


def group_label(template: str) -> str:
    """A short name for a group: its first line of some length, shortened."""
    lines = [ln.strip() for ln in template.splitlines() if ln.strip()]
    line = next((ln for ln in lines if len(ln.split()) >= 5), lines[0] if lines else "")
    return line if len(line) <= 90 else line[:87].rstrip() + "…"


def final_of(obj, by_id: dict):
    seen = set()
    while obj.merged_into_id and obj.pk not in seen:
        seen.add(obj.pk)
        obj = by_id[obj.merged_into_id]
    return obj


@dataclass(slots=True)
class _Member:
    """A stored group membership as a run compares it (``staff``: decided by staff)."""

    pk: int | None
    group_id: int
    additions: str
    staff: bool


def store_groups(consultation: Consultation, groups: Sequence[engine.Group],
                  upto: int | None = None) -> None:
    """``upto``: the largest response id when the run read the responses; rows of later ones
    (answers that arrived since) are left for the incremental sweep."""
    existing = {g.pk: g for g in ResponseGroup.objects.filter(consultation=consultation)}
    by_canonical: dict[int, ResponseGroup] = {}
    for g in sorted(existing.values(), key=lambda g: g.pk):
        by_canonical.setdefault(g.canonical_id, g)
    # Plain rows, not model instances: a million memberships fit in a few hundred MB.
    memberships = {rid: _Member(pk, group_id, additions,
                                decided_by is not None or state != MembershipState.SUGGESTED)
                   for pk, rid, group_id, additions, state, decided_by in
                   GroupMembership.objects.filter(group__consultation=consultation)
                   .values_list("pk", "response_id", "group_id", "additions", "state",
                                "decided_by_id")}
    claimed: set[int] = set()
    seen: set[int] = set()
    to_create: list[int] = []  # response ids
    to_update: list[_Member] = []
    changed_groups: list[ResponseGroup] = []
    new_groups: list[ResponseGroup] = []
    placed: list[tuple[engine.Group, list[int], ResponseGroup]] = []
    for eg in groups:
        members = [int(m) for m in eg.members]
        canonical = int(eg.canonical)
        group = by_canonical.get(canonical)
        if group is None or group.pk in claimed:
            # votes come from stored memberships only, so never for a group made here
            votes = Counter(memberships[m].group_id for m in members
                            if m in memberships and not memberships[m].staff)
            group = next((existing[gid] for gid, _n in votes.most_common()
                          if gid not in claimed and existing[gid].merged_into_id is None), None)
        if group is None:
            group = ResponseGroup(
                consultation=consultation, engine_key=eg.id, canonical_id=canonical,
                template=eg.template, label=group_label(eg.template), size=len(members))
            new_groups.append(group)
        else:
            fields = (eg.id, eg.template, group_label(eg.template),
                      canonical if group.merged_into_id is None else group.canonical_id)
            if (group.engine_key, group.template, group.label, group.canonical_id) != fields:
                group.engine_key, group.template, group.label, group.canonical_id = fields
                changed_groups.append(group)
            claimed.add(group.pk)
        placed.append((eg, members, group))
    # New groups in STORE_CHUNK-row transactions: one INSERT each, back to back, starved
    # other writers of SQLite's lock (13 s for a form at 17,000 groups: a waiting writer
    # sleeps between its tries and kept missing the gaps).
    bulk_writes.create_chunked(ResponseGroup, new_groups)
    existing.update((g.pk, g) for g in new_groups)
    for eg, members, group in placed:
        target = final_of(group, existing)
        for m in members:
            seen.add(m)
            additions = eg.additions.get(str(m), "")
            mem = memberships.get(m)
            if mem is None:
                memberships[m] = _Member(None, target.pk, additions, False)
                to_create.append(m)
            elif not mem.staff and (mem.group_id != target.pk or mem.additions != additions):
                mem.group_id, mem.additions = target.pk, additions
                if mem.pk is not None:
                    to_update.append(mem)
    bulk_update_chunked(ResponseGroup, changed_groups,
                        ["engine_key", "template", "label", "canonical"])
    insert_rows(GroupMembership, ["response", "group", "additions", "state"],
                [(rid, memberships[rid].group_id, memberships[rid].additions,
                  MembershipState.SUGGESTED) for rid in to_create])
    # Staff may decide a membership while the run stores (no lock is held across chunks):
    # the engine only changes and removes memberships nobody decided, checked in the write.
    update_rows(GroupMembership, ["group", "additions"],
                [(m.group_id, m.additions, m.pk) for m in to_update],
                where=_UNDECIDED_MEMBERSHIP)
    stale = [m.pk for r, m in memberships.items()
             if r not in seen and (upto is None or r <= upto) and not m.staff and m.pk]
    delete_pks(GroupMembership, stale, decided_by__isnull=True,
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
    update_rows(ResponseGroup, ["size"], [(g.n, g.pk) for g in rows if g.size != g.n])
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
    update_rows(Idea, ["proposal_count", "response_count"],
                 [(i.np, i.nr, i.pk) for i in rows
                  if (i.proposal_count, i.response_count) != (i.np, i.nr)])
    counts = {i.pk: (i.np, i.nr) for i in rows}
    for i in given:  # the caller's instances show the new counts too
        i.proposal_count, i.response_count = counts.get(i.pk, (0, 0))


class _ProposalRow(NamedTuple):
    """A stored proposal as a run compares it with what the engine found now."""

    pk: int
    text: str
    position: int
    engine_key: str
    idea_id: int | None
    idea_by_id: int | None


# A proposal's place in the stored texts: (response id, attachment id or None, start, end).
Place = tuple[int, int | None, int, int]

# Responses whose stored rows a run compares and writes at a time: what a run holds of the
# stored rows is bounded by this, not by the consultation's size.
RESPONSE_CHUNK = 2000


# A proposal as storing reads it: (engine id, start, end, engine idea or None), offsets into
# the response's record text.
ProposalAt = tuple[str, int, int, str | None]


class ResponseSpan(NamedTuple):
    """A chunk of the run's responses, in id order, with the range of response ids it covers
    (``lo`` < id <= ``hi``; ``hi`` None: no upper bound). The spans of a run cover every id up
    to the largest it read, so stored rows of responses the run left out (rejected since) are
    in one span too.

    A storing pass reads one part of the span's responses (``proposals()``, ``tags()``,
    ``set_aside()``, ``languages()``: each response's id and that part as plain values). From
    a fit's results (:class:`samskab.analysis.results.Responses`) they are read straight from
    its arrays, neither ``ResponseAnalysis`` objects made nor texts read; the same values from
    a list of ``ResponseAnalysis``. Nothing is kept between reads: a run's spans never hold
    all its results at once."""

    lo: int
    hi: int | None
    indexes: Sequence[int]  # positions in the result's responses
    source: Sequence[engine.ResponseAnalysis] | None  # the result's responses

    @property
    def count(self) -> int:
        return len(self.indexes)

    def proposals(self) -> list[tuple[int, list[ProposalAt]]]:
        if isinstance(self.source, Responses):
            return list(zip(self._ids(), self.source.proposals_at(self.indexes), strict=True))
        return [(int(ra.id), [(p.id, p.start, p.end, p.idea) for p in ra.proposals])
                for ra in self._objects()]

    def tags(self) -> list[tuple[int, list[tuple[str, float]]]]:
        """Each response's tags as ``(code, score)``."""
        if isinstance(self.source, Responses):
            return list(zip(self._ids(), self.source.tags_at(self.indexes), strict=True))
        return [(int(ra.id), [(t.code, t.score) for t in ra.tags]) for ra in self._objects()]

    def set_aside(self) -> list[tuple[int, list[tuple[int, int, str]]]]:
        """Each response's set-aside segments as ``(start, end, reason)``."""
        if isinstance(self.source, Responses):
            return list(zip(self._ids(), self.source.set_aside_at(self.indexes), strict=True))
        return [(int(ra.id), [(x.start, x.end, x.reason) for x in ra.set_aside])
                for ra in self._objects()]

    def languages(self) -> list[tuple[int, str | None]]:
        if isinstance(self.source, Responses):
            return list(zip(self._ids(), self.source.languages_at(self.indexes), strict=True))
        return [(int(ra.id), ra.language) for ra in self._objects()]

    def _ids(self) -> list[int]:
        return [int(i) for i in self.source.ids_at(self.indexes)]

    def _objects(self) -> list[engine.ResponseAnalysis]:
        return [self.source[int(i)] for i in self.indexes] if self.source is not None else []


def response_spans(result: engine.AnalysisResult, upto: int | None,
                   chunk: int | None = None) -> list[ResponseSpan]:
    chunk = chunk or RESPONSE_CHUNK
    responses = result.responses
    ids = (responses.response_ids() if hasattr(responses, "response_ids")
           else [ra.id for ra in responses])
    keys = np.fromiter(map(int, ids), dtype=np.int64, count=len(ids))
    del ids
    order = np.argsort(keys, kind="stable")
    spans, lo = [], 0
    for i in range(0, len(order), chunk):
        part = order[i:i + chunk]
        hi = int(keys[part[-1]])
        spans.append(ResponseSpan(lo, hi, part, responses))
        lo = hi
    if upto is None or upto > lo or not spans:
        spans.append(ResponseSpan(lo, upto, (), None))
    return spans


def _in_span(qs, span: ResponseSpan, column: str = "response_id"):
    qs = qs.filter(**{f"{column}__gt": span.lo})
    return qs if span.hi is None else qs.filter(**{f"{column}__lte": span.hi})


@dataclass
class _IdeaMatch:
    """How this run's engine ideas map to stored ideas."""

    assigned: dict[str, Idea]  # engine idea id → the stored idea it became
    primary: dict[int, str]  # stored idea pk → the engine idea that names it
    placed: dict[str, Idea]  # engine idea id → the idea its proposals go to (merges followed)


def store_ideas_and_proposals(consultation: Consultation, result: engine.AnalysisResult,
                              inputs: EngineInput, upto: int | None = None,
                              progress: Callable[[int], None] | None = None,
                              matching: Callable[[int], None] | None = None) -> dict[str, int]:
    """Store proposals and ideas; returns the engine idea id → Idea pk map of this run.

    Two passes over the run's responses, RESPONSE_CHUNK at a time, each reading only the
    stored proposals of its chunk: the first counts, for each engine idea, the stored ideas
    its proposals are in now (the votes that match engine ideas to stored ones, which are then
    created and renamed); the second writes the chunk's proposals (new, changed, moved, gone).
    Then each idea's representative, counts and the ideas left empty. ``upto``: the largest
    response id the run read (later answers are left to the incremental sweep).
    ``progress(done)`` is told how many responses the second pass has stored, ``matching(done)``
    how many the first has counted (a minute at a million responses)."""
    ideas = {i.pk: i for i in Idea.objects.filter(consultation=consultation)}
    stored = Proposal.objects.filter(response__consultation=consultation)
    any_stored = stored.exists()
    spans = response_spans(result, upto)
    votes: dict[str, Counter] = defaultdict(Counter)  # engine idea → stored idea → proposals
    sizes: Counter = Counter()  # engine idea id → proposals
    counted = 0
    for span in spans:
        idea_at = {row[:4]: row[4] for row in _in_span(stored, span).exclude(idea=None)
                   .values_list(*_PLACE, "idea_id")} if any_stored and span.count else {}
        for place, _pid, idea in _located(span, inputs):
            if idea:
                sizes[idea] += 1
                idea_id = idea_at.get(place)
                if idea_id in ideas:
                    votes[idea][final_of(ideas[idea_id], ideas).pk] += 1
        counted += span.count
        if matching is not None and span.count:
            matching(counted)
    match = _match_ideas(consultation, result, ideas, votes, sizes)
    del votes
    wanted = {ei.representative for ei in result.ideas if ei.representative}
    key_of: dict[str, Place] = {}  # the representatives' places
    pk_of: dict[Place, int] = {}  # and their stored pks (of proposals stored before)
    done = 0
    for span in spans:
        _write_proposals(stored, span, inputs, match.placed, upto, any_stored, wanted,
                         key_of, pk_of)
        done += span.count
        if progress is not None and span.count:
            progress(done)
    _finish_ideas(consultation, result, match, key_of, pk_of)
    return {eid: match.placed[eid].pk for eid in sorted(match.placed)}


# A stored proposal's place, read as one tuple (``values_list`` of these fields).
_PLACE = ("response_id", "attachment_id", "start", "end")


def _located(span: ResponseSpan, inputs: EngineInput
             ) -> Iterator[tuple[Place, str, str | None]]:
    """Each proposal of the span's responses in its source text, once per place, in order (a
    response's k-th place is its k-th proposal), with its engine id and idea."""
    for rid, proposals in span.proposals():
        segments = inputs.segments[rid]
        seen: set[Place] = set()
        for pid, start, end, idea in proposals:
            where = locate(segments, start, end)
            if where is None:
                continue
            place = (rid, *where)
            if place in seen:
                continue
            seen.add(place)
            yield place, pid, idea


def _match_ideas(consultation: Consultation, result: engine.AnalysisResult,
                 ideas: dict[int, Idea], votes: dict[str, Counter], sizes: Counter
                 ) -> _IdeaMatch:
    """Match engine ideas to stored ideas and store the ideas (new ones, changed names).

    An engine idea is matched to the stored idea most of its proposals are in now (engine ids
    are not stable when the data or the engine change): one-to-one, except that several may
    go to an idea staff merged others into, so a merge holds. A staff name, a position or a
    merge thus stays with the proposals it was about."""
    merge_targets = {i.merged_into_id for i in ideas.values() if i.merged_into_id}
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
    bulk_writes.create_chunked(Idea, new_ideas)
    bulk_update_chunked(Idea, changed_ideas, ["engine_key", "keywords", "label"])
    for i in new_ideas:
        ideas[i.pk] = i
    placed = {key: final_of(i, ideas) for key, i in assigned.items()}
    return _IdeaMatch(assigned, primary, placed)


def _write_proposals(stored, span: ResponseSpan, inputs: EngineInput,
                     placed: dict[str, Idea], upto: int | None, any_stored: bool,
                     wanted: set[str], key_of: dict[str, Place], pk_of: dict[Place, int]
                     ) -> None:
    """For one span of responses: insert the new proposals, update the changed ones, move
    the ones whose idea changed (unless staff placed them) and delete the ones the run no
    longer finds (unless staff placed them or took a position on them). ``key_of`` and
    ``pk_of`` learn the places and stored pks of the ``wanted`` proposals (the ideas'
    representatives)."""
    existing = {
        (rid, aid, start, end): _ProposalRow(pk, text, position, key, idea_id, idea_by)
        for pk, rid, aid, start, end, text, position, key, idea_id, idea_by in
        _in_span(stored, span).values_list(
            "pk", "response_id", "attachment_id", "start", "end", "text", "position",
            "engine_key", "idea_id", "idea_by_id")} if any_stored else {}
    to_create: list[tuple] = []
    to_update: list[tuple] = []
    moves: dict[int | None, list[int]] = defaultdict(list)
    places: set[Place] = set()
    k, last = 0, None
    for place, pid, engine_idea in _located(span, inputs):
        rid, attachment_id, start, end = place
        k = k + 1 if rid == last else 1
        last = rid
        places.add(place)
        text = segment_text(inputs.segments[rid], inputs.by_response[rid], attachment_id,
                            start, end)
        idea = placed.get(engine_idea) if engine_idea else None
        idea_id = idea.pk if idea else None
        row = existing.get(place)
        if row is None:
            to_create.append((rid, attachment_id, start, end, text, k, pid, idea_id))
        else:
            if (row.text, row.position, row.engine_key) != (text, k, pid):
                to_update.append((text, k, pid, row.pk))
            if row.idea_by_id is None and row.idea_id != idea_id:
                moves[idea_id].append(row.pk)
        if pid in wanted:
            key_of[pid] = place
            if row is not None:
                pk_of[place] = row.pk
    insert_rows(Proposal, ["response", "attachment", "start", "end", "text", "position",
                           "engine_key", "idea"], to_create)
    update_rows(Proposal, ["text", "position", "engine_key"], to_update)
    for idea_id in sorted(moves, key=lambda i: (i is None, i or 0)):
        for pks in bulk_writes.chunks(moves[idea_id], kind="proposal moves"):
            # A proposal staff moved meanwhile stays where they put it.
            Proposal.objects.filter(pk__in=pks, idea_by__isnull=True).update(idea_id=idea_id)
    gone = [row.pk for place, row in existing.items()
            if place not in places and row.idea_by_id is None
            and (upto is None or place[0] <= upto)]
    positioned = set(Position.objects.filter(proposal_id__in=gone)
                     .values_list("proposal_id", flat=True)) if gone else set()
    gone = [pk for pk in gone if pk not in positioned]
    delete_pks(Proposal, gone, idea_by__isnull=True, proposal_position__isnull=True)


def _finish_ideas(consultation: Consultation, result: engine.AnalysisResult,
                  match: _IdeaMatch, key_of: dict[str, Place], pk_of: dict[Place, int]
                  ) -> None:
    """Each idea's representative proposal (the engine's, for the idea it names) and counts;
    engine ideas nobody touched and no proposal is in any more go. Representatives this run
    inserted are looked up by their responses (one query per STORE_CHUNK responses)."""
    wanted = {key_of[ei.representative] for ei in result.ideas if ei.representative in key_of}
    missing = wanted - pk_of.keys()
    rids = sorted({place[0] for place in missing})
    pk_of = dict(pk_of)
    chunk = bulk_writes.STORE_CHUNK
    for i in range(0, len(rids), chunk):
        for pk, rid, aid, start, end in (Proposal.objects.filter(response_id__in=rids[i:i + chunk])
                                         .values_list("pk", "response_id", "attachment_id",
                                                      "start", "end")):
            if (rid, aid, start, end) in missing:
                pk_of[(rid, aid, start, end)] = pk
    reps = []
    for ei in result.ideas:
        idea = match.assigned[ei.id]
        if match.primary.get(idea.pk, ei.id) != ei.id:
            continue
        place = key_of.get(ei.representative)
        rep = pk_of.get(place) if place else None
        if rep is not None and idea.representative_id != rep:
            idea.representative_id = rep
            reps.append((rep, idea.pk))
    update_rows(Idea, ["representative"], reps)
    idea_counts_refresh(consultation=consultation)
    (Idea.objects.filter(consultation=consultation, created_by_engine=True, label_by=None,
                         merged_into=None, merged_from__isnull=True, proposal_count=0,
                         position__isnull=True)
     .delete())


def store_tags(consultation: Consultation, result: engine.AnalysisResult,
               only_responses: set[int] | None = None, upto: int | None = None,
               progress: Callable[[int], None] | None = None) -> None:
    """Undecided suggestions are engine output: changed ones are rescored, vanished ones go.
    Decided ones keep their state; only their current score is refreshed. Compared and
    written RESPONSE_CHUNK responses at a time (``progress(done)`` after each)."""
    qs = TagSuggestion.objects.filter(response__consultation=consultation)
    if only_responses is not None:
        qs = qs.filter(response_id__in=only_responses)
    any_stored = qs.exists()
    done = 0
    for span in response_spans(result, upto):
        existing = {(rid, code): (pk, score, state) for pk, rid, code, score, state in
                    _in_span(qs, span).values_list("pk", "response_id", "code", "score",
                                                   "state")} if any_stored else {}
        seen = set()
        to_insert, decided, rescored = [], [], []
        for rid, tags in span.tags():
            for code, raw_score in tags:
                key = (rid, code)
                if key in seen:
                    continue
                seen.add(key)
                score = min(1.0, max(0.0, float(raw_score)))
                row = existing.get(key)
                if row is None:
                    to_insert.append((rid, code, score, TagState.SUGGESTED, False))
                elif row[1] != score:
                    if row[2] == TagState.SUGGESTED:
                        rescored.append((score, row[0]))
                    else:
                        decided.append(TagSuggestion(pk=row[0], score=score))
        to_delete = [pk for key, (pk, _score, state) in existing.items()
                     if key not in seen and state == TagState.SUGGESTED
                     and (upto is None or key[0] <= upto)]
        delete_pks(TagSuggestion, to_delete, state=TagState.SUGGESTED)
        # Still an engine suggestion (staff may decide one while a full run stores): new score.
        update_rows(TagSuggestion, ["score"], rescored,
                    where="state = '%s'" % TagState.SUGGESTED.value)
        insert_rows(TagSuggestion, ["response", "code", "score", "state", "fed_back"],
                    to_insert)
        bulk_update_chunked(TagSuggestion, decided, ["score"])
        done += span.count
        if progress is not None and span.count:
            progress(done)


def mark_analysed(consultation: Consultation, run: AnalysisRun,
                  result: engine.AnalysisResult, upto: int,
                  progress: Callable[[int], None] | None = None) -> None:
    """Point every analysed response at ``run`` (chunked), drop the marks of responses the
    run did not analyse (rejected since), leave later answers to the switch."""
    table = connection.ops.quote_name(AnalysedResponse._meta.db_table)
    marks = AnalysedResponse.objects.filter(response__consultation=consultation)
    done = 0
    for span in response_spans(result, upto):
        have = set(_in_span(marks, span).values_list("response_id", flat=True))
        languages = {rid: language or "" for rid, language in span.languages()}
        executemany_chunked(
            f"UPDATE {table} SET run_id = %s, language = %s WHERE response_id = %s",  # noqa: S608
            [(run.pk, lang, rid) for rid, lang in languages.items() if rid in have])
        insert_rows(AnalysedResponse, ["response", "run", "language"],
                    [(rid, run.pk, lang) for rid, lang in languages.items()
                     if rid not in have])
        delete_by(AnalysedResponse, "response_id",
                  sorted(rid for rid in have if rid not in languages and rid <= upto))
        done += span.count
        if progress is not None and span.count:
            progress(done)


def set_aside_store(*, consultation: Consultation, result: engine.AnalysisResult,
                    segments: Mapping[int, list[Segment]], texts: Mapping[int, str],
                    only_responses: set[int] | None = None,
                    progress: Callable[[int], None] | None = None) -> int:
    """Store what the engine set aside as not a proposal (greetings, sign-offs, courtesy,
    statements about the sender, learnt boilerplate) for the responses of ``result``; returns
    how many segments are stored.

    Segments of an earlier run that nobody moved back are replaced (for ``only_responses``
    when given, else for the whole consultation). A segment staff moved back stays moved back:
    the engine sets it aside again, but its proposal is kept (recreated if a run removed it).
    Replaced RESPONSE_CHUNK responses at a time (``progress(done)`` after each)."""
    from samskab.insights.models import SetAsideSegment

    rows = SetAsideSegment.objects.filter(response__consultation=consultation)
    if only_responses is not None:
        rows = rows.filter(response_id__in=only_responses)
    kept = {(s.response_id, s.attachment_id, s.start, s.end): s
            for s in rows.filter(moved_back_at__isnull=False)}
    any_stored = rows.exists()
    stored = 0
    done = 0
    for span in response_spans(result, None):
        # Chunked (STORE_CHUNK per transaction), and a segment moved back meanwhile stays.
        if any_stored:
            delete_pks(SetAsideSegment, list(_in_span(rows, span)
                                              .filter(moved_back_at__isnull=True)
                                              .values_list("pk", flat=True)),
                       moved_back_at__isnull=True)
        new: list[tuple] = []
        seen: set[tuple] = set()
        for rid, asides in span.set_aside():
            if rid not in segments or (only_responses is not None
                                       and rid not in only_responses):
                continue
            for engine_start, engine_end, reason in asides:
                where = locate(segments[rid], engine_start, engine_end)
                if where is None:
                    continue
                key = (rid, *where)
                if key in kept or key in seen:
                    continue
                seen.add(key)
                attachment_id, start, end = where
                new.append((rid, attachment_id, start, end,
                            segment_text(segments[rid], texts[rid], attachment_id, start, end),
                            reason))
        insert_rows(SetAsideSegment,
                    ["response", "attachment", "start", "end", "text", "reason"], new)
        stored += len(new)
        done += span.count
        if progress is not None and span.count:
            progress(done)
    for segment in kept.values():  # moved back: its proposal stays
        if segment.proposal_id is None or not Proposal.objects.filter(
                pk=segment.proposal_id).exists():
            segment.proposal = proposal_for_segment(segment)
            segment.save(update_fields=["proposal"])
    return stored + len(kept)


def proposal_for_segment(segment: Any) -> Proposal:
    last = (Proposal.objects.filter(response_id=segment.response_id)
            .order_by("-position").values_list("position", flat=True).first()) or 0
    proposal, _created = Proposal.objects.get_or_create(
        response_id=segment.response_id, attachment_id=segment.attachment_id,
        start=segment.start, end=segment.end,
        defaults={"text": segment.text, "position": last + 1,
                  "idea_by": segment.moved_back_by})
    return proposal
