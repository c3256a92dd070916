"""API use cases: tokens for other portals, and responses delivered with them.

Responses enter through `consultations.services.response_receive` (channel `api`), the one door
in; records are read by the same `record_parse` as bulk files.
"""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samskab.api.models import ApiToken
from samskab.consultations import hygiene
from samskab.consultations import services as consultation_services
from samskab.consultations.intake.files import RecordError, record_parse
from samskab.consultations.models import Channel, Consultation, Response
from samskab.core.services import audit_record

SECRET_PREFIX = "smk_"  # noqa: S105 - a marker that makes leaked secrets findable, not one
MAX_BATCH = 1000
MAX_IDEMPOTENCY_KEY = 150


class ApiError(Exception):
    """A request the API refuses; `code` is machine-readable, `message` fit for a person."""

    def __init__(self, code: str, message: Any, *, field_name: str | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field_name = field_name


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
    with transaction.atomic():
        token = ApiToken.objects.create(
            consultation=consultation,
            name=name[:200],
            description=description,
            prefix=secret[: len(SECRET_PREFIX) + 6],
            secret_hash=secret_hash(secret),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor, action="api_token.create", obj=token,
            after={"consultation": consultation.slug, "name": token.name,
                   "prefix": token.prefix},
        )
    return token, secret


def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke a token at once; a revoked token stays listed (who had access, until when).
    Revoking twice changes nothing and writes no second event."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action="api_token.revoke", obj=token,
            before={"revoked_at": None}, after={"revoked_at": token.revoked_at.isoformat()},
        )
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
        token.last_used_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
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
    *, token: ApiToken, consultation: Consultation, records: Any
) -> list[consultation_services.Receipt]:
    """Up to MAX_BATCH responses, all or nothing: one transaction, and when any record is
    refused, BatchRejected lists every refused record (by index) and nothing is stored.
    Each record may carry its own `idempotency_key`."""
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
    errors: list[ItemError] = []
    receipts: list[consultation_services.Receipt] = []
    with transaction.atomic():
        for index, record in enumerate(records):
            try:
                receipts.append(_receive(
                    token=token, consultation=consultation, record=record,
                    idempotency_key="",
                ))
            except (RecordError, consultation_services.ReceiveError, ApiError) as error:
                # Refusals raise before `response_receive` writes, so the transaction is
                # still usable and the next record can be checked too.
                errors.append(ItemError(index, error.code, str(error.message), error.field_name))
        if errors:
            raise BatchRejected(errors)  # leaving the block rolls back the stored records
    return receipts
