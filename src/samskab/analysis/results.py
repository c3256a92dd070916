"""A batch's results kept as arrays, made into :class:`~samskab.analysis.types.ResponseAnalysis`
objects only when they are read.

A fitted batch used to hold a ``ResponseAnalysis`` per response, a ``Proposal`` (with a copy of
its text) per proposal, a ``TagScore`` per tag and a ``SetAside`` (with its text) per segment:
about 3 KB a response, 3 GB at a million, for results the platform reads once, a chunk at a
time, to store them. :class:`Responses` keeps the same results as plain arrays — offsets into
the texts, an idea number per proposal, a string number per tag code and reason — about 0.2 KB
a response, and makes the objects of a response (its texts read from the analyser's texts,
which may be a file) each time it is read: it is a sequence of ``ResponseAnalysis`` equal to
the list it replaces, but a response read twice gives two equal objects, not one. Storing a run
reads one part of a span of responses at a time (``proposals_at``, ``tags_at``,
``set_aside_at``, ``languages_at``) as plain values, without making the objects or reading the
texts.

:class:`Strings` numbers the strings the arrays refer to (tag codes, reasons, languages, the
text pass's terms), each distinct string held once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

import numpy as np

from .groupstage import texts_at
from .types import Idea, Proposal, ResponseAnalysis, SetAside, TagScore

# responses made at a time when the sequence is iterated (their texts read in one call)
BLOCK = 2_000


def idea_id(index: int) -> str:
    """The public id of the idea at ``index`` of the analyser's ideas."""
    return f"i-{index + 1:06d}"


class Strings:
    """Distinct strings by number (``strings[number]``), each held once."""

    __slots__ = ("_number", "strings")

    def __init__(self) -> None:
        self._number: dict[str, int] = {}
        self.strings: list[str] = []

    def __len__(self) -> int:
        return len(self.strings)

    def number(self, s: str) -> int:
        got = self._number.get(s)
        if got is None:
            got = self._number[s] = len(self.strings)
            self.strings.append(s)
        return got

    def numbers(self, strings: Sequence[str]) -> np.ndarray:
        """The numbers of ``strings`` (a job's own numbering: its position → this one's)."""
        return np.fromiter(map(self.number, strings), dtype=np.int32, count=len(strings))


def offsets_of(counts: np.ndarray) -> np.ndarray:
    """``n + 1`` offsets (int64) of consecutive runs of ``counts[i]`` items."""
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def _texts_at(texts: Sequence[str], indexes: list[int]) -> list[str]:
    """``[texts[i] for i in indexes]`` (``indexes`` ascending), the run from the first to the
    last read in one slice (one read of a file) when few of it would go unread."""
    if indexes and indexes[-1] - indexes[0] < 2 * len(indexes):
        lo = indexes[0]
        run = texts[lo:indexes[-1] + 1]
        return [run[i - lo] for i in indexes]
    return texts_at(texts, indexes)


def _rows_of(offsets: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The rows of the items of the responses ``at`` (``offsets``: ``n + 1`` offsets into the
    items), a response's consecutive and the responses in the order of ``at``, and how many
    each response has."""
    first = offsets[at]
    counts = offsets[at + 1] - first
    before = np.cumsum(counts) - counts  # each response's first place in the rows
    rows = np.repeat(first - before, counts) + np.arange(int(counts.sum()), dtype=np.int64)
    return rows, counts.tolist()


def _split(items: list, counts: list[int]) -> list[list]:
    out, k = [], 0
    for count in counts:
        out.append(items[k:k + count])
        k += count
    return out


class _ByValue:
    """Equal to any sequence of equal items, as the lists these results stand in for are."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(
            a == b for a, b in zip(self, other, strict=True))  # type: ignore[call-overload]

    __hash__ = None  # type: ignore[assignment]  # (mutable in spirit: compared by value)


class Responses(_ByValue, Sequence[ResponseAnalysis]):
    """The first ``len(ids)`` responses' results of a fitted batch (see the module docstring).

    ``proposals`` and ``asides`` are offsets (``n + 1``) into ``spans`` (``(start, end)`` rows)
    and ``aside_rows`` (``(start, end, reason number)``); ``ideas`` the idea index of each
    proposal (-1: none; None: no idea stage); ``tags`` offsets into ``tag_codes`` (numbers) and
    ``tag_scores``. ``texts`` are the responses' texts (read only for a response that has a
    proposal or a segment set aside); ``ids``, ``languages`` and ``groups`` are lists whose
    first ``n`` items are these responses' (the analyser's ids may grow after the fit)."""

    def __init__(self, *, n: int, ids: Sequence[str], languages: Sequence[str | None],
                 groups: Sequence[str | None], texts: Sequence[str], strings: Strings,
                 proposals: np.ndarray, spans: np.ndarray, ideas: np.ndarray | None,
                 asides: np.ndarray, aside_rows: np.ndarray, tags: np.ndarray,
                 tag_codes: np.ndarray, tag_scores: np.ndarray) -> None:
        self._n = n
        self._ids = ids
        self._languages = languages
        self._groups = groups
        self._texts = texts
        self._strings = strings.strings
        self._proposals = proposals
        self._spans = spans
        self._ideas = ideas
        self._asides = asides
        self._aside_rows = aside_rows
        self._tags = tags
        self._tag_codes = tag_codes
        self._tag_scores = tag_scores
        self._idea_names: dict[int, str] = {}  # idea index → its id, made once

    def __len__(self) -> int:
        return self._n

    def __repr__(self) -> str:
        return f"<Responses: {self._n} responses>"

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            start, stop, step = i.indices(self._n)
            if step != 1:
                return self.many(list(range(start, stop, step)))
            return self._make(list(range(start, max(start, stop))))
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        return self._make([i])[0]

    def __iter__(self) -> Iterator[ResponseAnalysis]:
        for lo in range(0, self._n, BLOCK):
            yield from self._make(list(range(lo, min(self._n, lo + BLOCK))))

    def many(self, indexes: Sequence[int]) -> list[ResponseAnalysis]:
        """The responses at ``indexes`` (in that order), their texts read together."""
        return self._make([int(i) for i in indexes])

    def _make(self, indexes: list[int]) -> list[ResponseAnalysis]:
        """The responses at ``indexes``, made a run of consecutive ones at a time (each
        array read once for the run, its texts in one call)."""
        out: list[ResponseAnalysis] = []
        run = 0
        for k in range(1, len(indexes) + 1):
            if k == len(indexes) or indexes[k] != indexes[k - 1] + 1:
                out += self._make_run(indexes[run], indexes[k - 1] + 1)
                run = k
        return out

    def _make_run(self, lo: int, hi: int) -> list[ResponseAnalysis]:
        if not 0 <= lo <= hi <= self._n:
            raise IndexError("response index out of range")
        po = self._proposals[lo:hi + 1].tolist()
        ao = self._asides[lo:hi + 1].tolist()
        to = self._tags[lo:hi + 1].tolist()
        spans = self._spans[po[0]:po[-1]].tolist()
        ideas = (self._ideas[po[0]:po[-1]].tolist() if self._ideas is not None
                 else [-1] * (po[-1] - po[0]))
        rows = self._aside_rows[ao[0]:ao[-1]].tolist()
        codes = self._tag_codes[to[0]:to[-1]].tolist()
        scores = self._tag_scores[to[0]:to[-1]].tolist()
        wanted = [i for i in range(lo, hi) if po[i - lo + 1] > po[i - lo] or
                  ao[i - lo + 1] > ao[i - lo]]
        texts = dict(zip(wanted, _texts_at(self._texts, wanted), strict=True))
        strings = self._strings
        out = []
        for at, i in enumerate(range(lo, hi)):
            rid = self._ids[i]
            text = texts.get(i, "")
            proposals = []
            for k in range(po[at] - po[0], po[at + 1] - po[0]):
                s, e = spans[k]
                proposals.append(Proposal(f"{rid}:p{len(proposals) + 1}", rid, s, e,
                                          text[s:e], self._idea_name(ideas[k])))
            asides = [SetAside(s, e, text[s:e], strings[r])
                      for s, e, r in rows[ao[at] - ao[0]:ao[at + 1] - ao[0]]]
            tags = [TagScore(strings[codes[k]], scores[k])
                    for k in range(to[at] - to[0], to[at + 1] - to[0])]
            out.append(ResponseAnalysis(rid, self._languages[i], self._groups[i], proposals,
                                        tags, asides))
        return out

    def _idea_name(self, x: int) -> str | None:
        """The id of idea index ``x`` (None for -1: no idea), made once per index."""
        if x < 0:
            return None
        name = self._idea_names.get(x)
        if name is None:
            name = self._idea_names[x] = idea_id(x)
        return name

    def response_ids(self) -> list[str]:
        """The responses' ids, in order (without making the responses)."""
        return list(self._ids[:self._n])

    # --- parts of the responses at some indexes, as plain values: neither objects made nor
    # texts read (what storing a run's results reads, a pass per part) ---------------------
    def ids_at(self, indexes: Sequence[int]) -> list[str]:
        return [self._ids[i] for i in self._checked(indexes).tolist()]

    def languages_at(self, indexes: Sequence[int]) -> list[str | None]:
        return [self._languages[i] for i in self._checked(indexes).tolist()]

    def groups_at(self, indexes: Sequence[int]) -> list[str | None]:
        return [self._groups[i] for i in self._checked(indexes).tolist()]

    def plain(self, lo: int, hi: int) -> tuple[list[str], list, list] | None:
        """The ids, languages and groups of responses ``lo`` to ``hi`` when none of them has
        a proposal, a tag or a segment set aside (every response of a groups-only run), else
        None."""
        if not 0 <= lo <= hi <= self._n:
            raise IndexError("response index out of range")
        if any(int(offsets[hi]) > int(offsets[lo])
               for offsets in (self._proposals, self._tags, self._asides)):
            return None
        return self._ids[lo:hi], self._languages[lo:hi], self._groups[lo:hi]

    def proposals_at(self, indexes: Sequence[int]
                     ) -> list[list[tuple[str, int, int, str | None]]]:
        """Each response's proposals as ``(id, start, end, idea)``, the fields of its
        ``ResponseAnalysis.proposals`` but the text."""
        at = self._checked(indexes)
        rows, counts = _rows_of(self._proposals, at)
        spans = self._spans[rows].tolist()
        ideas = (self._ideas[rows].tolist() if self._ideas is not None
                 else [-1] * len(spans))
        out: list[list[tuple[str, int, int, str | None]]] = []
        k = 0
        for i, count in zip(at.tolist(), counts, strict=True):
            rid = self._ids[i]
            mine = []
            for number in range(1, count + 1):
                (s, e), x = spans[k], ideas[k]
                k += 1
                mine.append((f"{rid}:p{number}", s, e, self._idea_name(x)))
            out.append(mine)
        return out

    def tags_at(self, indexes: Sequence[int]) -> list[list[tuple[str, float]]]:
        """Each response's tags as ``(code, score)``, in ``ResponseAnalysis.tags`` order."""
        at = self._checked(indexes)
        rows, counts = _rows_of(self._tags, at)
        strings = self._strings
        pairs = [(strings[c], score) for c, score in
                 zip(self._tag_codes[rows].tolist(), self._tag_scores[rows].tolist(),
                     strict=True)]
        return _split(pairs, counts)

    def set_aside_at(self, indexes: Sequence[int]) -> list[list[tuple[int, int, str]]]:
        """Each response's set-aside segments as ``(start, end, reason)``, the fields of its
        ``ResponseAnalysis.set_aside`` but the text."""
        at = self._checked(indexes)
        rows, counts = _rows_of(self._asides, at)
        strings = self._strings
        return _split([(s, e, strings[r]) for s, e, r in self._aside_rows[rows].tolist()],
                      counts)

    def _checked(self, indexes: Sequence[int]) -> np.ndarray:
        at = np.asarray(indexes, dtype=np.int64).reshape(-1)
        if len(at) and (int(at.min()) < 0 or int(at.max()) >= self._n):
            raise IndexError("response index out of range")
        return at

    # --- counts, without making the objects ---------------------------------------------
    def proposal_count(self) -> int:
        return int(self._proposals[-1])

    def suggested_counts(self) -> dict[str, int]:
        """How many responses' tag lists hold each code with a score of 0.5 or more (a code
        listed twice for a response counts twice, as ``ResponseAnalysis.tags`` would)."""
        codes = self._tag_codes[self._tag_scores >= 0.5]
        counts = np.bincount(codes, minlength=0) if len(codes) else np.zeros(0, np.int64)
        return {self._strings[c]: int(k) for c, k in enumerate(counts.tolist()) if k}

    def language_counts(self) -> dict[str, int]:
        langs: dict[str, int] = {}
        for lang in self._languages[:self._n]:
            key = lang or "unknown"
            langs[key] = langs.get(key, 0) + 1
        return langs


class Ideas(_ByValue, Sequence[Idea]):
    """A fitted batch's ideas, their members read when an :class:`Idea` is made (from the
    analyser's ideas, which keep them compactly: :class:`samskab.analysis.ideas.Members`)
    rather than held a second time as a list of strings. ``rows``: each idea's id, label,
    keywords, representative, members and how many of them it had at the fit (``add``
    appends to an idea's members afterwards; what the fit found stays as it was)."""

    def __init__(self, rows: list[tuple[str, str, list[str], str, Sequence[str], int]]
                 ) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"<Ideas: {len(self._rows)} ideas>"

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        key, label, keywords, representative, members, count = self._rows[i]
        return Idea(id=key, label=label, keywords=list(keywords),
                    members=list(islice(members, count)), representative=representative)
