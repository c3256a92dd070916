"""Consultation use cases. `response_receive` is the one door in for every channel."""

import hashlib
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samskab.consultations import hygiene
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

# Channels where the sender is present and can be told "no"; the others store late items flagged.
REFUSING_CHANNELS = frozenset({Channel.WEB, Channel.API})


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


class ReceiveError(Exception):
    """Input that cannot become a response; `message` is translated and fit to show a person."""

    def __init__(self, code: str, message: Any, *, field_name: str | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field_name = field_name


@dataclass
class _Checked:
    text: str
    respondent: RespondentData
    attachments: list[IncomingFile] = field(default_factory=list)


def normalise_text(text: str) -> str:
    """Unicode NFC, unified newlines, no trailing blanks: what is stored and hashed."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
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
    if respondent.kind not in RespondentKind.values:
        raise ReceiveError(
            "invalid_kind", _("Vælg hvem du svarer som."), field_name="respondent_kind",
        )
    if channel in REFUSING_CHANNELS and len(attachments) > settings.SAMSKAB_MAX_ATTACHMENTS:
        raise ReceiveError(
            "too_many_attachments",
            _("Højst %(n)s bilag pr. svar.") % {"n": settings.SAMSKAB_MAX_ATTACHMENTS},
            field_name="attachments",
        )
    if channel in REFUSING_CHANNELS:
        for incoming in attachments:
            _check_attachment(incoming)
    cleaned = RespondentData(
        kind=respondent.kind,
        name=(respondent.name or "").strip()[:300],
        organisation=(respondent.organisation or "").strip()[:300],
        email=email.lower()[:254],
    )
    return _Checked(text=text, respondent=cleaned, attachments=list(attachments))


def _next_reference(consultation: Consultation) -> str:
    # The UPDATE locks the consultation's row until commit, so numbers never repeat.
    Consultation.objects.filter(pk=consultation.pk).update(
        last_reference_number=F("last_reference_number") + 1
    )
    number = Consultation.objects.values_list("last_reference_number", flat=True).get(
        pk=consultation.pk
    )
    return f"{consultation.reference_prefix}-{number:04d}"


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
        existing = (
            Response.objects.select_related("consultation")
            .filter(consultation=consultation, idempotency_key=idempotency_key)
            .first()
        )
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

    written: list[str] = []
    try:
        with transaction.atomic():
            respondent_row = Respondent.objects.create(
                kind=checked.respondent.kind,
                name=checked.respondent.name,
                organisation=checked.respondent.organisation,
                email=checked.respondent.email,
            )
            response = Response.objects.create(
                reference=_next_reference(consultation),
                consultation=consultation,
                respondent=respondent_row,
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
        existing = Response.objects.select_related("consultation").get(
            consultation=consultation, idempotency_key=idempotency_key
        )
        return _receipt(existing, created=False)
    response.consultation = consultation
    return _receipt(response, created=True)


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


def attachment_files_sweep(*, older_than: timedelta = timedelta(hours=1),
                           apply: bool = False) -> list[str]:
    """Attachment files that no Attachment row points to (left when an enclosing transaction
    rolled back after the file was written). Deleted only with `apply=True`; files younger
    than `older_than` are left alone, as their transaction may still be open."""
    root = Path(settings.MEDIA_ROOT) / "attachments"
    if not root.exists():
        return []
    cutoff = time.time() - older_than.total_seconds()
    candidates = {
        path.name: path for path in root.glob("*/*")
        if path.is_file() and path.stat().st_mtime < cutoff
    }
    known: set[str] = set()
    names = list(candidates)
    for start in range(0, len(names), 1000):
        known.update(Attachment.objects.filter(sha256__in=names[start:start + 1000])
                     .values_list("sha256", flat=True))
    orphans = [str(candidates[name]) for name in names if name not in known]
    if apply:
        for path in orphans:
            Path(path).unlink(missing_ok=True)
    return orphans


def _after_receive(response_id: int, attachment_ids: list[int], receipt_to: str) -> None:
    from samskab.consultations import tasks

    for attachment_id in attachment_ids:
        tasks.attachment_extract.enqueue(attachment_id)
    if receipt_to:
        tasks.receipt_send.enqueue(response_id, receipt_to)
