"""How a stored attachment is handed out: with the type its bytes show, never the one the
sender claimed, and never as something a browser would run (HTML, SVG) inline."""

from __future__ import annotations

from pathlib import PurePath

from samskab.consultations.models import Attachment
from samskab.extraction import _sniff, _sniff_zip

# Types a browser renders as active content: served as opaque bytes, and always as a download.
ACTIVE_TYPES = frozenset({"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml",
                          "application/xml", "text/javascript", "application/javascript"})
OCTET = "application/octet-stream"
HEAD_BYTES = 64 * 1024


def sniffed_content_type(data: bytes, name: str = "") -> str:
    """The content type the bytes show (magic numbers; a ZIP is looked into for DOCX/ODT;
    plain UTF-8 text is text/plain). Anything unknown or active is application/octet-stream."""
    kind, mime = _sniff(data)
    if mime == "application/zip" or (kind is not None and data[:2] == b"PK"):
        kind, mime = _sniff_zip(data)
    if kind is None:
        head = data[:HEAD_BYTES].lstrip(b"\xef\xbb\xbf")
        lowered = head[:2048].lower()
        if b"<svg" in lowered or b"<?xml" in lowered[:100] or b"<script" in lowered:
            return OCTET
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:  # not just a character cut at the end of the head
                return OCTET
        return "text/plain; charset=utf-8" if PurePath(name).suffix.lower() in (
            ".txt", ".csv", "") else OCTET
    if not mime or mime in ACTIVE_TYPES or kind in ("html", "executable", "binary"):
        return OCTET
    return mime


def attachment_content_type(attachment: Attachment) -> str:
    """`sniffed_content_type` of a stored attachment (its whole file when it is a ZIP package,
    whose type is read from the directory at its end; else its first 64 KB)."""
    # A handle of its own: the field's file is the one the response goes on to stream.
    with attachment.file.storage.open(attachment.file.name, "rb") as handle:
        head = handle.read(HEAD_BYTES)
        if head[:2] == b"PK":
            head += handle.read()
    return sniffed_content_type(head, attachment.original_name)
