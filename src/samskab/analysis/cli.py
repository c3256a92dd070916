"""``samskab analyse FILE.jsonl --out DIR [--stages ...] [--dask ADDRESS]`` (see contracts).

Reads responses (one JSON object a line: ``id`` and ``text`` required), runs the engine and
writes ``responses.jsonl``, ``groups.jsonl``, ``ideas.jsonl``, ``summary.json`` and
``rejected.jsonl`` to DIR. Exit 0; 3 when some lines were rejected (each with its line number
and reason); 2 on a usage error, with a one-line message. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.util
import io
import itertools
import json
import mmap
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import msgspec

from .parallel import Workers
from .types import (
    RESPONDENT_KINDS,
    STAGES,
    AnalysisResult,
    Record,
    RecordHead,
    ResponseAnalysis,
)

if TYPE_CHECKING:
    import numpy as np

    from .tags import Theme

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_REJECTED = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints usage too)
        self.exit(EXIT_USAGE, f"samskab analyse: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="samskab analyse",
                description="Analyse consultation responses from a JSONL file: groups of "
                            "near-duplicates, proposals, ideas and tags. Needs no database.")
    p.add_argument("file", metavar="FILE.jsonl", help="responses, one JSON object a line")
    p.add_argument("--out", required=True, metavar="DIR", help="directory for the results")
    p.add_argument("--stages", default=",".join(STAGES),
                   help="comma-separated stages to run (default: all): " + ",".join(STAGES))
    p.add_argument("--dask", metavar="ADDRESS", default=None,
                   help="compute the signature stage on this Dask scheduler")
    p.add_argument("--themes", metavar="FILE.json", default=None,
                   help='themes as [{"slug": ..., "keywords": [...]}] for theme:<slug> tags')
    p.add_argument("--workers", type=int, default=None,
                   help="worker processes for the stages that work text by text (default: "
                        "one per CPU; large inputs only, small ones stay in one process)")
    return p


# bytes of the input file read and decoded at a time: a decode holds the GIL, which the
# threads signing the parts read before wait for (2 MB: a third of the waiting of 8 MB parts)
READ_PART_BYTES = 1 << 21
EARLY_WORKERS_BYTES = 1 << 24  # from this size on, the workers start while the file is read
# characters read but not yet signed, at most: reading waits for the signing threads beyond
# (bytes of lines when the kernel signs the lines' texts from their bytes)
EARLY_WAITING_CHARS = 1 << 26

_RECORDS = msgspec.json.Decoder(Record)
_SURROGATE = re.compile("[\ud800-\udfff]")
_TWO_ON_A_LINE = re.compile(rb"\}[ \t]*\{")


def _reason(obj: object) -> str | None:
    """Why a parsed line is not a valid response (duplicate ids aside), or None."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    if not isinstance(obj.get("id"), str) or not obj["id"].strip():
        return "missing or empty id"
    if not isinstance(obj.get("text"), str):
        return "missing text"
    if obj.get("respondent_kind") not in (None, *RESPONDENT_KINDS):
        return f"unknown respondent_kind {obj['respondent_kind']!r}"
    for key in ("language", "organisation"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            return f"{key} must be a string"
    for key in ("id", "text", "language", "organisation"):
        # JSON may spell half of a surrogate pair alone ("\ud800"): that is no character,
        # and no text with it can be stored, hashed or written back as UTF-8
        if isinstance(obj.get(key), str) and _SURROGATE.search(obj[key]):
            return f"{key} holds a lone surrogate escape (not a Unicode character)"
    return None


Part = tuple[list[Record], list[int] | None, list[dict], int]


def parse_part(path: str, start: int, end: int, known: tuple[int, bool] | None = None
               ) -> Part:
    """Parse bytes ``start:end`` of ``path`` (whole lines): the valid responses, the line
    number of each (None when they are lines 1, 2, 3 … in order), the rejected lines and how
    many lines the part holds; line numbers count from 1 within the part. ``known``: the
    part's number of lines and whether none of them is odd, from :func:`scan_lines`.

    A part whose lines are all valid responses in valid UTF-8 (the usual case) is decoded in
    one call, straight into records, whose types the decoder checks. Any other part is read
    line by line, as a text file with universal newlines reads it, and each bad line is
    reported with its reason."""
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    if known is not None:
        lines, clean = known
    else:
        import numpy as np  # here: the worker processes start before this process imports it

        # (numpy counts the line feeds of 8 MB in half the time of bytes.count)
        lines = int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == 0x0A))
        lines += 1 if data and not data.endswith(b"\n") else 0
        # The decoder reads JSON values separated by any white space, not line by line.
        # When no line ends with a lone CR and no "}" is followed by "{" on the same line
        # (so no line holds two objects; rarely, text inside a string also matches, which
        # only costs the slow path), as many records as lines means one record on each line.
        lone_cr = b"\r" in data and data.count(b"\r") != data.count(b"\r\n")
        clean = not lone_cr and not _TWO_ON_A_LINE.search(data)
    if clean:
        try:
            records = _RECORDS.decode_lines(data)
        except (msgspec.MsgspecError, ValueError):  # bad JSON, a bad field, bad UTF-8
            pass
        else:
            if len(records) == lines:  # no blank line: record k is line k
                return records, None, [], lines
    return _parse_lines(data)


def _parse_lines(data: bytes) -> Part:
    records: list[Record] = []
    line_of: list[int] = []
    rejected: list[dict] = []
    loads = json.loads
    k = 0
    # decoded as the file would be (incrementally: a StringIO of the whole part took 4× the CPU)
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline=None)
    for k, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = loads(line)
        except json.JSONDecodeError as exc:
            rejected.append({"line": k, "reason": f"not JSON: {exc.msg}"})
            continue
        reason = _reason(obj)
        if reason:
            entry = {"line": k, "reason": reason}
            if (isinstance(obj, dict) and isinstance(obj.get("id"), str)
                    and not _SURROGATE.search(obj["id"])):
                entry["id"] = obj["id"]
            rejected.append(entry)
            continue
        get = obj.get
        records.append(Record(obj["id"], obj["text"], get("language"), get("respondent_kind"),
                              get("organisation")))
        line_of.append(k)
    return records, line_of, rejected, k


def _parts(path: Path, size: int, budget: int) -> list[tuple[int, int]]:
    """Byte ranges of about ``budget`` bytes that end just after a line feed."""
    cuts = [0]
    with path.open("rb") as f:
        while cuts[-1] + budget < size:
            f.seek(cuts[-1] + budget)
            while True:
                block = f.read(1 << 16)
                if not block:
                    cut = size
                    break
                nl = block.find(b"\n")
                if nl >= 0:
                    cut = f.tell() - len(block) + nl + 1
                    break
            if cut >= size:
                break
            cuts.append(cut)
    cuts.append(size)
    return list(zip(cuts[:-1], cuts[1:], strict=True))


class Lines(NamedTuple):
    """Where the lines of an input file start (int64 byte offsets) and which of them are
    odd (blank, a lone CR, maybe two objects: int64 line indexes), from the kernel."""

    starts: np.ndarray
    odd: np.ndarray
    size: int


def scan_lines(path: Path) -> Lines | None:
    """The lines of ``path`` found in one pass of the compiled kernel over the mapped file,
    or None without the kernel."""
    import numpy as np

    from .hashing import KERNEL

    if KERNEL is None:  # pragma: no cover - every install builds the kernel
        return None
    size = path.stat().st_size
    if size == 0:
        return Lines(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0)
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as view:
        starts, odd = KERNEL.scan_lines(view)
    return Lines(np.frombuffer(starts, dtype=np.int64), np.frombuffer(odd, dtype=np.int64),
                 size)


def _line_parts(lines: Lines, budget: int) -> list[tuple[int, int, tuple[int, bool]]]:
    """Byte ranges of about ``budget`` bytes that end just after a line feed, each with its
    number of lines and whether none of them is odd."""
    import numpy as np

    n = len(lines.starts)
    cut = np.unique(np.searchsorted(lines.starts, np.arange(budget, lines.size, budget)))
    first = [0, *(int(k) for k in cut if 0 < k < n), n]  # each part's first line
    odd_before = np.searchsorted(lines.odd, first)  # odd lines before each first line
    ends = [*(int(lines.starts[k]) for k in first[1:-1]), lines.size]
    return [(int(lines.starts[a]), end, (b - a, bool(odd_before[k] == odd_before[k + 1])))
            for k, (a, b, end) in enumerate(zip(first[:-1], first[1:], ends, strict=True))]


def read_records(path: Path, part_bytes: int = READ_PART_BYTES, *, lines: Lines | None = None,
                 on_part: Callable[[int, list[Record]], None] | None = None
                 ) -> tuple[list[Record], list[dict]]:
    """Valid records and rejected lines (``{"line", "reason"}``, plus ``id`` when known),
    read in parts of about ``part_bytes`` (the raw bytes of one part are held at a time).
    ``lines`` (:func:`scan_lines`) spares each part its own search for line ends;
    ``on_part(first, records)`` is called with each part whose every line was a new record
    (its records are then ``records[first:first + len(part)]``), while later parts are read.

    The file is decoded in this process: at about 5 µs a line it costs less than sending
    the texts back from worker processes would."""
    records: list[Record] = []
    rejected: list[dict] = []
    seen: set[str] = set()
    offset = 0
    if lines is not None:
        parts = _line_parts(lines, part_bytes)
    else:
        parts = [(a, b, None) for a, b in _parts(path, path.stat().st_size, part_bytes)]
    for a, b, known in parts:
        part, line_of, bad, count = parse_part(str(path), a, b, known)
        for entry in bad:
            entry["line"] += offset
        rejected.extend(bad)
        ids = [r.id for r in part]
        before = len(seen)
        seen.update(ids)
        if len(seen) - before == len(ids):  # no id seen before: the whole part is kept
            if on_part is not None and line_of is None:
                on_part(len(records), part)
            records.extend(part)
        else:
            seen = {r.id for r in records}
            for i, r in enumerate(part):
                if r.id in seen:
                    line = (line_of[i] if line_of is not None else i + 1) + offset
                    rejected.append({"line": line, "reason": f"duplicate id {r.id!r}",
                                     "id": r.id})
                    continue
                seen.add(r.id)
                records.append(r)
        offset += count
    rejected.sort(key=lambda r: r["line"])
    return records, rejected


class _Text(msgspec.Struct):
    text: str


# FileTexts.many: lines this close are read in one go (the gap is read and dropped), up to
# this many bytes at a time
READ_GAP_BYTES = 16_384
READ_RUN_BYTES = 1 << 22
_HEADS = msgspec.json.Decoder(RecordHead)
_TEXTS = msgspec.json.Decoder(_Text)


class FileTexts(Sequence[str]):
    """The texts of a clean input file, line ``k`` being record ``k``, read from the file
    when asked for: a groups-only run of a large file needs only the slot sample's texts and
    the groups' after reading, so it does not hold them all (at a million responses, 1.6 GB
    of strings). Each line is read with ``pread`` rather than through a mapping of the file,
    whose pages would stay in this process's resident memory."""

    def __init__(self, path: Path, lines: Lines) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._starts = lines.starts
        self._size = lines.size

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        n = len(self._starts)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        start = int(self._starts[i])
        end = int(self._starts[i + 1]) if i + 1 < n else self._size
        return _TEXTS.decode(os.pread(self._fd, end - start, start)).text

    def many(self, indexes: Sequence[int]) -> list[str]:
        """The texts of records ``indexes``, in that order: nearby lines are read together
        (one ``pread`` for a run whose gaps are small) and all are decoded in one call."""
        import numpy as np

        if not len(indexes):
            return []
        n = len(self._starts)
        want = np.asarray(indexes, dtype=np.int64)
        if want.min() < 0 or want.max() >= n:
            raise IndexError("a record index is out of range")
        order = np.argsort(want, kind="stable")
        at = want[order]
        starts = self._starts[at].tolist()
        ends = np.where(at + 1 < n, self._starts[np.minimum(at + 1, n - 1)], self._size).tolist()
        pieces: list[bytes] = []
        k, m = 0, len(starts)
        while k < m:  # a run: lines no more than READ_GAP_BYTES apart, READ_RUN_BYTES in all
            a, j = starts[k], k + 1
            while (j < m and starts[j] - ends[j - 1] <= READ_GAP_BYTES
                   and ends[j] - a <= READ_RUN_BYTES):
                j += 1
            data = os.pread(self._fd, ends[j - 1] - a, a)
            pieces += [data[s - a:e - a] for s, e in zip(starts[k:j], ends[k:j], strict=True)]
            k = j
        if not pieces[-1].endswith(b"\n"):  # the file's last line, without its line feed
            pieces[-1] += b"\n"
        decoded = _TEXTS.decode_lines(b"".join(pieces))
        out: list[str] = [""] * m
        for slot, record in zip(order.tolist(), decoded, strict=True):
            out[slot] = record.text
        return out

    def close(self) -> None:
        os.close(self._fd)


def read_heads(path: Path, lines: Lines,
               on_lines: Callable[[int, bytes, np.ndarray, np.ndarray], None],
               part_bytes: int = READ_PART_BYTES) -> list[RecordHead] | None:
    """The records of a file of clean lines without their texts, which are not decoded
    here: each part's bytes go to ``on_lines(first, data, starts, ends)`` (record ``first +
    k`` is the line ``data[starts[k]:ends[k]]``, int64 offsets) and are let go. None as soon
    as the file turns out not to be clean (an odd or invalid line, a repeated id): it must
    then be read by :func:`read_records`, which names each rejected line.

    A head skips the ``text`` member unchecked (msgspec takes even invalid UTF-8 there): the
    caller must make sure that each line's text is what a :class:`Record` line's must be
    (:meth:`EarlySignatures.check_texts`)."""
    import numpy as np

    heads: list[RecordHead] = []
    seen: set[str] = set()
    with path.open("rb") as f:
        for a, b, (count, clean) in _line_parts(lines, part_bytes):
            if not clean:
                return None
            f.seek(a)
            data = f.read(b - a)
            try:
                part = _HEADS.decode_lines(data)
            except (msgspec.MsgspecError, ValueError):  # bad JSON, a bad field, bad UTF-8
                return None
            if len(part) != count:
                return None
            before = len(seen)
            seen.update(h.id for h in part)
            if len(seen) - before != count:
                return None
            first = len(heads)
            starts = lines.starts[first:first + count] - a
            on_lines(first, data, starts, np.append(starts[1:], b - a))
            heads.extend(part)
    return heads


class EarlySignatures:
    """The groups stage's slot table and signatures, computed in threads of this process
    while the file is still being read, so that the two cores share reading and hashing.

    It holds only for a file of clean lines that all turn out to be new, valid responses:
    then line ``k`` is record ``k``, so the slot sample (:func:`hashing.slot_sample`) is
    known before reading and is decoded first, straight from its lines. Slots are learnt in
    one thread while the parts are decoded; each decoded part is signed as soon as the slots
    are known. If any line is rejected or repeats an id, :meth:`finish` gives None and the
    groups stage signs the records itself, as it would have: the results are the same
    either way (a test checks).

    Texts come either decoded (:meth:`add`, :meth:`add_records`: a run that needs them
    anyway) or as the lines' bytes (:meth:`add_lines`, a groups-only run): the kernel then
    takes each text from its line without the GIL, so this process decodes no text, and
    :meth:`check_texts` decodes only the lines the kernel left."""

    def __init__(self, path: Path, lines: Lines, threads: int) -> None:
        from . import hashing

        self.n = len(lines.starts)
        ends = [*lines.starts[1:].tolist(), lines.size]
        with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as view:
            sample = [_RECORDS.decode(view[int(lines.starts[i]):ends[i]]).text
                      for i in hashing.slot_sample(self.n)]
        self._hashing = hashing
        self._pool = ThreadPoolExecutor(max(1, min(threads, 8)))
        self._slots = self._pool.submit(self._learn, sample)
        self._signer = hashing.Signer(self.n, self._slots, self._pool)
        self._next = 0
        self._left: dict[int, str] | None = None  # texts of the lines the kernel left
        self._waited = 0.0  # seconds check_texts waited for the signing threads
        self.slot_seconds = 0.0

    @classmethod
    def start(cls, path: Path, lines: Lines | None, threads: int) -> EarlySignatures | None:
        """Start on a file of clean lines, or None (odd lines, or a sample line that is
        not a valid response)."""
        if lines is None or len(lines.odd) or not len(lines.starts):
            return None
        try:
            return cls(path, lines, threads)
        except (msgspec.MsgspecError, ValueError):
            return None

    def _learn(self, sample: list[str]):
        t0 = time.perf_counter()
        table = self._hashing.slots_of_sample(sample)
        self.slot_seconds = time.perf_counter() - t0
        return table

    def add(self, first: int, texts: list[str]) -> None:
        """Sign the texts of records ``first``, ``first + 1``, … unless an earlier part went
        astray."""
        if first != self._next:  # a rejected or repeated line before: nothing more to do
            self._next = -1
            return
        self._signer.add(first, texts, EARLY_WAITING_CHARS)
        self._next += len(texts)

    def add_records(self, first: int, records: list[Record]) -> None:
        """``read_records``'s ``on_part``."""
        self.add(first, [r.text for r in records])

    def add_lines(self, first: int, data: bytes, starts: np.ndarray, ends: np.ndarray
                  ) -> None:
        """Sign the texts of the JSON lines ``data[starts[k]:ends[k]]``, records ``first +
        k`` (``read_heads``'s ``on_lines``), unless an earlier part went astray."""
        if first != self._next:
            self._next = -1
            return
        self._signer.add_lines(first, data, starts, ends, EARLY_WAITING_CHARS)
        self._next += len(starts)

    def check_texts(self, texts: FileTexts) -> bool:
        """After :meth:`add_lines` of every line: wait for the signing threads and decode
        the texts of the lines the kernel left, as a :class:`Record`'s text is decoded
        (kept for :meth:`finish`); False when one of them is not a valid text (not a
        string, invalid UTF-8 …), so that the file is not clean after all."""
        t0 = time.perf_counter()
        left = self._signer.left()
        self._waited = time.perf_counter() - t0
        try:
            self._left = dict(zip(left, texts.many(left), strict=True))
        except (msgspec.MsgspecError, ValueError):
            return False
        return True

    def finish(self, records: Sequence[Record | RecordHead], texts: Sequence[str] | None,
               progress: Callable[[str], None]):
        """The :class:`hashing.Prepared` of ``records`` (whose texts are ``texts`` when not
        in the records), or None when the file did not turn out clean (its lines are not
        exactly the records)."""
        if self._next != self.n or len(records) != self.n:
            self._signer.cancel()
            return None
        t0 = time.perf_counter()
        sig, words = self._signer.finish(
            self._left.__getitem__ if self._left is not None
            else texts.__getitem__ if texts is not None else lambda i: records[i].text)
        seconds = {"slots": self.slot_seconds,
                   "signatures": self._waited + time.perf_counter() - t0}
        progress(f"groups: slots and signatures made while reading, the last in "
                 f"{seconds['signatures']:.1f} s after it")
        return self._hashing.Prepared(self._slots.result(), sig, words, seconds)

    def close(self) -> None:
        self._signer.cancel()
        self._pool.shutdown(wait=True)


def _read_themes(path: Path) -> list[Theme]:
    from .tags import Theme

    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError("themes file must hold a JSON list")
    themes = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("slug"), str):
            raise ValueError("each theme needs a slug")
        keywords = item.get("keywords") or []
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise ValueError(f"theme {item['slug']!r}: keywords must be a list of strings")
        themes.append(Theme(item["slug"], tuple(keywords), str(item.get("label", ""))))
    return themes


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps with
# arguments builds a new one per call


_STRING = json.encoder.encode_basestring  # one JSON string, as the encoder writes it


def _response_row(r: ResponseAnalysis) -> dict | str:
    return _row(r.id, r.language, r.group,
                [(p.id, p.start, p.end, p.idea) for p in r.proposals],
                [(t.code, t.score) for t in r.tags],
                [(x.start, x.end, x.reason) for x in r.set_aside])


def _row(rid: str, language: str | None, group: str | None, proposals: list[tuple],
         tags: list[tuple], set_aside: list[tuple]) -> dict | str:
    """A ``responses.jsonl`` row: a line already encoded when the response has no proposals,
    tags or set-aside text (every line of a groups-only run; the encoder costs many times
    more), else the row's dict."""
    if not (proposals or tags or set_aside):
        return (f'{{"id": {_STRING(rid)}, "language": '
                f'{"null" if language is None else _STRING(language)}, "group": '
                f'{"null" if group is None else _STRING(group)}, '
                f'"proposals": [], "tags": [], "set_aside": []}}')
    return {"id": rid, "language": language, "group": group,
            "proposals": [{"id": i, "start": s, "end": e, "idea": x}
                          for i, s, e, x in proposals],
            "tags": [{"code": c, "score": score} for c, score in tags],
            "set_aside": [{"start": s, "end": e, "reason": r} for s, e, r in set_aside]}


def _response_rows(responses: Sequence[ResponseAnalysis]) -> Iterator[dict | str]:
    """``responses.jsonl``'s rows. A fit's results (:class:`results.Responses`) are read from
    their arrays a block at a time, without making the objects or reading a text."""
    from .results import BLOCK, Responses

    if not isinstance(responses, Responses):
        yield from map(_response_row, responses)
        return
    none: list[tuple] = []
    for lo in range(0, len(responses), BLOCK):
        hi = min(len(responses), lo + BLOCK)
        plain = responses.plain(lo, hi)
        if plain is not None:
            yield from map(_row, *plain, itertools.repeat(none), itertools.repeat(none),
                           itertools.repeat(none))
            continue
        at = range(lo, hi)
        yield from map(_row, responses.ids_at(at), responses.languages_at(at),
                       responses.groups_at(at), responses.proposals_at(at),
                       responses.tags_at(at), responses.set_aside_at(at))


def _jsonl(path: Path, rows) -> None:
    """One JSON value a line; a row given as a string is a line already encoded."""
    encode = _ENCODE
    with path.open("w", encoding="utf-8") as f:
        batch: list[str] = []
        for row in rows:
            batch.append(row if isinstance(row, str) else encode(row))
            if len(batch) >= 4096:
                batch.append("")
                f.write("\n".join(batch))
                batch = []
        if batch:
            batch.append("")
            f.write("\n".join(batch))


def write_results(out: Path, result: AnalysisResult, rejected: list[dict]) -> None:
    """The contract's files in ``out`` (created when missing)."""
    out.mkdir(parents=True, exist_ok=True)
    _jsonl(out / "responses.jsonl", _response_rows(result.responses))
    _jsonl(out / "groups.jsonl", (
        {"id": g.id, "size": g.size, "members": g.members, "canonical": g.canonical,
         "template": g.template, "additions": g.additions}
        for g in result.groups))
    _jsonl(out / "ideas.jsonl", (
        {"id": i.id, "label": i.label, "keywords": i.keywords, "size": i.size,
         "members": i.members, "representative": i.representative}
        for i in result.ideas))
    _jsonl(out / "rejected.jsonl", rejected)
    summary = dict(result.summary)
    summary["rejected"] = len(rejected)
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")


def _usage(message: str) -> int:
    sys.stderr.write(f"samskab analyse: error: {message}\n")
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``samskab analyse``; returns the exit status."""
    args = _parser().parse_args(argv)
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = [s for s in stages if s not in STAGES]
    if not stages or unknown:
        return _usage(f"unknown stage(s) {','.join(unknown) or '(none)'}; "
                      f"choose from {','.join(STAGES)}")
    path = Path(args.file)
    if not path.is_file():
        return _usage(f"no such file: {path}")
    if args.workers is None:
        args.workers = os.cpu_count() or 1
    if args.workers < 1:
        return _usage("--workers must be at least 1")
    if args.dask and importlib.util.find_spec("distributed") is None:
        return _usage("--dask needs the optional Dask packages: pip install 'samskab[dask]'")
    themes: list[Theme] = []
    if args.themes:
        try:
            themes = _read_themes(Path(args.themes))
        except (OSError, ValueError) as exc:
            return _usage(f"--themes: {exc}")

    def progress(message: str) -> None:
        sys.stderr.write(f"samskab analyse: {message}\n")
        sys.stderr.flush()

    with _no_cyclic_gc():
        return _run(args, path, stages, themes, progress)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """A one-off run builds millions of long-lived objects and little cyclic garbage: the
    cyclic collector only walked them again and again (1.1 s of this process's CPU at a
    million responses, with the same peak memory without it; the worker processes run
    without it too). It is on again afterwards (tests call :func:`main` in their process)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _run(args: argparse.Namespace, path: Path, stages: list[str], themes: list[Theme],
         progress: Callable[[str], None]) -> int:
    t0 = time.perf_counter()
    with Workers(args.workers) as pool:
        large = path.stat().st_size >= EARLY_WORKERS_BYTES
        if large:
            # the workers start (and import the engine) while this process imports it and
            # reads the file (small inputs need no workers)
            pool.start()
        lines = scan_lines(path)
        early = None
        if large and "groups" in stages and not args.dask:
            early = EarlySignatures.start(path, lines, args.workers)
        from .engine import Analyser

        texts: FileTexts | None = None
        try:
            records: Sequence[Record | RecordHead] | None = None
            if early is not None and stages == ["groups"]:
                # groups alone: the kernel signs each part's texts from its bytes, which are
                # then let go; the groups' texts are read again from the file when they are
                # described
                records = read_heads(path, lines, early.add_lines)
                read_seconds = time.perf_counter() - t0
                if records is not None:
                    rejected = []
                    texts = FileTexts(path, lines)
                    if not early.check_texts(texts):
                        records = None
                        texts.close()
                        texts = None
                if records is None:  # not clean after all: read as a whole, signed after
                    early.close()
                    early = None
            if records is None:
                records, rejected = read_records(
                    path, lines=lines, on_part=early.add_records if early else None)
                read_seconds = time.perf_counter() - t0
            progress(f"read {len(records)} responses ({len(rejected)} rejected) in "
                     f"{read_seconds:.1f} s")
            analyser = Analyser(stages=stages, themes=themes, dask_address=args.dask,
                                workers=args.workers, keep_state=False, progress=progress)
            # (handed over without a name here: the analyser lets the signatures go early)
            result = analyser.fit(records, pool=pool, texts=texts, prepared=early.finish(
                records, texts, progress) if early else None)
        finally:
            if early:
                early.close()
            if texts is not None:
                texts.close()
        del records, analyser, texts  # the texts are not needed for writing: free them
    result.summary["seconds"] = {"read": round(read_seconds, 3), **result.summary["seconds"]}
    t0 = time.perf_counter()
    write_results(Path(args.out), result, rejected)
    result.summary["seconds"]["write"] = round(time.perf_counter() - t0, 3)
    # the write time is known only now: rewrite the small summary file with it
    summary = dict(result.summary)
    summary["rejected"] = len(rejected)
    (Path(args.out) / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    progress(f"wrote {args.out}")
    return EXIT_REJECTED if rejected else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
