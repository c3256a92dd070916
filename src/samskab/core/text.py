"""Danish text rules that every app shares, each in one place.

- `fold`: for comparing (never for showing): case, accents and the Danish letters folded so
  that "høring", "hoering" and "horing", or "Århus" and "AARHUS", compare equal.
- `organisation_key`: an organisation's name for matching: folded, punctuation and legal-form
  noise (A/S, ApS, amba) dropped.
- `danish_sort_key`: Danish alphabetical order (æ, ø, å after z; a leading "Aa" is "Å").
"""

import unicodedata

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
