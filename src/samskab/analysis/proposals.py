"""Splitting a response into the proposals it makes, with offsets into the original text.

A response is cut into blocks at blank lines and at numbered or bulleted points; inside a
block a new proposal starts at a sentence opening with a cue phrase ("Vi foreslår", "For det
andet", "Desuden", "We propose", "Secondly", ...). Greetings, sign-offs and what follows a
sign-off (the name) are not proposals. A short response is one proposal. Offsets are
``[start, end)`` character positions in the text as received, so the very sentences can be
shown and traced later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_POINT = r"(?:\d{1,2}[.)]|[a-hA-H][.)]|[-*•·–—]|\(\d{1,2}\))"
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*" + _POINT + r"\s)")
_MARKER = re.compile(r"[ \t]*" + _POINT + r"\s+")
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

CUES_DA = (
    "vi foreslår", "jeg foreslår", "vi anbefaler", "jeg anbefaler", "vi opfordrer",
    "jeg opfordrer", "vi ønsker", "jeg ønsker", "et forslag", "et andet forslag", "forslag:",
    "for det første", "for det andet", "for det tredje", "for det fjerde", "for det femte",
    "desuden", "endvidere", "derudover", "herudover", "yderligere", "endelig", "sidst men ikke "
    "mindst", "afslutningsvis", "samtidig bør", "ligeledes", "hertil kommer", "dernæst",
    "vi mener", "vi foreslaar", "vi foreslar",
)
CUES_EN = (
    "we propose", "i propose", "we suggest", "i suggest", "we recommend", "i recommend",
    "we urge", "i urge", "first,", "firstly", "second,", "secondly", "third,", "thirdly",
    "furthermore", "moreover", "in addition", "additionally", "finally", "lastly", "also,",
    "another proposal", "our proposal", "my proposal",
)
_CUES = tuple(sorted(CUES_DA + CUES_EN, key=len, reverse=True))
_GREETING = re.compile(
    r"^(?:kære|hej|goddag|til|att\.?|attn\.?|vedr\.?|dear|hello|hi|to whom)\b", re.IGNORECASE)
_SIGNOFF = re.compile(
    r"^(?:med venlig hilsen|venlig hilsen|venligst|mvh\.?|de bedste hilsner|bedste hilsner|"
    r"hilsen|kind regards|best regards|regards|sincerely|yours sincerely|yours faithfully)\b",
    re.IGNORECASE)
SHORT_RESPONSE_WORDS = 25


@dataclass(frozen=True)
class Span:
    """One proposal: ``text[start:end]``."""

    start: int
    end: int


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _blocks(text: str) -> list[tuple[int, int, bool]]:
    """Blocks as ``(start, end, is_list_item)``, list markers left out of the span."""
    out, pos = [], 0
    for m in _BLOCK_BREAK.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    blocks = []
    for a, b in out:
        a, b = _trim(text, a, b)
        if a < b:
            m = _MARKER.match(text, a, b)
            if m:
                a = m.end()
            blocks.append((a, b, m is not None))
    return blocks


def _n_words(text: str, start: int, end: int) -> int:
    """Roughly the number of words in ``text[start:end]`` (separators + 1), without slicing:
    only compared with small limits."""
    if start >= end:
        return 0
    return text.count(" ", start, end) + text.count("\n", start, end) + 1


def _is_cue(sentence: str) -> bool:
    low = sentence.lstrip().lower()
    return low.startswith(_CUES)


def split(text: str) -> list[Span]:
    """The proposals of ``text`` as spans, in order; ``[]`` when it has no content."""
    blocks = _blocks(text)
    content: list[tuple[int, int, bool]] = []
    for a, b, item in blocks:
        first_line_end = text.find("\n", a, b)
        first_line = text[a: first_line_end if first_line_end >= 0 else b]
        if _SIGNOFF.match(first_line):
            break  # the sign-off and the name under it
        if _GREETING.match(first_line) and _n_words(text, a, b) <= 6:
            continue
        if _GREETING.match(first_line) and first_line_end >= 0 and \
                _n_words(text, a, a + len(first_line)) <= 6:
            a, b = _trim(text, a + len(first_line), b)
            if a >= b:
                continue
        content.append((a, b, item))
    if not content:
        return []
    total = sum(_n_words(text, a, b) for a, b, _ in content)
    if total < SHORT_RESPONSE_WORDS and not any(item for _, _, item in content):
        return [Span(content[0][0], content[-1][1])]
    spans: list[list[int]] = []
    for a, b, item in content:
        current: list[int] | None = None
        for m in _SENTENCE.finditer(text, a, b):
            s, e = _trim(text, m.start(), m.end())
            if s >= e:
                continue
            if current is None or _is_cue(text[s:e]):
                current = [s, e, item]
                spans.append(current)
            else:
                current[1] = e
    # a fragment of a few words (a heading, "Forslag:") belongs with what follows it; a short
    # point of a list stays a proposal of its own
    merged: list[list[int]] = []
    carry: int | None = None
    for k, (s, e, item) in enumerate(spans):
        if carry is not None:
            s, carry = carry, None
        if _n_words(text, s, e) < (2 if item else 4):
            next_is_item = k + 1 < len(spans) and spans[k + 1][2]
            if text[s:e].rstrip().endswith(":") or next_is_item:
                continue  # a heading ("Vores forslag:") is not a proposal
            if merged and text.count("\n", merged[-1][1], s) == 0:
                merged[-1][1] = e
            else:
                carry = s
            continue
        merged.append([s, e])
    if carry is not None:
        if merged:
            merged[-1][1] = max(merged[-1][1], spans[-1][1])
        else:
            merged.append([carry, spans[-1][1]])
    return [Span(s, e) for s, e in merged]
