"""API use cases: tokens for other portals, and responses delivered with them.

Responses enter through `consultations.services.response_receive` (channel `api`), the one door
in; records are read by the same `record_parse` as bulk files.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import rules
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samskab.api.models import ApiToken
from samskab.consultations import hygiene
from samskab.consultations import services as consultation_services
from samskab.consultations.intake.files import record_parse
from samskab.consultations.models import Channel, Consultation, Response
from samskab.core.actions import staff_action, user_or_none
from samskab.core.errors import DomainError

SECRET_PREFIX = "smk_"  # noqa: S105 - a marker that makes leaked secrets findable, not one
MAX_BATCH = 1000
MAX_IDEMPOTENCY_KEY = 150
LAST_USED_RESOLUTION = timedelta(minutes=1)


MANAGE_TOKENS = "api.manage_tokens"


class ApiError(DomainError):
    """A request the API refuses; `code` is machine-readable, `message` fit for a person."""

    def __init__(self, code: str, message: Any, *, field_name: str | None = None):
        super().__init__(code, message, field_name)

    @property
    def field_name(self) -> str | None:
        return self.field


@dataclass(frozen=True)
class ItemError:
    index: int
    code: str
    message: str
    field: str | None


class BatchRejected(Exception):
    """At least one record of a batch was refused: nothing of the batch was stored."""

    def __init__(self, errors: list[ItemError]):
        super().__init__(f"{len(errors)} records refused")
        self.errors = errors


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *, consultation: Consultation, name: str, actor: Any, description: str = ""
) -> tuple[ApiToken, str]:
    """Create a token for one consultation; return it with its secret, which is stored only as
    a sha256 and cannot be shown again. Writes an AuditEvent in the same transaction."""
    name = name.strip()
    if not name:
        raise ValueError("a token needs a name")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with staff_action(actor=actor, perm=MANAGE_TOKENS, obj=consultation,
                      name="api_token.create") as act:
        token = ApiToken.objects.create(
            consultation=consultation,
            name=name[:200],
            description=description,
            prefix=secret[: len(SECRET_PREFIX) + 6],
            secret_hash=secret_hash(secret),
            created_by=user_or_none(actor),
        )
        act.audit(token, after={"consultation": consultation.slug, "name": token.name,
                                "prefix": token.prefix})
    return token, secret


def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke a token at once; a revoked token stays listed (who had access, until when).
    Revoking twice changes nothing and writes no second event."""
    with staff_action(actor=actor, perm=MANAGE_TOKENS, obj=token, name="api_token.revoke",
                      audit_required=False) as act:
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        act.audit(token, before={"revoked_at": None},
                  after={"revoked_at": token.revoked_at.isoformat()})
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The active token with this secret, or None; notes when it was last used."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    token = (
        ApiToken.objects.active().select_related("consultation")
        .filter(secret_hash=secret_hash(secret)).first()
    )
    if token is not None:
        # Noted at most once a minute: a write on every call would queue each API request
        # behind the database's write lock (SQLite) for a timestamp nobody needs that exact.
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            token.last_used_at = now
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_consultation(*, token: ApiToken, slug: str) -> Consultation:
    """The consultation a request names, if its token admits it. Raises ApiError."""
    consultation = Consultation.objects.filter(slug=slug).first()
    if consultation is None:
        raise ApiError("not_found", _("Der findes ingen høring med det korte navn."))
    if not rules.test_rule("api.token_may_submit", token, consultation):
        raise ApiError("forbidden", _("API-nøglen gælder ikke denne høring."))
    return consultation


def _key(token: ApiToken, key: str) -> str:
    # Keys are the client's: scoped by token so two portals' "1" are two responses.
    if len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise ApiError(
            "validation",
            _("Idempotency-Key skal være højst %(n)s synlige tegn.") % {"n": MAX_IDEMPOTENCY_KEY},
            field_name="idempotency_key",
        )
    return f"api:{token.pk}:{key}" if key else ""


def _receive(
    *, token: ApiToken, consultation: Consultation, record: Any, idempotency_key: str
) -> consultation_services.Receipt:
    parsed = record_parse(record, require_id=False, reject_unknown_fields=True)
    key = _key(token, idempotency_key or parsed.idempotency_key)
    receipt = consultation_services.response_receive(
        consultation=consultation,
        channel=Channel.API,
        idempotency_key=key,
        source={"api_token": token.pk, "api_token_name": token.name,
                **({"id": parsed.row_id} if parsed.row_id else {})},
        **parsed.receive_kwargs(),
    )
    if not receipt.created:
        stored = Response.objects.values_list("content_hash", flat=True).get(
            pk=receipt.response_id
        )
        sent = hygiene.content_hash(parsed.text)
        if stored != sent:
            raise ApiError(
                "idempotency_conflict",
                _("Samme Idempotency-Key er brugt til et andet svar."),
                field_name="idempotency_key",
            )
    return receipt


def response_submit(
    *, token: ApiToken, consultation: Consultation, record: Any, idempotency_key: str = ""
) -> consultation_services.Receipt:
    """One response from another portal. Idempotent by key (header, or the record's
    `idempotency_key`): the same key again returns the first receipt, `created=False`; the same
    key with another text raises ApiError `idempotency_conflict`. Raises RecordError,
    ReceiveError or ApiError and then stores nothing."""
    return _receive(
        token=token, consultation=consultation, record=record,
        idempotency_key=idempotency_key,
    )


def responses_submit_batch(
    *, token: ApiToken, consultation: Consultation, records: Any, batch_key: str = ""
) -> list[consultation_services.Receipt]:
    """Up to MAX_BATCH responses. All or nothing as to what is accepted: when any record is
    refused (its shape, a rule of `response_receive`, an idempotency conflict), BatchRejected
    lists every refused record by index and nothing is stored.

    Stored in short transactions (`response_receive_many`, chunks of RECEIVE_CHUNK records)
    under one idempotency scope: a record's key is its own `idempotency_key`, else the
    request's Idempotency-Key (`batch_key`) with the record's index, else one derived from the
    content of the whole batch and the index. So a batch sent again (after a timeout, a 503,
    or a server that died between two chunks) gives the same receipts, `created=False` for
    what was stored before, and nothing twice."""
    if isinstance(records, dict) and set(records) == {"responses"}:
        records = records["responses"]
    if not isinstance(records, list):
        raise ApiError(
            "validation", _("Forventede {\"responses\": [...]} med en liste af svar."),
            field_name="responses",
        )
    if not records:
        raise ApiError("validation", _("Listen af svar er tom."), field_name="responses")
    if len(records) > MAX_BATCH:
        raise ApiError(
            "payload_too_large",
            _("Højst %(n)s svar pr. forespørgsel.") % {"n": MAX_BATCH},
            field_name="responses",
        )
    _key(token, batch_key)  # refuses a malformed header before anything else
    errors: list[ItemError] = []
    parsed: dict[int, Any] = {}
    for index, record in enumerate(records):
        try:
            parsed[index] = record_parse(record, require_id=False, reject_unknown_fields=True)
            _key(token, parsed[index].idempotency_key)
        except DomainError as error:  # RecordError, ApiError
            errors.append(ItemError(index, error.code, str(error.message), error.field))
    batch_digest = ""  # of the whole batch's content, only when a record needs it
    keys = {}
    for index, record in parsed.items():
        own = record.idempotency_key
        if not own and not batch_key and not batch_digest:
            batch_digest = hashlib.sha256(
                "\n".join(p.fingerprint for p in parsed.values()).encode()
            ).hexdigest()[:32]
        keys[index] = (f"api:{token.pk}:{own}" if own
                       else f"api:{token.pk}:{batch_key}#{index}" if batch_key
                       else f"api:{token.pk}:batch-{batch_digest}#{index}")
    source = {"api_token": token.pk, "api_token_name": token.name}
    indexes = list(parsed)
    items = [
        consultation_services.Incoming(
            text=record.text, respondent=record.respondent, received_at=record.received_at,
            language=record.language, consent_publish_name=record.consent_publish_name,
            consent_publish_response=record.consent_publish_response,
            idempotency_key=keys[index], attachments=record.attachments,
            source={**source, **({"id": record.row_id} if record.row_id else {})},
        )
        for index, record in parsed.items()
    ]
    stored = consultation_services._stored_by_key(consultation, list(keys.values()))
    stored_hashes = {key: content_hash for key, (_pk, content_hash) in stored.items()}
    for index, record in parsed.items():
        stored = stored_hashes.get(keys[index])
        if stored is not None and stored != hashlib.sha256(
            consultation_services.normalise_text(record.text).encode()
        ).hexdigest():
            errors.append(ItemError(
                index, "idempotency_conflict",
                str(_("Samme Idempotency-Key er brugt til et andet svar.")), "idempotency_key",
            ))
    if errors:
        # Refused anyway: list what the rules of response_receive refuse too, in one answer.
        # (Without refusals so far, response_receive_many checks them once, below.)
        for position, error in consultation_services.responses_check(
            consultation=consultation, channel=Channel.API, items=items,
        ).items():
            errors.append(ItemError(indexes[position], error.code, str(error.message),
                                    error.field_name))
        raise BatchRejected(sorted(errors, key=lambda e: e.index))
    try:
        return consultation_services.response_receive_many(
            consultation=consultation, channel=Channel.API, items=items, all_or_nothing=True,
        )
    except consultation_services.BatchRefused as refused:
        raise BatchRejected([
            ItemError(indexes[position], error.code, str(error.message), error.field_name)
            for position, error in sorted(refused.errors.items())
        ]) from None


def responses_submit_batch_fast(
    *, token: ApiToken, consultation: Consultation, records: list, batch_key: str = ""
) -> list[consultation_services.Receipt]:
    """`responses_submit_batch` for records read by `api.batch.decode`, in one pass without
    the general path's intermediate objects. Raises `api.batch.NotFast` whenever the general
    path is needed to decide (see `api.batch`), before anything is stored; otherwise it
    answers exactly as `responses_submit_batch` would (ApiError, BatchRejected, receipts)."""
    from samskab.api import batch

    if not records or len(records) > MAX_BATCH:
        raise batch.NotFast
    _key(token, batch_key)  # refuses a malformed header before anything else
    items, keys = batch.incoming(records, token_pk=token.pk, token_name=token.name,
                                 batch_key=batch_key)
    stored = consultation_services._stored_by_key(consultation, keys)
    if stored:
        for item, key in zip(items, keys, strict=True):
            if key in stored and stored[key][1] != hashlib.sha256(
                consultation_services.normalise_text(item.text).encode()
            ).hexdigest():
                raise batch.NotFast  # an idempotency conflict: listed by the general path
    try:
        return consultation_services.response_receive_many(
            consultation=consultation, channel=Channel.API, items=items, all_or_nothing=True,
            stored_keys=stored,
        )
    except consultation_services.BatchRefused as refused:
        raise BatchRejected([
            ItemError(position, error.code, str(error.message), error.field_name)
            for position, error in sorted(refused.errors.items())
        ]) from None
