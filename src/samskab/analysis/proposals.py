"""Splitting a response into the proposals it makes, with offsets into the original text.

A response is cut into blocks at blank lines and at numbered or bulleted points; inside a
block a new proposal starts at a sentence opening with a cue phrase ("Vi foreslår", "For det
andet", "Desuden", "We propose", "Secondly", ...) and at a sentence that asks for something with
a modal of its own (*bør, skal, should, must*) after one that did: one proposal per request,
with the reasons and examples that follow it. Greetings, sign-offs and what follows a
sign-off (the name) are not proposals. A short response is one proposal. Offsets are
``[start, end)`` character positions in the text as received, so the very sentences can be
shown and traced later.

Not every sentence is a proposal. Pleasantries — greetings, sign-offs, polite preambles and
closings ("Tak for muligheden for at give input", "Vi står gerne til rådighed for uddybning")
and statements about the respondent ("Som borger bruger jeg …", "Vores forening har drøftet
…") — are recognised from Danish and English cue lexicons when the sentence holds no proposal
cue (*bør, skal, foreslår, should, propose, …*), and are *set aside* with a reason rather than
dropped (:func:`split_with_set_aside`), so staff can see them and move one back. The engine
also learns a consultation's own boilerplate (see ``engine``: a sentence that recurs across
otherwise unrelated responses with no proposal cue).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_POINT = r"(?:\d{1,2}[.)]|[a-hA-H][.)]|[-*•·–—]|\(\d{1,2}\))"
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*" + _POINT + r"\s)")
_MARKER = re.compile(r"[ \t]*" + _POINT + r"\s+")
_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+|$)")
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
# one proposal per request: a paragraph that asks for several things is several proposals
SPLIT_REQUESTS = True

# Why a segment was set aside (the values the engine's output and the platform use).
GREETING, SIGNOFF, COURTESY, ABOUT_RESPONDENT, RECURRING = (
    "greeting", "signoff", "courtesy", "about_respondent", "recurring")
REASONS = (GREETING, SIGNOFF, COURTESY, ABOUT_RESPONDENT, RECURRING)

# A sentence holding one of these asks for something: never a pleasantry.
_PROPOSAL_CUE = re.compile(
    r"\b(?:bør|burde|skal|skulle|må gerne|foreslå\w*|foreslaa\w*|anbefal\w*|opfordr\w*|"
    r"kræv\w*|ønsker\w*|savner|mangler|indfør\w*|offentliggør\w*|should|must|ought|"
    r"propos\w*|suggest\w*|recommend\w*|urge\w*|need to|needs to|require\w*|call on|"
    r"ask (?:you|the government|that)|demand\w*)\b", re.IGNORECASE)
# "skal hermed komme med følgende input": a formula, not a request
_NOT_A_CUE = re.compile(r"\bskal (?:hermed|herved)\b", re.IGNORECASE)
# An addressee line above the text ("Digitaliseringsstyrelsen", "Til Kulturministeriet")
_ADDRESSEE = re.compile(r"^(?:(?:til|att\.?|attn\.?|to)\s+)?(?:[A-ZÆØÅ][\w.&-]*\s*){1,4}$")
# Polite preambles and closings, Danish and English (matched anywhere in a sentence without a
# proposal cue).
_COURTESY = re.compile(
    r"(?:^|\b)(?:tak for|mange tak|tak fordi|på forhånd tak|vi takker|jeg takker|takker for|"
    r"(?:jeg|vi) har (?:med interesse )?(?:læst|modtaget|gennemgået)|"
    r"har modtaget (?:høringen|høringsbrevet|jeres|udkastet)|følgende (?:input|bemærkninger|"
    r"kommentarer|høringssvar)|"
    r"(?:vil|ville) gerne bidrage|bidrager gerne|gerne give (?:vores|mit|mine) besyv|"
    r"hermed (?:vores|mit|fremsendes|sender|afgiver)|fremsender hermed|afgiver hermed|"
    r"skal hermed|høringssvar fra|hermed høringssvar|(?:står|stå) gerne til rådighed|"
    r"til rådighed for (?:uddybning|yderligere|spørgsmål|dialog)|uddybe (?:vores|mit|dette)|"
    r"kontakte (?:os|mig|undertegnede)|kontakt (?:os|mig|endelig)|ved spørgsmål|"
    r"hvis (?:i|du) har spørgsmål|ser frem til|håber, at (?:vores|mine) (?:bemærkninger|"
    r"kommentarer|input)|god arbejdslyst|held og lykke|ingen (?:yderligere )?bemærkninger|"
    r"glade for muligheden|(?:er|være) velkomne? til at|"
    # an organisation's name as the subject ("Åben Kode Danmark har med interesse læst
    # høringsbrevet", "DataHavn A/S hilser initiativet velkommen"): the verb phrase with
    # what it is about, the consultation or the plan, never a matter of its own
    r"(?:har|havde) (?:med (?:stor )?interesse )?(?:læst|modtaget|gennemgået) "
    r"(?:høring|udkast|materiale|jeres|forslaget|planen|handlingsplan)|"
    r"hilser (?:det|initiativet|høringen|muligheden|udkastet|planen|handlingsplanen|"
    r"danmarks|regeringens|jeres|deltagelsen)\b|"
    r"ser (?:positivt|med glæde) på (?:initiativet|høringen|udkastet|planen|handlingsplanen|"
    r"danmarks|regeringens|deltagelsen)|"
    r"ser (?:ogp|open government partnership|initiativet|planen|handlingsplanen|"
    r"deltagelsen|danmarks deltagelse) som|"
    r"(?:welcomes?|is pleased with|are pleased with) (?:the|this|denmark's|the government's) "
    r"(?:initiative|consultation|opportunity|draft|plan|participation|invitation)|"
    r"(?:has|have) (?:read|received|reviewed) (?:the|your) (?:consultation|draft|letter|"
    r"invitation|plan)|"
    r"muligheden for at (?:give|komme med|afgive|bidrage|svare)|"
    r"thank you|thanks for|many thanks|(?:i|we) have read|we welcome the opportunity|"
    r"grateful for the opportunity|the opportunity to (?:comment|respond|contribute)|"
    r"do not hesitate|don't hesitate|feel free to contact|happy to (?:discuss|elaborate|"
    r"provide|answer)|(?:i|we) look forward|please find|(?:i|we) am writing|i am writing|"
    r"we are writing|this response is submitted|on behalf of|no further comments)",
    re.IGNORECASE)
_COURTESY_AT = re.compile(_COURTESY.pattern.replace("(?:^|\\b)", "", 1), re.IGNORECASE)
# Statements about the respondent (who they are, what they discussed), not about the matter.
_ABOUT = re.compile(
    r"^(?:som (?:borger|pensionist|forælder|mor|far|studerende|borger og|ansat|forsker|"
    r"journalist|medlem|formand|lokalpolitiker|udvikler|landmand|virksomhedsejer)|"
    r"jeg er (?:\d+ år|pensionist|borger|studerende|ansat|uddannet|medlem|selv|mor|far|"
    r"født|bosat)|jeg bor |jeg arbejder (?:som|i|på|med)|"
    r"(?:vores|vor|min) (?:forening|organisation|virksomhed|bestyrelse|afdeling|kommune)"
    r" (?:har|er|repræsenterer|tæller|arbejder|består)|"
    r"(?:foreningen|organisationen|bestyrelsen) (?:har drøftet|har behandlet|repræsenterer|"
    r"tæller|består)|vi er en (?:forening|organisation|virksomhed|interesseorganisation)|"
    r"vi repræsenterer|(?:vi|jeg) har drøftet|mit (?:cpr|navn|telefonnummer)|"
    r"min (?:adresse|e-mail|mail)|cpr-nummer|"
    r"as a (?:citizen|resident|parent|pensioner|student|researcher|journalist|developer|"
    r"member)|i am (?:a |an |\d+ years)|i live |i work (?:as|in|at|for)|my name is|"
    r"(?:our|my) (?:organisation|organization|association|company|board) "
    r"(?:has|is|represents|discussed)|we are an? (?:association|organisation|organization|"
    r"ngo|network)|we represent)", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """One proposal: ``text[start:end]``."""

    start: int
    end: int


@dataclass(frozen=True)
class Aside:
    """A segment set aside as not a proposal: ``text[start:end]`` and why (``REASONS``)."""

    start: int
    end: int
    reason: str


_CUE_WORDS = frozenset("bør burde skal skulle savner mangler should must ought".split())
_CUE_PREFIXES = ("foreslå", "foreslaa", "anbefal", "opfordr", "kræv", "ønsker", "indfør",
                 "offentliggør", "propos", "suggest", "recommend", "urge", "require", "demand")
_CUE_PHRASES = (" må gerne ", " need to ", " needs to ", " call on ", " ask you ",
                " ask the government ", " ask that ")
_WORDS_LOWER = re.compile(r"\w+")


def has_proposal_cue(sentence: str) -> bool:
    """True when the sentence asks for something (*bør, skal, foreslår, should, …*).

    (Words and prefixes looked up in sets, not one regular expression over the sentence:
    every sentence of every response passes here, and the expression cost 13–45 µs.)"""
    low = sentence.lower()
    if "skal her" in low:
        low = _NOT_A_CUE.sub(" ", low)
    words = _WORDS_LOWER.findall(low)
    if not _CUE_WORDS.isdisjoint(words):
        return True
    for w in words:
        if w.startswith(_CUE_PREFIXES):
            return True
    if " " in low:
        padded = " " + " ".join(words) + " "
        return any(p in padded for p in _CUE_PHRASES)
    return False


_MODAL_REQUEST = frozenset("bør burde skal skulle should must ought".split())


def _asks(sentence: str) -> bool:
    """True when the sentence asks for something with a modal of its own (*bør, skal,
    should, must*): the mark of one request, where *ønsker* or *mangler* may describe."""
    low = sentence.lower()
    if "skal her" in low:
        low = _NOT_A_CUE.sub(" ", low)
    return not _MODAL_REQUEST.isdisjoint(_WORDS_LOWER.findall(low))


def pleasantry(sentence: str) -> str | None:
    """Why ``sentence`` is a pleasantry (``COURTESY`` or ``ABOUT_RESPONDENT``), or None."""
    if has_proposal_cue(sentence):
        return None
    low = sentence.lstrip(" \t\n-–—•*\"'„“”’")
    if _ABOUT.match(low):
        return ABOUT_RESPONDENT
    # a preamble or closing says so early ("Tak for …", "Vi står gerne til rådighed …",
    # after an organisation's name: "Netværket for Ældre og IT har med interesse læst …");
    # a courtesy late in a sentence ("Vi ønsker mere åbenhed og vil gerne bidrage") is not
    # enough to set the sentence aside: tried at the first seven words only
    at = 0
    for _ in range(7):
        if _COURTESY_AT.match(low, at):
            return COURTESY
        at = low.find(" ", at) + 1
        if at <= 0:
            break
        while at < len(low) and low[at] == " ":
            at += 1
    return None


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


def _signoff_line(text: str, a: int, b: int) -> int | None:
    """Where a sign-off line ("Med venlig hilsen", a few words alone on a line) starts inside
    ``text[a:b]`` after its first line, or None."""
    pos = text.find("\n", a, b)
    while pos >= 0:
        start = pos + 1
        while start < b and text[start] in " \t":
            start += 1
        end = text.find("\n", start, b)
        line_end = end if end >= 0 else b
        if _n_words(text, start, line_end) <= 6 and _SIGNOFF.match(text[start:line_end]):
            return start
        pos = end
    return None


def split(text: str) -> list[Span]:
    """The proposals of ``text`` as spans, in order; ``[]`` when it has no content."""
    return split_with_set_aside(text)[0]


def split_with_set_aside(text: str) -> tuple[list[Span], list[Aside]]:
    """The proposals of ``text`` as spans, and the segments set aside (greeting, sign-off and
    the name under it, polite preambles and closings, statements about the respondent)."""
    blocks = _blocks(text)
    aside: list[Aside] = []
    content: list[tuple[int, int, bool]] = []
    for a, b, item in blocks:
        first_line_end = text.find("\n", a, b)
        first_line = text[a: first_line_end if first_line_end >= 0 else b]
        if _SIGNOFF.match(first_line):
            aside.append(Aside(a, blocks[-1][1], SIGNOFF))  # the sign-off and the name
            break
        if _GREETING.match(first_line) and _n_words(text, a, b) <= 6:
            aside.append(Aside(a, b, GREETING))
            continue
        if not content and first_line_end < 0 and b < blocks[-1][1] and \
                _ADDRESSEE.match(text[a:b]):
            aside.append(Aside(a, b, GREETING))  # the addressee, alone on the first line
            continue
        if _GREETING.match(first_line) and first_line_end >= 0 and \
                _n_words(text, a, a + len(first_line)) <= 6:
            aside.append(Aside(*_trim(text, a, a + len(first_line)), GREETING))
            a, b = _trim(text, a + len(first_line), b)
            if a >= b:
                continue
        cut = _signoff_line(text, a, b)
        if cut is not None:  # "Med venlig hilsen" on a line of its own inside the block
            aside.append(Aside(cut, blocks[-1][1], SIGNOFF))
            a, b = _trim(text, a, cut)
            if a < b:
                content.append((a, b, item))
            break
        content.append((a, b, item))
    # sentences: (start, end, is_list_item, starts_block); pleasantries set aside
    sentences: list[tuple[int, int, bool, bool]] = []
    total = sum(_n_words(text, a, b) for a, b, _ in content)  # pleasantries included
    for a, b, item in content:
        first = True
        for m in _SENTENCE.finditer(text, a, b):
            s, e = _trim(text, m.start(), m.end())
            if s >= e:
                continue
            why = pleasantry(text[s:e])
            if why is not None:
                aside.append(Aside(s, e, why))
                first = True  # what follows starts a new proposal
                continue
            sentences.append((s, e, item, first))
            first = False
    aside.sort(key=lambda x: x.start)
    if not sentences:
        return [], aside
    if total < SHORT_RESPONSE_WORDS and not any(item for _, _, item, _ in sentences):
        inside = [x for x in aside if sentences[0][0] < x.start < sentences[-1][1]]
        if not inside:
            return [Span(sentences[0][0], sentences[-1][1])], aside
    spans: list[list[int]] = []
    asks: list[bool] = []  # whether each span holds a request already
    for s, e, item, first in sentences:
        sentence = text[s:e]
        request = _asks(sentence)
        # a sentence that asks for something of its own after one that did is a new proposal
        # ("Kommunerne bør … . Staten skal også …"); a reason or an example stays with its
        # request
        if first or not spans or _is_cue(sentence) or (SPLIT_REQUESTS and request and asks[-1]):
            spans.append([s, e, item])
            asks.append(request)
        else:
            spans[-1][1] = e
            asks[-1] = asks[-1] or request
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
            if merged and text.count("\n", merged[-1][1], s) == 0 and \
                    not any(merged[-1][1] <= x.start < s for x in aside):
                merged[-1][1] = e
            else:
                carry = s
            continue
        merged.append([s, e])
    if carry is not None:
        if merged and not any(merged[-1][1] <= x.start < spans[-1][1] for x in aside):
            merged[-1][1] = max(merged[-1][1], spans[-1][1])
        else:
            merged.append([carry, spans[-1][1]])
    return [Span(s, e) for s, e in merged], aside
