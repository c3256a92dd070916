"""What the engine reads: each response as one plain record (its text, then its attachments'
extracted text after ``ATTACHMENT_MARK``), and the segments that map offsets in that record
back to the response's text or an attachment's, so what the engine found is stored against
the text it came from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice

from django.db.models import QuerySet

from samskab import analysis as engine
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
    without is one segment, its whole text (made when asked for). A million plain responses
    would otherwise hold a million one-element lists."""

    def __init__(self, texts: dict[int, str]) -> None:
        self.texts = texts
        self.several: dict[int, list[Segment]] = {}

    def __getitem__(self, pk: int) -> list[Segment]:
        got = self.several.get(pk)
        if got is not None:
            return got
        return [Segment(0, len(self.texts[pk]), None)]

    def __contains__(self, pk: object) -> bool:
        return pk in self.texts

    def __iter__(self) -> Iterator[int]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)


@dataclass
class EngineInput:
    """The records a run gives the engine, with each response's segments and record text."""

    records: list[engine.Record] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)
    segments: _Segments = field(init=False)

    def __post_init__(self) -> None:
        self.segments = _Segments(self.texts)

    def add(self, record: engine.Record, segments: list[Segment]) -> None:
        pk = int(record.id)
        self.records.append(record)
        self.texts[pk] = record.text
        if len(segments) > 1 or segments[0].attachment_id is not None:
            self.segments.several[pk] = segments


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


def inputs_from_rows(responses: QuerySet[Response], *, chunk: int,
                     progress: Callable[[int], None] = lambda done: None) -> EngineInput:
    """The engine's input for ``responses`` (in their order), read ``chunk`` at a time as plain
    values, with one query per chunk for their attachments' text: no model instance is
    made, so memory holds the texts once (in the records) and little else."""
    out = EngineInput()
    rows = responses.values_list("pk", "text", "language").iterator(chunk_size=chunk)
    done = 0
    while batch := list(islice(rows, chunk)):
        extracted: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for rid, aid, text in (Attachment.objects
                               .filter(response_id__in=[pk for pk, _t, _l in batch])
                               .exclude(extracted_text="").order_by("id")
                               .values_list("response_id", "pk", "extracted_text")):
            extracted[rid].append((aid, text))
        for pk, text, language in batch:
            out.add(*record_from(pk, text, language, extracted.get(pk, ())))
        done += len(batch)
        progress(done)
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
