"""What the engine reads: each response as one plain record (its text, then its attachments'
extracted text after ``ATTACHMENT_MARK``), and the segments that map offsets in that record
back to the response's text or an attachment's, so what the engine found is stored against
the text it came from."""

from __future__ import annotations

import os
import uuid
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np
from django.db.models import QuerySet

from samskab import analysis as engine
from samskab.analysis.textfile import TextWriter
from samskab.consultations.models import Attachment, Response

# Attachments' extracted text follows the response's own text, after this mark.
ATTACHMENT_MARK = "\n\n[Bilag]\n\n"


@dataclass(frozen=True, slots=True)
class Segment:
    """Where one source text (the response's, or an attachment's) sits in the record text."""

    start: int
    end: int
    attachment_id: int | None


class _Segments(Mapping[int, list[Segment]]):
    """Each response's segments: kept only for a response with attachments; a response
    without is one segment, its whole text (made when asked for, from its length). A million
    plain responses would otherwise hold a million one-element lists."""

    def __init__(self, texts: TextsByResponse) -> None:
        self.texts = texts
        self.several: dict[int, list[Segment]] = {}

    def __getitem__(self, pk: int) -> list[Segment]:
        got = self.several.get(pk)
        if got is not None:
            return got
        return [Segment(0, self.texts.length(pk), None)]

    def __contains__(self, pk: object) -> bool:
        return pk in self.texts

    def __iter__(self) -> Iterator[int]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)


class TextsByResponse(Mapping[int, str]):
    """Each response's record text by response id, read from the run's text file when asked
    for (the last one read is kept: storing asks for one response's text once per proposal).
    Ids are found by a binary search in a sorted array, not a dict of a million entries."""

    def __init__(self, texts: Sequence[str], pks: np.ndarray, lengths: np.ndarray) -> None:
        self.texts = texts
        self._pks = pks  # in read order
        self._order = np.argsort(pks, kind="stable")
        self._sorted = pks[self._order]
        self._lengths = lengths
        self._last: tuple[int, str] | None = None

    def _index(self, pk: object) -> int | None:
        if not isinstance(pk, (int, np.integer)) or not len(self._sorted):
            return None
        at = int(np.searchsorted(self._sorted, pk))
        if at < len(self._sorted) and self._sorted[at] == pk:
            return int(self._order[at])
        return None

    def __getitem__(self, pk: int) -> str:
        last = self._last
        if last is not None and last[0] == pk:
            return last[1]
        i = self._index(pk)
        if i is None:
            raise KeyError(pk)
        text = self.texts[i]
        self._last = (pk, text)
        return text

    def length(self, pk: int) -> int:
        """The length of response ``pk``'s record text (without reading it)."""
        i = self._index(pk)
        if i is None:
            raise KeyError(pk)
        return int(self._lengths[i])

    def __contains__(self, pk: object) -> bool:
        return self._index(pk) is not None

    def __iter__(self) -> Iterator[int]:
        return iter(self._pks.tolist())

    def __len__(self) -> int:
        return len(self._pks)


@dataclass
class EngineInput:
    """What a run gives the engine: the records' heads (id, language) and their texts apart
    (``texts``, in the same order: a :class:`~samskab.analysis.textfile.TextFile` when read
    from the database, so the texts are not held in memory), each response's record text by
    id (``by_response``) and its segments."""

    records: list[engine.RecordHead]
    texts: Sequence[str]
    by_response: TextsByResponse
    segments: _Segments = field(init=False)

    def __post_init__(self) -> None:
        self.segments = _Segments(self.by_response)

    @classmethod
    def of(cls, records: Sequence[engine.Record],
           segments: Mapping[int, list[Segment]] | None = None) -> EngineInput:
        """The input of records held in memory (a test's, a small run's)."""
        texts = [r.text for r in records]
        pks = np.array([int(r.id) for r in records], dtype=np.int64)
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        out = cls([engine.RecordHead(r.id, r.language) for r in records], texts,
                  TextsByResponse(texts, pks, lengths))
        for pk, segs in (segments or {}).items():
            if len(segs) > 1 or segs[0].attachment_id is not None:
                out.segments.several[pk] = list(segs)
        return out


def record_from(pk: int, text: str, language: str, attachments: Iterable[tuple[int, str]]
                ) -> tuple[engine.Record, list[Segment]]:
    """The plain record for a response: its text, then each attachment's extracted text
    (``(attachment id, text)``, in attachment order) after ``ATTACHMENT_MARK``; segments map
    record offsets back to the source text."""
    parts = [text]
    segments = [Segment(0, len(text), None)]
    pos = len(text)
    for attachment_id, extracted in attachments:
        extracted = extracted or ""
        if not extracted.strip():
            continue
        pos += len(ATTACHMENT_MARK)
        segments.append(Segment(pos, pos + len(extracted), attachment_id))
        parts += [ATTACHMENT_MARK, extracted]
        pos += len(extracted)
    record = engine.Record(id=str(pk), text="".join(parts), language=language or None)
    return record, segments


def record_of(response: Response, attachments: Sequence[Attachment]
              ) -> tuple[engine.Record, list[Segment]]:
    """``record_from`` for a response and its attachments as model instances."""
    return record_from(response.pk, response.text, response.language,
                       [(a.pk, a.extracted_text) for a in attachments])


def inputs_from_rows(responses: QuerySet[Response], *, chunk: int, directory: Path,
                     progress: Callable[[int], None] = lambda done: None) -> EngineInput:
    """The engine's input for ``responses`` (in their order), read ``chunk`` at a time as plain
    values, with one query per chunk for their attachments' text: no model instance is made,
    and each chunk's record texts are written to a text file in ``directory`` (its name removed
    at once: the file lives as long as it is read) and let go, so memory holds the heads, each
    response's id and text length, and the segments of the few responses with attachments."""
    directory.mkdir(parents=True, exist_ok=True)
    writer = TextWriter(directory / f"texts-{os.getpid()}-{uuid.uuid4().hex}.tmp", unlink=True)
    heads: list[engine.RecordHead] = []
    pks = array("q")  # (machine integers: a list would hold an int object for each)
    lengths = array("q")
    several: dict[int, list[Segment]] = {}
    try:
        rows = responses.values_list("pk", "text", "language").iterator(chunk_size=chunk)
        while batch := list(islice(rows, chunk)):
            extracted: dict[int, list[tuple[int, str]]] = defaultdict(list)
            for rid, aid, text in (Attachment.objects
                                   .filter(response_id__in=[pk for pk, _t, _l in batch])
                                   .exclude(extracted_text="").order_by("id")
                                   .values_list("response_id", "pk", "extracted_text")):
                extracted[rid].append((aid, text))
            texts = []
            for pk, text, language in batch:
                record, segments = record_from(pk, text, language, extracted.get(pk, ()))
                heads.append(engine.RecordHead(record.id, record.language))
                pks.append(pk)
                lengths.append(len(record.text))
                texts.append(record.text)
                if len(segments) > 1 or segments[0].attachment_id is not None:
                    several[pk] = segments
            writer.add(texts)
            del texts, batch, extracted  # (before the next chunk is read)
            progress(len(heads))
    except BaseException:
        writer.abandon()
        raise
    stored = writer.finish()
    out = EngineInput(heads, stored,
                      TextsByResponse(stored, np.frombuffer(pks, dtype=np.int64).copy(),
                                      np.frombuffer(lengths, dtype=np.int64).copy()))
    out.segments.several.update(several)
    return out


def locate(segments: Sequence[Segment], start: int, end: int
           ) -> tuple[int | None, int, int] | None:
    """Record offsets → (attachment id or None, start, end) in that source; None when the span
    is only the attachment mark."""
    for seg in segments:
        if seg.start <= start < seg.end or (start == seg.end == seg.start):
            s, e = start - seg.start, min(end, seg.end) - seg.start
            return (seg.attachment_id, s, e) if e > s else None
    # Inside a mark: move to the next segment.
    for seg in segments:
        if start < seg.start < end:
            s, e = 0, min(end, seg.end) - seg.start
            return (seg.attachment_id, s, e) if e > s else None
    return None


def segment_text(segments: Sequence[Segment], record_text: str, attachment_id: int | None,
                 start: int, end: int) -> str:
    seg = next(s for s in segments if s.attachment_id == attachment_id)
    return record_text[seg.start + start:seg.start + end]
