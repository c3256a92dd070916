"""Finding what to propose for masking in a response before it is published.

CPR numbers, e-mail addresses and phone numbers come from `consultations.redaction`; this module
adds names of private persons: the respondent's own name (unless they consented to its
publication) and »common Danish first name + capitalised surname« patterns. Everything but CPR
numbers is only a proposal: staff accept or reject each one.
"""

import re
from dataclasses import dataclass

from samskab.consultations.redaction import find_personal_data

# The most common Danish first names (Danmarks Statistik's lists), enough to catch signatures
# and mentions such as »min nabo Karen Holm«; staff catch the rest with a manual redaction.
COMMON_FIRST_NAMES = frozenset("""
Anne Kirsten Mette Hanne Helle Anna Susanne Lene Maria Marianne Lone Camilla Pia Louise Charlotte
Bente Tina Gitte Inge Karen Jette Birgitte Ida Julie Emma Sofie Laura Signe Maja Freja Mathilde
Ane Ingrid Else Birthe Dorthe Lise Rikke Trine Karina Heidi Malene Line Stine Tove Grethe Åse
Peter Jens Lars Michael Henrik Thomas Søren Jan Niels Christian Martin Anders Morten Jesper Mads
Hans Per Rasmus Jørgen Ole Kim Erik Poul Torben Carsten Frederik Mikkel Jakob Jacob Kristian
Steen Klaus Claus Brian Bo Allan Kasper Nikolaj Simon Jonas Emil Oliver William Lucas Noah
Magnus Victor Anton Bjarne Flemming Finn Knud Preben Kurt Leif Svend Ib Aage Bent Jørn Palle
Johannes Mogens Kenneth Dennis Thomas Rune Troels Ulrik Esben Asger Gunnar Sune Oskar Villads
""".split())

_SURNAME = r"(?:[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?)"
_FIRST_NAME_PATTERN = re.compile(
    r"\b(?:" + "|".join(sorted(COMMON_FIRST_NAMES, key=len, reverse=True)) + r")"
    r"(?:\s+[A-ZÆØÅ]\.)?(?:\s+" + _SURNAME + r"){1,2}\b"
)


@dataclass(frozen=True)
class Span:
    kind: str  # "cpr", "email", "phone" or "name"
    start: int
    end: int
    text: str


def _own_name_spans(text: str, name: str) -> list[Span]:
    """The respondent's full name and its last part (surname) wherever they occur."""
    name = " ".join(name.split())
    if len(name) < 3:
        return []
    candidates = [name]
    parts = name.split(" ")
    if len(parts) > 1 and len(parts[-1]) >= 3:
        candidates.append(parts[-1])
    spans: list[Span] = []
    for candidate in candidates:
        pattern = re.compile(r"(?<!\w)" + re.escape(candidate) + r"(?!\w)", re.IGNORECASE)
        spans.extend(Span("name", m.start(), m.end(), m.group()) for m in pattern.finditer(text))
    return spans


def find_redactions(text: str, *, respondent_name: str = "", name_consented: bool = False
                    ) -> list[Span]:
    """Every span of `text` to mask or propose for masking, in order, never overlapping.

    Personal identifiers (CPR, e-mail, phone) win over names where spans overlap."""
    spans = [Span(f.kind, f.start, f.end, f.text) for f in find_personal_data(text)]
    names: list[Span] = []
    if respondent_name and not name_consented:
        names.extend(_own_name_spans(text, respondent_name))
    consented = " ".join(respondent_name.split()).casefold() if name_consented else None
    names.extend(
        Span("name", m.start(), m.end(), m.group()) for m in _FIRST_NAME_PATTERN.finditer(text)
        if " ".join(m.group().split()).casefold() != consented
    )
    # Longest name first, so »Karen Holm Jensen« is kept over »Jensen« alone.
    for span in sorted(names, key=lambda s: (s.start, -(s.end - s.start))):
        if all(span.end <= s.start or span.start >= s.end for s in spans):
            spans.append(span)
    return sorted(spans, key=lambda s: s.start)


def apply_masks(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, mask) replaced; spans must not overlap."""
    out, last = [], 0
    for start, end, mask in sorted(spans):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(mask)
        last = end
    out.append(text[last:])
    return "".join(out)


# --- CPR numbers in the workspace ---------------------------------------------------------------

def sees_cpr(user) -> bool:
    """Only those who decide on publication see CPR numbers (to mask them); analysts read the
    texts with CPR numbers masked (issue 9)."""
    return bool(user and user.has_perm("workspace.moderate_response"))


def text_for(text: str, user) -> str:
    """`text` as `user` may read it in the staff pages: CPR numbers masked unless they
    moderate."""
    from samskab.consultations.redaction import mask_cpr

    return text if sees_cpr(user) else mask_cpr(text or "")


_DIGITS = re.compile(r"\d[\d.\s\u00a0\-\u2010-\u2015\u2212]*\d|\d")


# Stands in for a CPR number taken out of a search: a word no text contains, so the search
# finds nothing rather than everything.
CPR_SEARCH_BLOCK = "cprnummerfjernet"


def search_query_for(query: str, user) -> str:
    """The search text `user` may search for: for those who do not moderate, CPR numbers (in
    any spelling) and the date part of one (six digits forming a date) are replaced by a word
    that matches nothing, so a response cannot be found by its sender's CPR number."""
    from samskab.consultations.redaction import _is_cpr_date, find_personal_data

    if sees_cpr(user) or not query:
        return query
    for finding in reversed([f for f in find_personal_data(query) if f.kind == "cpr"]):
        query = query[:finding.start] + f" {CPR_SEARCH_BLOCK} " + query[finding.end:]

    def strip_date(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group())
        if len(digits) in (6, 10) and _is_cpr_date(digits[0:2], digits[2:4], digits[4:6]):
            return f" {CPR_SEARCH_BLOCK} "
        return match.group()

    return " ".join(_DIGITS.sub(strip_date, query).split())
