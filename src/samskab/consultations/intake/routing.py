"""Which consultation a mail belongs to: by recipient address first, then by subject tag.

Pure functions over a `ParsedMessage` and plain candidate routes; the caller loads the routes
(open consultations' slug, intake address and subject tag) and stores the message as
``unrouted`` when `route_message` returns None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from email.utils import parseaddr
from typing import NamedTuple

from samskab.consultations.intake.charsets import decode_header_value
from samskab.consultations.intake.mime import ParsedMessage
from samskab.core.text import fold


class Route(NamedTuple):
    slug: str
    intake_address: str | None
    subject_tag: str | None


# Longest suffix accepted on the tag's last word: "OGP-høringen", "OGP-høringssvar".
_MAX_SUFFIX = 6


def tag_tokens(text: str) -> list[str]:
    """The folded words of a subject or tag; punctuation, brackets and dashes separate words."""
    return [token for token in re.split(r"[^0-9a-z]+", fold(text)) if token]


def subject_has_tag(subject: str, tag: str) -> bool:
    """True when `subject` carries `tag`, however it was written: any case, dash or space or
    nothing between the words, Danish letters spelled out or stripped (høring, hoering,
    horing), with reply and forward prefixes and brackets around it, as encoded words, in NFC
    or NFD, and with a short inflection on the last word (OGP-høringen)."""
    wanted = "".join(tag_tokens(tag))
    if not wanted:
        return False
    if "=?" in subject:
        subject = decode_header_value(subject)
    tokens = tag_tokens(subject)
    for start in range(len(tokens)):
        joined = ""
        for token in tokens[start:]:
            joined += token
            if len(joined) < len(wanted):
                if not wanted.startswith(joined):
                    break
                continue
            suffix = joined[len(wanted):]
            if joined.startswith(wanted) and (
                not suffix or (len(suffix) <= _MAX_SUFFIX and suffix.isalpha())
            ):
                return True
            break
    return False


def _bare(address: str) -> str:
    """The address alone, also when configured as "Høring <hoering@digst.dk>"."""
    return (parseaddr(address)[1] or address).strip().strip("<>").lower()


def _split_address(address: str) -> tuple[str, str | None, str]:
    """(local part without +detail, detail or None, domain), all lower case."""
    local, _, domain = _bare(address).rpartition("@")
    base, plus, detail = local.partition("+")
    return base, (detail if plus else None), domain


def _addresses_match(recipient: str, route_address: str) -> bool:
    return _bare(recipient) == _bare(route_address)


def route_by_address(recipients: Iterable[str], routes: Sequence[Route]) -> list[str]:
    """Slugs whose intake address received the message. Plus-addressing counts:
    ``hoering+ogp-2012@x`` reaches the route whose address it is, or, when the route's address
    is plain ``hoering@x``, the route whose slug is the detail (``ogp-2012``)."""
    found: list[str] = []
    for recipient in recipients:
        r_base, r_detail, r_domain = _split_address(recipient)
        for route in routes:
            if not route.intake_address:
                continue
            if _addresses_match(recipient, route.intake_address):
                found.append(route.slug)
                continue
            a_base, a_detail, a_domain = _split_address(route.intake_address)
            if (r_base, r_domain) != (a_base, a_domain) or r_detail is None:
                continue
            if a_detail is None and fold(r_detail) == fold(route.slug):
                found.append(route.slug)
    return list(dict.fromkeys(found))


def route_by_subject(subjects: Iterable[str], routes: Sequence[Route]) -> list[str]:
    """Slugs whose subject tag appears in the first subject that has any; the longest tag wins
    ("OGP-høring 2013" over "OGP-høring")."""
    for subject in subjects:
        if not subject:
            continue
        matches = [
            (len("".join(tag_tokens(route.subject_tag))), route.slug)
            for route in routes
            if route.subject_tag and subject_has_tag(subject, route.subject_tag)
        ]
        if matches:
            longest = max(length for length, _slug in matches)
            return list(dict.fromkeys(slug for length, slug in matches if length == longest))
    return []


def route_message(
    message: ParsedMessage, routes: Iterable[Route | tuple[str, str | None, str | None]]
) -> str | None:
    """The slug of the consultation `message` belongs to, or None (unrouted, for staff).

    A recipient address (Delivered-To, X-Original-To, To, Cc; plus-addressing understood)
    wins over the subject. When several consultations share the address, their subject tags
    decide among them. The subject of the message itself comes first, then those of
    forwarded messages, then the first three lines of the text ("Vedr.: OGP-høring"). An
    ambiguous result (two consultations equally likely) is None:
    staff decide rather than the machine guessing.
    """
    candidates = [Route(*route) for route in routes]
    by_address = route_by_address(message.recipients, candidates)
    subjects = [message.subject, *(forwarded.subject for forwarded in message.forwarded)]
    # Last resort: a "Vedr.: OGP-høring" line at the top of the letter itself.
    own_lines = [line for line in message.response_text.splitlines() if line.strip()]
    subjects.extend(own_lines[:3])
    if len(by_address) == 1:
        return by_address[0]
    if len(by_address) > 1:
        narrowed = [route for route in candidates if route.slug in by_address]
        by_subject = route_by_subject(subjects, narrowed)
        return by_subject[0] if len(by_subject) == 1 else None
    by_subject = route_by_subject(subjects, candidates)
    return by_subject[0] if len(by_subject) == 1 else None
