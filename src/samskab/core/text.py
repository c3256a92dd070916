"""Text rules every app shares, each in one place. Pure functions, no Django.

Danish text (house rules):
- `fold`: for comparing (never for showing): case, accents and the Danish letters folded so
  that "høring", "hoering" and "horing", or "Århus" and "AARHUS", compare equal.
- `organisation_key`: an organisation's name for matching: folded, punctuation and legal-form
  noise (A/S, ApS, amba) dropped.
- `danish_sort_key`: Danish alphabetical order (æ, ø, å after z; a leading "Aa" is "Å").

Text made safe for the formats we write:
- `csv_safe_cell` / `SafeDictWriter` / `SafeWriter`: CSV cells a spreadsheet will not run;
- `xml_safe` / `xml_safe_deep`: XML that every document writer (DOCX, ODT, HTML/PDF) accepts.
"""

from __future__ import annotations

import csv
import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

# Danish letters and their two-letter spellings fold to one form (both sides of a comparison
# are folded the same way).
_LETTER_FOLDS = (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ä", "ae"), ("ö", "oe"), ("ü", "ue"))
_PAIR_FOLDS = (("aa", "a"), ("ae", "a"), ("oe", "o"), ("ue", "u"))
_LEGAL_FORMS = frozenset({"a", "s", "aps", "i", "amba", "the"})


def fold(text: str) -> str:
    """Casefolded, accent-free, Danish-letter-folded text, for comparison only."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    for letter, spelled in _LETTER_FOLDS:
        text = text.replace(letter, spelled)
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    for pair, single in _PAIR_FOLDS:
        text = text.replace(pair, single)
    return text


def organisation_key(name: str) -> str:
    """An organisation name for matching: folded, punctuation and legal forms dropped,
    spaces collapsed ("Dansk Erhverv A/S" and "dansk  erhverv" give one key)."""
    text = "".join(ch if ch.isalnum() else " " for ch in fold(name))
    return " ".join(w for w in text.split() if w not in _LEGAL_FORMS)


def danish_sort_key(text: str) -> str:
    """Danish alphabetical order: æ, ø, å after z, and a leading 'Aa' counts as 'Å'."""
    folded = text.strip().casefold()
    if folded.startswith("aa"):
        folded = "å" + folded[2:]
    return folded.translate(str.maketrans({"æ": "{", "ø": "|", "å": "}", "ä": "{", "ö": "|"}))

# What a spreadsheet (Excel, LibreOffice, Google Sheets) reads as the start of a formula, or
# skips before one (tab, CR): OWASP's "CSV injection" list, plus the full-width forms.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# Characters XML 1.0 cannot hold at all (C0 controls less tab/LF/CR, lone surrogates,
# U+FFFE/U+FFFF). python-docx refuses them; an ODT holding one is not a valid document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def csv_safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet shows as text: one starting (after blanks) with a formula
    character gets a leading apostrophe, which spreadsheets hide. Other values pass as they
    are."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_safe_row(row: Mapping[str, Any] | Iterable[Any]) -> Any:
    if isinstance(row, Mapping):
        return {key: csv_safe_cell(value) for key, value in row.items()}
    return [csv_safe_cell(value) for value in row]


class SafeDictWriter(csv.DictWriter):
    """`csv.DictWriter` whose cells are neutralised (`csv_safe_cell`); the header is ours."""

    def writerow(self, rowdict):
        return super().writerow(csv_safe_row(rowdict))

    def writerows(self, rowdicts):
        return super().writerows(csv_safe_row(row) for row in rowdicts)


class SafeWriter:
    """`csv.writer` with neutralised cells."""

    def __init__(self, stream, *args, **kwargs):
        self._writer = csv.writer(stream, *args, **kwargs)

    def writerow(self, row):
        return self._writer.writerow(csv_safe_row(row))

    def writerows(self, rows):
        return self._writer.writerows(csv_safe_row(row) for row in rows)


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (removed, not replaced: they are
    invisible controls, and the stored text keeps them where it was received)."""
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


def xml_safe_deep(value: Any) -> Any:
    """`xml_safe` applied to every string in a tree of dataclasses, lists, tuples and dicts
    (the data handed to a document renderer). Returns a copy; the input is not changed."""
    if isinstance(value, str):
        return xml_safe(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: xml_safe_deep(getattr(value, f.name))
            for f in dataclasses.fields(value) if f.init
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [xml_safe_deep(item) for item in value]
    if isinstance(value, tuple):
        items = [xml_safe_deep(item) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, dict):
        return {xml_safe_deep(k): xml_safe_deep(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return type(value)(xml_safe_deep(item) for item in value)
    return value
