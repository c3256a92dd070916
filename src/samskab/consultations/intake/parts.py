"""The walk over a mail's MIME parts: the text parts (format=flowed joined), attachments with
their file names recovered, multipart/alternative and multipart/related as mail programs use
them, broken multipart boundaries repaired, Outlook's winmail.dat (TNEF) unpacked, forwarded
messages (message/rfc822) handed back to the parser. Pure Python."""

from __future__ import annotations

import binascii
import hashlib
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email import errors as email_errors
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from typing import Any

from samskab.consultations.intake.charsets import decode_bytes, decode_header_value, unsurrogate
from samskab.consultations.intake.headers import header

MAX_DEPTH = 12
MAX_PARTS = 500
# A part of multipart/related under this size is the message's layout (a logo, a signature
# image); a bigger one, such as a pasted photo of a letter, is content.
MAX_LAYOUT_IMAGE = 64 * 1024


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


def language_header(msg: Message) -> str | None:
    value = header(msg, "Content-Language") or header(msg, "X-Content-Language")
    if not value:
        return None
    match = re.match(r"\s*([A-Za-z]{2,3})", value)
    return match.group(1).lower() if match else None


@dataclass
class Walk:
    """What the walk found. `parse` parses a forwarded message (the parser's own entry point)."""

    defects: list[str]
    parse: Callable[..., Any]
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)
    forwarded: list[Any] = field(default_factory=list)  # ParsedMessages
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
        value = header(part, key)
        if value is not None:
            headers[key] = unsurrogate(value)
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
    disposition = (header(part, "Content-Disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment" or filename is not None


def walk_part(part: Message, walk: Walk, depth: int, in_related: bool = False) -> None:
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
                walk_part(child, walk, depth + 1, in_related=index > 0)
        else:
            for child in children:
                walk_part(child, walk, depth + 1)
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
        walk.language = walk.language or language_header(part)
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


def _walk_alternative(children: list[Message], walk: Walk, depth: int) -> None:
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
    walk_part(chosen, walk, depth + 1)
    # Alternatives of a related part can hold attachments (Apple Mail puts them there).
    for child in children:
        if child is not chosen and child.get_content_maintype() == "multipart":
            inner = Walk(defects=walk.defects, parse=walk.parse,
                         forwarded_depth=walk.forwarded_depth)
            walk_part(child, inner, depth + 1)
            known = {a.sha256 for a in walk.attachments}
            walk.attachments.extend(
                a for a in inner.attachments if not a.inline and a.sha256 not in known
            )


def _repair_multipart(part: Message, walk: Walk, depth: int) -> None:
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
            walk_part(repaired, walk, depth + 1)
            return
    walk.defects.append("multipart without readable parts; kept as text")
    walk.plain.append(unsurrogate(payload))


def _walk_forwarded(part: Message, walk: Walk, depth: int) -> None:
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
    nested = walk.parse(inner, raw, depth_offset=walk.forwarded_depth + 1)
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


def _walk_tnef(data: bytes, filename: str, content_type: str, walk: Walk) -> None:
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
