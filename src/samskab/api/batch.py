"""The batch API's fast lane: a batch of well-formed records, read in one pass.

`decode` reads the body with msgspec straight into typed records (C speed, no dict per record);
`incoming` checks each record as `intake.files.record_parse` would and builds the arguments of
`response_receive_many` without the intermediate objects. Both give up (`NotFast`) on anything
unusual: a body msgspec cannot read (bad JSON, a lone surrogate, a value of another type than the
contract's, an unknown field), a record `record_parse` would refuse or coerce (a number as text,
"ja" as a boolean, a field too long, a malformed key), attachments, or records without any
idempotency key. The caller then takes the general path (`json.loads` and `record_parse`
record by record), which refuses or accepts exactly as before and lists every failing index:
this lane only ever accepts what that path accepts, and stores it the same way.
"""

from __future__ import annotations

from typing import Any

import msgspec

from samskab.consultations import services as consultation_services
from samskab.consultations.intake.files import MAX_ID_LENGTH, MAX_KEY_LENGTH, RecordError, _moment
from samskab.consultations.models import RespondentKind


class NotFast(Exception):
    """The batch needs the general path."""


class Record(msgspec.Struct, forbid_unknown_fields=True):
    """The contract's record (docs/api.md), with the types a JSON client sends."""

    text: str
    id: str | None = None
    respondent_kind: str | None = None
    organisation: str | None = None
    name: str | None = None
    email: str | None = None
    received_at: str | None = None
    language: str | None = None
    consent_publish_name: bool | None = None
    consent_publish_response: bool | None = None
    attachments: list[Any] | None = None
    idempotency_key: str | None = None
    # What `export responses` adds; ignored on input.
    reference: Any = None
    channel: Any = None
    status: Any = None
    late: Any = None


class Batch(msgspec.Struct, forbid_unknown_fields=True):
    responses: list[Record]


_DECODER = msgspec.json.Decoder(Batch | list[Record])


def decode(body: bytes) -> list[Record]:
    """The records of a batch body (`{"responses": [...]}` or a bare list). Raises NotFast."""
    try:
        decoded = _DECODER.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        raise NotFast from None
    return decoded.responses if isinstance(decoded, Batch) else decoded


def _short(value: str | None, limit: int) -> str:
    """`files._string` for a value known to be a string or None: stripped, within `limit`."""
    if value is None:
        return ""
    value = value.strip()
    if len(value) > limit:
        raise NotFast
    return value


def incoming(records: list[Record], *, token_pk: int, token_name: str,
             batch_key: str) -> tuple[list[consultation_services.Incoming], list[str]]:
    """The items for `response_receive_many` and each one's idempotency key (scoped by token
    as `services._key` scopes them). Raises NotFast (see the module docstring)."""
    items = []
    keys = []
    citizen = RespondentKind.CITIZEN.value
    prefix = f"api:{token_pk}:"
    Incoming, RespondentData = consultation_services.Incoming, consultation_services.RespondentData
    for index, record in enumerate(records):
        if record.attachments:
            raise NotFast
        own = record.idempotency_key
        if own is not None:
            own = own.strip()
            if len(own) > MAX_KEY_LENGTH or not own.isprintable():
                raise NotFast
        if own:
            key = prefix + own
        elif batch_key:
            key = f"{prefix}{batch_key}#{index}"
        else:
            raise NotFast  # a key derived from the batch's content: the general path
        received_at = None
        if record.received_at is not None:
            try:
                received_at = _moment({"received_at": record.received_at}, naive_allowed=False)
            except RecordError:
                raise NotFast from None
        row_id = _short(record.id, MAX_ID_LENGTH)
        source = {"api_token": token_pk, "api_token_name": token_name}
        if row_id:
            source["id"] = row_id
        items.append(Incoming(
            text=record.text,
            respondent=RespondentData(
                kind=_short(record.respondent_kind, 30).lower() or citizen,
                name=_short(record.name, 300),
                organisation=_short(record.organisation, 300),
                email=_short(record.email, 254),
            ),
            received_at=received_at,
            language=_short(record.language, 8).lower(),
            consent_publish_name=bool(record.consent_publish_name),
            consent_publish_response=(True if record.consent_publish_response is None
                                      else record.consent_publish_response),
            idempotency_key=key,
            source=source,
        ))
        keys.append(key)
    return items, keys
