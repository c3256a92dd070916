"""What a mail's headers say: its sender and recipients as (name, address) pairs from whatever
form an address header takes in the wild, its Message-ID and date, and whether it is automatic
mail that must never be answered (RFC 3834 and common practice). Pure Python."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from samskab.consultations.intake.charsets import decode_header_value, unsurrogate


def header(msg: Message, name: str) -> str | None:
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return value if isinstance(value, str) else str(value)
    return None


def headers(msg: Message, name: str) -> list[str]:
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
        text = re.sub(r"\r?\n[ \t]+", " ", unsurrogate(value))
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


def message_id(msg: Message) -> str | None:
    value = header(msg, "Message-ID")
    if value is None:
        return None
    value = unsurrogate(value).strip()
    match = re.search(r"<([^<>\s]+)>", value)
    if match:
        return match.group(1)
    value = value.strip("<> \t\r\n")
    return value or None


def sent_at(msg: Message, defects: list[str]) -> datetime | None:
    value = header(msg, "Date")
    if not value:
        return None
    value = re.sub(r"\s+", " ", unsurrogate(value)).strip()
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


# --- automatic mail

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


def automatic(msg: Message, from_address: str | None, subject: str) -> str | None:
    """Why this message must never be answered (RFC 3834 and common practice), or None.

    The reason starts with a stable prefix callers may match on: ``Auto-Submitted: <value>``,
    ``Precedence: <value>``, ``<header name> header`` (X-Autoreply, X-Autorespond,
    X-Failed-Recipients, …), ``Return-Path <>``, ``multipart/report``, ``mailing list``,
    ``automatic sender <address>``, ``automatic subject <subject>``; checked in that order."""
    auto_submitted = (header(msg, "Auto-Submitted") or "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted}"
    precedence = (header(msg, "Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply", "auto-reply"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-AutoReply-From",
                 "X-Mail-Autoreply", "X-Autogenerated", "X-FC-MachineGenerated",
                 "X-Failed-Recipients", "X-MS-Exchange-Generated-Message-Source"):
        value = header(msg, name)
        if value is not None and value.strip().lower() not in ("no", "false", "0"):
            return f"{name} header"
    return_path = header(msg, "Return-Path")
    if return_path is not None and re.fullmatch(r"\s*<\s*>\s*", return_path):
        return "Return-Path <> (a bounce)"
    content_type = msg.get_content_type()
    if content_type == "multipart/report":
        return "multipart/report (delivery or read report)"
    if header(msg, "List-Id") or header(msg, "List-Unsubscribe"):
        return "mailing list"
    if from_address:
        local = from_address.rpartition("@")[0]
        if _AUTOMATIC_LOCALPARTS.match(local):
            return f"automatic sender {from_address}"
    if _AUTOMATIC_SUBJECT.match(subject):
        return f"automatic subject {subject[:60]!r}"
    return None
