"""E-mail into consultations: every message stored raw, then routed and received exactly once.

`mail_ingest(raw=...)` is what every mail source (IMAP, Maildir, mbox, .eml, MTA pipe) calls per
message. The raw bytes are stored as a `RawSubmission` in the same transaction as the response,
so a message is either fully accepted or not at all; a rerun after a crash finds the
RawSubmission by Message-ID (or content hash) and answers `duplicate` with the first reference.
Messages that cannot be parsed are kept raw as `quarantined`, those that match no consultation
as `unrouted`: both wait for staff, nothing is dropped.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from samskab.consultations import services
from samskab.consultations.intake import mime, routing
from samskab.consultations.models import (
    Channel,
    Consultation,
    InvitedParty,
    RawStatus,
    RawSubmission,
    RespondentKind,
)
from samskab.core.actions import staff_action

ACCEPTED = "accepted"
DUPLICATE = "duplicate"
UNROUTED = "unrouted"
QUARANTINED = "quarantined"
# A late answer still belongs to a consultation that closed this recently.
LATE_WINDOW = timedelta(days=120)
# An early answer (the call is out before the consultation opens) belongs to it too.
EARLY_WINDOW = timedelta(days=60)


@dataclass(frozen=True)
class IngestResult:
    message_id: str
    status: str  # accepted, duplicate, unrouted or quarantined
    reference: str = ""
    reason: str = ""


def _source_key(parsed: mime.ParsedMessage | None, digest: str) -> str:
    if parsed is not None and parsed.message_id:
        return parsed.message_id[:300]
    return f"sha256:{digest}"


def _received_at(raw: bytes, parsed: mime.ParsedMessage | None) -> datetime:
    """When the message reached us: the newest Received: stamp (added by our own mail server),
    else the sender's Date:, never in the future. Deadlines are judged on this time."""
    now = timezone.now()
    stamps: list[datetime] = []
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
        for value in headers.get_all("Received") or []:
            _, _, when = str(value).rpartition(";")
            try:
                parsed_when = email.utils.parsedate_to_datetime(when.strip())
            except (TypeError, ValueError, IndexError):
                continue
            if parsed_when.tzinfo is not None:
                stamps.append(parsed_when)
    except (TypeError, ValueError, IndexError, LookupError):
        stamps = []
    if stamps:
        return min(max(stamps), now)
    if parsed is not None and parsed.date is not None and parsed.date.tzinfo is not None:
        return min(parsed.date, now)
    return now


def _routes(moment: datetime) -> tuple[list[routing.Route], list[routing.Route]]:
    """(current, all): consultations open around `moment` (or closed shortly before it), then
    every one with an intake address or subject tag; a subject tag reused year after year
    thus resolves to the consultation of the message's time."""
    routable = Consultation.objects.filter(~Q(intake_email="") | ~Q(subject_tag="")).only(
        "slug", "intake_email", "subject_tag", "opens_at", "closes_at"
    )
    every, current = [], []
    for consultation in routable:
        candidate = routing.Route(consultation.slug, consultation.intake_email or None,
                                  consultation.subject_tag or None)
        every.append(candidate)
        if consultation.opens_at - EARLY_WINDOW <= moment < consultation.closes_at + LATE_WINDOW:
            current.append(candidate)
    return current, every


def route(parsed: mime.ParsedMessage, moment: datetime) -> Consultation | None:
    current, every = _routes(moment)
    slug = routing.route_message(parsed, current) or routing.route_message(parsed, every)
    return Consultation.objects.filter(slug=slug).first() if slug else None


def _respondent(parsed: mime.ParsedMessage, consultation: Consultation) -> services.RespondentData:
    """Sender as respondent; an invited party's e-mail domain gives its organisation and kind.
    Anyone else counts as a private person until staff say otherwise (the safe default for
    publishing names)."""
    address = (parsed.from_address or "").lower()
    domain = address.rpartition("@")[2]
    party = None
    if domain:
        party = (
            InvitedParty.objects.filter(consultation=consultation)
            .filter(Q(email__iexact=address) | Q(email_domain__iexact=domain))
            .first()
        )
    return services.RespondentData(
        kind=party.kind if party else RespondentKind.CITIZEN,
        name=(parsed.from_name or "")[:300],
        organisation=party.name if party else "",
        email=address if "@" in address else "",
    )


_NOT_RESPONSES = re.compile(
    r"^(Auto-Submitted: auto-replied|Return-Path <>|multipart/report|automatic subject|"
    r"X-Autoreply|X-Autorespond|X-Auto-Reply|X-AutoReply-From|X-Mail-Autoreply|"
    r"X-Failed-Recipients|automatic sender (mailer-daemon|postmaster))",
    re.IGNORECASE,
)


def not_a_response(parsed: mime.ParsedMessage) -> str:
    """Why an automatic message (out-of-office reply, bounce, read report) is no response, or
    "". Other automatic senders (a portal's no-reply address, a list) may carry real answers:
    those are received, just never answered."""
    reason = parsed.automatic_reason or ""
    return reason if parsed.is_automatic and _NOT_RESPONSES.match(reason) else ""


def _attachments(parsed: mime.ParsedMessage) -> list[services.IncomingFile]:
    # Inline parts of multipart/related are the message's layout (logos), not content.
    return [
        services.IncomingFile(name=a.filename, data=a.data, mime_type=a.mime_type)
        for a in parsed.attachments
        if not a.inline
    ]


def _text(parsed: mime.ParsedMessage) -> str:
    """What the sender wrote: own words and forwarded messages; quotes and signatures are kept
    in the raw message and the segments, not in the response text."""
    return parsed.response_text or parsed.body_text


def _metadata(parsed: mime.ParsedMessage | None, source_id: str) -> dict:
    if parsed is None:
        return {"source_id": source_id}
    return {
        "source_id": source_id,
        "subject": parsed.subject[:500],
        "from": parsed.from_address or "",
        "to": parsed.recipients[:20],
        "date": parsed.date.isoformat() if parsed.date else None,
        "automatic": parsed.automatic_reason or "",
        "defects": parsed.defects[:50],
        "segments": [
            {"kind": s.kind, "depth": s.depth, "chars": len(s.text)} for s in parsed.body_parts
        ],
    }


def _existing(source_key: str) -> IngestResult | None:
    found = (
        RawSubmission.objects.select_related("response")
        .filter(channel=Channel.EMAIL, source_key=source_key)
        .first()
    )
    if found is None:
        return None
    reference = found.response.reference if found.response else ""
    return IngestResult(source_key, DUPLICATE, reference, found.reason)


def mail_ingest(
    *, raw: bytes, source_id: str = "", consultation: Consultation | None = None
) -> IngestResult:
    """Store and receive one e-mail. Idempotent per Message-ID (or content hash without one).

    `consultation` forces the route (the command line's --consultation); otherwise the message
    is routed by recipient address, then subject tag. Returns when the outcome is committed.
    """
    digest = mime.content_hash(raw)
    try:
        parsed: mime.ParsedMessage | None = mime.parse_message(raw)
        failure = ""
    except mime.UnparseableMessage as error:
        parsed, failure = None, error.reason
    key = _source_key(parsed, digest)
    existing = _existing(key)
    if existing is not None:
        return existing
    try:
        return _store(raw, digest, key, parsed, failure, source_id, consultation)
    except IntegrityError:
        # The same message was committed by a concurrent run between our check and insert.
        existing = _existing(key)
        if existing is None:
            raise
        return existing


def _save_raw(row: RawSubmission | None, **fields) -> RawSubmission:
    """Create the RawSubmission, or update the one being retried in place (its id stays)."""
    if row is None:
        return RawSubmission.objects.create(channel=Channel.EMAIL, **fields)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=[*fields])
    return row


def _store(raw, digest, key, parsed, failure, source_id, consultation,
           row: RawSubmission | None = None, force: bool = False) -> IngestResult:
    metadata = _metadata(parsed, source_id)
    common = {"source_key": key, "raw": raw, "content_hash": digest, "metadata": metadata}
    with transaction.atomic():
        if parsed is None:
            _save_raw(row, status=RawStatus.QUARANTINED, reason=failure, consultation=None,
                      **common)
            return IngestResult(key, QUARANTINED, reason=failure)
        automatic = not_a_response(parsed)
        if automatic and not force:
            reason = f"automatic message, not a response ({automatic})"
            _save_raw(row, status=RawStatus.QUARANTINED, reason=reason, consultation=None,
                      **common)
            return IngestResult(key, QUARANTINED, reason=reason)
        received_at = _received_at(raw, parsed)
        target = consultation or route(parsed, received_at)
        if target is None:
            reason = "no consultation matches the recipient address or the subject"
            _save_raw(row, status=RawStatus.UNROUTED, reason=reason, consultation=None, **common)
            return IngestResult(key, UNROUTED, reason=reason)
        raw_row = _save_raw(row, status=RawStatus.ACCEPTED, reason="", consultation=target,
                            **common)
        try:
            with transaction.atomic():
                receipt = services.response_receive(
                    consultation=target,
                    text=_text(parsed),
                    channel=Channel.EMAIL,
                    respondent=_respondent(parsed, target),
                    received_at=received_at,
                    language=parsed.language or "",
                    idempotency_key=f"mail:{key}"[:200],
                    attachments=_attachments(parsed),
                    source={"message_id": parsed.message_id or "", "subject": parsed.subject,
                            "raw_submission": raw_row.pk},
                    receipt_to="" if parsed.is_automatic else (parsed.reply_address or ""),
                )
        except services.ReceiveError as error:
            raw_row.status = RawStatus.QUARANTINED
            raw_row.reason = f"{error.code}: {error.message}"
            raw_row.save(update_fields=["status", "reason"])
            return IngestResult(key, QUARANTINED, reason=raw_row.reason)
        raw_row.response_id = receipt.response_id
        raw_row.save(update_fields=["response"])
        return IngestResult(key, ACCEPTED if receipt.created else DUPLICATE, receipt.reference)


def raw_submission_retry(
    *, submission: RawSubmission, actor, consultation: Consultation | None = None
) -> IngestResult:
    """Staff retry a quarantined or unrouted message, after a fix or naming the consultation.

    The stored raw bytes go through parsing, routing and receiving again (naming the
    consultation also overrides the automatic-message check: staff have read it); the same
    RawSubmission row records the new outcome, and an AuditEvent records who retried it.
    """
    if submission.status == RawStatus.ACCEPTED:
        reference = submission.response.reference if submission.response else ""
        return IngestResult(submission.source_key, DUPLICATE, reference)
    raw = bytes(submission.raw)
    before = {"status": submission.status, "reason": submission.reason}
    digest = mime.content_hash(raw)
    try:
        parsed: mime.ParsedMessage | None = mime.parse_message(raw)
        failure = ""
    except mime.UnparseableMessage as error:
        parsed, failure = None, error.reason
    with staff_action(actor=actor, perm="consultations.retry_raw_submission", obj=submission,
                      name="raw_submission.retry") as act:
        result = _store(raw, digest, submission.source_key, parsed, failure,
                        submission.metadata.get("source_id", ""), consultation, row=submission,
                        force=consultation is not None)
        act.audit(submission, before=before,
                  after={"status": submission.status, "reason": submission.reason,
                         "consultation": consultation.slug if consultation else None})
    return result
