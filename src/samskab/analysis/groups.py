"""Near-duplicate groups: exact copies and form-letter campaigns, found without listing pairs.

Pipeline (all numpy, see :mod:`samskab.analysis.hashing` for the signatures):

1. **Candidates by LSH banding.** The 128 one-permutation MinHash values of a response are cut
   into 25 bands of 5 (on the benchmark, 32 bands of 4 gave twice the candidate links for the
   same precision and recall). Responses whose band values agree fall into the same bucket;
   each bucket links every member to its *leader* (the earliest member), a star rather than a
   clique, so a campaign of 100,000 copies gives 100,000 links per band, never 5·10⁹ pairs.
2. **Verification.** Each candidate link is checked on the whole signature: the share of equal
   bins estimates the Jaccard similarity J of the two shingle sets; a link is kept when
   J ≥ ``threshold`` or when the containment implied by J and the two lengths is high (a copy
   with a long personal addition still contains the letter).
3. **Grouping.** Connected components of the kept links (label propagation with pointer
   jumping, in numpy) are the groups; singletons are not groups.
4. **Canonical text and additions** (:func:`medoid`, :func:`build_template`,
   :func:`additions`): the canonical member agrees most with the others (a medoid over a
   sample); the template is the canonical's text without its own personal sentences; what
   each member added is the list of its sentences that match nothing in the template.
"""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from .hashing import EMPTY32, KERNEL, U64, fmix64

_M1 = U64(0x9E3779B97F4A7C15)
_BAND_SALT = U64(0xD6E8FEB86659FD93)


@dataclass(frozen=True)
class GroupParams:
    """Tuning of the grouping; the defaults are what the benchmark measures."""

    bands: int = 25
    rows: int = 5
    threshold: float = 0.5
    containment: float = 0.9
    min_words_for_containment: int = 25
    min_jaccard_for_containment: float = 0.4


def _band_multipliers(bins: int) -> np.ndarray:
    """Fixed odd 64-bit multipliers, one per bin (splitmix64 of the bin number)."""
    x = (np.arange(1, bins + 1, dtype=U64) * _M1)
    return fmix64(x) | U64(1)


_MULTIPLIERS = _band_multipliers(512)
_BAND_SALTS = np.arange(512, dtype=U64) * _BAND_SALT  # an array product wraps modulo 2**64


def band_keys(sig: np.ndarray, params: GroupParams = GroupParams(), block: int = 1 << 16
              ) -> np.ndarray:
    """``uint64[n, bands]`` bucket keys; row ``i`` is all-zero when response ``i`` is empty
    (see :func:`band_key`)."""
    keys = np.empty((len(sig), params.bands), dtype=U64)
    for b in range(params.bands):
        keys[:, b] = band_key(sig, params, b, block)
    return keys


def band_key(sig: np.ndarray, params: GroupParams, band: int, block: int = 1 << 16
             ) -> np.ndarray:
    """``uint64[n]`` bucket keys of one band; 0 for a response with no value in the band.

    A band's key is a linear form of its values with fixed odd multipliers (modulo 2**64),
    salted per band and mixed once: two different value tuples share a key with probability
    about 2**-63, and the work is a multiply and a sum per bin instead of a hash chain.
    """
    n, bins = sig.shape
    if params.bands * params.rows > bins:
        raise ValueError("bands × rows exceeds the signature length")
    first = band * params.rows
    mult = _MULTIPLIERS[first:first + params.rows]
    salt = _BAND_SALTS[band]
    keys = np.empty(n, dtype=U64)
    if KERNEL is not None and sig.dtype == np.uint32 and sig.flags.c_contiguous:
        # row by row in the compiled kernel (numpy reads the band's columns a row apart)
        KERNEL.band_key(sig, bins, first, np.ascontiguousarray(mult), int(salt), keys)
        return keys
    return reference_band_key(sig, first, mult, salt, keys, block)


def reference_band_key(sig: np.ndarray, first: int, mult: np.ndarray, salt: np.uint64,
                       keys: np.ndarray, block: int = 1 << 16) -> np.ndarray:
    """:func:`band_key` in numpy (what the kernel is tested against), into ``keys``."""
    n = len(sig)
    rows = len(mult)
    for a in range(0, n, block):
        part = sig[a:a + block, first:first + rows]
        acc = part[:, 0] * mult[0]  # uint32 × uint64: uint64, modulo 2**64
        common = part[:, 0].copy()
        for r in range(1, rows):  # one row of the band at a time
            acc += part[:, r] * mult[r]
            common &= part[:, r]
        acc += salt
        acc = fmix64(acc)
        acc |= U64(1)
        # a band with no value of its own (all bins empty) puts nobody in a bucket
        acc[common == EMPTY32] = 0
        keys[a:a + len(part)] = acc
    return keys


def candidate_links(sig: np.ndarray, params: GroupParams = GroupParams(), threads: int = 1
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Star links (leader, member) between responses sharing a bucket in any band, unique
    (each band's keys made and sorted on its own, in ``threads`` threads when more than one:
    the keys of all bands are never held at once)."""
    n, bands = len(sig), params.bands
    if n < 2:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    idx_bits = max(1, int(n - 1).bit_length())
    mask = U64((1 << idx_bits) - 1)
    index = np.arange(n, dtype=U64)

    def band(b: int) -> tuple[np.ndarray, np.ndarray] | None:
        col = band_key(sig, params, b)
        packed = np.sort((col & ~mask) | index)
        bucket = packed >> U64(idx_bits)
        member = (packed & mask).astype(np.int64)
        nonempty = (col != 0)[member]
        same = np.zeros(n, dtype=bool)
        same[1:] = bucket[1:] == bucket[:-1]
        same &= nonempty
        if not same.any():
            return None
        run_start = np.where(same, 0, np.arange(n))
        np.maximum.accumulate(run_start, out=run_start)
        leader = member[run_start]
        return leader[same].astype(np.int32), member[same].astype(np.int32)

    if threads > 1:
        with ThreadPoolExecutor(threads) as pool:
            found = [f for f in pool.map(band, range(bands)) if f is not None]
    else:
        found = [f for f in map(band, range(bands)) if f is not None]
    us = [f[0] for f in found]
    vs = [f[1] for f in found]
    del found
    if not us:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    pair = np.concatenate(us).astype(U64) << U64(32)
    pair |= np.concatenate(vs).astype(U64)
    del us, vs
    pair.sort()
    if len(pair) > 1:
        pair = pair[np.concatenate([[True], pair[1:] != pair[:-1]])]
    # int32 indices: half the memory of int64 for millions of links, and as good for indexing
    return (pair >> U64(32)).astype(np.int32), (pair & U64(0xFFFFFFFF)).astype(np.int32)


def low_bytes(sig: np.ndarray, bins: int | None = None) -> np.ndarray:
    """One mixed byte per bin of the first ``bins`` bins (a multiple of 8): a compact copy for
    the cheap first look at candidate pairs (b-bit minwise hashing, Li and König 2010), read
    as ``uint64[n, bins / 8]`` so that eight bins are compared in one operation."""
    part = sig[:, :bins] if bins else sig
    if part.shape[1] % 8:
        raise ValueError("low_bytes needs a multiple of 8 bins")
    out = np.empty(part.shape, dtype=np.uint8)
    for a in range(0, len(part), 1 << 16):  # in blocks: no full-size temporaries
        block = part[a:a + (1 << 16)]
        mixed = block ^ (block >> np.uint32(8))
        mixed ^= block >> np.uint32(16)
        mixed ^= block >> np.uint32(24)
        out[a:a + len(block)] = mixed  # the low byte
    return out.view(U64)


_LOW7 = U64(0x7F7F7F7F7F7F7F7F)


def _equal_bytes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row, how many of the bytes packed in ``a`` and ``b`` (``uint64[m, k]``) are equal:
    a zero byte of ``a ^ b`` becomes 0x80 by the exact SWAR zero-byte test, then popcount."""
    x = a ^ b
    y = (x & _LOW7) + _LOW7
    y |= x
    y |= _LOW7
    np.invert(y, out=y)
    return np.bitwise_count(y).sum(axis=1, dtype=np.int32)


def similarity(sig: np.ndarray, u: np.ndarray, v: np.ndarray, batch: int = 1 << 14,
               prefilter: float | None = None, sig8: np.ndarray | None = None) -> np.ndarray:
    """Estimated Jaccard similarity of each pair ``(u[i], v[i])``: the share of bins whose own
    minima are equal, among the bins not empty in both (one-permutation estimator).

    With ``prefilter``, pairs are first compared on one byte of the first 64 bins (``sig8``,
    see :func:`low_bytes`); pairs agreeing on less than that share get that rough estimate
    and skip the full comparison (they are far below any threshold). Pairs go in small
    batches, and full comparisons in 4,096s, so the gathered rows stay in the cache.
    """
    out = np.empty(len(u), dtype=np.float32)
    if prefilter is not None and sig8 is None:
        sig8 = low_bytes(sig, 64)
    if (prefilter is not None and KERNEL is not None and sig.dtype == np.uint32
            and sig.flags.c_contiguous and sig8.flags.c_contiguous and len(sig) < 1 << 31):
        # pair by pair in the compiled kernel, without the GIL (the same figures: a test
        # compares it with the numpy code below)
        KERNEL.pair_similarity(sig, sig8.view(np.uint8), np.ascontiguousarray(u, dtype=np.int32),
                               np.ascontiguousarray(v, dtype=np.int32), float(prefilter), out)
        return out
    return reference_similarity(sig, u, v, batch, prefilter, sig8, out)


def reference_similarity(sig: np.ndarray, u: np.ndarray, v: np.ndarray, batch: int = 1 << 14,
                         prefilter: float | None = None, sig8: np.ndarray | None = None,
                         out: np.ndarray | None = None) -> np.ndarray:
    """:func:`similarity` in numpy (what the kernel is tested against)."""
    if out is None:
        out = np.empty(len(u), dtype=np.float32)
    if prefilter is not None and sig8 is None:
        sig8 = low_bytes(sig, 64)
    for a in range(0, len(u), batch):
        bu, bv = u[a:a + batch], v[a:a + batch]
        if prefilter is None:
            out[a:a + batch] = _full_similarity(sig, bu, bv)
            continue
        rough = _equal_bytes(sig8[bu], sig8[bv]) / np.float32(8 * sig8.shape[1])
        full = np.flatnonzero(rough >= prefilter)
        if len(full):
            rough[full] = _full_similarity(sig, bu[full], bv[full])
        out[a:a + batch] = rough
    return out


_FULL_BATCH = 4096  # pairs: two gathered 2 MB blocks of 128-bin rows


def _count_true(mask: np.ndarray) -> np.ndarray:
    """Per row, how many entries of a C-contiguous boolean ``[m, k]`` array (k a multiple of
    8) are true: booleans are bytes 0/1, so a popcount of each 8-byte word counts them."""
    return np.bitwise_count(mask.view(U64)).sum(axis=1, dtype=np.int32)


def _full_similarity(sig: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """One-permutation estimator: equal own minima over the bins not empty in both (a
    borrowed value has its low bit set, see :func:`hashing.oph_signatures`)."""
    if len(u) > _FULL_BATCH:
        return np.concatenate([_full_similarity(sig, u[a:a + _FULL_BATCH], v[a:a + _FULL_BATCH])
                               for a in range(0, len(u), _FULL_BATCH)])
    a, b = sig[u], sig[v]
    one = np.uint32(1)
    equal = a == b
    equal &= (a & one) == 0
    both_empty = (a & b & one).view(np.int32).astype(bool)
    if sig.shape[1] % 8:
        eq, be = equal.sum(axis=1, dtype=np.int32), both_empty.sum(axis=1, dtype=np.int32)
    else:
        eq, be = _count_true(equal), _count_true(both_empty)
    return (eq / np.maximum(sig.shape[1] - be, 1)).astype(np.float32)


def accept(jaccard: np.ndarray, words_u: np.ndarray, words_v: np.ndarray,
           params: GroupParams = GroupParams()) -> np.ndarray:
    """Which verified pairs are near-duplicates: J over the threshold, or one text contains the
    other (containment from J and the word counts, for letters with long additions)."""
    j = jaccard.astype(np.float64)
    a = words_u.astype(np.float64)
    b = words_v.astype(np.float64)
    shorter = np.maximum(np.minimum(a, b), 1.0)
    longer = np.maximum(np.maximum(a, b), 1.0)
    # J cannot exceed shorter/longer: an estimate well above that means the lengths are no
    # guide (repeated words), so containment is not claimed.
    ratio = shorter / longer
    inter = j * (a + b) / (1.0 + j)
    contained = ((inter / shorter >= params.containment) & (j <= ratio + 0.05)
                 & (shorter >= params.min_words_for_containment)
                 & (j >= params.min_jaccard_for_containment))
    return (j >= params.threshold) | contained


def components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected components of the graph ``(range(n), u–v)``: the smallest member per node."""
    label = np.arange(n, dtype=np.int64)
    if len(u) == 0:
        return label
    while True:
        lu, lv = label[u], label[v]
        if np.array_equal(lu, lv):
            break
        low = np.minimum(lu, lv)
        np.minimum.at(label, lu, low)
        np.minimum.at(label, lv, low)
        while True:
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
    return label


def group_labels(sig: np.ndarray, words: np.ndarray, params: GroupParams = GroupParams(),
                 threads: int = 1) -> tuple[np.ndarray, dict]:
    """Group label per response (-1 when in no group) and counts for the summary.

    With ``threads`` > 1, the bands are sorted and the candidates verified in that many
    threads (numpy releases the GIL in the heavy work)."""
    u, v = candidate_links(sig, params, threads)
    sig8 = low_bytes(sig, 64)
    if threads > 1 and len(u) >= 1 << 17:  # a few hundred thousand links: worth a thread
        cuts = np.linspace(0, len(u), threads + 1).astype(np.int64)
        parts = list(zip(cuts[:-1], cuts[1:], strict=True))
        with ThreadPoolExecutor(threads) as pool:
            jac = np.concatenate(list(pool.map(
                lambda ab: similarity(sig, u[ab[0]:ab[1]], v[ab[0]:ab[1]], prefilter=0.3,
                                      sig8=sig8), parts)))
    else:
        jac = similarity(sig, u, v, prefilter=0.3, sig8=sig8)
    # accept() never takes a pair below both of these: judge only the others
    plausible = np.flatnonzero(jac >= min(params.min_jaccard_for_containment, params.threshold))
    ok = plausible[accept(jac[plausible], words[u[plausible]], words[v[plausible]], params)]
    label = components(len(sig), u[ok], v[ok])
    sizes = np.bincount(label, minlength=len(sig))
    out = np.where(sizes[label] >= 2, label, -1)
    return out, {"candidate_links": int(len(u)), "verified_links": int(len(ok))}


# --- canonical text, template and personal additions -------------------------------------

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)


def _fold_text(text: str) -> str:
    """Lower case with Danish letters as digraphs; same length as ``text`` is not needed."""
    return text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def sentences(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Sentences of ``text`` as ``(start, end, folded words)``, offsets into ``text``."""
    out = []
    for m in _SENTENCE.finditer(text):
        words = tuple(_WORD.findall(_fold_text(m.group())))
        if words:
            start, end = m.span()
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            out.append((start, end, words))
    return out


def sentence_keys(text: str) -> list[tuple[str, ...]]:
    """The folded words of each sentence of ``text`` (as :func:`sentences`, without offsets:
    the text is folded once, and folding keeps every sentence boundary)."""
    findall = _WORD.findall
    return [w for w in map(tuple, map(findall, _SENTENCE.findall(_fold_text(text)))) if w]


@dataclass
class Template:
    """The shared text of a group: its sentences (for matching) and vocabulary."""

    text: str
    sentence_keys: set[tuple[str, ...]]
    vocabulary: set[str]
    sentence_norms: set[str] = field(default_factory=set)  # lower case, spaces collapsed
    sentences_as_written: set[str] = field(default_factory=set)  # stripped, as in the text

    def is_personal(self, words: tuple[str, ...], min_words: int = 4) -> bool:
        """True when a sentence of a member is its own: long enough to be content (not a
        greeting or a name) and neither in the template nor an edited template sentence."""
        if len(words) < min_words or words in self.sentence_keys:
            return False
        vocab = self.vocabulary
        known = sum(1 for w in words if w in vocab)
        return known < 0.6 * len(words)


def _written_sentences(text: str, cache: dict[str, tuple[str, tuple[str, ...], str]]
                       ) -> list[tuple[str, tuple[str, ...], str]]:
    """Each sentence of ``text`` as ``(stripped, folded words, norm)``: what
    :func:`sentence_keys` and :func:`_norm` make of it. A sentence met before (the letter of a
    campaign) is taken from ``cache``, so it is folded and cut into words once."""
    raw = _SENTENCE.findall(text)
    if "Σ" in text:
        # a capital sigma's lower case depends on what follows it, so folding a sentence
        # alone may differ from folding the text: the words come from the whole text
        folded = _SENTENCE.findall(_fold_text(text))
        return [(r.strip(), tuple(_WORD.findall(f)), _norm(r.strip()))
                for r, f in zip(raw, folded, strict=True)]
    out = []
    for r in raw:
        entry = cache.get(r)
        if entry is None:
            f = _fold_text(r)
            entry = cache[r] = (r.strip(), tuple(_WORD.findall(f)), " ".join(f.split()))
        out.append(entry)
    return out


def build_template(canonical_text: str, others: list[str]) -> Template:
    """The canonical text without the sentences few other members share (its own additions),
    keeping the canonical text's own layout.

    A canonical sentence is shared when at least half of the sampled others have it verbatim
    or have a sentence with at least half its words (an edited copy: typos, swapped words,
    the synonyms of a mad-libs letter). The template's vocabulary is the kept sentences' words
    plus every word at least a quarter of the sample uses — the campaign's own words, so
    a member's sentence is personal only when it speaks in words of its own.
    """
    sents = sentences(canonical_text)
    vocab: set[str] = set()
    cache: dict[str, tuple[str, tuple[str, ...], str]] = {}
    other_sentences = [_written_sentences(t, cache) for t in others]
    if len(others) >= 2:
        seen: Counter[tuple[str, ...]] = Counter()
        word_count: Counter[str] = Counter()
        other_sets: list[list[set[str]]] = []
        for written in other_sentences:
            keys = {key for _, key, _ in written if key}
            seen.update(keys)
            word_count.update({w for key in keys for w in key})
            other_sets.append([set(k) for k in keys if len(k) >= 4])
        need = max(1, len(others) // 2)
        vocab = {w for w, c in word_count.items() if c >= max(2, len(others) // 4)}
        kept = []
        for start, end, key in sents:
            shared = seen.get(key, 0) >= need
            if not shared and len(key) >= 4:
                ks = set(key)
                half = 0.5 * len(ks)
                similar = sum(1 for sets in other_sets
                              if any(len(ks & k) >= half for k in sets))
                shared = similar >= need
            if shared:
                kept.append((start, end, key))
    else:
        kept = list(sents)
    if kept and len(kept) < len(sents):
        # cut the personal sentences out of the canonical text, layout otherwise untouched
        keep_spans = {(s, e) for s, e, _ in kept}
        parts, pos = [], 0
        for s, e, _ in sents:
            if (s, e) not in keep_spans:
                parts.append(canonical_text[pos:s].rstrip(" "))
                pos = e
        parts.append(canonical_text[pos:])
        text = re.sub(r"\n{3,}", "\n\n", "".join(parts)).strip()
    else:
        text = canonical_text.strip()
    for _, _, key in kept:
        vocab.update(key)
    norms = {_norm(canonical_text[s:e]) for s, e, _ in kept}
    # the kept sentences as the sample writes them too ("åben" where the canonical text has
    # "aaben"): what most members send is then found without folding
    as_written = {canonical_text[s:e] for s, e, _ in kept}
    for written in other_sentences:
        for sentence, _, norm in written:
            if sentence not in as_written and norm in norms:
                as_written.add(sentence)
    return Template(text=text, sentence_keys={k for _, _, k in kept}, vocabulary=vocab,
                    sentence_norms=norms, sentences_as_written=as_written)


def _norm(sentence: str) -> str:
    """Sentence key for verbatim matching: folded (æ/ae, ø/oe, å/aa alike), spaces collapsed."""
    return " ".join(_fold_text(sentence).split())


def additions(text: str, template: Template, seen: dict[str, bool] | None = None) -> str:
    """What a member added to the template: its personal sentences, joined, or ``""``.

    A sentence written exactly as in the template (the usual case) costs one set lookup; the
    others are folded and compared with the template's sentences and then its words. ``seen``
    remembers verdicts on sentences met before in the same group (greetings, stock phrases).
    """
    as_written = template.sentences_as_written
    norms = template.sentence_norms
    out = []
    for sentence in _SENTENCE.findall(text):
        sentence = sentence.strip()
        if not sentence or sentence in as_written:
            continue
        personal = seen.get(sentence) if seen is not None else None
        if personal is None:
            folded = " ".join(_fold_text(sentence).split())
            personal = (folded not in norms and folded.count(" ") >= 3
                        and template.is_personal(tuple(_WORD.findall(folded))))
            if seen is not None:
                seen[sentence] = personal
        if personal:
            out.append(sentence)
    return " ".join(out)


def build_templates(jobs: list[tuple[str, list[str]]]) -> list[Template]:
    """:func:`build_template` for each ``(canonical text, other members' texts)`` (one job of
    :class:`samskab.analysis.parallel.Workers`)."""
    return [build_template(canonical, others) for canonical, others in jobs]


def describe_batch(units: list[tuple[str, list[str], list[str]]], text_only: bool = False
                   ) -> list[tuple[Template, list[str]]]:
    """For each ``(canonical text, sampled members' texts, member texts)``: the group's
    template and each member text's additions to it (one job of
    :class:`samskab.analysis.parallel.Workers`). With ``text_only``, a template holds its text
    alone (for a caller that will not place more responses in the group)."""
    out = []
    for canonical, others, texts in units:
        template = build_template(canonical, others)
        seen: dict[str, bool] = {}
        found = [additions(t, template, seen) for t in texts]
        if text_only:
            template = Template(text=template.text, sentence_keys=set(), vocabulary=set())
        out.append((template, found))
    return out


def additions_batch(templates: list[Template], which: list[int], texts: list[str]) -> list[str]:
    """``additions(texts[i], templates[which[i]])`` for each ``i`` (one job of
    :class:`samskab.analysis.parallel.Workers`)."""
    seen: list[dict[str, bool]] = [{} for _ in templates]
    return [additions(t, templates[k], seen[k]) for k, t in zip(which, texts, strict=True)]


def medoid(sig: np.ndarray, members: np.ndarray, sample: int = 64) -> list[int]:
    """Sampled members, the one agreeing most with the others first (ties: the earliest)."""
    if len(members) <= 2:
        return [int(m) for m in members]
    step = max(1, len(members) // sample)
    cand = members[::step][:sample]
    rows = sig[cand]
    agree = (rows[:, None, :] == rows[None, :, :]).sum(axis=(1, 2))
    order = np.argsort(-agree, kind="stable")
    return [int(cand[k]) for k in order]
