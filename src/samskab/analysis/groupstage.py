"""The groups stage of :class:`samskab.analysis.engine.Analyser`: signatures, links and groups
of a batch (:mod:`samskab.analysis.hashing`, :mod:`samskab.analysis.groups`), each group's
canonical member, template and additions (in the worker processes when there are several), and
one more response placed in a group against the band index."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import groups as gr
from . import hashing
from .parallel import Workers, spans
from .types import Group

_DANISH_LETTERS = frozenset("æøåÆØÅ")
TEMPLATE_SAMPLE = 16
MEMBER_BATCH = 4_096  # describing: group members' texts fetched this many at a time


def texts_at(texts: Sequence[str], indexes: list[int]) -> list[str]:
    """``[texts[i] for i in indexes]``, in one call where the sequence can do it faster
    (``many``: a file read in runs of lines, see :class:`samskab.analysis.cli.FileTexts`)."""
    many = getattr(texts, "many", None)
    return many(indexes) if many is not None else [texts[i] for i in indexes]


@dataclass
class _GroupState:
    id: str
    members: list[int]
    canonical: int
    template: gr.Template
    additions: dict[int, str] = field(default_factory=dict)


class GroupStage:
    """The groups stage (a mixin of :class:`samskab.analysis.engine.Analyser`, whose state
    it keeps: ``sig``, ``words``, ``label``, ``groups``, the slot table and the band index)."""

    ids: list[str]
    texts: Sequence[str]
    stages: list[str]
    slots: hashing.SlotTable
    sig: np.ndarray
    words: np.ndarray
    label: np.ndarray
    groups: list[_GroupState]
    group_params: gr.GroupParams
    dask_address: str | None
    with_additions: bool
    keep_state: bool
    link_counts: dict
    progress: Callable[[str], None]
    _pool: Workers
    _prepared: hashing.Prepared | None
    _band_index: tuple[np.ndarray, np.ndarray] | None
    _delta_keys: list[np.ndarray]
    _delta_index: list[int]

    _pool_for: Callable[[int], Workers]  # the analyser's: workers for a step of n items

    def _fit_groups_stage(self, seconds: dict[str, float]) -> list[str | None]:
        """The groups stage, when asked for; returns each response's group id or None."""
        group_of: list[str | None] = [None] * len(self.texts)
        if "groups" in self.stages:
            t0 = time.perf_counter()
            for step, sec in self._fit_groups().items():
                seconds[f"groups.{step}"] = sec
            for g in self.groups:
                for m in g.members:
                    group_of[m] = g.id
            seconds["groups"] = time.perf_counter() - t0
            self.progress(f"groups: {len(self.groups)} groups in {seconds['groups']:.1f} s")
        return group_of

    def _fit_groups(self) -> dict[str, float]:
        """Group the batch; returns seconds per step (slots, signatures, links, describe)."""
        steps: dict[str, float] = {}
        prepared, self._prepared = self._prepared, None
        if prepared is not None:
            self.slots, self.sig, self.words = prepared.slots, prepared.sig, prepared.words
            steps.update(prepared.seconds)
            del prepared  # (keep_state=False lets the signatures go after the medoids)
        else:
            t0 = time.perf_counter()
            self.slots = hashing.slots_of(self.texts)
            steps["slots"] = time.perf_counter() - t0
            self.progress(f"groups: slots in {steps['slots']:.1f} s")
            t0 = time.perf_counter()
            if self.dask_address:
                from .dask_backend import signatures_on_dask

                self.sig, self.words = signatures_on_dask(self.texts, self.slots,
                                                          self.dask_address)
            else:
                self.sig, self.words = hashing.signatures(self.texts, self.slots,
                                                          workers=self._pool)
            steps["signatures"] = time.perf_counter() - t0
            self.progress(f"groups: signatures in {steps['signatures']:.1f} s")
        t0 = time.perf_counter()
        labels, info = gr.group_labels(self.sig, self.words, self.group_params,
                                       threads=self._pool.n)
        self.link_counts = info
        steps["links"] = time.perf_counter() - t0
        self.progress(f"groups: links in {steps['links']:.1f} s")
        t0 = time.perf_counter()
        self._describe_groups(labels)
        steps["describe"] = time.perf_counter() - t0
        self.progress(f"groups: describe in {steps['describe']:.1f} s")
        return steps

    def _describe_groups(self, labels: np.ndarray) -> None:
        """Make a group of each label with two or more members: canonical member, template,
        each member's additions (templates and additions in batches, in the workers)."""
        self.label = np.full(len(self.texts), -1, dtype=np.int64)
        roots = np.unique(labels[labels >= 0])  # root = earliest member: ids follow input order
        order = np.argsort(labels, kind="stable")
        sorted_labels = labels[order]
        lo = np.searchsorted(sorted_labels, roots, side="left")
        hi = np.searchsorted(sorted_labels, roots, side="right")
        member_lists = [np.sort(order[a:b]) for a, b in zip(lo, hi, strict=True)]
        plans = [self._template_plan(members) for members in member_lists]
        if not self.keep_state:  # the medoids were the last use of the signatures
            self.sig = np.zeros((0, self.sig.shape[1]), dtype=self.sig.dtype)  # not a view
            self._band_index = None
        # one round of jobs: each unit builds its group's template and the additions of a
        # run of its members' distinct texts (a large group is cut into several units, each
        # building the same template, so that the jobs stay even). The jobs are made as the
        # workers take them, so only a few jobs' texts are held at a time.
        pool = self._pool_for(sum(len(m) for m in member_lists))
        # jobs of about 2 MB of text, and at least four per worker (the weight of a job is
        # estimated from the word counts before its texts are fetched)
        estimate = sum(1 + len(others) for _, others in plans) + sum(
            int(self.words[members].sum()) * 7 // 1_000 for members in member_lists)
        budget = max(1, min(2_000, -(-estimate // (4 * pool.n))))
        text_of: list[list[int]] = []  # per group: each member's distinct text (an id)
        unit_first: list[int] = []  # per unit: the id of its first text
        unit_group: list[int] = []

        def member_texts(members: np.ndarray) -> Iterator[tuple[str, bytes]]:
            """Each member's text and its digest, fetched a batch at a time."""
            for a in range(0, len(members), MEMBER_BATCH):
                batch = texts_at(self.texts, members[a:a + MEMBER_BATCH].tolist())
                yield from zip(batch, hashing.text_digests(batch), strict=True)

        # a run that keeps no state needs only each template's text back from the workers
        # (its sets of sentences and words are most of what would cross the pipe)
        text_only = not self.keep_state

        def jobs() -> Iterator[tuple[list[tuple[str, list[str], list[str]]], bool]]:
            units: list[tuple[str, list[str], list[str]]] = []
            weight = 0
            next_id = 0
            for k, (members, (canonical, others)) in enumerate(
                    zip(member_lists, plans, strict=True)):
                canonical_text, *other_texts = texts_at(self.texts, [canonical, *others])
                run: list[str] = []
                chars = 0
                # an exact copy of a text already seen in the group is looked at once; seen
                # texts are known by a digest, so a large group's texts are not all held
                seen: dict[bytes, int] = {}
                ids: list[int] = []
                for text, key in member_texts(members if self.with_additions else members[:0]):
                    found = seen.get(key)
                    if found is None:
                        found = seen[key] = next_id + len(run)
                        run.append(text)
                        chars += len(text)
                    ids.append(found)
                    if chars >= hashing.PARALLEL_CHARS // 4:  # a unit of its own
                        unit_first.append(next_id)
                        unit_group.append(k)
                        units.append((canonical_text, other_texts, run))
                        weight += 1 + len(other_texts) + chars // 1_000
                        next_id += len(run)
                        run, chars = [], 0
                        if weight >= budget:
                            yield (units, text_only)
                            units, weight = [], 0
                text_of.append(ids)
                if run or not ids or unit_group[-1:] != [k]:  # every group has a unit
                    unit_first.append(next_id)
                    unit_group.append(k)
                    units.append((canonical_text, other_texts, run))
                    weight += 1 + len(other_texts) + chars // 1_000
                    next_id += len(run)
                if weight >= budget:
                    yield (units, text_only)
                    units, weight = [], 0
            if units:
                yield (units, text_only)

        templates: dict[int, gr.Template] = {}
        extra_of: dict[int, str] = {}  # the additions of each distinct text that has some
        unit = 0
        for part in pool.imap(gr.describe_batch, jobs()):
            for template, found in part:
                templates.setdefault(unit_group[unit], template)
                first = unit_first[unit]
                unit += 1
                for i, extra in enumerate(found):
                    if extra:
                        extra_of[first + i] = extra
        for k, (members, (canonical, _)) in enumerate(zip(member_lists, plans, strict=True)):
            g = self._new_group(members, canonical=canonical, template=templates[k],
                                describe=False)
            ids = text_of[k]  # empty without additions
            g.additions = {int(m): extra_of[t] for m, t in zip(members, ids, strict=True)
                           if t in extra_of} if ids else {}

    def _distinct_texts(self, members: Iterable[int]) -> tuple[list[str], list[list[int]]]:
        """A group's distinct member texts (an exact copy is looked at once), and the members
        that wrote each."""
        first: dict[str, int] = {}
        texts: list[str] = []
        shared: list[list[int]] = []
        for m in members:
            text = self.texts[m]
            slot = first.get(text)
            if slot is None:
                first[text] = len(texts)
                texts.append(text)
                shared.append([m])
            else:
                shared[slot].append(m)
        return texts, shared

    def _template_plan(self, members: np.ndarray) -> tuple[int, list[int]]:
        """The canonical member of a group, and the other members its template is built
        from."""
        ranked = gr.medoid(self.sig, members)
        # signatures do not tell "låst" from "laast": among the five most central members,
        # show staff one written with the Danish letters when there is one
        canonical = next((m for m in ranked[:5] if _DANISH_LETTERS.intersection(self.texts[m])),
                         ranked[0])
        step = max(1, len(members) // TEMPLATE_SAMPLE)
        return canonical, [int(m) for m in members[::step][:TEMPLATE_SAMPLE] if m != canonical]

    def _template_job(self, members: np.ndarray) -> tuple[int, tuple[str, list[str]]]:
        """The canonical member of a group, and what its template is built from."""
        canonical, others = self._template_plan(members)
        return canonical, (self.texts[canonical], [self.texts[m] for m in others])

    def _fill_additions(self, group_indexes: Iterable[int]) -> None:
        """Each member's additions to its group's template; an exact copy of a text already
        seen in the group is looked at once."""
        which: list[int] = []
        texts: list[str] = []
        owners: list[list[int]] = []  # members sharing each (group, text)
        groups = [self.groups[k] for k in group_indexes]
        for k, g in enumerate(groups):
            distinct, shared = self._distinct_texts(g.members)
            which += [k] * len(distinct)
            texts += distinct
            owners += shared
        pool = self._pool_for(len(texts))
        parts = spans([len(t) for t in texts], hashing.PARALLEL_CHARS // 4, min_parts=4 * pool.n)
        jobs = []
        for a, b in parts:
            used = sorted(set(which[a:b]))
            local = {k: i for i, k in enumerate(used)}
            jobs.append(([groups[k].template for k in used], [local[k] for k in which[a:b]],
                         texts[a:b]))
        found = [x for part in pool.map(gr.additions_batch, jobs) for x in part]
        for k, extra, members in zip(which, found, owners, strict=True):
            if extra:
                for m in members:
                    groups[k].additions[m] = extra

    def _new_group(self, members: np.ndarray, *, canonical: int | None = None,
                   template: gr.Template | None = None, describe: bool = True) -> _GroupState:
        members = np.sort(np.asarray(members, dtype=np.int64))
        if canonical is None or template is None:
            canonical, (text, others) = self._template_job(members)
            template = gr.build_template(text, others)
        g = _GroupState(id=f"g-{len(self.groups) + 1:06d}", members=members.tolist(),
                        canonical=canonical, template=template)
        index = len(self.groups)
        self.groups.append(g)
        self.label[members] = index
        if describe and self.with_additions:
            self._fill_additions([index])
        return g

    def group_results(self) -> list[Group]:
        return [Group(id=g.id, members=[self.ids[m] for m in g.members],
                      canonical=self.ids[g.canonical], template=g.template.text,
                      additions={self.ids[m]: a for m, a in sorted(g.additions.items())})
                for g in self.groups if g.members]

    def _band_lookup(self) -> tuple[np.ndarray, np.ndarray]:
        if self._band_index is None:
            keys = gr.band_keys(self.sig, self.group_params)
            order = np.argsort(keys, axis=0, kind="stable")
            self._band_index = (np.take_along_axis(keys, order, axis=0), order)
        return self._band_index

    def _group_add(self, i: int) -> str | None:
        keys = gr.band_keys(self.sig[i:i + 1], self.group_params)[0]
        if not keys.any():
            return None
        sorted_keys, order = self._band_lookup()
        cands: set[int] = set()
        for b, key in enumerate(keys):
            lo = np.searchsorted(sorted_keys[:, b], key, side="left")
            hi = min(np.searchsorted(sorted_keys[:, b], key, side="right"), lo + 8)
            cands.update(int(x) for x in order[lo:hi, b])
        if self._delta_keys:
            delta = np.stack(self._delta_keys)
            hits = np.flatnonzero((delta == keys[None, :]).any(axis=1))
            cands.update(self._delta_index[h] for h in hits)
        cands.discard(i)
        self._delta_keys.append(keys)
        self._delta_index.append(i)
        if not cands:
            return None
        c = np.array(sorted(cands), dtype=np.int64)
        u = np.full(len(c), i, dtype=np.int64)
        jac = gr.similarity(self.sig, u, c)
        ok = gr.accept(jac, self.words[u], self.words[c], self.group_params)
        matched = c[ok]
        if len(matched) == 0:
            return None
        existing = sorted({int(self.label[m]) for m in matched if self.label[m] >= 0})
        if not existing:
            return self._new_group(np.append(matched, i)).id
        target = self.groups[existing[0]]
        for other in existing[1:]:  # the new response bridges groups: merge into the oldest
            og = self.groups[other]
            target.members.extend(og.members)
            target.additions.update(og.additions)
            self.label[og.members] = existing[0]
            og.members = []
            og.additions = {}
        loose = [int(m) for m in matched if self.label[m] < 0]
        for m in [*loose, i]:
            target.members.append(m)
            self.label[m] = existing[0]
            if self.with_additions:
                extra = gr.additions(self.texts[m], target.template)
                if extra:
                    target.additions[m] = extra
        target.members.sort()
        return target.id

    def group(self, group_id: str) -> Group | None:
        """One group as it stands now (cheap: only that group is described)."""
        g = next((g for g in self.groups if g.id == group_id and g.members), None)
        if g is None:
            return None
        return Group(id=g.id, members=[self.ids[m] for m in g.members],
                     canonical=self.ids[g.canonical], template=g.template.text,
                     additions={self.ids[m]: a for m, a in sorted(g.additions.items())})
