"""The analyser: all stages over a batch, then one response at a time against what it knows.

:class:`Analyser` keeps the state a new response is compared with — slot table, signatures
and the band index of the groups, the groups' templates, the OCR speller, the ideas' leaders
and document frequencies, the tag model — and saves it as JSON plus a ``.npz`` of plain arrays
(never pickle: a state file may come from elsewhere). :func:`analyse` is the one-call form.
A full run is deterministic: fixed hash seeds, fixed orders, no randomness.

The stages live beside it: the groups stage in :mod:`.groupstage`, the text pass (language,
proposals, words, tags) in :mod:`.textpass`, saving and loading in :mod:`.state`; this module
runs them in order, keeps the ideas and labels, and takes one more response at a time.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext

import numpy as np

from . import groups as gr
from . import hashing
from . import proposals as pr
from . import text as tx
from .groupstage import GroupStage, _GroupState
from .ideas import IdeaIndex, IdeaParams
from .labels import idea_label
from .parallel import Workers
from .results import Ideas, Responses, idea_id
from .state import STATE_VERSION, State
from .tags import TagModel, Theme, review_order
from .textfile import TextFile
from .textpass import (
    LANGUAGE_HEAD,
    TAG_FLOOR,
    TextPass,
    _Background,
    _ProposalTerms,
    _TextConfig,
    _Tokens,
    _Words,
    text_job,
)
from .types import (
    STAGES,
    AnalysisResult,
    Idea,
    Proposal,
    Record,
    RecordHead,
    ResponseAnalysis,
    SetAside,
    TagScore,
)

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def _quiet_count(_done: int, _total: int) -> None:
    return None


PARALLEL_MIN_RESPONSES = 5_000  # below this, a step stays in this process
_SERIAL = Workers(1)
__all__ = ["LANGUAGE_HEAD", "STATE_VERSION", "TAG_FLOOR", "Analyser", "analyse",
           "text_job"]


class Analyser(TextPass, GroupStage, State):
    """Stateful analysis engine.

    ``fit(records)`` runs the requested stages over a batch and remembers what it learnt;
    ``add(record)`` analyses one more response against that state in well under a second;
    ``feedback(...)`` teaches the tag model a staff decision; ``save``/``load`` keep the state
    on disk (not with ``keep_state=False``, which lets the signatures go during ``fit``).
    Stages: ``groups``, ``proposals``, ``ideas`` (needs proposals, which it then runs),
    ``tags``.
    """

    def __init__(self, *, stages: Iterable[str] = STAGES, themes: Iterable[Theme] = (),
                 group_params: gr.GroupParams | None = None,
                 idea_params: IdeaParams | None = None, dask_address: str | None = None,
                 workers: int = 1, additions: bool = True, keep_state: bool = True,
                 progress: Progress | None = None,
                 text_progress: Callable[[int, int], None] | None = None) -> None:
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
        # False for a one-off run (``samskab analyse``): the signatures are let go as soon as
        # the groups are described, and the analyser can then neither add() nor save()
        self.keep_state = keep_state
        self.progress = progress or _quiet
        # (texts done, texts) during the text pass, the longest step of a full run
        self.text_progress = text_progress or _quiet_count
        # state
        self.ids: list[str] = []
        self.texts: Sequence[str] = []  # a list, except in a one-off fit given texts apart
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
        self._prepared: hashing.Prepared | None = None
        self.worker_peak_mb: list[float] = []  # of the last fit's worker processes
        self.worker_cpu_s = 0.0

    # --- batch -------------------------------------------------------------------------
    def fit(self, records: Sequence[Record | RecordHead], *, pool: Workers | None = None,
            prepared: hashing.Prepared | None = None, texts: Sequence[str] | None = None
            ) -> AnalysisResult:
        """Analyse a batch (the first, or a full rerun from an empty analyser); in ``pool``'s
        worker processes when given (left running), else in ``workers`` new ones.
        ``prepared``: the batch's slot table and signatures, already computed by
        :mod:`samskab.analysis.hashing` (the groups stage then starts from its links).
        ``texts``: the records' texts, when they are not in the records (``RecordHead``): any
        sequence, which the stages index, slice and read in order, so it can read them from
        where they are kept (a groups-only run asks only for the slot sample's and the groups'
        texts). An analyser that keeps its state copies them to a list, except a
        :class:`~samskab.analysis.textfile.TextFile`, which it keeps (``add`` appends to it,
        ``save`` copies it), so a run saved for later need not hold its texts in memory."""
        if self.ids:
            raise RuntimeError("fit() runs once; use add() for further responses")
        if texts is not None and len(texts) != len(records):
            raise ValueError(f"{len(texts)} texts for {len(records)} records")
        if prepared is not None and len(prepared.words) != len(records):
            raise ValueError(f"prepared signatures of {len(prepared.words)} texts for "
                             f"{len(records)} records")
        self._prepared = prepared
        del prepared  # the groups stage may let the signatures go before fit() returns
        collecting = gc.isenabled()
        gc.disable()  # millions of small acyclic objects: generational passes only cost time
        with Workers(self.workers) if pool is None else nullcontext(pool) as used:
            self._pool = used
            try:
                return self._fit(records, texts)
            finally:
                self.worker_peak_mb = used.peak_mb()
                self.worker_cpu_s = used.cpu_seconds()
                self._pool = Workers(1)
                self._prepared = None
                if collecting:
                    gc.enable()

    def _fit(self, records: Sequence[Record | RecordHead], texts: Sequence[str] | None
             ) -> AnalysisResult:
        seconds: dict[str, float] = {}
        ids = [r.id for r in records]
        if len(set(ids)) != len(ids):
            raise ValueError("response ids must be unique")
        self.ids = ids
        if texts is None:
            self.texts = [r.text for r in records]
        elif self.keep_state and not isinstance(texts, TextFile):
            self.texts = list(texts)  # add() appends to it, save() writes it
        else:  # a one-off fit's texts, or a TextFile (which add() can append to), as given
            self.texts = texts
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

        # the proposals, set-aside segments and tags stay arrays (``passed``); the results'
        # objects are made when read (results.Responses): a million responses' objects took
        # GBs, the arrays take a few hundred MB
        if config.proposals:
            t0 = time.perf_counter()
            self._set_aside_recurring(passed, config.ideas)
            seconds["proposals"] = seconds.get("proposals", 0.0) + time.perf_counter() - t0
            self.progress(f"proposals: {len(passed.spans)}, set aside: "
                          f"{len(passed.aside_rows)}")

        # leader clustering is sequential Python: with workers, it runs in a thread while
        # the groups stage (numpy here, the rest in the workers) goes on beside it
        clustering = _Background(
            self.ideas.cluster, _ProposalIds(ids, passed.proposals),
            _ProposalTerms(passed, "stems"), _ProposalTerms(passed, "words"),
            _ProposalTexts(self.texts, passed.proposals, passed.spans)
        ) if config.ideas else None
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
        ideas = None
        if clustering is not None:
            ideas = np.fromiter(placed, dtype=np.int32, count=len(placed))
            del placed
            seconds["ideas"] = seconds.get("ideas", 0.0) + clustering.seconds
            self.progress(f"ideas: {len(self.ideas.ideas)} in {clustering.seconds:.1f} s")

        responses = Responses(
            n=n, ids=ids, languages=languages, groups=group_of, texts=self.texts,
            strings=passed.strings, proposals=passed.proposals, spans=passed.spans,
            ideas=ideas, asides=passed.asides, aside_rows=passed.aside_rows, tags=passed.tags,
            tag_codes=passed.tag_codes, tag_scores=passed.tag_scores)
        return AnalysisResult(responses=responses, groups=self.group_results(),
                              ideas=self.idea_results() if "ideas" in self.stages else [],
                              summary=self._summary(responses, seconds))

    def _pool_for(self, items: int) -> Workers:
        """The worker processes for a step over ``items`` texts, or none for a small one
        (starting processes and shipping texts would cost more than the step)."""
        return self._pool if items >= PARALLEL_MIN_RESPONSES else _SERIAL

    # --- ideas --------------------------------------------------------------------------
    def idea_results(self) -> Ideas:
        """The ideas as they stand, each made into an :class:`Idea` when read (see
        :class:`~samskab.analysis.results.Ideas`)."""
        rows = []
        for k, it in enumerate(self.ideas.ideas):
            if not it.members:
                continue
            rows.append((_idea_id(k), self._idea_label(k), self.ideas.keywords(k),
                         self.ideas.representative(k), it.members, len(it.members)))
        return Ideas(rows)

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
        self._check_state()
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

    def _check_state(self) -> None:
        if not self.keep_state and self.ids:
            raise RuntimeError("this analyser kept no state (keep_state=False): fit a new one")

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
    def _summary(self, responses: Responses, seconds: dict[str, float]) -> dict:
        live = [g for g in self.groups if g.members]
        return {
            "responses": len(responses),
            "stages": self.stages,
            "languages": dict(sorted(responses.language_counts().items())),
            "groups": len(live),
            "grouped_responses": sum(len(g.members) for g in live),
            "largest_group": max((len(g.members) for g in live), default=0),
            "proposals": responses.proposal_count(),
            "ideas": sum(1 for it in self.ideas.ideas if it.members),
            "suggested_tags": dict(sorted(responses.suggested_counts().items())),
            "seconds": {k: round(v, 3) for k, v in seconds.items()},
        }


class _ProposalIds(Sequence[str]):
    """The batch's proposal ids (``"<response id>:p<k>"``), made when read."""

    def __init__(self, ids: list[str], offsets: np.ndarray) -> None:
        self.ids, self.offsets = ids, offsets
        self._owner: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.offsets[-1])

    def __getitem__(self, j):
        if isinstance(j, slice):
            return [self[k] for k in range(*j.indices(len(self)))]
        if self._owner is None:  # each proposal's response (4 bytes a proposal)
            self._owner = np.repeat(np.arange(len(self.offsets) - 1, dtype=np.int32),
                                    np.diff(self.offsets))
        i = int(self._owner[j])
        return f"{self.ids[i]}:p{j - int(self.offsets[i]) + 1}"


class _ProposalTexts(Sequence[str]):
    """The batch's proposals' texts, read from the responses' texts when asked for."""

    def __init__(self, texts: Sequence[str], offsets: np.ndarray, spans: np.ndarray) -> None:
        self.texts, self.offsets, self.spans = texts, offsets, spans

    def __len__(self) -> int:
        return int(self.offsets[-1])

    def __getitem__(self, j):
        if isinstance(j, slice):
            return [self[k] for k in range(*j.indices(len(self)))]
        i = int(np.searchsorted(self.offsets, j, side="right")) - 1
        a, b = self.spans[j].tolist()
        return self.texts[i][a:b]


_idea_id = idea_id


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
