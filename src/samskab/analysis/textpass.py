"""The text pass: language, proposals (with the pleasantries set aside), each proposal's words
and the tag scores of every response, in one pass over the texts (in the worker processes when
there are several: :func:`text_job` is one job); the consultation's boilerplate learnt from its
result; the per-word cache the pass and the labels read words through."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import hashing
from . import proposals as pr
from . import text as tx
from .concepts import Compounds, concept
from .parallel import Shared, resolve, spans
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


class TextPass:
    """The text pass of :class:`samskab.analysis.engine.Analyser` (a mixin: the analyser's
    state is its own)."""

    texts: list[str]
    tag_model: TagModel
    _word_cache: _Words
    _pool: Workers
    recurring: set[frozenset]

    _pool_for: Callable[[int], Workers]  # the analyser's: workers for a step of n items

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
        # (the texts read in order: they may be read from a file, see Analyser.fit)
        for i, (found, text) in enumerate(zip(passed.spans, texts, strict=True)):
            row: list[frozenset | None] = []
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
