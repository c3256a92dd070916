"""Vectorised word hashing, slot collapsing, shingling and one-permutation MinHash.

Shingling in Python costs about 10 s per 100,000 responses, so nothing here loops over words in
Python. A chunk of texts is joined, encoded as Latin-1 and mapped through a 256-byte table
(lower case, accents folded, ``ö``→``ø``, ``ä``→``æ``, punctuation to space) with
``bytes.translate``; word boundaries come from a boolean mask over the byte array; each word's
hash is a polynomial hash read off one cumulative sum (``Σ b_j·P^j`` over the word, multiplied
by ``P^-start``; arithmetic wraps modulo 2**64, ``P`` is odd so it has an inverse) and then mixed
with murmur3's finaliser. Word 3-shingles are mixed from neighbouring word hashes, and one
hash per shingle gives a 128-bin one-permutation MinHash (Li, Owen and Zhang 2012) filled with
``np.minimum.at``. Empty bins stay empty: verification leaves jointly empty bins out of its
estimate and a band with no value of its own makes no bucket, which on the benchmark was as
accurate as densification (Shrivastava 2017, still available) and 15 % cheaper.

Slot collapsing is how "mad-libs" campaigns, whose copies swap synonyms slot by slot, are
caught: a one-sided two-word context (the two words before, or the two after, a position) that
recurs in the data and is followed by only a few alternative words, each of them repeatedly, is a
template slot, and its alternatives a synonym class: each is replaced by the slot's commonest
alternative, so ``jeg [opfordrer|beder|anmoder] jer`` hashes the same in every copy, while
identical text stays identical and other words keep their identity. Slots are learnt from the
data (a deterministic sample), twice, so that slots next to slots are found too; nothing is tuned
to a particular letter.

All functions are deterministic: the seeds are constants of this module.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .parallel import spans

if TYPE_CHECKING:
    from .parallel import Workers

U64 = np.uint64
EMPTY32 = np.uint32(0xFFFFFFFF)
SIG_BINS = 128
SHINGLE_WORDS = 3

_P = 0x100000001B3 | 1  # odd, so invertible modulo 2**64
_P_INV = pow(_P, -1, 1 << 64)
_C1 = U64(0xFF51AFD7ED558CCD)
_C2 = U64(0xC4CEB9FE1A85EC53)
_M1 = U64(0x9E3779B97F4A7C15)
_M2 = U64(0xBF58476D1CE4E5B9)
_M3 = U64(0x94D049BB133111EB)
_SALT_SHORT = U64(0x27BB2EE687B0B0FD)
PARALLEL_CHARS = 1 << 23  # characters of text per job of a worker process
SIGN_PART_TEXTS = 20_000  # texts handed to the signing threads at a time
SIGN_WAITING_CHARS = 1 << 26  # characters handed over but not yet signed, at most
SUB_CHUNK_CHARS = 1 << 21  # characters hashed at a time (arrays that stay in the cache)


def fmix64(x: np.ndarray) -> np.ndarray:
    """Murmur3's 64-bit finaliser, applied element-wise (returns a new array)."""
    x = x ^ (x >> U64(33))
    x *= _C1
    x ^= x >> U64(33)
    x *= _C2
    x ^= x >> U64(33)
    return x


def _byte_table() -> tuple[bytes, bytes]:
    """Latin-1 byte → normalised byte; non-word bytes become a space.

    The second table is for texts that had to be encoded as UTF-8: bytes of multi-byte
    characters are kept as word bytes, unchanged.
    """
    special = {"ö": "ø", "ä": "æ", "ü": "u", "ß": "s", "ð": "d", "þ": "t"}
    table = bytearray(256)
    for b in range(256):
        c = chr(b)
        if not c.isalnum() or b in (0xAA, 0xB2, 0xB3, 0xB5, 0xB9, 0xBA, 0xBC, 0xBD, 0xBE):
            table[b] = 0x20
            continue
        low = c.lower()
        low = special.get(low, low)
        if low not in "æøå" and ord(low) > 0x7F:
            base = unicodedata.normalize("NFKD", low)[0]
            low = base if ord(base) < 0x80 else low
        table[b] = ord(low) if ord(low) < 256 else 0x20
    utf8 = bytearray(table)
    for b in range(0x80, 0x100):
        utf8[b] = b
    return bytes(table), bytes(utf8)


LATIN1_TABLE, UTF8_TABLE = _byte_table()

# Typographic punctuation outside Latin-1 that would otherwise force a UTF-8 encoding.
_UNICODE_PUNCT = dict.fromkeys((
    0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2018, 0x2019, 0x201a, 0x201c, 0x201d,
    0x201e, 0x2022, 0x2026, 0x2032, 0x2033, 0x2039, 0x203a, 0x20ac, 0x2122, 0x200b, 0x200c,
    0x200d, 0xfeff, 0x2028, 0x2029, 0x2002, 0x2003, 0x2009, 0x202f,
), " ")
_PUNCT_CODES = np.array(sorted(_UNICODE_PUNCT), dtype=np.uint32)  # for the kernel


def _encode_one(text: str) -> bytes:
    try:
        return text.encode("latin-1").translate(LATIN1_TABLE)
    except UnicodeEncodeError:
        pass
    text = text.translate(_UNICODE_PUNCT)
    try:
        return text.encode("latin-1").translate(LATIN1_TABLE)
    except UnicodeEncodeError:
        return text.lower().encode("utf-8").translate(UTF8_TABLE)


def encode_texts(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Normalised bytes of ``texts`` separated by spaces, and each text's start offset.

    All texts are encoded in one go as Latin-1; the few texts with other characters (a
    typographic dash, a Polish name) are found from the replacement marks and encoded one by
    one, so one such text does not send the whole chunk down the slow path."""
    raw, starts, normalised = encode_texts_raw(texts)
    return np.frombuffer(raw if normalised else raw.translate(LATIN1_TABLE), np.uint8), starts


def encode_texts_raw(texts: list[str]) -> tuple[bytes, np.ndarray, bool]:
    """:func:`encode_texts` with the byte normalisation left to the caller when the third
    value is false (``LATIN1_TABLE`` then maps the plain Latin-1 bytes): a worker process can
    do that half of the work."""
    joined = "\x00".join(texts)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    normalised = False
    try:
        raw = joined.encode("latin-1")
    except UnicodeEncodeError:
        raw, lengths = _encode_mixed(texts, joined, lengths)
        normalised = True
    starts = np.zeros(len(texts), dtype=np.int64)
    if len(texts) > 1:
        np.cumsum(lengths[:-1] + 1, out=starts[1:])
    return raw, starts, normalised


def _encode_mixed(texts: list[str], joined: str, lengths: np.ndarray
                  ) -> tuple[bytes, np.ndarray]:
    # one C-level pass: every character outside Latin-1 becomes "?" (one byte for one
    # character, so offsets hold), which the byte table maps to a space — right for the
    # typographic punctuation of text from Word, Outlook and the web („ “ ” ’ – — … • €);
    # only a text with a letter outside Latin-1 (a Polish name) is encoded again on its own
    replaced = joined.encode("latin-1", errors="replace")
    marks = np.flatnonzero(np.frombuffer(replaced, dtype=np.uint8) == ord("?"))
    punct = _UNICODE_PUNCT
    bad = [i for i in marks.tolist() if (c := joined[i]) != "?" and ord(c) not in punct]
    char_starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=char_starts[1:])
    bad_texts = np.unique(np.searchsorted(char_starts, bad, side="right") - 1).tolist()
    lengths = lengths.copy()
    parts, done = [], 0
    for k in bad_texts:
        if k > done:  # a run of plain texts, their separators included
            end = int(char_starts[k]) - 1
            parts.append(replaced[int(char_starts[done]):end].translate(LATIN1_TABLE))
        one = _encode_one(texts[k])
        parts.append(one)
        lengths[k] = len(one)
        done = k + 1
    if done < len(texts):
        parts.append(replaced[int(char_starts[done]):].translate(LATIN1_TABLE))
    return b" ".join(parts), lengths


_DIGRAPHS = ((ord("a"), ord("e"), 0xE6), (ord("o"), ord("e"), 0xF8), (ord("a"), ord("a"), 0xE5))


def _fold_digraphs(arr: np.ndarray, doc_starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``ae``→``æ``, ``oe``→``ø``, ``aa``→``å`` (Danish written without Danish letters), done
    on the byte array: the first byte is replaced and the second removed."""
    if len(arr) < 2:
        return arr, doc_starts
    first, second = arr[:-1], arr[1:]
    is_a = first == ord("a")
    pair = (is_a & ((second == ord("e")) | (second == ord("a")))) | (
        (first == ord("o")) & (second == ord("e")))
    if not pair.any():
        return arr, doc_starts
    pair[1:] &= ~pair[:-1]  # "aae": fold the first pair only
    where = np.flatnonzero(pair)
    out = arr.copy()
    nxt = arr[where + 1]
    out[where] = np.where(nxt == ord("a"), 0xE5, np.where(arr[where] == ord("a"), 0xE6, 0xF8))
    keep = np.ones(len(arr), dtype=bool)
    keep[where + 1] = False
    removed_before = np.searchsorted(where + 1, doc_starts)
    return out[keep], doc_starts - removed_before


class _Powers:
    """Cached powers of P and P^-1 modulo 2**64, grown on demand. Both arrays live in one
    tuple, swapped in one assignment, so threads always read a matching pair."""

    def __init__(self) -> None:
        self.arrays = (np.ones(1, dtype=U64), np.ones(1, dtype=U64))

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        arrays = self.arrays
        if len(arrays[0]) < n:
            size = max(n, 2 * len(arrays[0]))
            pw = np.full(size, _P, dtype=U64)
            pw[0] = 1
            pinv = np.full(size, _P_INV, dtype=U64)
            pinv[0] = 1
            arrays = (np.cumprod(pw, dtype=U64), np.cumprod(pinv, dtype=U64))
            self.arrays = arrays
        return arrays


_POWERS = _Powers()


def token_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the words of ``texts`` in order, and the number of words per text.

    Words are maximal runs of letters and digits after normalisation; the same word gives the
    same hash in every text and every run (computed by the compiled kernel when it is there,
    else by :func:`encoded_token_hashes`).
    """
    arr, starts = encode_texts(texts)
    if KERNEL is None:
        return encoded_token_hashes(arr, starts)
    doc_len = np.empty(len(starts), dtype=np.int64)
    h = np.frombuffer(KERNEL.word_hashes(arr, starts, doc_len), dtype=U64)
    return h, doc_len


def encoded_token_hashes(arr: np.ndarray, doc_starts: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`token_hashes` of texts already encoded by :func:`encode_texts`."""
    arr, doc_starts = _fold_digraphs(arr, doc_starts)
    n = len(arr)
    if n == 0:
        return np.zeros(0, dtype=U64), np.zeros(len(doc_starts), dtype=np.int64)
    word = arr != 0x20
    edge = np.empty(n + 1, dtype=bool)
    edge[0] = word[0]
    edge[n] = word[n - 1]
    np.not_equal(word[1:], word[:-1], out=edge[1:n])
    bounds = np.flatnonzero(edge)
    starts, ends = bounds[0::2], bounds[1::2]
    pw, pinv = _POWERS.get(n)
    csum = np.empty(n + 1, dtype=U64)
    csum[0] = 0
    np.multiply(arr, pw[:n], out=csum[1:], dtype=U64)
    np.cumsum(csum[1:], out=csum[1:])
    h = csum[ends] - csum[starts]
    h *= pinv[starts]
    h = fmix64(h)
    first_token = np.searchsorted(starts, doc_starts)
    doc_len = np.diff(np.append(first_token, len(starts))).astype(np.int64)
    return h, doc_len


def _doc_index(doc_len: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(doc_len), dtype=np.int64), doc_len)


def _pair_keys(h: np.ndarray) -> np.ndarray:
    """Key of each pair of neighbouring words ``(h[i], h[i+1])``; word hashes are already
    mixed, so a multiply and an xor make a good enough key."""
    return (h[:-1] * _M1) ^ h[1:]


def _same_doc2(doc: np.ndarray) -> np.ndarray:
    """``out[i]``: words ``i`` and ``i + 2`` belong to the same text."""
    return doc[:-2] == doc[2:]


def _context_positions(n: int, same2: np.ndarray, only: np.ndarray | None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Word positions that have a left context (two words before, in the same text) and those
    that have a right context, restricted to ``only`` when given."""
    left = np.flatnonzero(same2) + 2
    right = np.flatnonzero(same2)
    if only is not None:
        left = left[only[left]]
        right = right[only[right]]
    return left, right


def _near(hit: np.ndarray, doc: np.ndarray, reach: int = 2) -> np.ndarray:
    """Positions within ``reach`` words of a hit in the same text (a text's words never
    depend on its neighbour's, so a text's signature does not depend on how texts are cut
    into chunks)."""
    near = hit.copy()
    for d in range(1, reach + 1):
        same = doc[d:] == doc[:-d]
        near[d:] |= hit[:-d] & same
        near[:-d] |= hit[d:] & same
    return near


class _KeyTable:
    """An exact set of distinct ``uint64`` keys, each with a ``uint64`` value, for looking up
    millions of words at a time: each key sits at the slot its top bits name in a table of
    32 or more slots per key (so it stays in the cache), the few that collide in a small
    sorted overflow array. A query whose slot holds its key is a hit, an empty slot a miss;
    only the few that meet another key are looked up in the overflow. (A binary search of
    every query cost one random access per step.)"""

    EMPTY = U64(0x5A17E5A17E5A17E5)  # a slot's value when no key sits there

    def __init__(self, keys: np.ndarray, values: np.ndarray | None = None) -> None:
        keys = np.asarray(keys, dtype=U64)
        vals = np.zeros(len(keys), dtype=U64) if values is None else np.asarray(values, U64)
        self.bits = max(8, (32 * max(len(keys), 1) - 1).bit_length())
        self.table = np.full(1 << self.bits, self.EMPTY, dtype=U64)
        self.values = np.zeros(1 << self.bits, dtype=U64)
        home = self._home(keys)
        _, first = np.unique(home, return_index=True)
        placed = np.zeros(len(keys), dtype=bool)
        placed[first] = keys[first] != self.EMPTY
        self.table[home[placed]] = keys[placed]
        self.values[home[placed]] = vals[placed]
        order = np.argsort(keys[~placed])
        self.overflow = keys[~placed][order]
        self.overflow_values = vals[~placed][order]
        self.empty = len(keys) == 0

    def _home(self, keys: np.ndarray) -> np.ndarray:
        return (keys >> U64(64 - self.bits)).astype(np.intp)

    def find(self, keys: np.ndarray, with_values: bool = True
             ) -> tuple[np.ndarray, np.ndarray | None]:
        """Which ``keys`` are in the table, and (``with_values``) the value of each found."""
        if self.empty or len(keys) == 0:
            return np.zeros(len(keys), dtype=bool), np.zeros(len(keys), dtype=U64)
        pos = self._home(keys)
        slot = self.table[pos]
        hit = slot == keys
        values = self.values[pos] if with_values else None
        if len(self.overflow):
            other = np.flatnonzero((slot != self.EMPTY) > hit)  # another key's slot
            if len(other):
                q = keys[other]
                at = np.minimum(np.searchsorted(self.overflow, q), len(self.overflow) - 1)
                found = self.overflow[at] == q
                hit[other[found]] = True
                if values is not None:
                    values[other[found]] = self.overflow_values[at[found]]
        return hit, values


@dataclass
class SlotSide:
    """Slots of one side and pass: the context keys, and for each (context, alternative
    word) pair — as one mixed key, sorted — the word the alternative stands for."""

    contexts: np.ndarray
    pairs: np.ndarray
    canonical: np.ndarray

    @classmethod
    def empty(cls) -> SlotSide:
        z = np.zeros(0, dtype=U64)
        return cls(z, z, z)


def _pair_key(context: np.ndarray, word: np.ndarray) -> np.ndarray:
    return fmix64(context ^ (word * _M3))


@dataclass
class _SideTables:
    """A side's contexts, and its (context, alternative) pairs with their canonical words,
    as hash tables."""

    contexts: _KeyTable
    pairs: _KeyTable

    @classmethod
    def of(cls, side: SlotSide) -> _SideTables:
        return cls(_KeyTable(side.contexts), _KeyTable(side.pairs, side.canonical))


@dataclass
class SlotTable:
    """Template slots learnt from data: ``(left, right)`` sides, one pair per pass."""

    passes: list[tuple[SlotSide, SlotSide]] = field(default_factory=list)

    def to_arrays(self) -> dict[str, np.ndarray]:
        out = {}
        for i, sides in enumerate(self.passes):
            for name, side in zip(("left", "right"), sides, strict=True):
                out[f"slots_{i}_{name}_contexts"] = side.contexts
                out[f"slots_{i}_{name}_pairs"] = side.pairs
                out[f"slots_{i}_{name}_canonical"] = side.canonical
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> SlotTable:
        passes = []
        i = 0
        while f"slots_{i}_left_contexts" in arrays:
            sides = tuple(SlotSide(*(np.asarray(arrays[f"slots_{i}_{name}_{part}"], dtype=U64)
                                     for part in ("contexts", "pairs", "canonical")))
                          for name in ("left", "right"))
            passes.append(sides)
            i += 1
        return cls(passes)

    def kernel_passes(self) -> tuple[tuple[np.ndarray, ...], ...]:
        """The passes as the compiled kernel takes them: per pass, the left side's contexts,
        pairs and canonical words, then the right side's (contiguous ``uint64`` arrays)."""
        return tuple(tuple(np.ascontiguousarray(a, dtype=U64) for side in sides
                           for a in (side.contexts, side.pairs, side.canonical))
                     for sides in self.passes)

    def tables(self) -> list[tuple[_SideTables, _SideTables]]:
        cached = getattr(self, "_tables", None)
        if cached is None or len(cached) != len(self.passes):
            cached = [(_SideTables.of(a), _SideTables.of(b)) for a, b in self.passes]
            self._tables = cached
        return cached

    @property
    def size(self) -> int:
        return sum(len(a.contexts) + len(b.contexts) for a, b in self.passes)


def _unique_counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique values and their counts (sort-based: faster than np.unique here)."""
    ordered = np.sort(keys)
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def _slot_side(keys: np.ndarray, mids: np.ndarray, *, min_count: int, max_alternatives: int,
               min_share: float) -> SlotSide:
    """Contexts that behave like template slots (see the module docstring): seen at least
    ``min_count`` times, followed by 2..``max_alternatives`` words that each take at least
    ``min_share`` of its occurrences and together at least 80 %. Each alternative stands for
    the commonest one (ties: the smaller hash)."""
    if len(keys) == 0:
        return SlotSide.empty()
    ukeys, kcount = _unique_counts(keys)
    frequent_keys = ukeys[kcount >= min_count]
    if len(frequent_keys) == 0:
        return SlotSide.empty()
    total = kcount[kcount >= min_count].astype(np.float64)
    pos = np.searchsorted(frequent_keys, keys)
    pos[pos == len(frequent_keys)] = 0
    keep = frequent_keys[pos] == keys
    kid = pos[keep]
    kept_mids = mids[keep]
    # (context, middle word) pairs: count them, and find one occurrence of each (any will do)
    pair_of_position = _pair_key(frequent_keys[kid], kept_mids)
    upairs, pcount = _unique_counts(pair_of_position)
    where = np.empty(len(upairs), dtype=np.intp)
    where[np.searchsorted(upairs, pair_of_position)] = np.arange(len(pair_of_position))
    pk = kid[where].astype(np.int64)
    pmid = kept_mids[where]
    alternative = pcount >= np.maximum(2.0, min_share * total[pk])
    n_alt = np.bincount(pk[alternative], minlength=len(frequent_keys))
    covered = np.bincount(pk[alternative], weights=pcount[alternative],
                          minlength=len(frequent_keys))
    ok = (n_alt >= 2) & (n_alt <= max_alternatives) & (covered >= 0.8 * total)
    chosen = alternative & ok[pk]
    pk, pmid, pcount, pair = pk[chosen], pmid[chosen], pcount[chosen], upairs[chosen]
    if len(pk) == 0:
        return SlotSide.empty()
    order = np.lexsort((pmid, -pcount, pk))  # per context: commonest alternative first
    head = order[np.concatenate([[True], pk[order][1:] != pk[order][:-1]])]
    canon_of = np.empty(len(frequent_keys), dtype=U64)
    canon_of[pk[head]] = pmid[head]
    # ``pair`` is still sorted (a subset of the sorted unique pairs)
    return SlotSide(contexts=np.sort(frequent_keys[ok]), pairs=pair, canonical=canon_of[pk])


def _replace(out: np.ndarray, where: np.ndarray, contexts: np.ndarray, pairs: _KeyTable,
             done: np.ndarray) -> None:
    """Put each learnt alternative at ``where`` (context ``contexts``) to its slot's word."""
    if len(where) == 0:
        return
    found, canonical = pairs.find(_pair_key(contexts, out[where]))
    out[where[found]] = canonical[found]
    done[where[found]] = True


def _apply_pass(h: np.ndarray, same2: np.ndarray, tables: tuple[_SideTables, _SideTables],
                only: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """One pass of slot canonicalisation; returns the new hashes and the positions changed
    (words already canonical count too: their neighbours' contexts are what changed)."""
    n = len(h)
    done = np.zeros(n, dtype=bool)
    if n < 3:
        return h, done
    pk = _pair_keys(h)
    left_tables, right_tables = tables
    # dense masks over every position: later passes look near most words of a campaign
    # letter anyway (three quarters on the benchmark), where index arrays cost more
    cand_l = np.zeros(n, dtype=bool)
    cand_l[2:] = left_tables.contexts.find(pk[:-1], False)[0] & same2
    cand_r = np.zeros(n, dtype=bool)
    cand_r[:-2] = right_tables.contexts.find(pk[1:], False)[0] & same2
    if only is not None:
        cand_l &= only
        cand_r &= only
    left = np.flatnonzero(cand_l)
    right = np.flatnonzero(cand_r)
    if len(left) == 0 and len(right) == 0:
        return h, done
    out = h.copy()
    _replace(out, left, pk[left - 2], left_tables.pairs, done)
    right = right[~done[right]]
    _replace(out, right, pk[right + 1], right_tables.pairs, done)
    return out, done


def learn_slots(h: np.ndarray, doc_len: np.ndarray, *, passes: int = 2, min_count: int = 8,
                max_alternatives: int = 6, min_share: float = 0.08) -> SlotTable:
    """Learn template slots from word hashes of a sample of texts (see module docstring).

    Pass 1 looks at every word; later passes only at words near a slot found before (their
    contexts are the only ones that changed), both here and in :func:`collapse_slots`.
    Computed by the compiled kernel (counting in hash maps, without the GIL) when it is there,
    else by :func:`reference_learn_slots`; the tables are the same.
    """
    if KERNEL is None:
        return reference_learn_slots(h, doc_len, passes=passes, min_count=min_count,
                                     max_alternatives=max_alternatives, min_share=min_share)
    found = KERNEL.learn_slots(np.ascontiguousarray(h, dtype=U64),
                               np.ascontiguousarray(doc_len, dtype=np.int64), passes,
                               min_count, max_alternatives, float(min_share))
    return SlotTable([(SlotSide(*(np.frombuffer(b, dtype=U64) for b in sides[:3])),
                       SlotSide(*(np.frombuffer(b, dtype=U64) for b in sides[3:])))
                      for sides in found])


def reference_learn_slots(h: np.ndarray, doc_len: np.ndarray, *, passes: int = 2,
                          min_count: int = 8, max_alternatives: int = 6,
                          min_share: float = 0.08) -> SlotTable:
    """:func:`learn_slots` in numpy (what the kernel is tested against)."""
    table = SlotTable()
    if len(h) < 3:
        return table
    doc = _doc_index(doc_len)
    same2 = _same_doc2(doc)
    only = None
    kw = {"min_count": min_count, "max_alternatives": max_alternatives, "min_share": min_share}
    with ThreadPoolExecutor(2) as pool:  # both sides at once (numpy sorts without the GIL)
        for _ in range(passes):
            pk = _pair_keys(h)
            left, right = _context_positions(len(h), same2, only)
            lefts = pool.submit(_slot_side, pk[left - 2], h[left], **kw)
            rights = _slot_side(pk[right + 1], h[right], **kw)
            sides = (lefts.result(), rights)
            table.passes.append(sides)
            h, done = _apply_pass(h, same2, (_SideTables.of(sides[0]),
                                             _SideTables.of(sides[1])), only)
            only = _near(done, doc)
    return table


def collapse_slots(h: np.ndarray, doc_len: np.ndarray, table: SlotTable | None) -> np.ndarray:
    """Replace each learnt alternative in a template slot by the slot's commonest word."""
    if table is None or not table.passes or len(h) < 3:
        return h
    doc = _doc_index(doc_len)
    same2 = _same_doc2(doc)
    only = None
    for tables in table.tables():
        h, done = _apply_pass(h, same2, tables, only)
        only = _near(done, doc)
    return h


def shingle_hashes(h: np.ndarray, doc_len: np.ndarray, k: int = SHINGLE_WORDS
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of word k-shingles per text; a text shorter than k words gives one shingle."""
    n = len(h)
    doc = _doc_index(doc_len)
    if n >= k:
        mix = h[: n - k + 1] * _M1
        for j, m in zip(range(1, k), (_M2, _M3, _M1), strict=False):
            mix = (mix ^ (mix >> U64(29))) + h[j: n - k + 1 + j] * m
        valid = doc[: n - k + 1] == doc[k - 1:]
        sh = fmix64(mix[valid])
        sh_doc = doc[: n - k + 1][valid]
    else:
        sh = np.zeros(0, dtype=U64)
        sh_doc = np.zeros(0, dtype=np.int64)
    short = np.flatnonzero((doc_len > 0) & (doc_len < k))
    if len(short):
        offsets = np.concatenate([[0], np.cumsum(doc_len)])
        extra = np.empty(len(short), dtype=U64)
        for i, d in enumerate(short):
            acc = U64(0)
            for x in h[offsets[d]: offsets[d + 1]]:
                acc = U64((int(acc) * int(_M1) + int(x)) & 0xFFFFFFFFFFFFFFFF)
            extra[i] = acc ^ _SALT_SHORT
        sh = np.concatenate([sh, fmix64(extra)])
        sh_doc = np.concatenate([sh_doc, short])
        order = np.argsort(sh_doc, kind="stable")
        sh, sh_doc = sh[order], sh_doc[order]
    counts = np.bincount(sh_doc, minlength=len(doc_len)).astype(np.int64)
    return sh, counts


def oph_signatures(sh: np.ndarray, sh_counts: np.ndarray, bins: int = SIG_BINS,
                   densify: bool = False) -> np.ndarray:
    """One-permutation MinHash signatures, ``uint32[n_texts, bins]``.

    A bin's own minimum has its low bit clear; an empty bin is ``0xFFFFFFFF`` or, with
    ``densify``, a value borrowed from the next non-empty bin with the low bit set — either
    way verification can tell it apart and leave jointly empty bins out of the estimate. A
    text with no shingles keeps an all-``0xFFFFFFFF`` row (never grouped).
    """
    n_docs = len(sh_counts)
    bits = int(bins).bit_length() - 1
    if 1 << bits != bins:
        raise ValueError("bins must be a power of two")
    sig = np.full(n_docs * bins, EMPTY32, dtype=np.uint32)
    if len(sh):
        doc = _doc_index(sh_counts)
        idx = doc * bins + (sh >> U64(64 - bits)).astype(np.int64)
        # the low bit is 0 for a bin's own minimum and 1 for a borrowed (densified) value
        val = ((sh >> U64(16)) & U64(0xFFFFFFFE)).astype(np.uint32)
        np.minimum.at(sig, idx, val)
    sig = sig.reshape(n_docs, bins)
    if densify:
        empty = sig == EMPTY32
        partial = np.flatnonzero(empty.any(axis=1) & ~empty.all(axis=1))
        if len(partial):
            sig[partial] = _densify(sig[partial], empty[partial])
    return sig


def _densify(rows: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """Fill each empty bin from the next non-empty bin to its right (circularly), mixed with
    the distance so borrowed values do not look like native ones."""
    m, bins = rows.shape
    col = np.arange(2 * bins)
    filled = np.where(np.concatenate([~empty, ~empty], axis=1), col, 2 * bins * 2)
    nearest = np.minimum.accumulate(filled[:, ::-1], axis=1)[:, ::-1][:, :bins]
    dist = (nearest - col[:bins]).astype(U64)
    src = rows[np.arange(m)[:, None], nearest % bins].astype(U64)
    mixed = (fmix64(src * _M1 + dist * _M2) >> U64(32)).astype(np.uint32) | np.uint32(1)
    return np.where(empty, mixed, rows)


def _sub_chunks(texts: list[str], max_chars: int = SUB_CHUNK_CHARS,
                sizes: list[int] | None = None) -> list[tuple[int, int]]:
    """Split ``texts`` into runs of about ``max_chars`` characters: small arrays stay in cache
    and fresh memory (slow to fault in on some machines) is rarely needed. ``sizes``: each
    text's length plus one, when the caller has them already."""
    return spans(sizes if sizes is not None else [len(t) + 1 for t in texts], max_chars)


def _kernel():
    """The compiled kernel (:mod:`samskab.analysis._kernel`), or None where it was not built
    (the numpy functions of this module then do the work, with the same results)."""
    try:
        from . import _kernel as kernel
    except ImportError:  # pragma: no cover - every install builds it (setup.py)
        return None
    return kernel


KERNEL = _kernel()


def _threads(workers: Workers | None) -> int:
    return max(1, min(workers.n if workers is not None else os.cpu_count() or 1, 8))


@dataclass
class Prepared:
    """The slot table and signatures of a batch, computed before ``Analyser.fit`` by the
    functions of this module (``samskab analyse`` computes them while it reads its input);
    ``seconds`` holds what the computing cost beside the reading (``slots``,
    ``signatures``)."""

    slots: SlotTable
    sig: np.ndarray
    words: np.ndarray
    seconds: dict[str, float] = field(default_factory=dict)


class Signer:
    """Signatures of ``n`` texts computed chunk by chunk as the texts come (the compiled
    kernel only): ``add(first, texts)`` hands texts ``first``, ``first + 1``, … to the
    threads of ``pool``, which encode and hash them without the GIL (``add_lines`` hands
    the JSON lines that hold them, whose ``text`` members the kernel signs from their
    bytes); ``finish(text_of)`` waits for them and signs the few texts the kernel left (a
    letter outside Latin-1, a Polish name, encoded as UTF-8 here; a line it could not read
    with certainty), then returns ``(sig, words)``. ``slots`` is the slot table or a future
    of it: a job waits for the table before it starts."""

    def __init__(self, n: int, slots, pool: ThreadPoolExecutor, bins: int = SIG_BINS) -> None:
        if KERNEL is None:  # pragma: no cover - every install builds the kernel
            raise RuntimeError("Signer needs the compiled kernel")
        self.sig = np.empty((n, bins), dtype=np.uint32)
        self.words = np.empty(n, dtype=np.int64)
        self._slots = slots
        self._passes = None
        self._pool = pool
        self._pending: list = []
        self._waiting: deque = deque()  # (job, characters) not yet seen done, oldest first
        self._waiting_chars = 0

    def passes(self) -> tuple:
        if self._passes is None:  # the same tuple for every job (set once, by any thread)
            table = self._slots.result() if hasattr(self._slots, "result") else self._slots
            self._passes = table.kernel_passes() if table is not None else ()
        return self._passes

    def _sign(self, texts: list[str], a: int) -> list[int]:
        b = a + len(texts)
        found = KERNEL.text_signatures(texts, LATIN1_TABLE, _PUNCT_CODES, self.passes(),
                                       self.sig[a:b], self.words[a:b])
        return [a + k for k in found]

    def _sign_lines(self, data: bytes, starts: np.ndarray, ends: np.ndarray, a: int
                    ) -> list[int]:
        b = a + len(starts)
        found = KERNEL.line_signatures(data, starts, ends, LATIN1_TABLE, _PUNCT_CODES,
                                       self.passes(), self.sig[a:b], self.words[a:b])
        return [a + k for k in found]

    def add(self, first: int, texts: list[str], max_waiting_chars: int | None = None) -> None:
        """Hand texts ``first``, ``first + 1``, … to the threads; with ``max_waiting_chars``,
        then wait until no more than that many characters wait to be signed (so that a
        reader faster than the threads does not pile up texts in memory)."""
        sizes = [len(t) + 1 for t in texts]
        for a, b in _sub_chunks(texts, sizes=sizes):
            self._submit(sum(sizes[a:b]), self._sign, texts[a:b], first + a)
        self._wait(max_waiting_chars)

    def add_lines(self, first: int, data: bytes, starts: np.ndarray, ends: np.ndarray,
                  max_waiting_bytes: int | None = None) -> None:
        """Hand the texts of the JSON lines ``data[starts[k]:ends[k]]`` (int64 offsets),
        records ``first + k``, to one thread, which takes each line's ``text`` member from
        its bytes; with ``max_waiting_bytes``, then wait until no more than that many bytes
        of lines wait to be signed. A line the kernel leaves (see ``line_signatures``) is
        signed by :meth:`finish`, from ``text_of``."""
        self._submit(len(data), self._sign_lines, data, starts, ends, first)
        self._wait(max_waiting_bytes)

    def _submit(self, size: int, sign, *args) -> None:
        job = self._pool.submit(sign, *args)
        self._pending.append(job)
        self._waiting.append((job, size))
        self._waiting_chars += size

    def _wait(self, max_waiting: int | None) -> None:
        while self._waiting and (self._waiting[0][0].done() or (
                max_waiting is not None and self._waiting_chars > max_waiting)):
            job, size = self._waiting.popleft()
            job.exception()  # wait for it (an error is raised by finish)
            self._waiting_chars -= size

    def left(self) -> list[int]:
        """Wait for every job handed over so far; the texts the kernel left for
        :meth:`finish` (indexes, rising)."""
        return [i for job in self._pending for i in job.result()]

    def finish(self, text_of) -> tuple[np.ndarray, np.ndarray]:
        other = self.left()
        self._pending = []
        if other:
            arr, starts = encode_texts([text_of(i) for i in other])
            rows = np.empty((len(other), self.sig.shape[1]), dtype=np.uint32)
            counts = np.empty(len(other), dtype=np.int64)
            KERNEL.signatures(arr, starts, self.passes(), rows, counts)
            self.sig[other] = rows
            self.words[other] = counts
        sig, words = self.sig, self.words
        del self.sig, self.words  # the caller's now (it may let them go early)
        return sig, words

    def cancel(self) -> None:
        for job in self._pending:
            job.cancel()
        for job in self._pending:
            if not job.cancelled():
                job.exception()  # wait: a running job writes into the arrays
        self._pending = []


def text_digests(texts: Sequence[str]) -> list[bytes]:
    """A 16-byte digest of each text, to know exact copies without holding the texts: the
    kernel's (a fast non-cryptographic hash), else BLAKE2b (the same verdicts, other
    bytes)."""
    if KERNEL is not None:
        joined = KERNEL.text_digests(texts)
        return [joined[k:k + 16] for k in range(0, len(joined), 16)]
    return [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest()
            for t in texts]


def signatures(texts: list[str], slots: SlotTable | None = None, bins: int = SIG_BINS,
               workers: Workers | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Signatures of ``texts`` (``uint32[n, bins]``) and their word counts (``int64[n]``).

    With the compiled kernel, threads of this process (as many as ``workers`` has processes,
    else one per CPU) each take a chunk of texts and encode and hash it without the GIL; no
    text is copied to another process. The few texts with a letter outside Latin-1 are
    encoded here (as UTF-8) and hashed after. Without the kernel, numpy in this thread. The
    result is the same either way."""
    if KERNEL is None:
        return reference_signatures(texts, slots, bins)
    with ThreadPoolExecutor(_threads(workers)) as pool:
        signer = Signer(len(texts), slots, pool, bins)
        # handed over a part at a time, with a bound on the characters waiting: ``texts``
        # may be read from a file (``textfile.TextFile``), whose slices are new lists
        for first in range(0, len(texts), SIGN_PART_TEXTS):
            signer.add(first, texts[first:first + SIGN_PART_TEXTS], SIGN_WAITING_CHARS)
        return signer.finish(texts.__getitem__)


def _chunk_signatures(arr: np.ndarray, doc_starts: np.ndarray, slots: SlotTable | None,
                      bins: int) -> tuple[np.ndarray, np.ndarray]:
    h, doc_len = encoded_token_hashes(arr, doc_starts)
    h = collapse_slots(h, doc_len, slots)
    sh, counts = shingle_hashes(h, doc_len)
    return oph_signatures(sh, counts, bins), doc_len


def reference_signatures(texts: list[str], slots: SlotTable | None = None,
                         bins: int = SIG_BINS) -> tuple[np.ndarray, np.ndarray]:
    """:func:`signatures` computed by the numpy functions of this module alone (what the
    compiled kernel is tested against)."""
    sig = np.empty((len(texts), bins), dtype=np.uint32)
    words = np.empty(len(texts), dtype=np.int64)
    for a, b in _sub_chunks(texts):
        sig[a:b], words[a:b] = _chunk_signatures(*encode_texts(texts[a:b]), slots, bins)
    return sig, words


SLOT_SAMPLE_DOCS = 8_000


def slot_sample(n: int, max_docs: int = SLOT_SAMPLE_DOCS) -> range:
    """Indexes of the evenly spaced, deterministic sample of ``n`` texts that slots are
    learnt from."""
    return range(0, n, max(1, n // max_docs))[:max_docs]


def sample_token_hashes(sample: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Word hashes of the texts of a slot sample, two pieces at once (both work without the
    GIL)."""
    parts = _sub_chunks(sample)
    with ThreadPoolExecutor(2) as pool:
        found = list(pool.map(lambda ab: token_hashes(sample[ab[0]:ab[1]]), parts))
    hs = [h for h, _ in found]
    lens = [dl for _, dl in found]
    if not hs:
        return np.zeros(0, dtype=U64), np.zeros(0, dtype=np.int64)
    return np.concatenate(hs), np.concatenate(lens)


def slots_of_sample(sample: list[str]) -> SlotTable:
    """The slot table learnt from the texts of :func:`slot_sample`."""
    return learn_slots(*sample_token_hashes(sample))


def slots_of(texts: list[str]) -> SlotTable:
    """The slot table of a batch of texts, learnt from its sample."""
    return slots_of_sample([texts[i] for i in slot_sample(len(texts))])


def signatures_from_arrays(texts: list[str], slot_arrays: dict[str, np.ndarray],
                           bins: int = SIG_BINS) -> tuple[np.ndarray, np.ndarray]:
    """Same as :func:`signatures`, with the slot table as plain arrays (for Dask workers)."""
    return signatures(texts, SlotTable.from_arrays(slot_arrays) if slot_arrays else None, bins)
