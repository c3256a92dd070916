"""Is a milestone verifiable? A judgement on Danish and English text, no Django.

OGP asks for "an activity with a verifiable deliverable": something a reader can later check
happened (a dataset published, a law adopted, a portal launched, a report by a date, a number
reached). Activities one cannot check are framed by vague verbs ("fremme", "styrke", "arbejde
for", "undersøge mulighederne for", "promote", "strengthen", "raise awareness", "work towards").

The judgement, on words in the analysis library's normal form (``æ``→``ae`` …):
1. Find *concrete markers*: a checkable artefact (dataset, lov, portal, rapport, workshop …,
   also as the tail of a Danish compound: "åbenhedsportalen", "offentlighedsloven"), or a
   quantity target (a number, in digits or words, or a percentage, that is not a year).
   A strong completion verb counts too ("offentliggøre", "lancere", "vedtage", "publish").
2. Find *vague framings*: verbs and phrases that promise effort rather than output, where a
   verb stands (first, or after "at", "to", "og", "will" …: "launch a support service" is
   not vague).
3. A text with no concrete marker is not verifiable. A vague framing that comes before the
   first concrete marker governs it ("arbejde for at flere data offentliggøres") unless a means
   connective stands between them ("fremme brugen af data ved at offentliggøre 20 datasæt").
The deliverable field is judged first, and the activity (title) only when the deliverable is
empty or not verifiable: an explicit checkable deliverable is enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from samskab.analysis.text import detect_language, fold, words

# Artefacts: nouns in normal form. Matched as the whole word, or as the tail of a compound
# followed by an inflection (portal → borgerportalen); short ones only as whole words or
# inflected whole words.
_ARTEFACTS_DA = """
data datasaet datasaettet datasaettene lov lovforslag lovaendring bekendtgoerelse cirkulaere
portal hjemmeside websted webside platform app rapport redegoerelse evaluering analyse
undersoegelse kortlaegning vejledning guide retningslinje retningslinjer kodeks handlingsplan
register database standard vaerktoej tjeneste kursus kurser uddannelsesforloeb workshop
workshops moede moeder konference konferencer hoering forum raad pilotprojekt pilot
forsoeg oversigt liste katalog system api publikation pjece hvidbog betaenkning anbefalinger
aftale strategi lovpakke dashboard indberetning aarsrapport statusrapport regnskab
tilsyn klageadgang ordning enhed sekretariat netvaerk panel udvalg hoeringssvar dokument
dokumenter loesning
"""
_ARTEFACTS_EN = """
data dataset datasets law act bill amendment regulation regulations decree portal website site
platform app application report reports evaluation assessment review survey study guidance
guidelines guide code register registry database standard standards tool toolkit service
course courses training workshop workshops meeting meetings conference hearing hearings forum
council pilot catalogue catalog list inventory index map api publication white paper
recommendations agreement strategy dashboard unit documents document solution secretariat
network panel committee mechanism procedure scheme budget audit
"""
# Roots that may be the tail of a compound ("borgerportal", "offentlighedslov").
_COMPOUND_TAILS = ("portal", "lov", "data", "datasaet", "rapport", "register", "database",
                   "vejledning", "evaluering", "analyse", "undersoegelse", "platform",
                   "hjemmeside", "websted", "kursus", "moede", "konference", "forum", "raad",
                   "projekt", "katalog", "oversigt", "standard", "tjeneste", "ordning",
                   "system", "kodeks", "strategi", "handlingsplan", "aftale", "udvalg",
                   "panel", "netvaerk", "redegoerelse", "bekendtgoerelse", "forslag",
                   "loesning", "oplysning")
_INFLECTIONS = ("", "e", "en", "et", "er", "erne", "ene", "ne", "s", "ens", "ets", "es", "ing",
                "ingen", "ninger", "ningerne")

# Vague framings, as sequences of normal-form word prefixes ("styrk" matches "styrke",
# "styrker", "styrkelse"). Multi-word phrases match as consecutive words.
_VAGUE = [
    # Danish
    "fremme", "fremm", "styrk", "arbejde for", "arbejde hen imod", "arbejd for",
    "arbejde paa at", "undersoege mulighed", "undersoege om", "se paa", "se naermere paa",
    "overveje", "overvej", "oege bevidsthed", "oege kendskab", "oege opmaerksomhed",
    "oege fokus", "saette fokus", "have fokus", "fokus paa", "fortsat fokus", "understoett",
    "bidrage til", "forbedr", "tilskynd", "opfordr", "inspirer", "motiver", "sikre bedre",
    "goere det lettere", "skabe bedre", "skabe grundlag", "udbrede kendskab",
    "udbrede brugen", "fremhaeve", "drøfte", "droefte", "dialog", "samarbejde om",
    "videreudvikl", "fortsaette", "fortsat", "tilstraebe", "stræbe", "straebe", "sigte mod",
    "bestraebe", "skabe opmaerksomhed", "skabe debat", "aabne op for", "understrege",
    "medvirke til", "sætte skub", "saette skub",
    # English
    "promot", "strengthen", "raise awareness", "raising awareness", "awareness", "work toward",
    "work towards", "working towards", "work to", "strive", "explore", "consider", "encourag",
    "support", "foster", "enhanc", "improv", "seek to", "look into", "look at", "facilitat",
    "continue to", "continu", "contribute to", "advance", "engage", "engag", "help to",
    "aim to", "focus on", "emphasi", "mainstream", "increase the use", "increase use",
    "dialogue", "discuss",
]
# Connectives that introduce the means: what follows is the checkable part.
_MEANS = ["ved at", "gennem", "ved hjaelp af", "i form af", "herunder", "bl a ved",
          "blandt andet ved", "by", "through", "via", "including", "namely", "in the form of"]

_NUMBER_WORDS = {
    "da": frozenset(fold(w) for w in """to tre fire fem seks syv otte ni ti tolv femten tyve
        tredive fyrre halvtreds hundrede tusind""".split()),
    "en": frozenset("""two three four five six seven eight nine ten twelve fifteen twenty
        thirty fifty hundred thousand""".split()),
}
# Strong completion verbs: the act itself can be checked (a bill tabled, a portal launched).
_COMPLETION = ["offentliggoer", "offentliggjort", "fremsat", "publicer", "lancer", "vedtag",
               "fremsaet", "frigiv", "udgiv",
               "saette i drift", "i drift", "publish", "launch", "adopt", "enact", "releas",
               "submit", "table the", "go live", "goes live", "put into operation"]
# A vague framing governs only where a verb stands: first in the text or after these words.
_VERB_SLOT = frozenset(fold(w) for w in """at to og and will shall vil skal samt also ogsaa
    for med regeringen government we vi""".split())
_YEAR = re.compile(r"^(19|20)\d\d$")
_NUMBER = re.compile(r"^\d+([.,]\d+)?$")


def _parse(spec: str) -> list[list[str]]:
    return [[fold(w) for w in phrase.split()] for phrase in spec]


_VAGUE_PHRASES = _parse(_VAGUE)
_COMPLETION_PHRASES = _parse(_COMPLETION)
_MEANS_PHRASES = _parse(_MEANS)
_ARTEFACT_WORDS = frozenset(fold(w) for w in (_ARTEFACTS_DA + _ARTEFACTS_EN).split())


@dataclass(frozen=True)
class Judgement:
    verifiable: bool
    reason: str  # "ok", "no_output", "vague" — the message is written by the caller
    vague: str = ""  # the vague phrase found, as written in the rule list (normal form)


def _is_artefact(word: str) -> bool:
    if word in _ARTEFACT_WORDS:
        return True
    for root in _ARTEFACT_WORDS:
        if len(root) >= 3 and word.startswith(root) and word[len(root):] in _INFLECTIONS:
            return True
    for tail in _COMPOUND_TAILS:
        idx = word.rfind(tail)
        if idx > 0 and word[idx + len(tail):] in _INFLECTIONS:
            return True
    return False


def _match_prefix_phrase(tokens: list[str], i: int, phrase: list[str]) -> bool:
    if i + len(phrase) > len(tokens):
        return False
    last = len(phrase) - 1
    for k, part in enumerate(phrase):
        tok = tokens[i + k]
        # Every word but the last must match whole; the last may be a prefix (styrk-ede).
        if k < last and tok != part:
            return False
        if k == last and not tok.startswith(part):
            return False
    return True


def _positions(tokens: list[str], phrases: list[list[str]]) -> list[tuple[int, str]]:
    found = []
    for i in range(len(tokens)):
        for phrase in phrases:
            if _match_prefix_phrase(tokens, i, phrase):
                found.append((i, " ".join(phrase)))
                break
    return found


def _is_quantity(tokens: list[str], i: int, number_words: frozenset[str]) -> bool:
    tok = tokens[i]
    if _NUMBER.match(tok) and not _YEAR.match(tok):
        return True
    return tok in number_words and i + 1 < len(tokens) and tokens[i + 1] not in number_words


def _concrete_positions(tokens: list[str], language: str) -> list[int]:
    number_words = _NUMBER_WORDS["en" if language == "en" else "da"]
    found = {i for i, t in enumerate(tokens)
             if _is_artefact(t) or _is_quantity(tokens, i, number_words)}
    found.update(i for i, _ in _positions(tokens, _COMPLETION_PHRASES))
    return sorted(found)


def judge_text(text: str) -> Judgement:
    """Judge one text (an activity or a deliverable)."""
    tokens = [fold(w) for w in words(text.replace("%", " procent "))]
    if not tokens:
        return Judgement(False, "no_output")
    language = detect_language(text)
    concrete = _concrete_positions(tokens, language)
    vague = [(i, p) for i, p in _positions(tokens, _VAGUE_PHRASES)
             if i == 0 or tokens[i - 1] in _VERB_SLOT]
    if not concrete:
        return Judgement(False, "vague" if vague else "no_output", vague[0][1] if vague else "")
    if vague and vague[0][0] < concrete[0]:
        means = [i for i, _ in _positions(tokens, _MEANS_PHRASES)]
        if not any(vague[0][0] < m <= c for m in means for c in concrete):
            return Judgement(False, "vague", vague[0][1])
    return Judgement(True, "ok")


def judge_milestone(title: str, deliverable: str = "") -> Judgement:
    """A milestone is verifiable when its deliverable is, or else its activity is."""
    if deliverable.strip():
        first = judge_text(deliverable)
        if first.verifiable:
            return first
        second = judge_text(title)
        if second.verifiable:
            return second
        return first if first.reason == "vague" or second.reason != "vague" else second
    return judge_text(title)
