"""Consultation use cases. `response_receive` is the one door in for every channel."""

import dataclasses
import functools
import hashlib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

import msgspec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samskab.consultations import hygiene, redaction, tasks
from samskab.consultations.models import (
    Attachment,
    Channel,
    Consultation,
    ConsultationStatus,
    Respondent,
    RespondentKind,
    Response,
    attachment_path,
)
from samskab.core.errors import DomainError
from samskab.core.maildomains import domain_candidates
from samskab.core.prepared import Prepared
from samskab.core.services import organisation_index, sender_organisation_id
from samskab.core.writers import let_others_write

# Channels where the sender is present and can be told "no"; the others store late items flagged.
REFUSING_CHANNELS = frozenset({Channel.WEB, Channel.API})
_RESPONDENT_KINDS = frozenset(RespondentKind.values)


@dataclass(frozen=True)
class RespondentData:
    kind: str = RespondentKind.CITIZEN
    name: str = ""
    organisation: str = ""
    email: str = ""


@dataclass(frozen=True)
class IncomingFile:
    name: str
    data: bytes
    mime_type: str = ""


@dataclass(frozen=True)
class Receipt:
    reference: str
    response_id: int
    consultation_slug: str
    received_at: datetime
    created: bool
    late: bool


class ReceiveError(DomainError):
    """Input that cannot become a response; `message` is translated and fit to show a person."""

    def __init__(self, code: str, message: Any, *, field_name: str | None = None):
        super().__init__(code, message, field_name)

    @property
    def field_name(self) -> str | None:
        return self.field


@dataclass
class _Checked:
    text: str
    respondent: RespondentData
    attachments: list[IncomingFile] = field(default_factory=list)


def normalise_text(text: str) -> str:
    """Unicode NFC, unified newlines, no trailing blanks: what is stored and hashed."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    if "\n" not in text:
        return text.strip()  # one line (most answers): the same as below, without the split
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _check_attachment(incoming: IncomingFile) -> None:
    suffix = PurePath(incoming.name or "").suffix.lower()
    allowed = settings.SAMSKAB_ALLOWED_ATTACHMENT_TYPES
    if suffix not in allowed:
        raise ReceiveError(
            "attachment_type",
            _("Filen »%(name)s« har en filtype, der ikke modtages. Tilladte typer: %(types)s.")
            % {"name": incoming.name, "types": ", ".join(allowed)},
            field_name="attachments",
        )
    limit = settings.SAMSKAB_MAX_ATTACHMENT_BYTES
    if len(incoming.data) > limit:
        raise ReceiveError(
            "attachment_too_large",
            _("Filen »%(name)s« er for stor (højst %(limit)s MB).")
            % {"name": incoming.name, "limit": limit // (1024 * 1024)},
            field_name="attachments",
        )


def _check(
    *, text: str, respondent: RespondentData, attachments: Sequence[IncomingFile],
    channel: str,
) -> _Checked:
    text = normalise_text(text)
    if not text and not attachments:
        raise ReceiveError(
            "empty", _("Skriv dit høringssvar, eller vedhæft det som en fil."), field_name="text",
        )
    limit = settings.SAMSKAB_MAX_RESPONSE_CHARS
    if len(text) > limit:
        raise ReceiveError(
            "text_too_long",
            _("Svaret er for langt: højst %(limit)s tegn. Vedhæft gerne resten som en fil.")
            % {"limit": f"{limit:,}".replace(",", ".")},
            field_name="text",
        )
    email = (respondent.email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ReceiveError(
                "invalid_email", _("E-mailadressen ser ikke gyldig ud."), field_name="email",
            ) from None
    if respondent.kind not in _RESPONDENT_KINDS:
        raise ReceiveError(
            "invalid_kind", _("Vælg hvem du svarer som."), field_name="respondent_kind",
        )
    if (attachments and channel in REFUSING_CHANNELS
            and len(attachments) > settings.SAMSKAB_MAX_ATTACHMENTS):
        raise ReceiveError(
            "too_many_attachments",
            _("Højst %(n)s bilag pr. svar.") % {"n": settings.SAMSKAB_MAX_ATTACHMENTS},
            field_name="attachments",
        )
    if channel in REFUSING_CHANNELS:
        for incoming in attachments:
            _check_attachment(incoming)
    name = (respondent.name or "").strip()[:300]
    organisation = (respondent.organisation or "").strip()[:300]
    email = email.lower()[:254]
    cleaned = respondent  # already clean (a batch's senders mostly are): no copy
    if type(respondent) is not RespondentData or (name, organisation, email) != (
            respondent.name, respondent.organisation, respondent.email):
        cleaned = RespondentData(kind=respondent.kind, name=name, organisation=organisation,
                                 email=email)
    return _Checked(text=text, respondent=cleaned, attachments=list(attachments))


def _next_reference(consultation: Consultation) -> str:
    return _next_references(consultation, 1)[0]


def _next_references(consultation: Consultation, count: int) -> list[str]:
    """`count` new reference numbers of the consultation, in one statement (O(1) whatever the
    number of responses). The UPDATE locks the consultation's row (SQLite: the database) until
    commit, so numbers never repeat; callers hold it as briefly as they can."""
    table = connection.ops.quote_name(Consultation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_reference_number = last_reference_number + %s "  # noqa: S608 - a model's own table name
            "WHERE id = %s RETURNING last_reference_number",
            [count, consultation.pk],
        )
        last = cursor.fetchone()[0]
    return [f"{consultation.reference_prefix}-{number:04d}"
            for number in range(last - count + 1, last + 1)]


# The `exclude` repeats the partial unique index's condition, so SQLite can use that index
# (it does not infer key <> '' from key = 'abc'); else it scans the whole consultation.
# Compiled once per process (core.prepared): every web answer looks its token up first.
_BY_IDEMPOTENCY_KEY = Prepared(
    lambda consultation_id, key: Response.objects.filter(
        consultation_id=consultation_id, idempotency_key=key,
    ).exclude(idempotency_key="").order_by()[:1],
    consultation_id=-7_000_002, key="\x00key",
)


def _existing_response(consultation: Consultation, idempotency_key: str) -> Response | None:
    existing = _BY_IDEMPOTENCY_KEY.first(consultation_id=consultation.pk, key=idempotency_key)
    if existing is not None:
        existing.consultation = consultation
    return existing


def _receipt(response: Response, *, created: bool) -> Receipt:
    return Receipt(
        reference=response.reference,
        response_id=response.pk,
        consultation_slug=response.consultation.slug,
        received_at=response.received_at,
        created=created,
        late=response.late,
    )


def response_receive(
    *,
    consultation: Consultation,
    text: str,
    channel: str,
    respondent: RespondentData,
    received_at: datetime | None = None,
    language: str = "",
    consent_publish_name: bool = False,
    consent_publish_response: bool = True,
    idempotency_key: str = "",
    attachments: Sequence[IncomingFile] = (),
    source: dict[str, Any] | None = None,
    receipt_to: str = "",
) -> Receipt:
    """Validate, store durably and number one response; return its receipt.

    Atomic: the response, its respondent and attachments commit together or not at all, and the
    Receipt exists only once they have (the caller shows it after this returns; side effects
    such as the receipt e-mail and text extraction are queued with on_commit).
    Idempotent: the same non-empty `idempotency_key` for the same consultation returns the first
    response's receipt with `created=False` and stores nothing new.
    Hygiene: control characters are removed (and noted in `source`), lone surrogates refused
    (`hygiene.response_input_clean`), before anything else, so every channel gets the same.
    Deadline: web and API submissions outside the open period raise ReceiveError; other channels
    (e-mail, letters, imports) are stored with `late=True` when received after the deadline.
    """
    clean = hygiene.response_input_clean(
        text=text, respondent=respondent, attachments=attachments, source=source,
        idempotency_key=idempotency_key, language=language,
    )
    text, respondent, attachments, source, idempotency_key, language = (
        clean.text, clean.respondent, clean.attachments, clean.source, clean.idempotency_key,
        clean.language,
    )
    if idempotency_key:
        existing = _existing_response(consultation, idempotency_key)
        if existing is not None:
            return _receipt(existing, created=False)

    received_at = received_at or timezone.now()
    if timezone.is_naive(received_at):
        raise ValueError("received_at must be timezone-aware")
    status = consultation.status_at(received_at)
    if channel in REFUSING_CHANNELS and status != ConsultationStatus.OPEN:
        if status == ConsultationStatus.UPCOMING:
            raise ReceiveError("not_open", _("Høringen er ikke åbnet endnu."))
        raise ReceiveError(
            "closed",
            _("Høringsfristen er overskredet, og høringen modtager ikke flere svar."),
        )
    checked = _check(
        text=text, respondent=respondent, attachments=attachments, channel=channel
    )
    checked, source = redaction.screen_intake(checked, source or {})
    recognised = sender_organisation_id(email=checked.respondent.email,
                                        organisation=checked.respondent.organisation)

    written: list[str] = []
    respondent_row = Respondent(
        kind=checked.respondent.kind,
        name=checked.respondent.name,
        organisation=checked.respondent.organisation,
        email=checked.respondent.email,
        recognised_organisation_id=recognised,
    )
    response = Response(
        consultation=consultation,
        respondent_kind=respondent_row.kind,
        channel=channel,
        received_at=received_at,
        text=checked.text,
        language=language[:8],
        late=status == ConsultationStatus.CLOSED,
        consent_publish_name=consent_publish_name,
        consent_publish_response=consent_publish_response,
        idempotency_key=idempotency_key[:200],
        content_hash=hashlib.sha256(checked.text.encode()).hexdigest(),
        source=source or {},
    )
    try:
        with transaction.atomic():
            response.respondent = _insert(respondent_row)
            # Numbered last: on PostgreSQL the numbering row stays locked from here to the
            # commit, and other answers to the consultation wait for it.
            response.reference = _next_reference(consultation)
            _insert(response)
            attachment_ids = [
                _store_attachment(response, incoming, written).pk
                for incoming in checked.attachments
            ]
            transaction.on_commit(
                lambda: _after_receive(response.pk, attachment_ids, receipt_to)
            )
    except Exception as error:
        # Files are written before the commit; a rollback must not leave personal data on
        # disk. (An enclosing transaction rolled back later is covered by the file sweep.)
        _forget_files(written)
        if not (isinstance(error, IntegrityError) and idempotency_key):
            raise
        # A concurrent request with the same idempotency key committed first.
        existing = _existing_response(consultation, idempotency_key)
        if existing is None:
            raise
        return _receipt(existing, created=False)
    response.consultation = consultation
    return _receipt(response, created=True)


@dataclass(frozen=True)
class Incoming:
    """One response of many for `response_receive_many`: the arguments of `response_receive`
    that vary from response to response."""

    text: str
    respondent: RespondentData = field(default_factory=RespondentData)
    received_at: datetime | None = None
    language: str = ""
    consent_publish_name: bool = False
    consent_publish_response: bool = True
    idempotency_key: str = ""
    attachments: Sequence[IncomingFile] = ()
    source: dict[str, Any] | None = None


class BatchRefused(Exception):
    """`response_receive_many(all_or_nothing=True)` refused items; nothing was stored.
    `errors` maps each refused item's index to its ReceiveError."""

    def __init__(self, errors: dict[int, ReceiveError]):
        super().__init__(f"{len(errors)} items refused")
        self.errors = errors


RECEIVE_CHUNK = 200


def response_receive_many(
    *,
    consultation: Consultation,
    channel: str,
    items: Sequence[Incoming],
    all_or_nothing: bool = False,
    chunk_size: int = RECEIVE_CHUNK,
    stored_keys: dict[str, tuple[int, str]] | None = None,
) -> list[Receipt | ReceiveError]:
    """`response_receive` for many responses at once (API batches, file imports): the same
    door, the same rules, one result per item in order: its Receipt, or the ReceiveError that
    refused it (then nothing of it is stored).

    Every item is checked as `response_receive` checks it before anything is stored; with
    `all_or_nothing`, any refusal raises BatchRefused and stores nothing.
    Short transactions: items are stored in chunks of `chunk_size`, each one transaction that
    takes its reference numbers in one statement and inserts with two bulk INSERTs, so the
    write lock is held for milliseconds, never for a whole batch. A crash between chunks leaves
    the earlier chunks stored: idempotency keys make the retry find them (same receipts,
    `created=False`) and store only the rest, so callers give every item a key (the API and the
    file import derive one from the batch when the sender gave none).
    Idempotent within the batch too: a key that occurs twice gives the first item's receipt.
    Items with attachments go through `response_receive` one by one (files are written first).
    `stored_keys`: the caller's `_stored_by_key` of these items' keys, taken just before; the
    chunks then do not look them up again (a key stored since is refused by the unique index,
    and its chunk takes the exact path, one item at a time).
    """
    results: list[Receipt | ReceiveError | None] = [None] * len(items)
    items, refused = hygiene.incoming_clean_all(items)  # as in response_receive
    results = [refused.get(i) for i in range(len(items))]
    checked = _check_many(consultation=consultation, channel=channel, items=items,
                          results=results)
    if all_or_nothing and len(checked) < len(items):
        raise BatchRefused({i: r for i, r in enumerate(results) if isinstance(r, ReceiveError)})

    first_of_key: dict[str, int] = {}
    plain: list[int] = []
    for index in checked:
        key = items[index].idempotency_key[:200]
        if items[index].attachments:
            continue
        if key and key in first_of_key:
            continue  # answered from the first item with this key, below
        if key:
            first_of_key[key] = index
        plain.append(index)
    recognise = _recogniser()
    for start in range(0, len(plain), chunk_size):
        let_others_write()  # a form's answer waiting for the lock goes before the next chunk
        _store_chunk(consultation, channel, items, checked, plain[start:start + chunk_size],
                     results, recognise, stored_keys)
    for index in checked:
        item = items[index]
        if item.attachments:
            results[index] = response_receive(
                consultation=consultation, text=item.text, channel=channel,
                respondent=item.respondent, received_at=checked[index][1],
                language=item.language, consent_publish_name=item.consent_publish_name,
                consent_publish_response=item.consent_publish_response,
                idempotency_key=item.idempotency_key, attachments=item.attachments,
                source=item.source,
            )
        elif results[index] is None:
            first = results[first_of_key[items[index].idempotency_key[:200]]]
            results[index] = dataclasses.replace(first, created=False)
    return results  # type: ignore[return-value]


def _recogniser() -> Callable[[RespondentData], int | None]:
    """`sender_organisation_id` for the senders of one batch: the organisations in memory
    (`organisation_index`, loaded once, when a sender first needs it), each distinct sender
    looked up once (a batch's senders are mostly a few organisations)."""
    index = None
    known: dict[tuple[str, str], int | None] = {}

    def recognise(sender: RespondentData) -> int | None:
        nonlocal index
        pair = (sender.email, sender.organisation)
        if pair not in known:
            if not sender.organisation.strip() and not domain_candidates(sender.email):
                known[pair] = None
            else:
                index = index or organisation_index()
                known[pair] = index.for_sender(email=sender.email,
                                               organisation=sender.organisation)
        return known[pair]

    return recognise


def responses_check(
    *, consultation: Consultation, channel: str, items: Sequence[Incoming]
) -> dict[int, ReceiveError]:
    """What `response_receive_many` would refuse, by item index; stores nothing."""
    items, refused = hygiene.incoming_clean_all(items)
    results: list = [refused.get(i) for i in range(len(items))]
    _check_many(consultation=consultation, channel=channel, items=items, results=results)
    return {i: r for i, r in enumerate(results) if isinstance(r, ReceiveError)}


def _check_many(*, consultation: Consultation, channel: str, items: Sequence[Incoming],
                results: list) -> dict[int, tuple[_Checked, datetime, bool]]:
    checked: dict[int, tuple[_Checked, datetime, bool]] = {}
    now = timezone.now()
    status_now = consultation.status_at(now)  # of the items without a moment (most)
    for index, item in enumerate(items):
        if results[index] is not None:
            continue  # refused already (hygiene)
        received_at = item.received_at
        if received_at is None:
            received_at, status = now, status_now
        else:
            if timezone.is_naive(received_at):
                raise ValueError("received_at must be timezone-aware")
            status = consultation.status_at(received_at)
        try:
            if channel in REFUSING_CHANNELS and status != ConsultationStatus.OPEN:
                if status == ConsultationStatus.UPCOMING:
                    raise ReceiveError("not_open", _("Høringen er ikke åbnet endnu."))
                raise ReceiveError(
                    "closed",
                    _("Høringsfristen er overskredet, og høringen modtager ikke flere svar."),
                )
            screened, _source = redaction.screen_intake(
                _check(text=item.text, respondent=item.respondent,
                       attachments=item.attachments, channel=channel), {})
            checked[index] = (screened, received_at, status == ConsultationStatus.CLOSED)
        except ReceiveError as error:
            results[index] = error
    return checked


def _insert_returning_ids(model, columns: list[str], rows: list[tuple]) -> list[int]:
    """One multi-row INSERT … RETURNING id (SQLite ≥ 3.35, PostgreSQL): the ids in the order
    of `rows`, as Django's bulk_create relies on too, without its per-field compilation, which
    cost more than the database's work. Values must already be in database form."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - our own table and columns
        f"({', '.join(quote(c) for c in columns)}) VALUES "
        + ", ".join([placeholders] * len(rows))
        + f" RETURNING {quote(model._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
        return [row[0] for row in cursor.fetchall()]


def _insert(instance):
    """INSERT one new instance, every concrete field, and set its pk: what `objects.create`
    does, without the per-field SQL compilation that was a third of a web answer's time."""
    fields = _concrete_fields(type(instance))
    instance.pk = _insert_returning_ids(type(instance), [f.column for f in fields], [
        tuple(f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields)
    ])[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def _concrete_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


@functools.cache
def _bulk_plan(model, given: tuple[str, ...]) -> tuple[list[str], tuple]:
    """The columns a bulk insert of `model` names, `given` first (in that order), then every
    other concrete field with its default in database form (computed once per process: such
    defaults are immutable), so a field added to the model later is filled as `objects.create`
    would fill it. Returns (columns, the defaults to append to each row of `given` values)."""
    fields = _concrete_fields(model)
    by_attname = {f.attname: f for f in fields}
    missing = [name for name in given if name not in by_attname]
    if missing:
        raise ValueError(f"{model.__name__} has no field {missing}")
    rest = [f for f in fields if f.attname not in given]
    return ([by_attname[name].column for name in given] + [f.column for f in rest],
            tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest))


@functools.cache
def _pg_sequences() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id'), pg_get_serial_sequence(%s, 'id')",
                       [Respondent._meta.db_table, Response._meta.db_table])
        return cursor.fetchone()


def _bulk_insert(model, given: tuple[str, ...], rows: list[tuple],
                 ids: list[int] | None = None) -> list[int]:
    """Insert `rows` (values of the fields `given`, in database form) and return their ids in
    order. PostgreSQL: COPY with `ids` taken beforehand (`_pg_ids`); psycopg's parsing of a
    multi-row INSERT's placeholders cost more than the database's work. Others: one multi-row
    INSERT … RETURNING id."""
    columns, defaults = _bulk_plan(model, given)
    if defaults:
        rows = [row + defaults for row in rows]
    if ids is None:
        return _insert_returning_ids(model, columns, rows)
    quote = connection.ops.quote_name
    statement = (f"COPY {quote(model._meta.db_table)} ({quote(model._meta.pk.column)}, "
                 f"{', '.join(quote(c) for c in columns)}) FROM STDIN")
    with connection.cursor() as cursor, connection.wrap_database_errors, \
            cursor.cursor.copy(statement) as copy:
        write = copy.write_row
        for pk, row in zip(ids, rows, strict=True):
            write((pk, *row))
    return ids


def _pg_ids(count: int) -> tuple[list[int], list[int]]:
    """`count` new ids of respondents and of responses, in one statement (PostgreSQL)."""
    respondents, responses = _pg_sequences()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s::regclass), nextval(%s::regclass) "
                       "FROM generate_series(1, %s) ORDER BY 1", [respondents, responses, count])
        pairs = cursor.fetchall()
    return [a for a, _b in pairs], sorted(b for _a, b in pairs)


_JSON = msgspec.json.Encoder()


def _json(value: Any) -> str:
    """The `source` column in database form: JSON text (SQLite's column, PostgreSQL's COPY)."""
    return _JSON.encode(value).decode()


_RESPONDENT_FIELDS = ("kind", "name", "organisation", "email", "recognised_organisation_id")
_RESPONSE_FIELDS = (
    "consultation_id", "channel", "respondent_kind", "received_at", "text", "language", "late",
    "consent_publish_name", "consent_publish_response", "idempotency_key", "content_hash",
    "source", "reference", "respondent_id",
)


def _stored_by_key(consultation: Consultation, keys: list[str]) -> dict[str, tuple[int, str]]:
    """{key: (id, content_hash)} of the consultation's responses with these idempotency keys,
    in one statement per 900 keys (plain SQL: the ORM's compilation of a long IN list cost more
    than the look-up). The condition of the partial unique index, repeated word for word (`NOT
    (key = '')`, as Django wrote the index), lets SQLite use that index, not the consultation's."""
    keys = [key for key in keys if key]
    if not keys:
        return {}
    table = connection.ops.quote_name(Response._meta.db_table)
    found = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one array parameter: psycopg parses no list
            cursor.execute(
                f"SELECT idempotency_key, id, content_hash FROM {table} "  # noqa: S608 - our own table
                f"WHERE consultation_id = %s AND NOT (idempotency_key = '') "
                f"AND idempotency_key = ANY(%s)",
                [consultation.pk, keys],
            )
            return {key: (pk, content_hash) for key, pk, content_hash in cursor.fetchall()}
        for start in range(0, len(keys), 900):  # under every SQLite's limit of parameters
            part = keys[start:start + 900]
            cursor.execute(
                f"SELECT idempotency_key, id, content_hash FROM {table} "  # noqa: S608 - our own table
                f"WHERE consultation_id = %s AND NOT (idempotency_key = '') "
                f"AND idempotency_key IN ({', '.join(['%s'] * len(part))})",
                [consultation.pk, *part],
            )
            for key, pk, content_hash in cursor.fetchall():
                found[key] = (pk, content_hash)
    return found


def _store_chunk(consultation: Consultation, channel: str, items: Sequence[Incoming],
                 checked: dict[int, tuple[_Checked, datetime, bool]], indexes: list[int],
                 results: list, recognise: Callable[[RespondentData], int | None],
                 stored_keys: dict[str, tuple[int, str]] | None = None) -> None:
    # The rows in database form first, outside the transaction: on SQLite it holds the write
    # lock from its first statement, so only the statements run inside it.
    moment = Response._meta.get_field("received_at")
    moments: dict = {}  # most items of a chunk share their moment: converted once
    postgresql = connection.vendor == "postgresql"
    respondent_rows, response_rows, keys = [], [], []
    for i in indexes:
        screened, received_at, late = checked[i]
        item, sender = items[i], screened.respondent
        key = item.idempotency_key[:200]
        keys.append(key)
        at = moments.get(received_at)
        if at is None:
            at = moments[received_at] = (received_at if postgresql else
                                         moment.get_db_prep_save(received_at, connection))
        respondent_rows.append((sender.kind, sender.name, sender.organisation, sender.email,
                                recognise(sender)))
        response_rows.append((
            consultation.pk, channel, sender.kind, at, screened.text, item.language[:8], late,
            item.consent_publish_name, item.consent_publish_response, key,
            hashlib.sha256(screened.text.encode()).hexdigest(),
            _json(item.source or {}),
        ))
    wanted = [key for key in keys if key]
    try:
        with transaction.atomic():
            # Inside the transaction: on SQLite it holds the write lock (IMMEDIATE), so no
            # other writer can store one of these keys between this look and the insert (on
            # PostgreSQL the unique index refuses a concurrent twin: the exact path below).
            # With the caller's look (`stored_keys`) none here: a key stored in between is
            # refused by the unique index on either database, and the exact path answers.
            if stored_keys is not None:
                existing = {key: stored_keys[key] for key in wanted if key in stored_keys}
            else:
                existing = _stored_by_key(consultation, wanted) if wanted else {}
            new = [n for n, key in enumerate(keys) if not key or key not in existing]
            if new:
                respondent_ids = response_ids = None
                if postgresql:
                    respondent_ids, response_ids = _pg_ids(len(new))
                respondent_ids = _bulk_insert(Respondent, _RESPONDENT_FIELDS,
                                              [respondent_rows[n] for n in new], respondent_ids)
                # Numbered after the respondents are in: on PostgreSQL the numbering row stays
                # locked from here to the commit, and other answers to the consultation wait.
                references = _next_references(consultation, len(new))
                ids = _bulk_insert(Response, _RESPONSE_FIELDS, [
                    (*response_rows[n], reference, respondent_id)
                    for n, reference, respondent_id in zip(new, references, respondent_ids,
                                                           strict=True)
                ], response_ids)
    except IntegrityError:
        if not wanted:
            raise
        # A concurrent request stored one of these keys first: take the slow, exact path.
        for i in indexes:
            item = items[i]
            results[i] = response_receive(
                consultation=consultation, text=item.text, channel=channel,
                respondent=item.respondent, received_at=checked[i][1], language=item.language,
                consent_publish_name=item.consent_publish_name,
                consent_publish_response=item.consent_publish_response,
                idempotency_key=item.idempotency_key, source=item.source,
            )
        return
    slug = consultation.slug
    if new:
        for n, reference, pk in zip(new, references, ids, strict=True):
            i = indexes[n]
            results[i] = Receipt(reference=reference, response_id=pk, consultation_slug=slug,
                                 received_at=checked[i][1], created=True, late=checked[i][2])
    if existing:
        stored = Response.objects.in_bulk([pk for pk, _hash in existing.values()])
        for n, key in enumerate(keys):
            if key in existing and results[indexes[n]] is None:
                row = stored[existing[key][0]]
                row.consultation = consultation
                results[indexes[n]] = _receipt(row, created=False)


def _store_attachment(response: Response, incoming: IncomingFile,
                      written: list[str]) -> Attachment:
    digest = hashlib.sha256(incoming.data).hexdigest()
    attachment = Attachment(
        response=response,
        original_name=(incoming.name or "bilag")[:300],
        sha256=digest,
        mime_type=(incoming.mime_type or "")[:120],
        size=len(incoming.data),
    )
    name = attachment_path(attachment, digest)
    if default_storage.exists(name):
        attachment.file.name = name  # the same file came before: content-addressed, kept once
    else:
        attachment.file.save(digest, ContentFile(incoming.data), save=False)
        written.append(attachment.file.name)
    attachment.save()
    return attachment


def _forget_files(names: list[str]) -> None:
    for name in names:
        digest = name.rsplit("/", 1)[-1]
        if not Attachment.objects.filter(sha256=digest).exists():
            default_storage.delete(name)


def _after_receive(response_id: int, attachment_ids: list[int], receipt_to: str) -> None:
    for attachment_id in attachment_ids:
        tasks.attachment_extract.enqueue(attachment_id)
    if receipt_to:
        tasks.receipt_send.enqueue(response_id, receipt_to)
