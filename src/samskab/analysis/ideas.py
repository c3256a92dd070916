"""Ideas: like proposals from different respondents, clustered.

Each proposal is a TF-IDF vector over its content stems (stop words out, OCR repaired, see
:mod:`samskab.analysis.text`). Clustering is leader clustering, which is deterministic,
single-pass and incremental:

1. Proposals with the same set of stems (campaign copies, repeated wishes) are one *type*,
   counted once per copy; types are visited most frequent first, then in input order.
2. A type joins the most similar existing idea (cosine with the idea's leader vector at least
   ``threshold``); otherwise it leads a new idea. Only ideas sharing two of the type's top
   terms are compared — an inverted index on pairs of top terms — so the work grows with the
   number of proposals, not its square. (A proposal looks up pairs of its top four terms; an
   idea is filed under pairs of its leader's top five.)
3. A merge pass joins an idea to a larger one whose centroid is alike and which shares two of
   its heaviest terms (:meth:`IdeaIndex.merge`).
4. An idea's keywords are the stems with the largest summed weight over its members, shown in
   the commonest written form; it keeps its commonest wordings, from which
   :mod:`samskab.analysis.labels` writes its label (:meth:`IdeaIndex.label`, its first three
   keywords, is the fallback); the representative is the member proposal closest to the
   leader (in a batch: the leading, commonest wording).

A new proposal later goes through step 2 alone (:meth:`IdeaIndex.assign`).
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, combinations

from .synonyms import learn_synonyms

_DANISH = frozenset("æøå")


@dataclass(frozen=True)
class IdeaParams:
    threshold: float = 0.45
    top_terms: int = 3
    max_candidates: int = 10
    keywords: int = 5
    # second pass: an idea of at least ``merge_min_size`` proposals joins a larger one whose
    # centroid is at least this similar (candidates: ideas sharing one of its heaviest terms)
    merge_threshold: float = 0.25
    merge_min_size: int = 3
    merge_terms: int = 6
    merge_candidates: int = 12
    merge_vector_terms: int = 24
    # ... and shares at least this many of its heaviest ``merge_terms`` terms with it (one
    # shared word — "gratis", "online", "egen" — is not the same idea)
    merge_min_shared: int = 2
    # synonyms learnt from the batch's co-occurrences (see :mod:`.synonyms`); 0 turns off
    synonym_threshold: float = 0.0


WORDINGS_KEPT = 6  # per idea, for its label


def _add_wording(wordings: list[tuple[str, int]], text: str, count: int) -> None:
    """Keep the ``WORDINGS_KEPT`` commonest wordings (a wording met again adds its count)."""
    for k, (t, c) in enumerate(wordings):
        if t == text:
            wordings[k] = (t, c + count)
            break
    else:
        wordings.append((text, count))
    if len(wordings) > WORDINGS_KEPT or (len(wordings) > 1 and
                                         wordings[-1][1] > wordings[-2][1]):
        wordings.sort(key=lambda w: (-w[1], w[0]))
        del wordings[WORDINGS_KEPT:]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two unit vectors; ``fsum`` is exact, so the set's order (which differs
    from process to process) cannot change the last bit, nor a tie."""
    common = a.keys() & b.keys()
    return math.fsum([a[t] * b[t] for t in common]) if common else 0.0


def json_default(value: object) -> list[str]:
    """``default`` for :func:`json.dumps` of :meth:`IdeaIndex.to_json`: members as a list."""
    if isinstance(value, Members):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class Members(Sequence[str]):
    """An idea's member proposal ids, in order: their UTF-8 one after another in one buffer,
    and where each ends. A list of a million proposals' id strings took 60-70 bytes a member
    (a string object and a pointer); this takes the id's length and four bytes."""

    __slots__ = ("_data", "_ends")

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._data = bytearray()
        self._ends = array("I")  # (an idea's ids are far from 4 GB)
        self.extend(ids)

    def __len__(self) -> int:
        return len(self._ends)

    def _at(self, i: int) -> str:
        start = self._ends[i - 1] if i else 0
        return self._data[start:self._ends[i]].decode("utf-8", "surrogatepass")

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._at(k) for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._at(i)

    def __iter__(self) -> Iterator[str]:
        data, start = self._data, 0
        for end in self._ends:
            yield data[start:end].decode("utf-8", "surrogatepass")
            start = end

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Members):
            return self._ends == other._ends and self._data == other._data
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Members({list(self)!r})"

    def append(self, member: str) -> None:
        self.extend((member,))

    def extend(self, ids: Iterable[str]) -> None:
        base = self._ends[-1] if self._ends else 0
        if isinstance(ids, Members):
            self._data += ids._data
            self._ends.extend(end + base for end in ids._ends)
            return
        encoded = [m.encode("utf-8", "surrogatepass") for m in ids]
        self._data += b"".join(encoded)
        self._ends.extend(list(accumulate(map(len, encoded), initial=base))[1:])


@dataclass
class _Idea:
    leader: dict[str, float]
    members: Members = field(default_factory=Members)
    weights: dict[str, float] = field(default_factory=dict)
    best: tuple[float, str] | None = None  # (similarity to leader, proposal id)
    norm2: float = 0.0  # squared norm of ``weights`` (the members' summed vectors)
    text: str = ""  # the best member's text (labels are phrases from it)
    text_da: str = ""  # the best member written with Danish letters, when ``text`` is not
    # the commonest wordings and how many members wrote each (labels are chosen among them)
    wordings: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class IdeaIndex:
    """Ideas so far, their leaders and the pair index; document frequencies for IDF."""

    params: IdeaParams = field(default_factory=IdeaParams)
    df: Counter = field(default_factory=Counter)
    n_docs: int = 0
    ideas: list[_Idea] = field(default_factory=list)
    buckets: dict[str, list[int]] = field(default_factory=dict)
    surface: dict[str, dict[str, int]] = field(default_factory=dict)
    synonyms: dict[str, str] = field(default_factory=dict)  # learnt: term -> its substitute

    # --- vectors ------------------------------------------------------------------------
    def idf(self, term: str) -> float:
        return math.log((self.n_docs + 1) / (self.df.get(term, 0) + 1)) + 1.0

    def vector(self, stems: Sequence[str], idf: dict[str, float] | None = None
               ) -> dict[str, float]:
        """Unit TF-IDF vector; ``idf`` is a cache the caller may share across calls made
        while the document frequencies stay the same."""
        if idf is None:
            idf = {}
        vec = {}
        for t, c in Counter(stems).items():
            w = idf.get(t)
            if w is None:
                w = idf[t] = self.idf(t)
            vec[t] = w if c == 1 else (1.0 + math.log(c)) * w
        norm = math.sqrt(sum([w * w for w in vec.values()])) or 1.0
        return {t: w / norm for t, w in vec.items()}

    @staticmethod
    def _top(vec: dict[str, float], k: int) -> list[str]:
        """The ``k`` heaviest terms (ties: alphabetical)."""
        ranked = [(-w, t) for t, w in vec.items()]
        ranked.sort()
        return [t for _, t in ranked[:k]]

    def _keys(self, vec: dict[str, float], extra: int = 0) -> list[str]:
        """Index keys: pairs of the top terms (``extra`` more terms when registering a
        leader, so a proposal whose ranking differs a little still finds it)."""
        top = self._top(vec, self.params.top_terms + 1 + extra)
        if len(top) == 1:
            return [top[0]]
        return [f"{a} {b}" for a, b in combinations(sorted(top), 2)]

    # --- clustering ---------------------------------------------------------------------
    def observe(self, stems_per_proposal: Sequence[Sequence[str]]) -> None:
        """Count document frequencies (before clustering a batch)."""
        for stems in stems_per_proposal:
            self.df.update(set(stems))
        self.n_docs += len(stems_per_proposal)

    def _place(self, vec: dict[str, float], keys: list[str] | None = None) -> int:
        """The idea ``vec`` joins (a new one when none is similar enough): compared with each
        candidate idea's centroid — the sum of its members' vectors — so an idea that has
        gathered several wordings recognises a further one that shares words with any."""
        keys = keys if keys is not None else self._keys(vec)
        seen: set[int] = set()
        best, best_sim = -1, self.params.threshold
        ideas = self.ideas
        for key in keys:
            for idea in self.buckets.get(key, ())[: self.params.max_candidates]:
                if idea in seen:
                    continue
                seen.add(idea)
                it = ideas[idea]
                if it.norm2 > 0.0:
                    weights = it.weights
                    sim = math.fsum([w * weights[t] for t, w in vec.items() if t in weights]
                                    ) / math.sqrt(it.norm2)
                else:
                    sim = _cosine(vec, it.leader)
                if sim > best_sim or (sim == best_sim and best >= 0 and idea < best):
                    best, best_sim = idea, sim
        if best >= 0:
            return best
        self.ideas.append(_Idea(leader=vec))
        new = len(self.ideas) - 1
        for key in self._keys(vec, extra=1):
            self.buckets.setdefault(key, []).append(new)
        return new

    def _join(self, idea: int, vec: dict[str, float], ids: Sequence[str],
              words: dict[str, str], text: str = "") -> None:
        it = self.ideas[idea]
        new_wording = bool(it.members) and vec is not it.leader
        it.members.extend(ids)
        weights = it.weights
        k = len(ids)
        norm2 = it.norm2
        for t, w in vec.items():
            old = weights.get(t, 0.0)
            weights[t] = new = old + w * k
            norm2 += new * new - old * old
        it.norm2 = norm2
        if new_wording:
            # the idea is found through this wording's top terms too
            for key in self._keys(vec):
                bucket = self.buckets.setdefault(key, [])
                if idea not in bucket[: self.params.max_candidates]:
                    bucket.append(idea)
        sim = _cosine(vec, it.leader)
        if it.best is None or sim > it.best[0] + 1e-12:
            it.best = (sim, ids[0])
            if text:
                it.text = text
        if text and not it.text_da and _DANISH.intersection(text) and \
                not _DANISH.intersection(it.text):
            it.text_da = text
        if text:
            _add_wording(it.wordings, text, len(ids))
        surface = self.surface
        for stem, word in words.items():
            forms = surface.get(stem)
            if forms is None:
                surface[stem] = forms = {}
            forms[word] = forms.get(word, 0) + len(ids)

    def cluster(self, ids: Sequence[str], stems: Sequence[Sequence[str]],
                words: Sequence[dict[str, str]], texts: Sequence[str] | None = None
                ) -> list[int]:
        """Cluster a batch of proposals; returns the idea index of each (-1: no content
        words). ``words[i]`` maps the stems of proposal ``i`` to a written form (labels).

        Proposals with the same stems are one type; types with the same top terms are one
        family, placed once (its commonest type speaks for it): campaigns and repeated
        wishes cost one placement, not one per copy.
        """
        if self.params.synonym_threshold > 0 and not self.synonyms:
            distinct_sets = {tuple(sorted(set(st))) for st in stems if st}
            self.synonyms = learn_synonyms(sorted(distinct_sets),
                                           threshold=self.params.synonym_threshold)
        if self.synonyms:
            syn = self.synonyms
            stems = [[syn.get(t, t) for t in st] for st in stems]
        # each type's proposals as machine integers (a million proposals' int objects in
        # lists took a third of a GB)
        types: dict[tuple[str, ...], array] = {}
        count = self.df.update
        for i, st in enumerate(stems):
            if st:
                distinct = set(st)
                count(distinct)
                key = tuple(sorted(distinct))
                members = types.get(key)
                if members is None:
                    types[key] = array("i", (i,))
                else:
                    members.append(i)
        self.n_docs += len(stems)
        families: dict[tuple[str, ...], list[array]] = {}
        top = self.params.top_terms
        idf = {t: self.idf(t) for t in self.df}
        log = math.log
        for members in types.values():
            # the top terms of the type's TF-IDF vector (its norm does not change the order)
            ranked = [(-(w if c == 1 else (1.0 + log(c)) * w), t)
                      for t, c in Counter(stems[members[0]]).items() for w in (idf[t],)]
            ranked.sort()
            key = tuple(sorted(t for _, t in ranked[:top]))
            families.setdefault(key, []).append(members)
        order = sorted(families.values(),
                       key=lambda fam: (-sum(len(m) for m in fam), min(m[0] for m in fam)))
        out = array("i", (-1,)) * len(ids)
        first_new = len(self.ideas)
        for fam in order:
            fam.sort(key=lambda m: (-len(m), m[0]))
            lead = fam[0][0]
            vec = self.vector(stems[lead], idf)
            idea = self._place(vec)
            flat = [i for members in fam for i in members]
            self._join(idea, vec, [ids[i] for i in flat], words[lead],
                       texts[lead] if texts is not None else "")
            for i in flat:
                out[i] = idea
        target = self.merge(first_new)
        return [target.get(i, i) if i >= 0 else -1 for i in out]

    def _centroid(self, idea: int) -> dict[str, float]:
        """The heaviest terms of an idea's summed vector, as a unit vector."""
        weights = self.ideas[idea].weights
        top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        top = top[: self.params.merge_vector_terms]
        norm = math.sqrt(math.fsum([w * w for _, w in top])) or 1.0
        return {t: w / norm for t, w in top}

    def merge(self, first: int = 0) -> dict[int, int]:
        """Join ideas that say the same (second pass over the ideas from index ``first``):
        leader clustering compares a wording with what an idea held when it was placed, and
        a term shared by all wordings of an idea is its most frequent, so the least weighty
        and often not among the index keys. Here each idea of ``merge_min_size`` proposals or
        more, smallest last, joins the most similar larger idea whose centroid is at least
        ``merge_threshold`` alike, candidates being ideas that share one of its heaviest
        terms. Returns {merged idea: idea it joined}; merged ideas are left empty."""
        p = self.params
        order = [k for k in range(first, len(self.ideas))
                 if len(self.ideas[k].members) >= p.merge_min_size]
        order.sort(key=lambda k: (-len(self.ideas[k].members), k))
        index: dict[str, list[int]] = {}
        centroids: dict[int, dict[str, float]] = {}
        heavy_of: dict[int, set[str]] = {}
        target: dict[int, int] = {}
        for k in order:
            vec = self._centroid(k)
            heavy = self._top(vec, p.merge_terms)
            best, best_sim = -1, p.merge_threshold
            seen: set[int] = set()
            for t in heavy:
                for other in index.get(t, ())[: p.merge_candidates]:
                    if other in seen:
                        continue
                    seen.add(other)
                    if p.merge_min_shared > 1 and \
                            len(heavy_of[other].intersection(heavy)) < p.merge_min_shared:
                        continue
                    sim = _cosine(vec, centroids[other])
                    if sim > best_sim or (sim == best_sim and other < best):
                        best, best_sim = other, sim
            if best >= 0:
                target[k] = best
                self._absorb(best, k)
                continue
            centroids[k] = vec
            heavy_of[k] = set(heavy)
            for t in heavy:
                index.setdefault(t, []).append(k)
        if target:
            for key, bucket in self.buckets.items():
                if any(i in target for i in bucket):
                    self.buckets[key] = list(dict.fromkeys(target.get(i, i) for i in bucket))
        return target

    def _absorb(self, into: int, other: int) -> None:
        a, b = self.ideas[into], self.ideas[other]
        a.members.extend(b.members)
        for t, w in b.weights.items():
            a.weights[t] = a.weights.get(t, 0.0) + w
        a.norm2 = math.fsum([w * w for w in a.weights.values()])
        if not a.text_da and b.text_da:
            a.text_da = b.text_da
        if not a.text_da and b.text and _DANISH.intersection(b.text) and \
                not _DANISH.intersection(a.text):
            a.text_da = b.text
        for text, count in b.wordings:
            _add_wording(a.wordings, text, count)
        b.wordings = []
        b.members, b.weights, b.norm2 = Members(), {}, 0.0

    def assign(self, proposal_id: str, stems: Sequence[str], words: dict[str, str],
               text: str = "") -> int:
        """Place one new proposal (incremental); returns its idea index, -1 when it has no
        content words."""
        if not stems:
            return -1
        if self.synonyms:
            stems = [self.synonyms.get(t, t) for t in stems]
        self.observe([stems])
        vec = self.vector(stems)
        idea = self._place(vec)
        self._join(idea, vec, [proposal_id], words, text)
        return idea

    # --- description --------------------------------------------------------------------
    def keywords(self, idea: int) -> list[str]:
        weights = self.ideas[idea].weights
        top = sorted(weights, key=lambda t: (-weights[t], t))[: self.params.keywords]
        out = []
        for t in top:
            forms = self.surface.get(t)
            # the commonest form, preferring one written with æ, ø or å over "ae", "oe", "aa"
            out.append(min(forms, key=lambda w: (not _DANISH.intersection(w), -forms[w], w))
                       if forms else t)
        return out

    def label(self, idea: int) -> str:
        kws = self.keywords(idea)[:3]
        return ", ".join(kws)

    def representative(self, idea: int) -> str:
        it = self.ideas[idea]
        return it.best[1] if it.best else (it.members[0] if it.members else "")

    # --- serialisation ------------------------------------------------------------------
    def to_json(self) -> dict:
        """The index as JSON data, except each idea's members, a :class:`Members` (a million
        proposals' ids made into strings at once took 0.5 GB): encode it with
        ``json.dumps(..., default=json_default)``, which writes each as a list, one at a
        time."""
        return {
            "params": self.params.__dict__, "df": dict(self.df), "n_docs": self.n_docs,
            "ideas": [{"leader": it.leader, "members": it.members, "weights": it.weights,
                       "norm2": it.norm2,
                       "best": list(it.best) if it.best else None, "text": it.text,
                       "text_da": it.text_da, "wordings": [list(w) for w in it.wordings]}
                      for it in self.ideas],
            "surface": self.surface, "synonyms": self.synonyms,
            # as they stand: an idea is found through the top terms of every wording that
            # joined it, not only its leader's, and its norm was summed as members came
            # (rebuilt from the leaders, a loaded index placed proposals elsewhere than the
            # index it was saved from)
            "buckets": self.buckets,
        }

    @classmethod
    def from_json(cls, data: dict) -> IdeaIndex:
        index = cls(params=IdeaParams(**data["params"]))
        index.synonyms = dict(data.get("synonyms", {}))
        index.df = Counter({k: int(v) for k, v in data["df"].items()})
        index.n_docs = int(data["n_docs"])
        for it in data["ideas"]:
            best = it["best"]
            index.ideas.append(_Idea(leader={k: float(v) for k, v in it["leader"].items()},
                                     members=Members(it["members"]),
                                     weights={k: float(v) for k, v in
                                              it["weights"].items()},
                                     best=(float(best[0]), str(best[1])) if best else None,
                                     text=it.get("text", ""), text_da=it.get("text_da", ""),
                                     wordings=[(str(t), int(c)) for t, c in
                                               it.get("wordings", ())]))
        for it, saved in zip(index.ideas, data["ideas"], strict=True):
            it.norm2 = (float(saved["norm2"]) if "norm2" in saved
                        else math.fsum([w * w for w in it.weights.values()]))
        if "buckets" in data:
            index.buckets = {k: [int(i) for i in v] for k, v in data["buckets"].items()}
        else:  # a state saved before the buckets were
            for i, it in enumerate(index.ideas):
                for key in index._keys(it.leader, extra=1):
                    index.buckets.setdefault(key, []).append(i)
        index.surface = {k: {w: int(c) for w, c in v.items()}
                         for k, v in data["surface"].items()}
        return index
