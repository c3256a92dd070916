"""Parse one raw e-mail (RFC 5322 bytes) into a plain `ParsedMessage`.

Built for what people's mail programs really send, not for what the RFCs say: RFC 2047 encoded
words in any charset (and mislabelled ones such as ``CP 1252``), raw 8-bit headers, broken
multipart boundaries, Outlook's winmail.dat (TNEF), forwarded messages, HTML-only mail.
Whatever cannot be read cleanly is recovered as well as possible and noted in
`ParsedMessage.defects`; `UnparseableMessage` is raised only when nothing usable is left, so the
caller can quarantine the raw bytes.

The parser's parts: `charsets` (charset labels, encoded words), `headers` (addresses, the
sender, Message-ID, date, automatic mail), `parts` (the MIME walk, attachments, winmail.dat,
forwarded messages), `segments` (own words, quotes, signature). The language is
`analysis.text.detect_language`'s, unless the mail says it. Pure Python, no Django: the
service stores what this returns.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

from samskab.analysis.text import detect_language
from samskab.consultations.intake.charsets import codec_for, decode_header_value
from samskab.consultations.intake.headers import (
    automatic,
    header,
    headers,
    message_id,
    parse_addresses,
    sent_at,
)
from samskab.consultations.intake.parts import MailAttachment, Walk, language_header, walk_part
from samskab.consultations.intake.segments import Segment, segment_text
from samskab.extraction import html_to_text

__all__ = ["MailAttachment", "ParsedMessage", "Segment", "UnparseableMessage", "content_hash",
           "parse_message"]


class UnparseableMessage(Exception):  # noqa: N818 - the name the callers know
    """Nothing usable could be recovered; `reason` says why. Quarantine the raw bytes."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class ParsedMessage:
    """One parsed mail. `message_id` is without angle brackets, None when missing (then
    `content_hash` identifies the message). `body_text` is the whole text of the message
    itself (text/plain preferred, else sanitised HTML, else the winmail.dat body), quotes and
    signature included; `body_parts` splits it and adds forwarded messages' text, and
    `response_text` is what counts as the response. Attachments include those of forwarded
    messages and those unpacked from winmail.dat; `forwarded` holds the forwarded messages
    (message/rfc822 parts) parsed in turn. `is_automatic`: never send this a receipt."""

    message_id: str | None
    content_hash: str
    from_name: str
    from_address: str | None
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)  # Delivered-To, X-Original-To
    reply_to: str | None = None
    subject: str = ""
    date: datetime | None = None
    language: str | None = None  # "da", "en", … from Content-Language, else a guess
    body_text: str = ""
    body_parts: list[Segment] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)
    forwarded: list[ParsedMessage] = field(default_factory=list)
    is_automatic: bool = False
    automatic_reason: str | None = None
    defects: list[str] = field(default_factory=list)

    @property
    def recipients(self) -> list[str]:
        """Every address the message was delivered to, envelope first."""
        seen: list[str] = []
        for address in [*self.delivered_to, *self.to, *self.cc]:
            if address.lower() not in (a.lower() for a in seen):
                seen.append(address)
        return seen

    @property
    def response_text(self) -> str:
        """The sender's own words and those of forwarded messages: body segments only, without
        quoted replies, signatures and forwarding headers."""
        return "\n".join(s.text for s in self.body_parts if s.kind == "body").strip()

    @property
    def reply_address(self) -> str | None:
        return self.reply_to or self.from_address


_KNOWN_HEADERS = ("from", "to", "subject", "date", "message-id", "mime-version", "content-type",
                  "received", "return-path", "cc", "delivered-to", "sender", "reply-to")


def content_hash(raw: bytes) -> str:
    """sha256 of the raw bytes with line endings normalised to LF, so the same message read
    from IMAP (CRLF) and from an mbox (LF) gives the same hash."""
    normalised = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").rstrip(b"\n")
    return hashlib.sha256(normalised).hexdigest()


def guess_language(text: str) -> str | None:
    """"da" or "en" by the project's one language rule (`analysis.text.detect_language`);
    None for fewer than three words (a subject such as "OGP-hoering" says nothing), when it
    cannot tell, or for another language."""
    if len(text.split()) < 3:
        return None
    language = detect_language(text)
    return language if language in ("da", "en") else None


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse raw RFC 5322 bytes. Raises `UnparseableMessage` only when nothing usable can be
    recovered (no mail headers, or no sender, subject, text nor attachment at all)."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise UnparseableMessage(f"expected bytes, got {type(raw).__name__}")
    raw = bytes(raw)
    if not raw.strip():
        raise UnparseableMessage("empty message")
    try:
        msg = BytesParser(policy=compat32).parsebytes(raw)
    except (ValueError, TypeError, IndexError, LookupError, RecursionError) as exc:
        raise UnparseableMessage(f"the mail parser gave up: {exc}") from exc
    names = {key.lower() for key in msg.keys()}
    if not names & set(_KNOWN_HEADERS):
        raise UnparseableMessage("no mail headers found")
    try:
        parsed = _parse(msg, raw, depth_offset=0)
    except RecursionError as exc:
        raise UnparseableMessage("message structure nested too deeply") from exc
    except Exception as exc:  # noqa: BLE001 - quarantined and retried after a fix, never lost
        raise UnparseableMessage(f"parser error: {type(exc).__name__}: {exc}") from exc
    if not (parsed.from_address or parsed.subject or parsed.body_text.strip()
            or parsed.attachments or parsed.body_parts):
        raise UnparseableMessage("no sender, subject, text or attachment could be read")
    return parsed


def _parse(msg: Message, raw: bytes, *, depth_offset: int) -> ParsedMessage:
    defects: list[str] = []
    for defect in msg.defects:
        defects.append(f"message: {type(defect).__name__}")

    reply_pairs = parse_addresses(headers(msg, "Reply-To"), defects, "reply-to")
    from_pairs = parse_addresses(headers(msg, "From"), defects, "from")
    if not from_pairs:
        # A From without a readable address: the Sender, else the Reply-To, is who wrote.
        for name in ("Sender", "Reply-To"):
            from_pairs = (parse_addresses(headers(msg, name), defects, name.lower())
                          if name == "Sender" else reply_pairs)
            if from_pairs:
                defects.append(f"from: sender address taken from {name}")
                if not from_pairs[0][0]:  # the From's words are still the sender's name
                    own_name = decode_header_value(header(msg, "From"), defects, "from")
                    from_pairs = [(own_name.strip("\"' "), from_pairs[0][1])]
                break
    from_name, from_address = from_pairs[0] if from_pairs else ("", None)
    if not from_pairs:
        defects.append("from: no sender address")
    to = [address for _name, address in parse_addresses(headers(msg, "To"), defects, "to")]
    cc = [address for _name, address in parse_addresses(headers(msg, "Cc"), defects, "cc")]
    delivered = [
        address
        for _name, address in parse_addresses(
            headers(msg, "Delivered-To") + headers(msg, "X-Original-To")
            + headers(msg, "Envelope-To"), defects, "delivered-to"
        )
    ]
    raw_charset = codec_for(msg.get_content_charset())
    raw_charset = "utf-7" if raw_charset == "utf-7" else None
    subject = decode_header_value(header(msg, "Subject"), defects, "subject",
                                  raw_charset=raw_charset)

    walk = Walk(defects=defects, parse=_parse, forwarded_depth=depth_offset)
    walk_part(msg, walk, 0)

    text_chunks = [t.replace("\r\n", "\n").replace("\r", "\n") for t in walk.plain]
    if not any(t.strip() for t in text_chunks) and walk.html:
        text_chunks = [html_to_text(h) for h in walk.html]
    if not any(t.strip() for t in text_chunks):
        text_chunks = [t.replace("\r\n", "\n") for t in walk.tnef_text] + [
            html_to_text(h) for h in walk.tnef_html
        ]
    body_text = "\n\n".join(t.strip("\n") for t in text_chunks if t.strip())
    body_text = unicodedata.normalize("NFC", body_text)

    segments: list[Segment] = []
    if body_text.strip():
        segments.extend(segment_text(body_text, subject=subject, depth=depth_offset))
    for nested in walk.forwarded:
        summary = "\n".join(
            line
            for line in (
                " ".join(filter(None, ("Fra:", nested.from_name, f"<{nested.from_address}>")))
                if nested.from_address else "",
                f"Dato: {nested.date.isoformat()}" if nested.date else "",
                f"Emne: {nested.subject}" if nested.subject else "",
            )
            if line
        )
        segments.append(Segment("forwarded", summary or "(videresendt meddelelse)",
                                depth_offset))
        segments.extend(nested.body_parts)

    date = sent_at(msg, defects)
    automatic_reason = None if depth_offset else automatic(msg, from_address, subject)
    language = language_header(msg) or walk.language
    if language is None:
        own = " ".join(s.text for s in segments if s.kind == "body")
        language = guess_language(own or subject)

    return ParsedMessage(
        message_id=message_id(msg),
        content_hash=content_hash(raw),
        from_name=from_name,
        from_address=from_address,
        to=to,
        cc=cc,
        delivered_to=delivered,
        reply_to=reply_pairs[0][1] if reply_pairs else None,
        subject=subject,
        date=date,
        language=language,
        body_text=body_text,
        body_parts=segments,
        attachments=walk.attachments,
        forwarded=walk.forwarded,
        is_automatic=automatic_reason is not None,
        automatic_reason=automatic_reason,
        defects=list(dict.fromkeys(defects)),
    )
