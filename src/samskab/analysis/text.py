"""Text handling for Danish and English consultation responses.

- **Normal form.** Words are lower-cased and written with ASCII digraphs for the Danish
  letters (``æ``→``ae``, ``ø``→``oe``, ``å``→``aa``; ``ä``→``ae``, ``ö``→``oe``, accents
  dropped), so "høring", "hoering" and "HØRING" are one word. Stop words, lexicons and stems all
  live in that form.
- **OCR repair.** Scanned letters come back with ``å`` read as ``d`` and ``ø`` as ``g``
  ("dbenhed", "hgring"), digits for letters ("0ffentlig") and the like. :class:`Speller`
  corrects a rare word to a frequent or known word one edit away (deletion neighbourhoods, as
  in SymSpell), learning "frequent" from the corpus itself; digits inside words are mapped to
  the letters OCR confuses them with first.
- **Language.** Stop-word shares for Danish and English against a few neighbours (Norwegian,
  Swedish, German, French, Spanish, Dutch), backed by the Danish letters and a handful of
  character trigrams; anything else is ``"other"``.
- **Stems.** Snowball (Danish or English) on the normal form, cached per word.
- **Character n-grams** with boundary marks, for Danish compounds ("borgerinddragelse").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "u",
                       "ß": "ss", "é": "e", "è": "e", "ê": "e", "á": "a", "à": "a", "ó": "o",
                       "ò": "o", "í": "i", "ú": "u", "ñ": "n", "ç": "c"})
WORD = re.compile(r"\w+", re.UNICODE)
_OCR_DIGITS = str.maketrans({"0": "o", "1": "l", "5": "s", "8": "b", "|": "l"})


def fold(word: str) -> str:
    """The normal form of one word (lower case, ASCII digraphs for Danish letters)."""
    word = word.lower().translate(_FOLD)
    if not word.isascii():
        word = "".join(c for c in unicodedata.normalize("NFKD", word)
                       if not unicodedata.combining(c))
    return word


def words(text: str) -> list[str]:
    """The words of ``text`` as written (runs of letters, digits and underscores)."""
    return WORD.findall(text)


def fold_set(text: str) -> frozenset[str]:
    """The folded words of ``text`` (a word list written in a docstring-like block)."""
    return _fold_set(text)


def _fold_set(text: str) -> frozenset[str]:
    return frozenset(fold(w) for w in text.split())


DA_STOP = _fold_set("""
ad af aldrig alle alt anden andet andre at bare begge blev blive bliver da de dem den denne
der deres det dette dig din dine disse dit dog du efter eller en end ene eneste enhver er et
far fik for fordi fra få får gennem gjorde gør gøre god han hans har havde have hele hen her
hende hendes herefter hos hun hvad hvem hver hvilke hvilken hvis hvor hvordan hvorfor hvornår
i ikke ind ingen intet jeg jer jeres jo kan kom komme kommer kun kunne lad lidt lige man mange
med meget men mens mere mig min mine mit mod må måske nogen noget nogle nu når og også om op
os over på sagde se selv sig sin sine sit skal skulle som stadig så sådan thi til ud uden
udover under var ved vi vil ville vor vores være været øvrigt derfor dermed samt således
hermed herunder disse blandt ifølge mellem netop ligesom
""")
EN_STOP = _fold_set("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers him his how i if in into is it its itself just me more
most my no nor not now of off on once only or other our ours out over own same she should so
some such than that the their theirs them then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you
your yours also us may must shall
""")
# Words every consultation response uses to ask for something: no help in telling ideas or
# topics apart, so content stems leave them out too.
DOMAIN_STOP = _fold_set("""
bør skal skulle burde foreslår foreslå forslag forslaget ønsker ønske mener synes anbefaler
anbefale opfordrer opfordre vigtigt vigtig gerne bede beder vil kan kunne må mere flere også
samt fx eksempel eksempelvis derudover desuden endvidere endelig første andet tredje
propose proposal suggest recommend urge should must would like important need needs ensure
giv give giver gives lad lader læg lægge lægges tag tage tager få får fik komme kommer sæt
sætte sætter brug bruge bruges bruger gør gøre gøres
make makes give gives get gets take takes put let set use used
""")
_OTHER_STOP = {
    "no": _fold_set("ikke jeg det og en til er som på de med han av ikke der så var meg seg "
                    "hun nå hva kan også noe dette disse hvordan fordi bare eller etter"),
    "sv": _fold_set("och att det som en på är av för med till den har inte om ett han men "
                    "var jag sig från vi så kan när där eller efter också hur dessa mycket"),
    "de": _fold_set("der die und in den von zu das mit sich des auf für ist im dem nicht ein "
                    "eine als auch es an werden aus er hat dass sie nach wird bei einer um"),
    "fr": _fold_set("le la les de des du et en un une est que qui dans pour pas sur au avec "
                    "ce il ne se son sont par plus nous vous leur aux"),
    "es": _fold_set("el la los las de del y en un una es que por con para no se su al lo "
                    "como más pero sus le ya muy"),
    "nl": _fold_set("de het een en van ik te dat die in is niet zijn op aan met voor er maar "
                    "om ook als bij nog wel naar kan geen worden"),
}
# Distinctive character trigrams (on lower-cased text with spaces as boundaries).
_TRIGRAMS = {
    "da": ("er ", " at", "og ", "det", "ede", "lse", "hed", " fo", "ige", "nde", "ens", "ger"),
    "en": ("the", " th", "he ", "and", "nd ", "ing", "ion", " of", "of ", "tio", " to", "hat"),
}


_LANGS = ("da", "en", *_OTHER_STOP)


_STOP_MASKS: dict[str, int] = {}


def _stop_mask(word: str) -> int:
    """Bit ``k`` set when the word is a stop word of ``_LANGS[k]`` (cached)."""
    mask = _STOP_MASKS.get(word)
    if mask is None:
        w = fold(word)
        sets = (DA_STOP, EN_STOP, *_OTHER_STOP.values())
        mask = sum(1 << k for k, s in enumerate(sets) if w in s)
        if len(_STOP_MASKS) < 500_000:
            _STOP_MASKS[word] = mask
    return mask


def detect_language(text: str, max_words: int = 50) -> str:
    """``"da"``, ``"en"`` or ``"other"``.

    Stop-word shares over the first ``max_words`` words decide when there are enough words;
    short texts and texts without stop words fall back on the Danish letters and distinctive
    character trigrams.
    """
    text = text[: max_words * 12]
    tokens = words(text)[:max_words]
    if not tokens:
        return "other"
    n = len(tokens)
    counts = [0] * len(_LANGS)
    get = _STOP_MASKS.get
    masks = [get(t) for t in tokens]
    if None in masks:
        masks = [_stop_mask(t) if m is None else m for t, m in zip(tokens, masks, strict=True)]
    for mask, c in Counter(masks).items():  # a few distinct masks, whatever the length
        if mask:
            for k in range(len(_LANGS)):
                if mask >> k & 1:
                    counts[k] += c
    da, en = counts[0] / n, counts[1] / n
    other = max(counts[2:]) / n
    low = " " + text.lower() + " "
    if any(c in low for c in "äöüßñçéè"):
        other += 0.05
    if n >= 6 and max(da, en, other) >= 0.08:
        if any(c in low for c in "æøå"):
            da += 0.05
        best = max(da, en)
        if other > best + 0.02:
            return "other"
        return "da" if da >= en else "en"
    tri_da = sum(low.count(t) for t in _TRIGRAMS["da"]) + 3 * sum(low.count(c) for c in "æøå")
    tri_en = sum(low.count(t) for t in _TRIGRAMS["en"])
    if max(tri_da, tri_en) < max(1, n // 4) or other > max(da, en):
        return "other"
    return "da" if tri_da >= tri_en else "en"


_STEMMERS = {"da": snowballstemmer.stemmer("danish"), "en": snowballstemmer.stemmer("english")}


@lru_cache(maxsize=400_000)
def stem(word: str, language: str = "da") -> str:
    """Snowball stem of a word already in normal form (Danish for anything not English)."""
    return _STEMMERS["en" if language == "en" else "da"].stemWord(word)


def stop_words(language: str) -> frozenset[str]:
    return EN_STOP if language == "en" else DA_STOP


def char_ngrams(word: str, sizes: Iterable[int] = (3, 4, 5)) -> list[str]:
    """Character n-grams of ``<word>`` (boundary marks kept), for compounds and OCR noise."""
    padded = f"<{word}>"
    return [padded[i:i + n] for n in sizes for i in range(len(padded) - n + 1)]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class Speller:
    """Repairs OCR-damaged words: a rare word becomes the most frequent known word within one
    edit (insertion, deletion or substitution of one letter, Danish letters counting as one).

    Known words are the built-in lexicon and stop words plus every word seen at least
    ``min_count`` times in the corpus given to :meth:`learn` — the data teaches the speller.
    Words are kept in their written (not folded) lower-case form, so ``å``→``d`` is one edit.
    """

    def __init__(self, known: Iterable[str] = (), min_count: int = 3) -> None:
        self.min_count = min_count
        self.counts: Counter[str] = Counter()
        self._index: dict[str, list[str]] | None = None
        for w in known:
            self.counts[w.lower()] += min_count

    def learn(self, texts: Iterable[str]) -> Speller:
        for text in texts:
            self.counts.update(WORD.findall(text.lower()))
        self._index = None
        return self

    def _build(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for w, c in self.counts.items():
            if c >= self.min_count and len(w) >= 4 and w.isalpha():
                index.setdefault(w, []).append(w)
                for d in _deletes(w):
                    index.setdefault(d, []).append(w)
        return index

    def correct(self, word: str) -> str:
        """The repaired lower-case word (unchanged when it is known or nothing is close)."""
        w = word.lower()
        if any(c.isdigit() for c in w) and any(c.isalpha() for c in w):
            w = w.translate(_OCR_DIGITS)
        if len(w) < 4 or self.counts.get(w, 0) >= self.min_count:
            return w
        if self._index is None:
            self._index = self._build()
        best, best_count = w, self.counts.get(w, 0)
        for key in (w, *_deletes(w)):
            for cand in self._index.get(key, ()):
                c = self.counts[cand]
                if c > best_count and _one_edit(w, cand):
                    best, best_count = cand, c
        return best

    def to_json(self) -> dict:
        return {"min_count": self.min_count,
                "counts": {w: c for w, c in self.counts.items() if c >= self.min_count}}

    @classmethod
    def from_json(cls, data: dict) -> Speller:
        sp = cls(min_count=int(data["min_count"]))
        sp.counts.update({str(k): int(v) for k, v in data["counts"].items()})
        return sp


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return False
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        return sum(1 for x, y in zip(a, b, strict=True) if x != y) == 1
    if la > lb:
        a, b = b, a
    for i in range(len(b)):
        if b[:i] + b[i + 1:] == a:
            return True
    return False


def normalise(text: str, speller: Speller | None = None) -> list[str]:
    """Words of ``text`` in normal form, OCR-repaired when a speller is given."""
    if speller is None:
        return [fold(w) for w in words(text)]
    return [fold(speller.correct(w)) for w in words(text)]


def content_stems(tokens: list[str], language: str) -> list[str]:
    """Stems of the non-stop words of normalised ``tokens`` (digits-only words dropped)."""
    stops = stop_words(language)
    lang = "en" if language == "en" else "da"
    return [stem(t, lang) for t in tokens
            if t not in stops and t not in DOMAIN_STOP and len(t) > 1 and not t.isdigit()]
