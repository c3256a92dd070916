"""The text pass: language, proposals (with the pleasantries set aside), each proposal's words
and the tag scores of every response, in one pass over the texts (in the worker processes when
there are several: :func:`text_job` is one job); the consultation's boilerplate learnt from its
result; the per-word cache the pass and the labels read words through."""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import hashing
from . import proposals as pr
from . import text as tx
from .concepts import Compounds, concept
from .parallel import Shared, resolve, spans
from .results import Strings, offsets_of
from .tags import TagModel
from .types import TagScore

if TYPE_CHECKING:
    from .parallel import Workers

# boilerplate learnt per consultation: a proposal (by its set of content stems) recurring in at
# least max(RECURRING_MIN, n / RECURRING_PER) responses, whose other proposals differ (no
# co-occurring proposal in RECURRING_RELATED of them: not copies of one letter), with no
# proposal cue, is set aside; short points ("Åbne data.") are never boilerplate
RECURRING_MIN = 5
RECURRING_PER = 2_000
RECURRING_RELATED = 0.5
RECURRING_MIN_STEMS = 3
RECURRING_MIN_WORDS = 6
TAG_FLOOR = 0.1  # scores below this are left out of a response's tag list
LANGUAGE_HEAD = 400  # characters a response's language is told from


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
    """The text pass's results, in response order, as arrays (a million responses' lists,
    tuples and dicts took GBs; see :mod:`samskab.analysis.results`): ``proposals``,
    ``asides`` and ``tags`` are offsets (``n + 1``) into each response's rows of ``spans``
    (start, end), ``aside_rows`` (start, end, reason) and ``tag_codes``/``tag_scores``; with the
    ideas, each proposal's *wording* (``wordings``: its idea terms and their written forms;
    copies of a text and repeated paragraphs share one), and of each wording ``terms`` and
    ``forms``, offsets (one per wording, and one more) into its idea terms (``term_ids``, in
    order) and its written form of each term (``form_ids``: (term, form) rows, in the order of
    its ``idea_forms``). Strings — reasons, tag codes, languages, terms and forms — are numbers
    of ``strings``."""

    strings: Strings = field(default_factory=Strings)
    languages: list[str | None] = field(default_factory=list)
    proposals: np.ndarray = field(default_factory=lambda: offsets_of(_NONE))
    spans: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64))
    asides: np.ndarray = field(default_factory=lambda: offsets_of(_NONE))
    aside_rows: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.int64))
    tags: np.ndarray = field(default_factory=lambda: offsets_of(_NONE))
    tag_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    tag_scores: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    wordings: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    terms: np.ndarray = field(default_factory=lambda: offsets_of(_NONE))
    term_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    forms: np.ndarray = field(default_factory=lambda: offsets_of(_NONE))
    form_ids: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int32))
    seconds: dict[str, float] = field(default_factory=dict)

    def wording_stems(self, w: int) -> list[str]:
        """Wording ``w``'s idea terms, in order."""
        words = self.strings.strings
        return [words[t] for t in self.term_ids[self.terms[w]:self.terms[w + 1]].tolist()]

    def stems(self, j: int) -> list[str]:
        """Proposal ``j``'s idea terms, in order."""
        return self.wording_stems(int(self.wordings[j]))

    def words(self, j: int) -> dict[str, str]:
        """Proposal ``j``'s written form of each idea term (its ``idea_forms``)."""
        w = int(self.wordings[j])
        words = self.strings.strings
        return {words[t]: words[f] for t, f in
                self.form_ids[self.forms[w]:self.forms[w + 1]].tolist()}

    def all_stems(self) -> Iterator[list[str]]:
        """Every proposal's idea terms, in order (a fresh list each: the reader may keep
        it); the commonest wordings' are decoded once."""
        decoded: dict[int, list[str]] = {}
        for lo in range(0, len(self.wordings), 50_000):
            for w in self.wordings[lo:lo + 50_000].tolist():
                got = decoded.get(w)
                if got is None:
                    if len(decoded) >= 100_000:
                        decoded.clear()
                    got = decoded[w] = self.wording_stems(w)
                yield list(got)


_NONE = np.zeros(0, np.int64)


class _ProposalTerms(Sequence):
    """The text pass's proposals' idea terms (``stems``) or written forms (``words``), as
    the sequences :meth:`samskab.analysis.ideas.IdeaIndex.cluster` reads, made when read."""

    def __init__(self, passed: _TextPass, what: str) -> None:
        self.passed, self.what = passed, what

    def __len__(self) -> int:
        return len(self.passed.wordings)

    def __getitem__(self, j):
        if isinstance(j, slice):
            return [self[k] for k in range(*j.indices(len(self)))]
        if j < 0:
            j += len(self)
        if not 0 <= j < len(self):
            raise IndexError(j)
        return self.passed.stems(j) if self.what == "stems" else self.passed.words(j)

    def __iter__(self):
        if self.what == "stems":
            return self.passed.all_stems()
        return (self.passed.words(j) for j in range(len(self)))


@dataclass
class _JobRows:
    """One :func:`text_job`'s results, in its texts' order, as :class:`_TextPass` keeps them
    but with counts for offsets and its own string numbers (``strings``): compact to send
    from a worker process, and renumbered when joined."""

    strings: list[str] = field(default_factory=list)
    languages: array = field(default_factory=lambda: array("i"))
    proposals: array = field(default_factory=lambda: array("i"))  # count per text
    spans: array = field(default_factory=lambda: array("q"))  # start, end, ...
    asides: array = field(default_factory=lambda: array("i"))
    aside_rows: array = field(default_factory=lambda: array("q"))  # start, end, reason, ...
    tags: array = field(default_factory=lambda: array("i"))
    tag_codes: array = field(default_factory=lambda: array("i"))
    tag_scores: array = field(default_factory=lambda: array("d"))
    wordings: array = field(default_factory=lambda: array("i"))  # per proposal
    terms: array = field(default_factory=lambda: array("i"))  # count per wording
    term_ids: array = field(default_factory=lambda: array("i"))
    forms: array = field(default_factory=lambda: array("i"))
    form_ids: array = field(default_factory=lambda: array("i"))  # term, form, ...


_JOB_WORDS: dict[str, _Words] = {}


def text_job(texts: Sequence[str], given: list[str | None], config: _TextConfig | Shared,
             words: _Words | None = None) -> tuple[_JobRows, dict[str, float]]:
    """Language, proposals (as spans), each proposal's idea terms and their written forms,
    and the tag scores of each text (one job of :class:`samskab.analysis.parallel.Workers`,
    or the whole pass in one process), as :class:`_JobRows`; also the seconds each of these
    took.

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
    out = _JobRows()
    numbers: dict[str, int] = {}

    def number(s: str) -> int:
        got = numbers.get(s)
        if got is None:
            got = numbers[s] = len(out.strings)
            out.strings.append(s)
        return got

    lang_cache: dict[str, str] = {}
    span_cache: dict[str, tuple[list[int], list[int]]] = {}
    # a paragraph's stems and long words (what the tags read) and its wording
    token_cache: dict[tuple[str, str], tuple[list[str], list[str], int]] = {}
    tag_cache: dict[tuple[str, str], tuple[list[int], list[float]]] = {}
    for text, language in zip(texts, given, strict=True):
        t0 = clock()
        if not language:
            head = text[:LANGUAGE_HEAD]
            language = lang_cache.get(head)
            if language is None:
                language = lang_cache[head] = tx.detect_language(head)
        out.languages.append(number(language))
        t1 = clock()
        seconds["language"] += t1 - t0
        found: list[int] = []
        if config.proposals:
            cached = span_cache.get(text)
            if cached is None:
                kept, set_aside = pr.split_with_set_aside(text)
                cached = span_cache[text] = (
                    [x for s in kept for x in (s.start, s.end)],
                    [x for s in set_aside for x in (s.start, s.end, number(s.reason))])
            found, aside = cached
            out.proposals.append(len(found) // 2)
            out.spans.extend(found)
            out.asides.append(len(aside) // 3)
            out.aside_rows.extend(aside)
        else:
            out.proposals.append(0)
            out.asides.append(0)
        t2 = clock()
        seconds["proposals"] += t2 - t1
        whole: _Tokens | None = None
        if config.ideas and found:
            whole = _Tokens([], {}, [])  # tags read the proposals (their forms are not needed)
            for k in range(0, len(found), 2):
                key = (text[found[k]:found[k + 1]], language)
                got = token_cache.get(key)
                if got is None:
                    tok = words.tokens(key[0], language)
                    got = token_cache[key] = (tok.stems, tok.long_words, len(out.terms))
                    out.terms.append(len(tok.idea_stems))
                    out.term_ids.extend([number(t) for t in tok.idea_stems])
                    out.forms.append(len(tok.idea_forms))
                    out.form_ids.extend([x for t, f in tok.idea_forms.items()
                                         for x in (number(t), number(f))])
                stems, long_words, wording = got
                out.wordings.append(wording)
                whole.stems.extend(stems)
                whole.long_words.extend(long_words)
        t3 = clock()
        seconds["ideas"] += t3 - t2
        if config.tags:
            key = (text, language)
            tags = tag_cache.get(key)
            if tags is None:
                tok = whole or words.tokens(text, language)
                scored = _tag_scores(config.tag_model, tok)
                tags = tag_cache[key] = ([number(c) for c, _ in scored],
                                         [v for _, v in scored])
            out.tags.append(len(tags[0]))
            out.tag_codes.extend(tags[0])
            out.tag_scores.extend(tags[1])
        else:
            out.tags.append(0)
        seconds["tags"] += clock() - t3
        if len(span_cache) > 50_000 or len(token_cache) > 100_000:  # bounded memory
            span_cache.clear()
            token_cache.clear()
            tag_cache.clear()
            lang_cache.clear()
    return out, {k: v for k, v in seconds.items() if v}


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


class TextPass:
    """The text pass of :class:`samskab.analysis.engine.Analyser` (a mixin: the analyser's
    state is its own)."""

    texts: list[str]
    tag_model: TagModel
    _word_cache: _Words
    _pool: Workers
    recurring: set[frozenset]

    _pool_for: Callable[[int], Workers]  # the analyser's: workers for a step of n items
    # told (texts done, texts) as the text pass goes, after each part of it
    text_progress: Callable[[int, int], None]

    def _set_aside_recurring(self, passed: _TextPass, with_stems: bool) -> None:
        """Learn the consultation's boilerplate and move it from the proposals to the set-aside
        segments (in ``passed``): a proposal whose set of content stems recurs in many
        responses that otherwise share nothing, and which asks for nothing (no proposal cue).
        Campaign copies are not boilerplate: their other proposals recur with them.

        Each distinct set of stems is numbered (a set per proposal took more memory than the
        proposals); ``keys`` holds each proposal's number, -1 for a set of fewer than two. A
        set is known by its stems' numbers in ``passed.strings``, sorted, as bytes (tens of bytes,
        where a frozenset of strings took several hundred for each distinct set)."""
        texts = self.texts
        n = len(texts)
        key_number: dict[bytes, int] = {}
        key_sizes = array("i")  # each set's number of stems
        keys = array("i")
        holders: dict[int, list[int]] = {}
        offsets = passed.proposals
        off = offsets.tolist()
        # with the ideas, a wording's key is made once (-2: not yet)
        of_wording = np.full(len(passed.terms) - 1 if with_stems else 0, -2, dtype=np.int32)
        j = 0
        # (the texts read in order: they may be read from a file, see Analyser.fit)
        for i, text in enumerate(texts):
            for a, b in passed.spans[off[i]:off[i + 1]].tolist():
                if with_stems:
                    w = int(passed.wordings[j])
                    number = int(of_wording[w])
                    if number == -2:
                        stems = passed.term_ids[passed.terms[w]:passed.terms[w + 1]].tolist()
                        number = of_wording[w] = _key_number(stems, key_number, key_sizes)
                else:
                    stems = self._word_cache.tokens(text, None, a, b).idea_stems
                    number = _key_number([passed.strings.number(t) for t in stems], key_number,
                                         key_sizes)
                j += 1
                keys.append(number)
                if number < 0:
                    continue
                if key_sizes[number] < RECURRING_MIN_STEMS or \
                        text.count(" ", a, b) + 1 < RECURRING_MIN_WORDS:
                    continue
                seen = holders.get(number)
                if seen is None:
                    holders[number] = [i]
                elif seen[-1] != i:
                    seen.append(i)
        del of_wording
        need = max(RECURRING_MIN, n // RECURRING_PER)
        learnt: set[int] = set()
        for number, where in holders.items():
            if len(where) < need:
                continue
            # only responses that say something else as well tell boilerplate from a short
            # wish many people send alone
            related: dict[int, int] = {}
            saying_more = 0
            for i in where:
                others = {other for other in keys[off[i]:off[i + 1]]
                          if other >= 0 and other != number}
                saying_more += bool(others)
                for other in others:
                    related[other] = related.get(other, 0) + 1
            if saying_more >= need and \
                    max(related.values(), default=0) < RECURRING_RELATED * saying_more:
                learnt.add(number)
        del holders, off
        words = passed.strings.strings
        self.recurring = {frozenset(words[t] for t in array("i", key))
                          for key, number in key_number.items() if number in learnt}
        del key_number
        if not learnt:
            return
        numbers = np.frombuffer(keys, dtype=np.intc)
        candidates = np.flatnonzero(np.isin(numbers, np.fromiter(learnt, dtype=np.intc)))
        owners = np.searchsorted(offsets, candidates, side="right") - 1
        keep = np.ones(len(passed.spans), dtype=bool)
        moved: dict[int, list[tuple[int, int, str]]] = {}
        last, text = -1, ""
        for j, i in zip(candidates.tolist(), owners.tolist(), strict=True):
            if i != last:
                last, text = i, texts[i]
            a, b = passed.spans[j].tolist()
            if not pr.has_proposal_cue(text[a:b]):
                keep[j] = False
                moved.setdefault(i, []).append((a, b, pr.RECURRING))
        if not moved:
            return
        kept_counts = np.diff(offsets)
        for i, rows in moved.items():
            kept_counts[i] -= len(rows)
        passed.spans = passed.spans[keep]
        passed.proposals = offsets_of(kept_counts)
        if with_stems:
            passed.wordings = passed.wordings[keep]
        # each response with segments moved: its set-aside rows again, in order
        strings = passed.strings.strings
        rows, at = passed.aside_rows, passed.asides
        parts: list[np.ndarray] = []
        counts = np.diff(at)
        done = 0
        for i in sorted(moved):
            parts.append(rows[at[done]:at[i]])
            merged = sorted([*((a, b, strings[r]) for a, b, r in rows[at[i]:at[i + 1]].tolist()),
                             *moved[i]])
            parts.append(np.array([(a, b, passed.strings.number(r)) for a, b, r in merged],
                                  dtype=np.int64))
            counts[i] = len(merged)
            done = i + 1
        parts.append(rows[at[done]:])
        passed.aside_rows = np.concatenate(parts)
        passed.asides = offsets_of(counts)

    def _text_pass(self, config: _TextConfig, given: list[str | None]) -> _TextPass:
        """Run :func:`text_job` over all texts, in the workers when there are several."""
        texts = self.texts
        if config.proposals or config.ideas or config.tags:
            return self._text_jobs(texts, given, config)
        # groups alone: grouping does not read the language, so it is not detected (it was a
        # third of a 100,000-response groups run); a response's language is the one given
        out = _TextPass(languages=list(given))
        nothing = offsets_of(np.zeros(len(texts), np.int64))
        out.proposals = out.asides = out.tags = nothing
        return out

    def _text_jobs(self, texts: Sequence[str], given: list[str | None], config: _TextConfig
                   ) -> _TextPass:
        out = _TextPass()
        n = len(texts)
        if self._pool_for(n).parallel:
            handle = self._pool.share(config)
            parts = spans(_sizes(texts), hashing.PARALLEL_CHARS // 4,
                          min_parts=4 * self._pool.n)
            jobs = ((texts[a:b], given[a:b], handle) for a, b in parts)
            results = self._pool.imap(text_job, jobs)
        else:
            # in parts here too: a job's caches and rows are Python objects for each of its
            # texts (at 1,000,000 responses in one job they were GBs), and the run's progress
            # moves after each part
            parts = spans(_sizes(texts), hashing.PARALLEL_CHARS)
            results = (text_job(texts[a:b], given[a:b], config, self._word_cache)
                       for a, b in parts)
        done = 0
        self.text_progress(done, n)
        strings = out.strings
        got: dict[str, list[np.ndarray]] = {name: [] for name in (
            "proposals", "spans", "asides", "aside_rows", "tags", "tag_codes", "tag_scores",
            "wordings", "terms", "term_ids", "forms", "form_ids")}
        wording_number: dict[bytes, int] = {}  # a wording's term and form numbers → its own
        for job, seconds in results:
            renumber = strings.numbers(job.strings)
            words = strings.strings
            job_languages = renumber[_ints(job.languages)].tolist()
            out.languages.extend(words[k] for k in job_languages)
            got["proposals"].append(_ints(job.proposals))
            got["spans"].append(np.frombuffer(job.spans, dtype=np.int64).reshape(-1, 2))
            got["asides"].append(_ints(job.asides))
            rows = np.frombuffer(job.aside_rows, dtype=np.int64).reshape(-1, 3).copy()
            rows[:, 2] = renumber[rows[:, 2]]
            got["aside_rows"].append(rows)
            got["tags"].append(_ints(job.tags))
            got["tag_codes"].append(renumber[_ints(job.tag_codes)])
            got["tag_scores"].append(np.frombuffer(job.tag_scores, dtype=np.float64))
            self._join_wordings(job, renumber, wording_number, got)
            del job
            for stage, sec in seconds.items():
                out.seconds[stage] = out.seconds.get(stage, 0.0) + sec
            done += len(job_languages)
            self.text_progress(done, n)
        for name, parts in got.items():
            if not parts:
                continue
            joined = np.concatenate(parts)
            parts.clear()
            if name in ("proposals", "asides", "tags", "terms", "forms"):
                joined = offsets_of(joined)
            elif name in ("tag_codes", "wordings", "term_ids", "form_ids"):
                joined = joined.astype(np.int32, copy=False)
            setattr(out, name, joined)
        return out

    @staticmethod
    def _join_wordings(job: _JobRows, renumber: np.ndarray, wording_number: dict[bytes, int],
                       got: dict[str, list[np.ndarray]]) -> None:
        """Add a job's wordings to those of the jobs before it (``got``), each distinct one
        once (found by its terms and forms, renumbered), and its proposals' wordings."""
        terms = offsets_of(_ints(job.terms))
        forms = offsets_of(_ints(job.forms))
        term_ids = renumber[_ints(job.term_ids)]
        form_ids = renumber[_ints(job.form_ids)]
        known = len(wording_number)
        mine = np.empty(len(terms) - 1, dtype=np.int32)  # the job's wording → the pass's
        new_terms, new_forms = [], []
        for w, (ta, tb, fa, fb) in enumerate(zip(terms[:-1].tolist(), terms[1:].tolist(),
                                                  forms[:-1].tolist(), forms[1:].tolist(),
                                                  strict=True)):
            stems, written = term_ids[ta:tb], form_ids[2 * fa:2 * fb]
            key = (tb - ta).to_bytes(4, "little") + stems.tobytes() + written.tobytes()
            number = wording_number.get(key)
            if number is None:
                number = wording_number[key] = known
                known += 1
                new_terms.append(stems)
                new_forms.append(written)
            mine[w] = number
        got["wordings"].append(mine[_ints(job.wordings)])
        got["terms"].append(np.fromiter(map(len, new_terms), dtype=np.int64,
                                        count=len(new_terms)))
        got["term_ids"].append(np.concatenate(new_terms) if new_terms
                               else np.zeros(0, np.int32))
        got["forms"].append(np.fromiter((len(f) // 2 for f in new_forms), dtype=np.int64,
                                        count=len(new_forms)))
        got["form_ids"].append((np.concatenate(new_forms) if new_forms
                                else np.zeros(0, np.int32)).reshape(-1, 2))

    def _tags(self, tok: _Tokens) -> list[TagScore]:
        return [TagScore(c, v) for c, v in _tag_scores(self.tag_model, tok)]


def _key_number(stems: list[int], key_number: dict[bytes, int], key_sizes: array) -> int:
    """The number of a proposal's set of stems (given as their numbers; sets numbered as they
    come), -1 for fewer than two; ``key_sizes`` learns each new set's size."""
    distinct = sorted(set(stems))
    if len(distinct) < 2:
        return -1
    key = array("i", distinct).tobytes()
    number = key_number.get(key)
    if number is None:
        number = key_number[key] = len(key_sizes)
        key_sizes.append(len(distinct))
    return number


def _sizes(texts: Sequence[str]) -> Sequence[int]:
    """Each text's size, to cut the texts into parts of even weight: from a
    :class:`~samskab.analysis.textfile.TextFile`'s offsets (its bytes) without reading it,
    else the characters."""
    offsets = getattr(texts, "offsets", None)
    if isinstance(offsets, np.ndarray) and len(offsets) == len(texts) + 1:
        return np.diff(offsets).tolist()
    return [len(t) for t in texts]


def _ints(values: array) -> np.ndarray:
    """An ``array("i")`` as an int64 array (numbers and counts)."""
    return np.frombuffer(values, dtype=np.intc).astype(np.int64)
