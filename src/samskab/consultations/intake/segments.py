"""A mail's text split into the sender's own words, quotes, signature and forwarded messages
(in Danish and English mail programs' wording). Pure Python."""

from __future__ import annotations

import re
from dataclasses import dataclass

SEGMENT_KINDS = ("body", "quote", "signature", "forwarded")


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
