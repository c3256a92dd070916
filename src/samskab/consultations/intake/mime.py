"""Parse one raw e-mail (RFC 5322 bytes) into a plain `ParsedMessage`.

Built for what people's mail programs really send, not for what the RFCs say: RFC 2047 encoded
words in any charset (and mislabelled ones such as ``CP 1252``), raw 8-bit headers, broken
multipart boundaries, Outlook's winmail.dat (TNEF), forwarded messages, HTML-only mail.
Whatever cannot be read cleanly is recovered as well as possible and noted in
`ParsedMessage.defects`; `UnparseableMessage` is raised only when nothing usable is left, so the
caller can quarantine the raw bytes.

Pure Python, no Django: the service stores what this returns.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import errors as email_errors
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from samskab.extraction import html_to_text

MAX_DEPTH = 12
MAX_PARTS = 500
# A part of multipart/related under this size is the message's layout (a logo, a signature
# image); a bigger one, such as a pasted photo of a letter, is content.
MAX_LAYOUT_IMAGE = 64 * 1024

SEGMENT_KINDS = ("body", "quote", "signature", "forwarded")


class UnparseableMessage(Exception):  # noqa: N818 - the name the callers know
    """Nothing usable could be recovered; `reason` says why. Quarantine the raw bytes."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Segment:
    """A run of the message's text. `kind`: ``body`` (the sender's own words), ``quote`` (a
    quoted earlier message), ``signature`` (closing and signature block), ``forwarded`` (the
    header block introducing a forwarded message). `depth` 0 is the message itself, 1 a
    message forwarded inside it, and so on. Nothing is dropped: the segments of one depth
    joined with newlines give back that text."""

    kind: str
    text: str
    depth: int = 0


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    mime_type: str
    data: bytes
    inline: bool = False  # the message's layout: a small image of a multipart/related
    forwarded: bool = False  # came inside a forwarded message
    from_tnef: bool = False  # unpacked from winmail.dat

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


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


# --------------------------------------------------------------------------- charsets

_CHARSET_ALIASES = {
    # What browsers do: Latin-1 labels are read as Windows-1252, its superset.
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "unicode-1-1-utf-7": "utf-7",
    "x-unicode20utf8": "utf-8",
    "utf8": "utf-8",
    "x-mac-roman": "mac-roman",
    "macintosh": "mac-roman",
}


def codec_for(label: str | None) -> str | None:
    """A Python codec for a charset label as found in the wild, or None when unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower().split("*", 1)[0].strip()
    candidates = [name, re.sub(r"[\s_]+", "-", name), re.sub(r"[\s_-]+", "", name)]
    compact = candidates[-1]
    match = re.fullmatch(r"(?:windows|win|cp|ms|x-cp)(\d{3,4})", compact)
    if match:
        candidates.insert(0, f"cp{match.group(1)}")
    match = re.fullmatch(r"iso-?8859-?(\d{1,2})", compact)
    if match:
        candidates.insert(0, f"iso-8859-{match.group(1)}")
    for candidate in candidates:
        candidate = _CHARSET_ALIASES.get(candidate, candidate)
        if candidate in ("unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined"):
            return None
        try:
            codec = codecs.lookup(candidate)
        except (LookupError, ValueError):  # ValueError: a NUL byte in the label
            continue
        if codec.name in ("latin-1", "iso8859-1", "ascii"):
            return "cp1252"
        return codec.name
    return None


def decode_bytes(data: bytes, label: str | None, defects: list[str], where: str) -> str:
    """Decode with the declared charset; fall back to UTF-8, then Windows-1252, noting why."""
    codec = codec_for(label)
    if label and codec is None:
        defects.append(f"{where}: unknown charset {label!r}")
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            if codec != "cp1252":
                defects.append(f"{where}: text is not valid {label}")
        except LookupError:
            defects.append(f"{where}: unknown charset {label!r}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _unsurrogate(value: str) -> str:
    """Header values from the bytes parser carry raw 8-bit bytes as surrogates; read them as
    UTF-8, else Windows-1252."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    raw = value.encode("ascii", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


_UTF7_RUN = re.compile(r"\+[A-Za-z0-9+/]{2,}-?")


def _raw_utf7(text: str) -> str:
    """Netscape 4 wrote headers in raw UTF-7 when the body was UTF-7 ("Fr+APY-sche")."""
    def decode(match: re.Match) -> str:
        try:
            return match.group(0).encode("ascii").decode("utf-7")
        except (UnicodeError, ValueError):
            return match.group(0)

    return _UTF7_RUN.sub(decode, text)


# --------------------------------------------------------------------------- RFC 2047

_ENCODED_WORD = re.compile(r"=\?([^?\n]{1,60}?)\?([QqBb])\?(.*?)\?=", re.DOTALL)


def _q_decode(text: str) -> bytes:
    text = text.replace("_", " ")
    out = bytearray()
    i = 0
    raw = text.encode("latin-1", "replace")
    while i < len(raw):
        byte = raw[i]
        if byte == 0x3D and re.fullmatch(rb"[0-9A-Fa-f]{2}", raw[i + 1:i + 3]):
            out.append(int(raw[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(byte)
            i += 1
    return bytes(out)


def _b_decode(text: str) -> bytes:
    cleaned = re.sub(r"[^A-Za-z0-9+/]", "", text)
    cleaned += "=" * (-len(cleaned) % 4)
    return base64.b64decode(cleaned)


def decode_header_value(value: str | None, defects: list[str] | None = None,
                        where: str = "header", *, raw_charset: str | None = None) -> str:
    """Decode a header's RFC 2047 encoded words, tolerating what real mail does: missing
    whitespace, spaces inside encoded words, words split inside a multi-byte character, unknown
    or mislabelled charsets. Unfolds and trims the result. `raw_charset` ``utf-7`` also decodes
    raw UTF-7 outside encoded words (set it when the message body is UTF-7)."""
    if value is None:
        return ""
    defects = defects if defects is not None else []
    text = _unsurrogate(str(value))
    text = re.sub(r"\r?\n[ \t]+", " ", text).replace("\r", "").replace("\n", " ")
    pieces: list[tuple[str, str | None, bytes | str]] = []
    position = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[position:match.start()]
        if between and not (between.isspace() and pieces and pieces[-1][0] == "ew"):
            pieces.append(("raw", None, between))
        charset, encoding, payload = match.groups()
        try:
            data = _q_decode(payload) if encoding in "Qq" else _b_decode(payload)
        except (binascii.Error, ValueError):
            defects.append(f"{where}: broken encoded word")
            pieces.append(("raw", None, match.group(0)))
        else:
            if pieces and pieces[-1][0] == "ew" and pieces[-1][1] == charset.lower():
                previous = pieces.pop()
                data = previous[2] + data  # a character may be split across two words
            pieces.append(("ew", charset.lower(), data))
        position = match.end()
    if position < len(text):
        pieces.append(("raw", None, text[position:]))
    out = []
    for kind, charset, payload in pieces:
        if kind == "raw":
            out.append(_raw_utf7(payload) if raw_charset == "utf-7" else payload)
        else:
            out.append(decode_bytes(payload, charset, defects, where))
    result = "".join(out)
    result = "".join(ch for ch in result if ch == "\t" or unicodedata.category(ch) != "Cc")
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", result)).strip()


# --------------------------------------------------------------------------- headers

def _header(msg: Message, name: str) -> str | None:
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return value if isinstance(value, str) else str(value)
    return None


def _headers(msg: Message, name: str) -> list[str]:
    return [
        value if isinstance(value, str) else str(value)
        for key, value in msg.raw_items()
        if key.lower() == name.lower()
    ]


_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_PLAUSIBLE = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\u00a0-\uffff-]+@[A-Za-z0-9\u00a0-\uffff]"
    r"(?:[A-Za-z0-9\u00a0-\uffff.-]*[A-Za-z0-9\u00a0-\uffff])?\.?"
)


def _normalise_address(address: str) -> str | None:
    """`local@domain` with the domain lower-cased, or None when `address` is not one (an
    undecoded encoded word such as ``=?utf-8?q?a@b?=`` is not an address)."""
    address = address.strip().strip("<>").strip()
    if address.lower().startswith("mailto:"):
        address = address[7:]
    if "@" not in address or "=?" in address or "?=" in address:
        return None
    if not _PLAUSIBLE.fullmatch(address):
        return None
    local, _, domain = address.rpartition("@")
    if not local or not domain:
        return None
    return f"{local}@{domain.lower().rstrip('.')}"


def _display_name(name: str, defects: list[str], where: str) -> str:
    name = decode_header_value(name, defects, where).strip("\"' ")
    return re.sub(r"\s*\bmailto:?$", "", name)  # "Name <mailto:a@b>" from web mailers


def _getaddress_pairs(text: str, defects: list[str], where: str) -> list[tuple[str, str]]:
    """What `getaddresses` finds, keeping only real addresses. A display name with an unquoted
    comma (``Sørensen, Mette <m@x.dk>``) is split by it into an address-less piece and a pair;
    the piece is joined back onto the name."""
    try:
        parsed = getaddresses([text])
    except (ValueError, IndexError, TypeError):
        return []
    pairs: list[tuple[str, str]] = []
    orphans: list[str] = []
    for name, address in parsed:
        normalised = _normalise_address(address)
        if normalised is None:
            piece = " ".join(p for p in (name, address) if p).strip()
            if piece and "@" not in piece:
                orphans.append(piece)
            continue
        display = _display_name(name, defects, where)
        if orphans:
            display = ", ".join([*(_display_name(o, defects, where) for o in orphans),
                                 display] if display else orphans)
            orphans = []
        pairs.append((re.sub(r"\s*\bmailto:?$", "", display), normalised))
    return pairs


def _scavenged_pairs(text: str) -> list[tuple[str, str]]:
    """Addresses picked out of a value no parser understands (no angle brackets, the address
    only in a comment, square brackets); the rest of the text is the name when there is one
    address."""
    addresses = [a for a in (_normalise_address(m) for m in _ADDRESS.findall(text)) if a]
    addresses = list(dict.fromkeys(addresses))
    if len(addresses) != 1:
        return [("", address) for address in addresses]
    match = next(m for m in _ADDRESS.finditer(text) if _normalise_address(m.group(0)))
    rest = (text[:match.start()] + " " + text[match.end():]).replace("mailto:", " ")
    name = re.sub(r"[<>()\[\]\"]", " ", rest)
    return [(re.sub(r"\s+", " ", name).strip(" ,;:'"), addresses[0])]


def parse_addresses(values: list[str], defects: list[str], where: str) -> list[tuple[str, str]]:
    """(display name, address) pairs; names decoded, unparseable entries dropped with a defect.

    Tried in order, per header value: the RFC parser on the raw value (encoded words only in
    names, as RFC 2047 says); the same on the value with its encoded words decoded (some mailers
    and scripts encode the whole value, address and angle brackets included); finally any text
    that looks like an address."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        text = re.sub(r"\r?\n[ \t]+", " ", _unsurrogate(value))
        text = "".join(ch for ch in text if ch == "\t" or unicodedata.category(ch) != "Cc")
        found = _getaddress_pairs(text, defects, where)
        if not found and "=?" in text:
            decoded = decode_header_value(text, defects, where)
            found = _getaddress_pairs(decoded, defects, where) or _scavenged_pairs(decoded)
            if found:
                defects.append(f"{where}: address inside an encoded word")
        if not found:
            found = _scavenged_pairs(text)
            if found:
                defects.append(f"{where}: address recovered from a malformed value")
        empty_group = re.search(r":\s*;", text)  # "undisclosed-recipients:;"
        if text.strip() and not found and not empty_group:
            defects.append(f"{where}: no address in {text.strip()[:80]!r}")
        pairs.extend(found)
    return pairs


def _message_id(msg: Message) -> str | None:
    value = _header(msg, "Message-ID")
    if value is None:
        return None
    value = _unsurrogate(value).strip()
    match = re.search(r"<([^<>\s]+)>", value)
    if match:
        return match.group(1)
    value = value.strip("<> \t\r\n")
    return value or None


def _date(msg: Message, defects: list[str]) -> datetime | None:
    value = _header(msg, "Date")
    if not value:
        return None
    value = re.sub(r"\s+", " ", _unsurrogate(value)).strip()
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        defects.append(f"date: unreadable {value[:60]!r}")
        return None
    if parsed is None:
        defects.append(f"date: unreadable {value[:60]!r}")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


# --------------------------------------------------------------------------- automatic mail

_AUTOMATIC_LOCALPARTS = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|noreply[-.+].*|"
    r"bounces?|bounce[-+.].*|auto-?reply|autoresponder|mail-?daemon|listserv|majordomo|"
    r"ikke-?svar|ikkesvar|svar-?ikke|maildelivery|.*-bounces?(\+.*)?|.*\+bounces?)$",
    re.IGNORECASE,
)
_AUTOMATIC_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matisk|matic)? ?(svar|reply|response)|autosvar|"
    r"out of (the )?office|fraværende|fravær|ikke på kontoret|undeliverable|"
    r"ikke (leveret|levérbar|leverbar)|kan ikke leveres|delivery status notification|"
    r"mail delivery (failed|failure|subsystem)|returned mail|undelivered mail|"
    r"delivery failure|failure notice|non[- ]?delivery|read:|læst:)",
    re.IGNORECASE,
)


def _automatic(msg: Message, from_address: str | None, subject: str) -> str | None:
    """Why this message must never be answered (RFC 3834 and common practice), or None.

    The reason starts with a stable prefix callers may match on: ``Auto-Submitted: <value>``,
    ``Precedence: <value>``, ``<header name> header`` (X-Autoreply, X-Autorespond,
    X-Failed-Recipients, …), ``Return-Path <>``, ``multipart/report``, ``mailing list``,
    ``automatic sender <address>``, ``automatic subject <subject>``; checked in that order."""
    auto_submitted = (_header(msg, "Auto-Submitted") or "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted}"
    precedence = (_header(msg, "Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply", "auto-reply"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-AutoReply-From",
                 "X-Mail-Autoreply", "X-Autogenerated", "X-FC-MachineGenerated",
                 "X-Failed-Recipients", "X-MS-Exchange-Generated-Message-Source"):
        value = _header(msg, name)
        if value is not None and value.strip().lower() not in ("no", "false", "0"):
            return f"{name} header"
    return_path = _header(msg, "Return-Path")
    if return_path is not None and re.fullmatch(r"\s*<\s*>\s*", return_path):
        return "Return-Path <> (a bounce)"
    content_type = msg.get_content_type()
    if content_type == "multipart/report":
        return "multipart/report (delivery or read report)"
    if _header(msg, "List-Id") or _header(msg, "List-Unsubscribe"):
        return "mailing list"
    if from_address:
        local = from_address.rpartition("@")[0]
        if _AUTOMATIC_LOCALPARTS.match(local):
            return f"automatic sender {from_address}"
    if _AUTOMATIC_SUBJECT.match(subject):
        return f"automatic subject {subject[:60]!r}"
    return None


# --------------------------------------------------------------------------- body segments

_FORWARD_MARKER = re.compile(
    r"^\s*(-{2,}\s*)?(forwarded message|videresendt (meddelelse|besked|mail|e-?mail)|"
    r"begin forwarded message:?|start på videresendt (besked|meddelelse):?|"
    r"videresendt meddelelse|weitergeleitete nachricht|"
    r"original message|oprindelig (meddelelse|besked|e-?mail))\s*(-{2,})?\s*$",
    re.IGNORECASE,
)
_OUTLOOK_HEADER = re.compile(r"^\s*\*?(from|fra)\s*:\*?\s+\S", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^\s*\*?(sent|sendt|date|dato|to|til)\s*:", re.IGNORECASE)
_REPLY_HEADER = re.compile(
    # "On … wrote:", "Den 1. mar. 2012 kl. 09.00 skrev Navn <adresse>:", "… skrev:"
    r"^\s*((on|den|d\.|man|tir|ons|tor|fre|lør|søn|mon|tue|wed|thu|fri|sat|sun|am)\b.*"
    r"\b(wrote|skrev|schrieb)\b.*:|.*\b(wrote|skrev|schrieb)\s*:)\s*$",
    re.IGNORECASE,
)
_SIGNATURE_START = re.compile(
    r"^\s*(--|-- |__+|sendt fra min (iphone|ipad|mobil|samsung|android).*|"
    r"sent from my (iphone|ipad|mobile|samsung|android).*|sendt fra outlook.*|"
    r"hent outlook til .*|get outlook for .*|hentet fra outlook.*)\s*$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^\s*((med )?(de )?(venlig|venlige|bedste|kærlig|kærlige) hilsen?(er)?|mvh\.?|vh\.?|"
    r"hilsen|hilsner|bedste hilsner|(kind|best|warm|many) regards|regards|"
    r"yours sincerely|sincerely|cheers)\b[,.!]?.*$",
    re.IGNORECASE,
)
_FORWARD_SUBJECT = re.compile(r"^\s*((re|sv|aw|vs|antw)\s*:\s*)*(fwd?|vs|vb|wg|tr|fw)\s*:",
                              re.IGNORECASE)


def _split_own_text(lines: list[str], depth: int) -> list[Segment]:
    """Body and signature of the sender's own lines (before any quote or forward)."""
    signature_at = None
    for index, line in enumerate(lines):
        if _SIGNATURE_START.match(line):
            signature_at = index
            break
    if signature_at is None:
        non_empty = [i for i, line in enumerate(lines) if line.strip()]
        tail = non_empty[-10:]
        for index in tail:
            if _CLOSING.match(lines[index]) and len(lines[index].strip()) < 40:
                signature_at = index
                break
    segments = []
    own = lines if signature_at is None else lines[:signature_at]
    if "\n".join(own).strip():
        segments.append(Segment("body", "\n".join(own).strip("\n"), depth))
    if signature_at is not None:
        segments.append(Segment("signature", "\n".join(lines[signature_at:]).strip("\n"), depth))
    return segments


def segment_text(text: str, *, subject: str = "", depth: int = 0) -> list[Segment]:
    """Split a message text into body, signature, quoted and forwarded runs.

    Forwarded text (after "---------- Forwarded message ---------", "Begin forwarded message:",
    or an Outlook "Fra:/Sendt:" block when the subject says it is a forward) is segmented again
    one level deeper; everything after a reply header or Outlook block in a reply is a quote.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    is_forward = bool(_FORWARD_SUBJECT.match(subject))
    cut = None
    cut_kind = "quote"
    for index, line in enumerate(lines):
        if _FORWARD_MARKER.match(line):
            cut = index
            lowered = line.lower()
            forwarded_marker = "original" not in lowered and "oprindelig" not in lowered
            cut_kind = "forwarded" if (forwarded_marker or is_forward) else "quote"
            break
        if _OUTLOOK_HEADER.match(line) and any(
            _OUTLOOK_NEXT.match(following) for following in lines[index + 1:index + 4]
        ):
            cut = index
            cut_kind = "forwarded" if is_forward else "quote"
            break
        if line.lstrip().startswith(">") or _REPLY_HEADER.match(line):
            cut = index
            cut_kind = "quote"
            break
    own = lines if cut is None else lines[:cut]
    segments = _split_own_text(own, depth)
    if cut is None:
        return segments
    rest = lines[cut:]
    if cut_kind == "quote":
        quote_end = len(rest)
        if rest[0].lstrip().startswith(">") or _REPLY_HEADER.match(rest[0]):
            # A quote of ">" lines may be followed by more of the sender's own text
            # (interleaved replies); keep going after it.
            quote_end = 1
            while quote_end < len(rest) and (
                rest[quote_end].lstrip().startswith(">") or not rest[quote_end].strip()
            ):
                quote_end += 1
            while quote_end > 1 and not rest[quote_end - 1].strip():
                quote_end -= 1
        segments.append(Segment("quote", "\n".join(rest[:quote_end]).strip("\n"), depth))
        if quote_end < len(rest) and "\n".join(rest[quote_end:]).strip():
            segments.extend(segment_text("\n".join(rest[quote_end:]), subject="", depth=depth))
        return segments
    # A forward: the marker and its header block, then the forwarded text, one level down.
    following = [line for line in rest[1:] if line.strip()]
    if following and all(line.lstrip().startswith(">") for line in following):
        # Apple Mail quotes the whole forwarded message with ">".
        rest = [rest[0]] + [re.sub(r"^\s*> ?", "", line) for line in rest[1:]]
    header_end = 1
    while header_end < len(rest) and not rest[header_end].strip():
        header_end += 1
    while header_end < len(rest) and re.match(r"^\s*\*?[\w -]{2,30}\*?\s*:\s*\S", rest[header_end]):
        header_end += 1
    segments.append(Segment("forwarded", "\n".join(rest[:header_end]).strip("\n"), depth))
    inner_subject = ""
    for line in rest[:header_end]:
        match = re.match(r"^\s*\*?(subject|emne)\*?\s*:\s*(.*)$", line, re.IGNORECASE)
        if match:
            inner_subject = match.group(2)
    remainder = "\n".join(rest[header_end:])
    if remainder.strip():
        segments.extend(segment_text(remainder, subject=inner_subject, depth=depth + 1))
    return segments


# --------------------------------------------------------------------------- language

_DANISH_WORDS = frozenset(
    "og i at det er en til på som de med af for ikke der var jeg vi har om vil kan skal "
    "også eller men så fra hvor hvis når bliver blev være deres vores mere meget vores "
    "borgere kommune regeringen forslag høring åbenhed".split()
)
_ENGLISH_WORDS = frozenset(
    "the and of to in is that for it with as was on are be by this have from or an "
    "not we you they which will would should can our their government proposal".split()
)


def guess_language(text: str) -> str | None:
    words = re.findall(r"[a-zæøåäöü]+", text.lower())[:400]
    if len(words) < 3:
        return None
    danish = sum(word in _DANISH_WORDS for word in words) + 2 * sum(
        ch in "æøå" for ch in "".join(words[:200])
    )
    english = sum(word in _ENGLISH_WORDS for word in words)
    if danish == english or max(danish, english) < len(words) / 10:
        return None
    return "da" if danish > english else "en"


def _language_header(msg: Message) -> str | None:
    value = _header(msg, "Content-Language") or _header(msg, "X-Content-Language")
    if not value:
        return None
    match = re.match(r"\s*([A-Za-z]{2,3})", value)
    return match.group(1).lower() if match else None


# --------------------------------------------------------------------------- the walk

@dataclass
class _Walk:
    defects: list[str]
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)
    forwarded: list[ParsedMessage] = field(default_factory=list)
    tnef_text: list[str] = field(default_factory=list)
    tnef_html: list[str] = field(default_factory=list)
    language: str | None = None
    parts: int = 0
    forwarded_depth: int = 0


_FILENAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def _filename(part: Message, defects: list[str], index: int) -> str | None:
    # Parameters are read from a copy of the headers with raw 8-bit bytes already decoded:
    # the compat32 getters would turn them into U+FFFD.
    headers = Message()
    for key in ("Content-Disposition", "Content-Type"):
        value = _header(part, key)
        if value is not None:
            headers[key] = _unsurrogate(value)
    raw = None
    try:
        raw = headers.get_filename()
    except (LookupError, ValueError, TypeError, UnicodeError):
        defects.append("attachment: unreadable file name parameter")
    if raw is None:
        name_param = None
        try:
            name_param = headers.get_param("name")
        except (ValueError, TypeError, IndexError):
            pass
        if isinstance(name_param, tuple):
            try:
                raw = str(name_param[2], name_param[0] or "ascii", "replace")
            except LookupError:
                raw = name_param[2]
        elif name_param:
            raw = name_param
    if raw is None:
        return None
    name = decode_header_value(str(raw), defects, "attachment name")
    name = re.split(r"[\\/]", name)[-1]  # C:\Users\...\høringssvar.docx
    name = _FILENAME_UNSAFE.sub("_", name).strip(" .")
    return name or f"vedhaeftning-{index}"


def _extension_for(mime_type: str) -> str:
    return mimetypes.guess_extension(mime_type) or ".bin"


def _part_bytes(part: Message, defects: list[str], where: str) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError, binascii.Error) as exc:
        defects.append(f"{where}: undecodable payload ({exc})")
        payload = None
    if payload is None:
        raw = getattr(part, "_payload", None)  # undecoded, raw bytes still as surrogates
        if isinstance(raw, str):
            payload = raw.encode("ascii", "surrogateescape")
        else:
            payload = b""
    for defect in getattr(part, "defects", []):
        if isinstance(defect, email_errors.InvalidBase64PaddingDefect | email_errors.
                      InvalidBase64CharactersDefect):
            defects.append(f"{where}: {type(defect).__name__}")
    return payload


def _is_attachment(part: Message, filename: str | None) -> bool:
    disposition = (_header(part, "Content-Disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment" or filename is not None


def _walk(part: Message, walk: _Walk, depth: int, in_related: bool = False) -> None:
    walk.parts += 1
    if walk.parts > MAX_PARTS:
        if walk.parts == MAX_PARTS + 1:
            walk.defects.append(f"more than {MAX_PARTS} parts; the rest ignored")
        return
    if depth > MAX_DEPTH:
        walk.defects.append("parts nested too deeply; ignored")
        return
    content_type = part.get_content_type()
    maintype = part.get_content_maintype()

    if content_type in ("message/rfc822", "message/global"):
        if walk.forwarded_depth < MAX_DEPTH:
            _walk_forwarded(part, walk, depth)
            return
        walk.defects.append("forwarded messages nested too deeply; kept as an attachment")

    if part.is_multipart():
        children = part.get_payload()
        if not isinstance(children, list):
            children = []
        if content_type == "multipart/alternative":
            _walk_alternative(children, walk, depth)
        elif content_type == "multipart/related":
            for index, child in enumerate(children):
                _walk(child, walk, depth + 1, in_related=index > 0)
        else:
            for child in children:
                _walk(child, walk, depth + 1)
        return

    if maintype == "multipart":
        _repair_multipart(part, walk, depth)
        return

    filename = _filename(part, walk.defects, len(walk.attachments) + 1)
    data = _part_bytes(part, walk.defects, filename or content_type)

    if content_type == "application/ms-tnef" or (filename or "").lower() in (
        "winmail.dat", "win.dat"
    ):
        _walk_tnef(data, filename or "winmail.dat", content_type, walk)
        return

    if maintype == "text" and content_type in ("text/plain", "text/html") and not _is_attachment(
        part, filename
    ):
        text = decode_bytes(data, part.get_content_charset(), walk.defects, content_type)
        if content_type == "text/html":
            walk.html.append(text)
        else:
            if (part.get_param("format") or "").lower() == "flowed":
                text = _unflow(text, (part.get_param("delsp") or "").lower() == "yes")
            walk.plain.append(text)
        walk.language = walk.language or _language_header(part)
        return

    if not data and filename is None:
        return
    name = filename or f"vedhaeftning-{len(walk.attachments) + 1}{_extension_for(content_type)}"
    walk.attachments.append(
        MailAttachment(
            filename=name,
            mime_type=content_type,
            data=data,
            inline=in_related and len(data) < MAX_LAYOUT_IMAGE,
            forwarded=walk.forwarded_depth > 0,
        )
    )


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: join soft-broken lines (ending in a space)."""
    out: list[str] = []
    buffer = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if line.endswith(" ") and line != "-- ":
            buffer += line[:-1] if delsp else line
        else:
            out.append(buffer + line)
            buffer = ""
    if buffer:
        out.append(buffer)
    return "\n".join(out)


def _walk_alternative(children: list[Message], walk: _Walk, depth: int) -> None:
    """Prefer text/plain, as the sender's mail program wrote it; else HTML; else the richest
    nested part (a multipart/related holding the HTML and its images)."""
    plain = [c for c in children if c.get_content_type() == "text/plain"]
    chosen = None
    for candidate in plain:
        data = _part_bytes(candidate, [], "text/plain")
        if data.strip():
            chosen = candidate
            break
    if chosen is None:
        non_plain = [c for c in children if c.get_content_type() != "text/plain"]
        chosen = non_plain[-1] if non_plain else (children[-1] if children else None)
    if chosen is None:
        return
    _walk(chosen, walk, depth + 1)
    # Alternatives of a related part can hold attachments (Apple Mail puts them there).
    for child in children:
        if child is not chosen and child.get_content_maintype() == "multipart":
            inner = _Walk(defects=walk.defects, forwarded_depth=walk.forwarded_depth)
            _walk(child, inner, depth + 1)
            known = {a.sha256 for a in walk.attachments}
            walk.attachments.extend(
                a for a in inner.attachments if not a.inline and a.sha256 not in known
            )


def _repair_multipart(part: Message, walk: _Walk, depth: int) -> None:
    """A multipart whose boundary was missing or wrong: guess the boundary from the body's
    delimiter lines and parse again; failing that, keep the body as plain text."""
    # The undecoded payload: get_payload() would replace raw 8-bit bytes by U+FFFD.
    payload = getattr(part, "_payload", None)
    if not isinstance(payload, str):
        payload = ""
    match = re.search(r"^--(\S[^\r\n]{0,200}?)\s*$", payload, re.MULTILINE)
    if match and payload.count("--" + match.group(1)) >= 2:
        boundary = match.group(1)
        walk.defects.append(f"multipart boundary repaired as {boundary!r}")
        rebuilt = (
            f'Content-Type: {part.get_content_type()}; boundary="{boundary}"\n\n'
            + payload
        ).encode("utf-8", "surrogateescape")
        repaired = BytesParser(policy=compat32).parsebytes(rebuilt)
        if repaired.is_multipart():
            _walk(repaired, walk, depth + 1)
            return
    walk.defects.append("multipart without readable parts; kept as text")
    walk.plain.append(_unsurrogate(payload))


def _walk_forwarded(part: Message, walk: _Walk, depth: int) -> None:
    payload = part.get_payload()
    inner: Message | None = None
    if isinstance(payload, list) and payload:
        inner = payload[0]
    else:
        data = _part_bytes(part, walk.defects, "message/rfc822")
        if data.strip():
            inner = BytesParser(policy=compat32).parsebytes(data)
    if inner is None:
        walk.defects.append("forwarded message part is empty")
        return
    raw = inner.as_bytes() if _safe_as_bytes(inner) else b""
    nested = _parse(inner, raw, depth_offset=walk.forwarded_depth + 1)
    walk.forwarded.append(nested)
    walk.defects.extend(f"forwarded: {d}" for d in nested.defects)
    walk.attachments.extend(
        MailAttachment(a.filename, a.mime_type, a.data, a.inline, True, a.from_tnef)
        for a in nested.attachments
    )


def _safe_as_bytes(msg: Message) -> bool:
    try:
        msg.as_bytes()
    except (UnicodeError, TypeError, ValueError, LookupError, AttributeError):
        return False
    return True


def _walk_tnef(data: bytes, filename: str, content_type: str, walk: _Walk) -> None:
    from tnefparse.tnef import TNEF

    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception as exc:  # noqa: BLE001 - tnefparse raises anything on a damaged file
        walk.defects.append(f"winmail.dat unreadable ({type(exc).__name__}); kept as is")
        walk.attachments.append(
            MailAttachment(filename, content_type, data, forwarded=walk.forwarded_depth > 0)
        )
        return
    for index, attachment in enumerate(tnef.attachments, start=1):
        try:
            name = attachment.long_filename() or attachment.name
        except (UnicodeError, AttributeError):
            # tnefparse reads the title as UTF-8; Outlook writes it in the ANSI code page.
            name = getattr(attachment, "_name", b"") or b""
        if isinstance(name, bytes):
            name = decode_bytes(name, "cp1252", walk.defects, "winmail.dat")
        name = _FILENAME_UNSAFE.sub("_", re.split(r"[\\/]", str(name).strip("\x00"))[-1]).strip()
        name = name or f"vedhaeftning-{index}.bin"
        mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        walk.attachments.append(
            MailAttachment(name, mime_type, bytes(attachment.data or b""),
                           forwarded=walk.forwarded_depth > 0, from_tnef=True)
        )
    body = tnef.body
    if isinstance(body, bytes):
        body = decode_bytes(body.rstrip(b"\x00"), "cp1252", walk.defects, "winmail.dat body")
    html = tnef.htmlbody
    if isinstance(html, bytes):
        html = decode_bytes(html.rstrip(b"\x00"), None, walk.defects, "winmail.dat html")
    # Outlook also sends the body as an ordinary text part; the TNEF copy is used only when
    # there is none.
    if body and body.strip():
        walk.tnef_text.append(body)
    elif html and html.strip():
        walk.tnef_html.append(html)
    elif getattr(tnef, "_rtfbody", None):
        walk.defects.append("winmail.dat body is compressed RTF only; not read")


# --------------------------------------------------------------------------- entry point

_KNOWN_HEADERS = ("from", "to", "subject", "date", "message-id", "mime-version", "content-type",
                  "received", "return-path", "cc", "delivered-to", "sender", "reply-to")


def content_hash(raw: bytes) -> str:
    """sha256 of the raw bytes with line endings normalised to LF, so the same message read
    from IMAP (CRLF) and from an mbox (LF) gives the same hash."""
    normalised = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").rstrip(b"\n")
    return hashlib.sha256(normalised).hexdigest()


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

    reply_pairs = parse_addresses(_headers(msg, "Reply-To"), defects, "reply-to")
    from_pairs = parse_addresses(_headers(msg, "From"), defects, "from")
    if not from_pairs:
        # A From without a readable address: the Sender, else the Reply-To, is who wrote.
        for name in ("Sender", "Reply-To"):
            from_pairs = (parse_addresses(_headers(msg, name), defects, name.lower())
                          if name == "Sender" else reply_pairs)
            if from_pairs:
                defects.append(f"from: sender address taken from {name}")
                if not from_pairs[0][0]:  # the From's words are still the sender's name
                    own_name = decode_header_value(_header(msg, "From"), defects, "from")
                    from_pairs = [(own_name.strip("\"' "), from_pairs[0][1])]
                break
    from_name, from_address = from_pairs[0] if from_pairs else ("", None)
    if not from_pairs:
        defects.append("from: no sender address")
    to = [address for _name, address in parse_addresses(_headers(msg, "To"), defects, "to")]
    cc = [address for _name, address in parse_addresses(_headers(msg, "Cc"), defects, "cc")]
    delivered = [
        address
        for _name, address in parse_addresses(
            _headers(msg, "Delivered-To") + _headers(msg, "X-Original-To")
            + _headers(msg, "Envelope-To"), defects, "delivered-to"
        )
    ]
    raw_charset = codec_for(msg.get_content_charset())
    raw_charset = "utf-7" if raw_charset == "utf-7" else None
    subject = decode_header_value(_header(msg, "Subject"), defects, "subject",
                                  raw_charset=raw_charset)

    walk = _Walk(defects=defects, forwarded_depth=depth_offset)
    _walk(msg, walk, 0)

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

    date = _date(msg, defects)
    automatic_reason = None if depth_offset else _automatic(msg, from_address, subject)
    language = _language_header(msg) or walk.language
    if language is None:
        own = " ".join(s.text for s in segments if s.kind == "body")
        language = guess_language(own or subject)

    return ParsedMessage(
        message_id=_message_id(msg),
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
