"""Bulk files and records: the contract's response record (`.jsonl`, `.csv`, `.xlsx`) into
`services.response_receive`.

`record_parse` turns one record (a JSON object, a CSV or spreadsheet row) into the arguments of
the one door in; the API channel uses it too. `file_rows` streams the rows of a file with the
number a person sees (the line of a `.jsonl`, the spreadsheet row of a `.csv` or `.xlsx`, whose
header is row 1). `responses_import` is the `samskab import-responses` use case.
"""

import base64
import binascii
import codecs
import csv
import functools
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from samskab.consultations import services
from samskab.consultations.models import Channel, Consultation, RespondentKind
from samskab.core.errors import DomainError

# The contract's input fields; `export responses` also writes these, which input ignores.
RECORD_FIELDS = frozenset({
    "id", "text", "respondent_kind", "organisation", "name", "email", "received_at",
    "language", "consent_publish_name", "consent_publish_response", "attachments",
    "idempotency_key",
})
EXPORT_ONLY_FIELDS = frozenset({"reference", "channel", "status", "late"})
SUPPORTED_SUFFIXES = (".jsonl", ".csv", ".xlsx")
MAX_ID_LENGTH = 100
MAX_KEY_LENGTH = 150
_TRUE = {"1", "true", "yes", "ja", "y", "j", "x"}
_FALSE = {"0", "false", "no", "nej", "n", ""}


class RecordError(DomainError):
    """A record that cannot even be offered to `response_receive`: wrong type or shape."""

    def __init__(self, code: str, message: Any, *, field_name: str | None = None):
        super().__init__(code, message, field_name)

    @property
    def field_name(self) -> str | None:
        return self.field


class FileUnreadable(Exception):
    """The file as a whole cannot be read (usage error, exit 2): the message is one line."""


@dataclass(frozen=True)
class ParsedRecord:
    row_id: str
    text: str
    respondent: services.RespondentData
    received_at: datetime | None
    language: str
    consent_publish_name: bool
    consent_publish_response: bool
    attachments: tuple[services.IncomingFile, ...]
    idempotency_key: str

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of the record's content (not its id or key): computed when asked for (an
        import's derived key, a batch sent without keys), not for every record."""
        return hashlib.sha256(json.dumps([
            services.normalise_text(self.text), self.respondent.kind, self.respondent.name,
            self.respondent.organisation, self.respondent.email,
            self.received_at.isoformat() if self.received_at else "", self.language,
            self.consent_publish_name, self.consent_publish_response,
            [(f.name, hashlib.sha256(f.data).hexdigest()) for f in self.attachments],
        ], ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()  # refused later

    def receive_kwargs(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "respondent": self.respondent,
            "received_at": self.received_at,
            "language": self.language,
            "consent_publish_name": self.consent_publish_name,
            "consent_publish_response": self.consent_publish_response,
            "attachments": self.attachments,
        }


def _string(record: Mapping[str, Any], name: str, *, limit: int | None = None) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if type(value) is str:  # the common case, first (a batch reads eight per record)
        value = value.strip() if name != "text" else value
        if limit is None or len(value) <= limit:
            return value
    if isinstance(value, bool):
        raise RecordError(
            "validation", _("Feltet »%(field)s« skal være tekst.") % {"field": name},
            field_name=name,
        )
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise RecordError(
            "validation", _("Feltet »%(field)s« skal være tekst.") % {"field": name},
            field_name=name,
        )
    value = value.strip() if name != "text" else value
    if limit is not None and len(value) > limit:
        raise RecordError(
            "validation",
            _("Feltet »%(field)s« er for langt (højst %(limit)s tegn).")
            % {"field": name, "limit": limit},
            field_name=name,
        )
    return value


def _boolean(record: Mapping[str, Any], name: str, default: bool) -> bool:
    value = record.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word == "":
            return default
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise RecordError(
        "validation",
        _("Feltet »%(field)s« skal være true eller false.") % {"field": name},
        field_name=name,
    )


def _moment(record: Mapping[str, Any], *, naive_allowed: bool) -> datetime | None:
    """`received_at`: ISO 8601 with an offset. Spreadsheets (naive_allowed) may give local wall
    time or a bare date, read in the site's time zone (a date as its first minute)."""
    value = record.get("received_at")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    moment: datetime | None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        text = value.strip()
        try:
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None and naive_allowed:
            try:
                moment = datetime.combine(date.fromisoformat(text), time())
            except ValueError:
                moment = None
    else:
        moment = None
    if moment is None:
        raise RecordError(
            "validation",
            _("»received_at« skal være et tidspunkt i ISO 8601, fx 2012-02-21T14:03:00+01:00."),
            field_name="received_at",
        )
    if timezone.is_naive(moment):
        if not naive_allowed:
            raise RecordError(
                "validation",
                _("»received_at« skal have en tidszone, fx 2012-02-21T14:03:00+01:00."),
                field_name="received_at",
            )
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    if moment > timezone.now() + timedelta(minutes=5):
        raise RecordError(
            "validation", _("»received_at« ligger i fremtiden."), field_name="received_at",
        )
    return moment


def _attachments(
    record: Mapping[str, Any], *, skip_without_content: bool
) -> tuple[services.IncomingFile, ...]:
    value = record.get("attachments")
    if value is None or value == "":
        return ()
    if isinstance(value, str) and skip_without_content:
        # A CSV cell holding an export's attachment list: files cannot travel in a cell.
        return ()
    if not isinstance(value, list):
        raise RecordError(
            "validation", _("»attachments« skal være en liste."), field_name="attachments",
        )
    files = []
    for position, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise RecordError(
                "validation", _("Bilag nr. %(n)s skal være et objekt.") % {"n": position + 1},
                field_name="attachments",
            )
        content = item.get("content_base64")
        if content is None and skip_without_content:
            # An export lists attachments by checksum only; their files are not in the record.
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise RecordError(
                "validation", _("Bilag nr. %(n)s mangler et navn.") % {"n": position + 1},
                field_name="attachments",
            )
        mime = item.get("mime") or ""
        if not isinstance(content, str) or not isinstance(mime, str):
            raise RecordError(
                "validation",
                _("Bilag nr. %(n)s skal have »content_base64« som tekst.") % {"n": position + 1},
                field_name="attachments",
            )
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise RecordError(
                "validation",
                _("Bilag nr. %(n)s: »content_base64« er ikke gyldig base64.")
                % {"n": position + 1},
                field_name="attachments",
            ) from None
        files.append(services.IncomingFile(name=name.strip(), data=data, mime_type=mime.strip()))
    return tuple(files)


def record_parse(
    record: Any,
    *,
    require_id: bool,
    naive_time_allowed: bool = False,
    skip_attachments_without_content: bool = False,
    reject_unknown_fields: bool = False,
) -> ParsedRecord:
    """Check the shape and types of one contract record; the rules of what may become a
    response (empty text, kinds, e-mail, deadline) stay in `response_receive`. Raises
    RecordError. Pure: touches no database."""
    if not isinstance(record, Mapping):
        raise RecordError("validation", _("Posten skal være et JSON-objekt."))
    if reject_unknown_fields:
        unknown = sorted(set(record) - RECORD_FIELDS - EXPORT_ONLY_FIELDS)
        if unknown:
            raise RecordError(
                "validation",
                _("Ukendt felt: %(fields)s.") % {"fields": ", ".join(map(str, unknown))},
                field_name=str(unknown[0]),
            )
    row_id = _string(record, "id", limit=MAX_ID_LENGTH)
    if require_id and not row_id:
        raise RecordError("validation", _("Feltet »id« mangler."), field_name="id")
    if "text" not in record:
        raise RecordError("validation", _("Feltet »text« mangler."), field_name="text")
    text = _string(record, "text")
    kind = _string(record, "respondent_kind").lower() or RespondentKind.CITIZEN
    respondent = services.RespondentData(
        kind=kind,
        name=_string(record, "name", limit=300),
        organisation=_string(record, "organisation", limit=300),
        email=_string(record, "email", limit=254),
    )
    received_at = _moment(record, naive_allowed=naive_time_allowed)
    language = _string(record, "language", limit=8).lower()
    consent_name = _boolean(record, "consent_publish_name", False)
    consent_response = _boolean(record, "consent_publish_response", True)
    attachments = _attachments(record, skip_without_content=skip_attachments_without_content)
    key = _string(record, "idempotency_key", limit=MAX_KEY_LENGTH)
    return ParsedRecord(
        row_id=row_id, text=text, respondent=respondent, received_at=received_at,
        language=language, consent_publish_name=consent_name,
        consent_publish_response=consent_response, attachments=attachments,
        idempotency_key=key,
    )


# Reading files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of a file: `number` as a person finds it (line, or spreadsheet row)."""

    number: int
    record: Any = None
    error: RecordError | None = None


# Yielded first by readers of files with a header, once the header is checked: `file_rows`
# consumes it so that a bad header is a usage error before any row is stored.
_HEADER_READ = Row(0)


def _jsonl_rows(path: Path) -> Iterator[Row]:
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
            except UnicodeDecodeError:
                yield Row(number, error=RecordError(
                    "invalid_encoding", _("Linjen er ikke gyldig UTF-8.")))
                continue
            except ValueError as error:
                yield Row(number, error=RecordError(
                    "invalid_json", _("Linjen er ikke gyldig JSON: %(error)s") % {"error": error}))
                continue
            yield Row(number, record=record)


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else Windows-1252:
    what Danish Excel writes. Reads the file once in chunks, never whole into memory."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as stream:
        try:
            while chunk := stream.read(1 << 20):
                utf8.decode(chunk)
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def _csv_rows(path: Path) -> Iterator[Row]:
    encoding = _csv_encoding(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as stream:
        header_line = stream.readline()
    if not header_line.strip():
        raise FileUnreadable("the file is empty: no header row")
    # The header names hold no separators, so the one it uses most is the file's (Danish Excel
    # writes ";", most other programs ",").
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    with path.open("r", encoding=encoding, errors="replace", newline="") as stream:
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            header = [name.strip().lower() for name in next(reader)]
            if header and encoding == "cp1252":
                # A UTF-8 BOM before text that is not UTF-8 after all: Excel's mixed files.
                header[0] = header[0].removeprefix("ï»¿")
            _check_header(header)
            yield _HEADER_READ
            for number, values in enumerate(reader, start=2):
                if not any(value.strip() for value in values):
                    continue
                if len(values) > len(header):
                    yield Row(number, error=RecordError(
                        "validation",
                        _("Rækken har flere felter (%(n)s) end overskriften (%(m)s).")
                        % {"n": len(values), "m": len(header)},
                    ))
                    continue
                yield Row(number, record=dict(zip(header, values, strict=False)))
        except csv.Error as error:
            raise FileUnreadable(f"not a readable CSV file: {error}") from None


def _check_header(header: list[Any]) -> None:
    names = [str(name).strip().lower() for name in header if name not in (None, "")]
    missing = [name for name in ("id", "text") if name not in names]
    if missing:
        raise FileUnreadable(f"the header row has no {' or '.join(missing)!s} column")
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise FileUnreadable(f"the header row names {', '.join(duplicated)} more than once")


def _xlsx_rows(path: Path) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - zip, XML and openpyxl errors all mean unreadable
        raise FileUnreadable(f"not a readable .xlsx file: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_values = next(rows, None)
        if header_values is None:
            raise FileUnreadable("the first sheet is empty: no header row")
        header = [str(v).strip().lower() if v is not None else "" for v in header_values]
        _check_header(header)
        yield _HEADER_READ
        for number, values in enumerate(rows, start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            record = {
                name: value for name, value in zip(header, values, strict=False) if name
            }
            yield Row(number, record=record)
    finally:
        workbook.close()


def file_rows(path: Path) -> Iterator[Row]:
    """Stream the rows of a `.jsonl`, `.csv` or `.xlsx` file. Raises FileUnreadable."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise FileUnreadable(
            f"unknown file type {suffix or '(none)'!r}: use .jsonl, .csv or .xlsx"
        )
    if not path.is_file():
        raise FileUnreadable(f"no such file: {path}")
    try:
        path.open("rb").close()
    except OSError as error:
        raise FileUnreadable(f"cannot read {path}: {error.strerror}") from None
    if suffix == ".jsonl":
        return _jsonl_rows(path)
    rows = _csv_rows(path) if suffix == ".csv" else _xlsx_rows(path)
    next(rows, None)  # reads and checks the header now
    return rows


# The import use case ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejection:
    number: int
    row_id: str
    code: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    late: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    dry_run: bool = False


class _DryRunRollback(Exception):
    pass


def import_key(parsed: ParsedRecord) -> str:
    """The idempotency key of an imported row: its `id` and a fingerprint of its content.

    Not the file's checksum: fixing a rejected row and importing the file again must not import
    every other row a second time. Two files whose rows share an id but say different things
    are different responses; the same row twice, from any file or format, is one."""
    return f"import:{parsed.row_id}:{parsed.fingerprint[:32]}"


def responses_import(
    *,
    consultation: Consultation,
    path: Path,
    dry_run: bool = False,
    batch_size: int = 500,
    on_rejected: Callable[[Rejection], None] | None = None,
    on_progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import the rows of a file through `response_receive` (channel `import`).

    Atomicity: `batch_size` rows are read at a time and stored by `response_receive_many` in
    short transactions (RECEIVE_CHUNK rows, a few milliseconds of write lock each, so the web
    form keeps answering during an import), so a crash keeps what was committed; idempotency
    (`import_key`) makes a rerun store nothing twice, reporting such rows as duplicates.
    Rejected rows (bad shape or refused by `response_receive`) store nothing and are
    reported; the rest is imported. `dry_run` runs every check, `response_receive`'s
    included, in one transaction that is rolled back. Raises FileUnreadable before storing
    anything when the file as a whole cannot be read."""
    rows = file_rows(path)
    report = ImportReport(dry_run=dry_run)
    seen_ids: set[str] = set()

    def reject(number: int, row_id: str, code: str, message: Any) -> None:
        rejection = Rejection(number, row_id, code, str(message))
        report.rejected.append(rejection)
        if on_rejected:
            on_rejected(rejection)

    def parse(row: Row) -> tuple[Row, ParsedRecord, services.Incoming] | None:
        report.rows += 1
        if row.error is not None:
            reject(row.number, "", row.error.code, row.error.message)
            return None
        try:
            parsed = record_parse(
                row.record, require_id=True, naive_time_allowed=True,
                skip_attachments_without_content=True,
            )
        except RecordError as error:
            raw_id = row.record.get("id") if isinstance(row.record, Mapping) else ""
            reject(row.number, str(raw_id or ""), error.code, error.message)
            return None
        if parsed.row_id in seen_ids:
            reject(row.number, parsed.row_id, "duplicate_id",
                   _("Samme id som en tidligere række i filen."))
            return None
        seen_ids.add(parsed.row_id)
        kwargs = parsed.receive_kwargs()
        if dry_run and kwargs["attachments"]:
            # Stored files are not part of the transaction a dry run rolls back; attachments
            # of imports are not checked by `response_receive`, they only count as content.
            kwargs["attachments"] = ()
            kwargs["text"] = kwargs["text"] or "…"
        return row, parsed, services.Incoming(
            idempotency_key=import_key(parsed),
            source={"file": path.name, "row": row.number, "id": parsed.row_id},
            **kwargs,
        )

    def run(batch: list[Row]) -> None:
        accepted = [found for found in map(parse, batch) if found is not None]
        results = services.response_receive_many(
            consultation=consultation, channel=Channel.IMPORT,
            items=[item for _row, _parsed, item in accepted],
        )
        for (row, parsed, _item), result in zip(accepted, results, strict=True):
            if isinstance(result, services.ReceiveError):
                reject(row.number, parsed.row_id, result.code, result.message)
            elif result.created:
                report.imported += 1
                report.late += result.late
            else:
                report.duplicates += 1

    try:
        with transaction.atomic() if dry_run else nullcontext():
            batch: list[Row] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= batch_size:
                    run(batch)
                    batch = []
                    if on_progress:
                        on_progress(report)
            if batch:
                run(batch)
                if on_progress:
                    on_progress(report)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


