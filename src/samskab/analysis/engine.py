"""The analyser: all stages over a batch, then one response at a time against what it knows.

:class:`Analyser` keeps the state a new response is compared with — slot table, signatures
and the band index of the groups, the groups' templates, the OCR speller, the ideas' leaders
and document frequencies, the tag model — and saves it as JSON plus a ``.npz`` of plain arrays
(never pickle: a state file may come from elsewhere). :func:`analyse` is the one-call form.
A full run is deterministic: fixed hash seeds, fixed orders, no randomness.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import groups as gr
from . import hashing
from . import proposals as pr
from . import text as tx
from .concepts import Compounds, concept
from .ideas import IdeaIndex, IdeaParams
from .labels import idea_label
from .parallel import Shared, Workers, resolve, spans
from .tags import TagModel, Theme, review_order
from .types import (
    STAGES,
    AnalysisResult,
    Group,
    Idea,
    Proposal,
    Record,
    ResponseAnalysis,
    SetAside,
    TagScore,
)

STATE_VERSION = 1
# boilerplate learnt per consultation: a proposal (by its set of content stems) recurring in at
# least max(RECURRING_MIN, n / RECURRING_PER) responses, whose other proposals differ (no
# co-occurring proposal in RECURRING_RELATED of them: not copies of one letter), with no
# proposal cue, is set aside; short points ("Åbne data.") are never boilerplate
RECURRING_MIN = 5
RECURRING_PER = 2_000
RECURRING_RELATED = 0.5
RECURRING_MIN_STEMS = 3
RECURRING_MIN_WORDS = 6
_DANISH_LETTERS = frozenset("æøåÆØÅ")
TAG_FLOOR = 0.1  # scores below this are left out of a response's tag list
TEMPLATE_SAMPLE = 16
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class _GroupState:
    id: str
    members: list[int]
    canonical: int
    template: gr.Template
    additions: dict[int, str] = field(default_factory=dict)


@dataclass
class _Tokens:
    """Content stems of a text (or span), a written form per stem, the folded long words (for
    compounds in the tag lexicon), and the terms ideas are clustered on (compounds split,
    Danish and English bridged: :mod:`samskab.analysis.concepts`) with their written forms."""

    stems: list[str]
    forms: dict[str, str]
    long_words: list[str]
    idea_stems: list[str] = field(default_factory=list)
    idea_forms: dict[str, str] = field(default_factory=dict)

    def extend(self, other: _Tokens) -> None:
        self.stems.extend(other.stems)
        for k, v in other.forms.items():
            self.forms.setdefault(k, v)
        self.long_words.extend(other.long_words)


_Entry = tuple  # (stem or None, written lower-case form, folded form, ((term, written), ...))


class _Words:
    """Per-word cache, one per language: written word → (stem or None for stop words,
    written lower-case form after OCR repair, folded form, the word's idea terms)."""

    def __init__(self, speller: tx.Speller) -> None:
        self.speller = speller
        self.caches: dict[str, dict[str, _Entry]] = {"da": {}, "en": {}}
        self._compounds: Compounds | None = None

    def compounds(self) -> Compounds:
        if self._compounds is None:
            sp = self.speller
            self._compounds = Compounds(tx.fold(w) for w, c in sp.counts.items()
                                        if c >= sp.min_count)
        return self._compounds

    def _make(self, word: str, lang: str) -> _Entry:
        corrected = self.speller.correct(word)
        folded = tx.fold(corrected)
        if (folded in tx.stop_words(lang) or folded in tx.DOMAIN_STOP or len(folded) < 2
                or folded.isdigit()):
            return None, corrected, folded, ()
        stem = tx.stem(folded, lang)
        parts = self.compounds().split(corrected) if lang == "da" else None
        if parts is None:
            terms: tuple = ((concept(stem, lang), corrected),)
        else:
            terms = ((concept(parts[0], lang), parts[2]), (concept(parts[1], lang), parts[3]))
        return stem, corrected, folded, terms

    def tokens(self, text: str, lang: str | None, start: int = 0, end: int | None = None
               ) -> _Tokens:
        lang = "en" if lang == "en" else "da"
        cache = self.caches[lang]
        written = tx.WORD.findall(text, start, len(text) if end is None else end)
        entries = list(map(cache.get, written))
        if None in entries:
            for k, e in enumerate(entries):
                if e is None:
                    e = cache.get(written[k]) or self._make(written[k], lang)
                    if len(cache) < 1_000_000:
                        cache[written[k]] = e
                    entries[k] = e
        content = [e for e in entries if e[0] is not None]
        terms = [t for e in content for t in e[3]]
        return _Tokens(stems=[e[0] for e in content],
                       forms={e[0]: e[1] for e in reversed(content)},
                       long_words=[e[2] for e in content if len(e[2]) >= 8],
                       idea_stems=[t for t, _ in terms],
                       idea_forms=dict(reversed(terms)))


LANGUAGE_HEAD = 400  # characters a response's language is told from
PARALLEL_MIN_RESPONSES = 5_000  # below this, a step stays in this process
_SERIAL = Workers(1)


@dataclass
class _TextConfig:
    """What :func:`text_job` computes, and the learnt state it needs."""

    proposals: bool
    ideas: bool
    tags: bool
    speller: tx.Speller
    tag_model: TagModel


@dataclass
class _TextPass:
    """The text pass's results, in response order (stems and forms: per proposal)."""

    languages: list[str] = field(default_factory=list)
    spans: list[list[tuple[int, int]]] = field(default_factory=list)
    aside: list[list[tuple[int, int, str]]] = field(default_factory=list)
    stems: list[list[str]] = field(default_factory=list)
    forms: list[dict[str, str]] = field(default_factory=list)
    tags: list[list[tuple[str, float]]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


_JOB_WORDS: dict[str, _Words] = {}


def text_job(texts: list[str], given: list[str | None], config: _TextConfig | Shared,
             words: _Words | None = None) -> tuple[list[tuple], dict[str, float]]:
    """Language, proposals (as spans), each proposal's stems and forms, and the tag scores
    of each text (one job of :class:`samskab.analysis.parallel.Workers`, or the whole pass
    in one process); also the seconds each of these took.

    Repeated texts and paragraphs (campaign copies) are worked on once per job.
    """
    if isinstance(config, Shared):
        key = config.key
        config = resolve(config)
        words = _JOB_WORDS.get(key)
        if words is None:
            _JOB_WORDS.clear()
            words = _JOB_WORDS[key] = _Words(config.speller)
    elif words is None:
        words = _Words(config.speller)
    seconds = dict.fromkeys(("language", "proposals", "ideas", "tags"), 0.0)
    clock = time.perf_counter
    lang_cache: dict[str, str] = {}
    span_cache: dict[str, tuple[list[tuple[int, int]], list[tuple[int, int, str]]]] = {}
    token_cache: dict[tuple[str, str], _Tokens] = {}
    tag_cache: dict[tuple[str, str], list[tuple[str, float]]] = {}
    rows = []
    for text, language in zip(texts, given, strict=True):
        t0 = clock()
        if not language:
            head = text[:LANGUAGE_HEAD]
            language = lang_cache.get(head)
            if language is None:
                language = lang_cache[head] = tx.detect_language(head)
        t1 = clock()
        seconds["language"] += t1 - t0
        found: list[tuple[int, int]] = []
        aside: list[tuple[int, int, str]] = []
        if config.proposals:
            cached = span_cache.get(text)
            if cached is None:
                kept, set_aside = pr.split_with_set_aside(text)
                cached = span_cache[text] = ([(s.start, s.end) for s in kept],
                                             [(x.start, x.end, x.reason) for x in set_aside])
            found, aside = cached
        t2 = clock()
        seconds["proposals"] += t2 - t1
        tokens: list[tuple[list[str], dict[str, str]]] = []
        whole: _Tokens | None = None
        if config.ideas and found:
            whole = _Tokens([], {}, [])  # tags read the proposals (their forms are not needed)
            for a, b in found:
                key = (text[a:b], language)
                tok = token_cache.get(key)
                if tok is None:
                    tok = token_cache[key] = words.tokens(key[0], language)
                tokens.append((tok.idea_stems, tok.idea_forms))
                whole.stems.extend(tok.stems)
                whole.long_words.extend(tok.long_words)
        t3 = clock()
        seconds["ideas"] += t3 - t2
        tags: list[tuple[str, float]] = []
        if config.tags:
            key = (text, language)
            tags = tag_cache.get(key)
            if tags is None:
                tok = whole or words.tokens(text, language)
                tags = tag_cache[key] = _tag_scores(config.tag_model, tok)
        seconds["tags"] += clock() - t3
        rows.append((language, found, aside, tokens, tags))
        if len(span_cache) > 50_000:  # bounded memory on very long jobs
            span_cache.clear()
            token_cache.clear()
            tag_cache.clear()
            lang_cache.clear()
    return rows, {k: v for k, v in seconds.items() if v}


def _tag_scores(model: TagModel, tok: _Tokens) -> list[tuple[str, float]]:
    scores = model.score(tok.stems, tok.long_words)
    return [(c, round(s, 4)) for c, s in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
            if s >= TAG_FLOOR]


class _Background:
    """A call run in a thread (or at once, in this thread), its result and duration."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.fn, self.args = fn, args
        self.seconds = 0.0
        self._future: Future | None = None
        self._result: Any = None

    def _run(self) -> Any:
        t0 = time.perf_counter()
        try:
            return self.fn(*self.args)
        finally:
            self.seconds = time.perf_counter() - t0

    def start(self, in_thread: bool) -> None:
        if in_thread:
            pool = ThreadPoolExecutor(1, thread_name_prefix="samskab-ideas")
            self._future = pool.submit(self._run)
            pool.shutdown(wait=False)  # the thread finishes its one call, then ends
        else:
            self._result = self._run()

    def result(self) -> Any:
        return self._future.result() if self._future is not None else self._result


class Analyser:
    """Stateful analysis engine.

    ``fit(records)`` runs the requested stages over a batch and remembers what it learnt;
    ``add(record)`` analyses one more response against that state in well under a second;
    ``feedback(...)`` teaches the tag model a staff decision; ``save``/``load`` keep the state
    on disk. Stages: ``groups``, ``proposals``, ``ideas`` (needs proposals, which it then
    runs), ``tags``.
    """

    def __init__(self, *, stages: Iterable[str] = STAGES, themes: Iterable[Theme] = (),
                 group_params: gr.GroupParams | None = None,
                 idea_params: IdeaParams | None = None, dask_address: str | None = None,
                 workers: int = 1, additions: bool = True,
                 progress: Progress | None = None) -> None:
        stages = list(dict.fromkeys(stages))
        unknown = [s for s in stages if s not in STAGES]
        if unknown:
            raise ValueError(f"unknown stage(s): {', '.join(unknown)}")
        if "ideas" in stages and "proposals" not in stages:
            stages.append("proposals")
        self.stages = [s for s in STAGES if s in stages]
        self.themes = list(themes)
        self.group_params = group_params or gr.GroupParams()
        self.dask_address = dask_address
        self.workers = workers
        self.with_additions = additions
        self.progress = progress or _quiet
        # state
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.position: dict[str, int] = {}
        self.slots = hashing.SlotTable()
        self.sig = np.zeros((0, hashing.SIG_BINS), dtype=np.uint32)
        self.words = np.zeros(0, dtype=np.int64)
        self.label = np.zeros(0, dtype=np.int64)  # group index per response, -1 for none
        self.groups: list[_GroupState] = []
        self.speller = tx.Speller(_known_words(self.themes))
        self.ideas = IdeaIndex(params=idea_params or IdeaParams())
        self.tag_model = TagModel.initial(self.themes)
        self._band_index: tuple[np.ndarray, np.ndarray] | None = None
        self._delta_keys: list[np.ndarray] = []
        self._delta_index: list[int] = []
        self._word_cache = _Words(self.speller)
        self.link_counts: dict = {}
        self.recurring: set[frozenset] = set()  # boilerplate learnt at fit (content stems)
        self.consultation_language = "da"  # the commonest language of the batch
        self._pool = Workers(1)
        self.worker_peak_mb: list[float] = []  # of the last fit's worker processes
        self.worker_cpu_s = 0.0

    # --- batch -------------------------------------------------------------------------
    def fit(self, records: Sequence[Record]) -> AnalysisResult:
        """Analyse a batch (the first, or a full rerun from an empty analyser)."""
        if self.ids:
            raise RuntimeError("fit() runs once; use add() for further responses")
        collecting = gc.isenabled()
        gc.disable()  # millions of small acyclic objects: generational passes only cost time
        with Workers(self.workers) as pool:
            self._pool = pool
            try:
                return self._fit(records)
            finally:
                self.worker_peak_mb = pool.peak_mb()
                self.worker_cpu_s = pool.cpu_seconds()
                self._pool = Workers(1)
                if collecting:
                    gc.enable()

    def _fit(self, records: Sequence[Record]) -> AnalysisResult:
        seconds: dict[str, float] = {}
        ids = [r.id for r in records]
        if len(set(ids)) != len(ids):
            raise ValueError("response ids must be unique")
        self.ids = ids
        self.texts = [r.text for r in records]
        self.position = {rid: i for i, rid in enumerate(ids)}
        n = len(records)

        if any(s in self.stages for s in ("proposals", "ideas", "tags")):
            t0 = time.perf_counter()
            step = max(1, n // 5_000)
            self.speller.learn(self.texts[::step])
            self._word_cache = _Words(self.speller)
            seconds["text"] = time.perf_counter() - t0

        # language, proposals, their words and the tags: one pass over the texts, in the
        # workers when there are several
        t0 = time.perf_counter()
        config = _TextConfig(proposals="proposals" in self.stages, ideas="ideas" in self.stages,
                             tags="tags" in self.stages, speller=self.speller,
                             tag_model=self.tag_model)
        given = [r.language or None for r in records]
        passed = self._text_pass(config, given)
        wall = time.perf_counter() - t0
        work = passed.seconds
        total_work = sum(work.values()) or 1.0
        for stage, sec in work.items():  # the pass's wall time, shared by the work each took
            seconds[stage] = seconds.get(stage, 0.0) + wall * sec / total_work
        languages = passed.languages
        if languages:
            en = sum(1 for lang in languages if lang == "en")
            self.consultation_language = "en" if en > len(languages) / 2 else "da"

        props: list[list[Proposal]] = [[] for _ in range(n)]
        asides: list[list[SetAside]] = [[] for _ in range(n)]
        if config.proposals:
            t0 = time.perf_counter()
            self._set_aside_recurring(passed, config.ideas)
            seconds["proposals"] = seconds.get("proposals", 0.0) + time.perf_counter() - t0
            for i, (rid, text, spans) in enumerate(zip(ids, self.texts, passed.spans,
                                                       strict=True)):
                props[i] = [Proposal(f"{rid}:p{k + 1}", rid, a, b, text[a:b])
                            for k, (a, b) in enumerate(spans)]
                asides[i] = [SetAside(a, b, text[a:b], why) for a, b, why in passed.aside[i]]
            self.progress(f"proposals: {sum(len(p) for p in props)}, set aside: "
                          f"{sum(len(x) for x in asides)}")

        # leader clustering is sequential Python: with workers, it runs in a thread while
        # the groups stage (numpy here, the rest in the workers) goes on beside it
        flat = [p for ps in props for p in ps] if config.ideas else []
        clustering = _Background(self.ideas.cluster, [p.id for p in flat], passed.stems,
                                 passed.forms, [p.text for p in flat]) if config.ideas else None
        overlap = clustering is not None and self._pool.parallel and "groups" in self.stages
        switch = sys.getswitchinterval()
        try:
            if overlap:
                # the groups stage makes many short numpy calls, each waiting for the GIL:
                # hand it over more often than every 5 ms while the clustering thread runs
                sys.setswitchinterval(0.0002)
            if clustering is not None:
                clustering.start(in_thread=overlap)
            group_of = self._fit_groups_stage(seconds)
            placed = clustering.result() if clustering is not None else []
        finally:
            sys.setswitchinterval(switch)
        if clustering is not None:
            for p, idea in zip(flat, placed, strict=True):
                p.idea = _idea_id(idea) if idea >= 0 else None
            seconds["ideas"] = seconds.get("ideas", 0.0) + clustering.seconds
            self.progress(f"ideas: {len(self.ideas.ideas)} in {clustering.seconds:.1f} s")

        tags: list[list[TagScore]] = [[TagScore(c, v) for c, v in hit] for hit in passed.tags]

        responses = [ResponseAnalysis(ids[i], languages[i], group_of[i], props[i], tags[i],
                                      asides[i]) for i in range(n)]
        return AnalysisResult(responses=responses, groups=self.group_results(),
                              ideas=self.idea_results() if "ideas" in self.stages else [],
                              summary=self._summary(responses, seconds))

    def _set_aside_recurring(self, passed: _TextPass, with_stems: bool) -> None:
        """Learn the consultation's boilerplate and move it from the proposals to the set-aside
        segments (in ``passed``): a proposal whose set of content stems recurs in many
        responses that otherwise share nothing, and which asks for nothing (no proposal cue).
        Campaign copies are not boilerplate: their other proposals recur with them."""
        texts = self.texts
        n = len(texts)
        keys: list[list[frozenset | None]] = []
        holders: dict[frozenset, list[int]] = {}
        j = 0
        for i, found in enumerate(passed.spans):
            row: list[frozenset | None] = []
            text = texts[i]
            for a, b in found:
                if with_stems:
                    stems = passed.stems[j]
                else:
                    tok = self._word_cache.tokens(text, None, a, b)
                    stems = tok.idea_stems
                j += 1
                key = frozenset(stems)
                if len(key) < RECURRING_MIN_STEMS or \
                        text.count(" ", a, b) + 1 < RECURRING_MIN_WORDS:
                    row.append(None if len(key) < 2 else key)
                    continue
                row.append(key)
                seen = holders.get(key)
                if seen is None:
                    holders[key] = [i]
                elif seen[-1] != i:
                    seen.append(i)
            keys.append(row)
        need = max(RECURRING_MIN, n // RECURRING_PER)
        learnt: set[frozenset] = set()
        for key, where in holders.items():
            if len(where) < need:
                continue
            # only responses that say something else as well tell boilerplate from a short
            # wish many people send alone
            related: dict[frozenset, int] = {}
            saying_more = 0
            for i in where:
                others = {other for other in keys[i] if other is not None and other != key}
                saying_more += bool(others)
                for other in others:
                    related[other] = related.get(other, 0) + 1
            if saying_more >= need and \
                    max(related.values(), default=0) < RECURRING_RELATED * saying_more:
                learnt.add(key)
        self.recurring = learnt
        if not learnt:
            return
        j = 0
        stems_out: list[list[str]] = []
        forms_out: list[dict[str, str]] = []
        for i, found in enumerate(passed.spans):
            kept: list[tuple[int, int]] = []
            moved: list[tuple[int, int, str]] = []
            for k, (a, b) in enumerate(found):
                if keys[i][k] in learnt and not pr.has_proposal_cue(texts[i][a:b]):
                    moved.append((a, b, pr.RECURRING))
                else:
                    kept.append((a, b))
                    if with_stems:
                        stems_out.append(passed.stems[j])
                        forms_out.append(passed.forms[j])
                j += 1
            if moved:
                passed.spans[i] = kept
                passed.aside[i] = sorted([*passed.aside[i], *moved])
        if with_stems:
            passed.stems, passed.forms = stems_out, forms_out

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

    def _text_pass(self, config: _TextConfig, given: list[str | None]) -> _TextPass:
        """Run :func:`text_job` over all texts, in the workers when there are several."""
        texts = self.texts
        if config.proposals or config.ideas or config.tags:
            return self._text_jobs(texts, given, config)
        # groups alone: grouping does not read the language, so it is not detected (it was a
        # third of a 100,000-response groups run); a response's language is the one given
        out = _TextPass(languages=list(given))
        empty: list = []
        out.spans = out.tags = out.aside = [empty] * len(texts)  # one shared list, never changed
        return out

    def _text_jobs(self, texts: list[str], given: list[str | None], config: _TextConfig
                   ) -> _TextPass:
        out = _TextPass()
        if self._pool_for(len(texts)).parallel:
            handle = self._pool.share(config)
            parts = spans([len(t) for t in texts], hashing.PARALLEL_CHARS // 4,
                          min_parts=4 * self._pool.n)
            jobs = ((texts[a:b], given[a:b], handle) for a, b in parts)
            results = self._pool.imap(text_job, jobs)
        else:
            results = iter([text_job(texts, given, config, self._word_cache)])
        for rows, seconds in results:
            for language, spans_, aside, tokens, tags in rows:
                out.languages.append(language)
                out.spans.append(spans_)
                out.aside.append(aside)
                for stems, forms in tokens:
                    out.stems.append(stems)
                    out.forms.append(forms)
                out.tags.append(tags)
            for stage, sec in seconds.items():
                out.seconds[stage] = out.seconds.get(stage, 0.0) + sec
        return out

    def _tags(self, tok: _Tokens) -> list[TagScore]:
        return [TagScore(c, v) for c, v in _tag_scores(self.tag_model, tok)]

    # --- groups -------------------------------------------------------------------------
    def _fit_groups(self) -> dict[str, float]:
        """Group the batch; returns seconds per step (slots, signatures, links, describe)."""
        steps: dict[str, float] = {}
        t0 = time.perf_counter()
        h, lens = hashing.sample_token_hashes(self.texts)
        self.slots = hashing.learn_slots(h, lens)
        del h, lens
        steps["slots"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        if self.dask_address:
            from .dask_backend import signatures_on_dask

            self.sig, self.words = signatures_on_dask(self.texts, self.slots, self.dask_address)
        else:
            self.sig, self.words = hashing.signatures(self.texts, self.slots,
                                                      workers=self._pool)
        steps["signatures"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        labels, info = gr.group_labels(self.sig, self.words, self.group_params,
                                       threads=self._pool.n)
        self.link_counts = info
        steps["links"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        self._describe_groups(labels)
        steps["describe"] = time.perf_counter() - t0
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
        jobs = [self._template_job(members) for members in member_lists]
        pool = self._pool_for(sum(len(m) for m in member_lists))
        parts = spans([1 + len(job[1][1]) for job in jobs], 2_000, min_parts=4 * pool.n)
        templates = [t for part in pool.map(
            gr.build_templates, [([job[1] for job in jobs[a:b]],) for a, b in parts])
            for t in part]
        for members, (canonical, _), template in zip(member_lists, jobs, templates, strict=True):
            self._new_group(members, canonical=canonical, template=template, describe=False)
        if self.with_additions:
            self._fill_additions(range(len(self.groups)))

    def _pool_for(self, items: int) -> Workers:
        """The worker processes for a step over ``items`` texts, or none for a small one
        (starting processes and shipping texts would cost more than the step)."""
        return self._pool if items >= PARALLEL_MIN_RESPONSES else _SERIAL

    def _template_job(self, members: np.ndarray) -> tuple[int, tuple[str, list[str]]]:
        """The canonical member of a group, and what its template is built from."""
        ranked = gr.medoid(self.sig, members)
        # signatures do not tell "låst" from "laast": among the five most central members,
        # show staff one written with the Danish letters when there is one
        canonical = next((m for m in ranked[:5] if _DANISH_LETTERS.intersection(self.texts[m])),
                         ranked[0])
        step = max(1, len(members) // TEMPLATE_SAMPLE)
        others = [self.texts[m] for m in members[::step][:TEMPLATE_SAMPLE] if m != canonical]
        return canonical, (self.texts[canonical], others)

    def _fill_additions(self, group_indexes: Iterable[int]) -> None:
        """Each member's additions to its group's template; an exact copy of a text already
        seen in the group is looked at once."""
        which: list[int] = []
        texts: list[str] = []
        owners: list[list[int]] = []  # members sharing each (group, text)
        groups = [self.groups[k] for k in group_indexes]
        for k, g in enumerate(groups):
            first: dict[str, int] = {}
            for m in g.members:
                text = self.texts[m]
                slot = first.get(text)
                if slot is None:
                    first[text] = len(texts)
                    which.append(k)
                    texts.append(text)
                    owners.append([m])
                else:
                    owners[slot].append(m)
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

    # --- ideas --------------------------------------------------------------------------
    def idea_results(self) -> list[Idea]:
        out = []
        for k, it in enumerate(self.ideas.ideas):
            if not it.members:
                continue
            out.append(Idea(id=_idea_id(k), label=self._idea_label(k),
                            keywords=self.ideas.keywords(k), members=list(it.members),
                            representative=self.ideas.representative(k)))
        return out

    def _idea_label(self, k: int) -> str:
        """A short heading from the idea's own words (:mod:`samskab.analysis.labels`); its
        keywords when it has no text."""
        it = self.ideas.ideas[k]
        wordings = it.wordings or ([(it.text, 1)] if it.text else [])
        label = idea_label(wordings, it.weights, self._word_cache, self.consultation_language)
        return label or self.ideas.label(k)

    # --- one more response --------------------------------------------------------------
    def add(self, record: Record) -> ResponseAnalysis:
        """Analyse one new response against the state; the state learns it too."""
        if record.id in self.position:
            raise ValueError(f"response {record.id!r} is already known")
        i = len(self.ids)
        self.ids.append(record.id)
        self.texts.append(record.text)
        self.position[record.id] = i
        lang = record.language or tx.detect_language(record.text[:LANGUAGE_HEAD])
        result = ResponseAnalysis(record.id, lang)
        if "groups" in self.stages:
            self._band_lookup()  # index what was there before this response
            sig, words = hashing.signatures([record.text], self.slots)
            self.sig = np.concatenate([self.sig, sig])
            self.words = np.concatenate([self.words, words])
            self.label = np.append(self.label, -1)
            result.group = self._group_add(i)
        whole: _Tokens | None = None
        if "proposals" in self.stages:
            kept, aside = pr.split_with_set_aside(record.text)
            moved = []
            if self.recurring:
                for s in kept:
                    part = record.text[s.start:s.end]
                    key = frozenset(self._word_cache.tokens(part, lang).idea_stems)
                    if key in self.recurring and not pr.has_proposal_cue(part):
                        moved.append(s)
                        aside.append(pr.Aside(s.start, s.end, pr.RECURRING))
            result.set_aside = [SetAside(x.start, x.end, record.text[x.start:x.end], x.reason)
                                for x in sorted(aside, key=lambda x: x.start)]
            for k, s in enumerate(x for x in kept if x not in moved):
                p = Proposal(f"{record.id}:p{k + 1}", record.id, s.start, s.end,
                             record.text[s.start:s.end])
                if "ideas" in self.stages:
                    tok = self._word_cache.tokens(p.text, lang)
                    idea = self.ideas.assign(p.id, tok.idea_stems, tok.idea_forms, p.text)
                    p.idea = _idea_id(idea) if idea >= 0 else None
                    whole = whole or _Tokens([], {}, [])
                    whole.extend(tok)  # tags read the proposals, as in a batch
                result.proposals.append(p)
        if "tags" in self.stages:
            result.tags = self._tags(whole or self._word_cache.tokens(record.text, lang))
        return result

    def group(self, group_id: str) -> Group | None:
        """One group as it stands now (cheap: only that group is described)."""
        g = next((g for g in self.groups if g.id == group_id and g.members), None)
        if g is None:
            return None
        return Group(id=g.id, members=[self.ids[m] for m in g.members],
                     canonical=self.ids[g.canonical], template=g.template.text,
                     additions={self.ids[m]: a for m, a in sorted(g.additions.items())})

    def idea(self, idea_id: str) -> Idea | None:
        """One idea as it stands now (cheap: only that idea is described)."""
        try:
            k = int(idea_id.rsplit("-", 1)[1]) - 1
        except (IndexError, ValueError):
            return None
        if not 0 <= k < len(self.ideas.ideas) or not self.ideas.ideas[k].members:
            return None
        return Idea(id=_idea_id(k), label=self._idea_label(k), keywords=self.ideas.keywords(k),
                    members=list(self.ideas.ideas[k].members),
                    representative=self.ideas.representative(k))

    # --- staff decisions ----------------------------------------------------------------
    def tag_scores(self, text: str, language: str | None = None) -> list[TagScore]:
        lang = language or tx.detect_language(text[:600])
        return self._tags(self._word_cache.tokens(text, lang))

    def feedback(self, text: str, code: str, accepted: bool, language: str | None = None
                 ) -> float:
        """A staff member confirmed (``accepted``) or rejected tag ``code`` on a response
        with this text; the model learns it at once. Returns the new score."""
        lang = language or tx.detect_language(text[:600])
        tok = self._word_cache.tokens(text, lang)
        return self.tag_model.update(tok.stems, tok.long_words, code, accepted)

    def review_queue(self, responses: Iterable[ResponseAnalysis], limit: int | None = None
                     ) -> list[tuple[str, str, float]]:
        """Tag suggestions ``(response id, code, score)`` to show staff, least certain first
        (see :func:`samskab.analysis.tags.review_order`)."""
        queue = review_order((r.id, t.code, t.score) for r in responses for t in r.tags)
        return queue[:limit] if limit is not None else queue

    # --- summary ------------------------------------------------------------------------
    def _summary(self, responses: list[ResponseAnalysis], seconds: dict[str, float]) -> dict:
        langs: dict[str, int] = {}
        for r in responses:
            langs[r.language or "unknown"] = langs.get(r.language or "unknown", 0) + 1
        suggested: dict[str, int] = {}
        for r in responses:
            for t in r.tags:
                if t.suggested:
                    suggested[t.code] = suggested.get(t.code, 0) + 1
        live = [g for g in self.groups if g.members]
        return {
            "responses": len(responses),
            "stages": self.stages,
            "languages": dict(sorted(langs.items())),
            "groups": len(live),
            "grouped_responses": sum(len(g.members) for g in live),
            "largest_group": max((len(g.members) for g in live), default=0),
            "proposals": sum(len(r.proposals) for r in responses),
            "ideas": sum(1 for it in self.ideas.ideas if it.members),
            "suggested_tags": dict(sorted(suggested.items())),
            "seconds": {k: round(v, 3) for k, v in seconds.items()},
        }

    # --- persistence --------------------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        """Write the state to ``directory`` (``state.json`` and ``arrays.npz``)."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        tag_meta, tag_arrays = self.tag_model.to_arrays()
        state = {
            "version": STATE_VERSION,
            "stages": self.stages,
            "themes": [{"slug": t.slug, "keywords": list(t.keywords), "label": t.label}
                       for t in self.themes],
            "group_params": self.group_params.__dict__,
            "with_additions": self.with_additions,
            "ids": self.ids,
            "texts": self.texts,
            "groups": [{"id": g.id, "members": g.members, "canonical": g.canonical,
                        "template": g.template.text,
                        "sentence_keys": sorted(list(k) for k in g.template.sentence_keys),
                        "vocabulary": sorted(g.template.vocabulary),
                        "sentence_norms": sorted(g.template.sentence_norms),
                        "sentences_as_written": sorted(g.template.sentences_as_written),
                        "additions": {str(k): v for k, v in g.additions.items()}}
                       for g in self.groups],
            "speller": self.speller.to_json(),
            "recurring": sorted(sorted(k) for k in self.recurring),
            "ideas": self.ideas.to_json(),
            "tags": tag_meta,
        }
        (d / "state.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        arrays = {"sig": self.sig, "words": self.words, "label": self.label,
                  **self.slots.to_arrays(), **tag_arrays}
        np.savez_compressed(d / "arrays.npz", **arrays)

    @classmethod
    def load(cls, directory: str | Path, *, progress: Progress | None = None) -> Analyser:
        """Read a state written by :meth:`save` (JSON and plain arrays; no pickle)."""
        d = Path(directory)
        state = json.loads((d / "state.json").read_text(encoding="utf-8"))
        if state.get("version") != STATE_VERSION:
            raise ValueError("unsupported analyser state version")
        themes = [Theme(t["slug"], tuple(t["keywords"]), t.get("label", ""))
                  for t in state["themes"]]
        a = cls(stages=state["stages"], themes=themes,
                group_params=gr.GroupParams(**state["group_params"]),
                additions=state["with_additions"], progress=progress)
        with np.load(d / "arrays.npz", allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        a.ids = list(state["ids"])
        a.texts = list(state["texts"])
        a.position = {rid: i for i, rid in enumerate(a.ids)}
        a.sig, a.words, a.label = arrays["sig"], arrays["words"], arrays["label"]
        a.slots = hashing.SlotTable.from_arrays(arrays)
        for g in state["groups"]:
            template = gr.Template(text=g["template"],
                                   sentence_keys={tuple(k) for k in g["sentence_keys"]},
                                   vocabulary=set(g["vocabulary"]),
                                   sentence_norms=set(g["sentence_norms"]),
                                   sentences_as_written=set(g.get("sentences_as_written", ())))
            a.groups.append(_GroupState(id=g["id"], members=list(g["members"]),
                                        canonical=int(g["canonical"]), template=template,
                                        additions={int(k): v for k, v in
                                                   g["additions"].items()}))
        a.speller = tx.Speller.from_json(state["speller"])
        a._word_cache = _Words(a.speller)
        a.ideas = IdeaIndex.from_json(state["ideas"])
        a.recurring = {frozenset(k) for k in state.get("recurring", ())}
        a.tag_model = TagModel.from_arrays(state["tags"], arrays, themes)
        return a


def _idea_id(index: int) -> str:
    return f"i-{index + 1:06d}"


def _known_words(themes: Iterable[Theme]) -> list[str]:
    from .tags import LEXICON

    known = [w for terms in LEXICON.values() for term, _ in terms for w in tx.words(term)]
    known += [w for t in themes for k in t.keywords for w in tx.words(k)]
    known += list(_COMMON_DA)
    return known


# Common Danish words in their written form (with æ, ø, å), so OCR damage to them can be
# repaired even in a small corpus.
_COMMON_DA = tx.words("""
åbenhed åbne åben høring høringen høringssvar høringsfrist forslag foreslår borgere borgerne
offentlige offentlig kommune kommunen kommunerne myndigheder myndighederne regeringen
ministeriet minister gennemsigtighed tilgængelige tilgængelig også være være når så på får
gøre gøres første andet tredje øvrigt særligt vigtigt nødvendigt bør skal kunne større
løsninger ydelser sundhed ældre børn skole skoler miljø tryghed ansvar ansvarlighed
forvaltning forvaltningen løbende følge følger økonomi økonomiske udgifter indkøb
""")


def analyse(records: Iterable[Record], *, stages: Iterable[str] = STAGES,
            themes: Iterable[Theme] = (), dask_address: str | None = None, workers: int = 1,
            progress: Progress | None = None) -> AnalysisResult:
    """Analyse ``records`` and return plain results (see :class:`Analyser` for the state).

    ``stages`` is any of ``groups``, ``proposals``, ``ideas``, ``tags`` (default all);
    ``themes`` adds ``theme:<slug>`` tags; ``dask_address`` computes the signatures on that
    Dask cluster; ``workers`` > 1 uses threads for them locally.
    """
    analyser = Analyser(stages=stages, themes=themes, dask_address=dask_address,
                        workers=workers, progress=progress)
    return analyser.fit(list(records))
