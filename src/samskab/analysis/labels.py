"""Idea labels: a short heading written from the members' own words.

An idea's label is what a civil servant would put over a section of a høringsnotat —
"Offentliggørelse af ministrenes kalendere", "Whistleblowerordning i alle ministerier",
"Flere ressourcer til Ombudsmanden" — not a keyword list and not a stretch cut mid-phrase.
It is chosen among *candidate phrases* built from the idea's commonest wordings
(:attr:`samskab.analysis.ideas._Idea.wordings`), in the idea's language (the consultation's
when the idea has members written in it), by how much of the idea's weight its words cover.

Candidates come from each clause of a wording (cut at commas, colons, dashes, brackets and
sentence ends; a leading cue such as "Vi foreslår, at" or "Desuden" dropped), read as
*subject — modal — predicate* (``bør``, ``skal``, ``should``, ``must`` …):

- the clause itself when it has no modal and no leading verb: people often write the heading
  themselves ("Klart sprog i alle breve fra det offentlige");
- the subject ("Politikernes økonomiske interesser");
- a passive predicate made a noun phrase: "Ministrenes kalendere bør offentliggøres" →
  "Offentliggørelse af ministrenes kalendere";
- an active or imperative predicate: a verb that *creates* something (indføre, etablere,
  nedsætte, have, introduce, set up …) gives its object ("Indfør en national
  whistleblowerordning" → "National whistleblowerordning"; "Ombudsmanden bør have flere
  ressourcer" → "Flere ressourcer til Ombudsmanden"); another verb is nominalised when its noun
  is known ("offentliggøre X" → "Offentliggørelse af X"; "investere i X" → "Investering i
  X"), a possessive pronoun becoming the subject's genitive ("Ministrene skal offentliggøre
  deres møder" → "Offentliggørelse af ministrenes møder"); a verb that puts something
  somewhere gives the thing and the place ("Læg ministrenes mødekalendere på nettet" →
  "Ministrenes mødekalendere på nettet"); otherwise the clean verb phrase stays ("Mål
  ventetiderne" when no noun for "måle" is known);
- the subject–modal–predicate clause as written, as a last resort.

Nominal forms are *listed* (:data:`NOMINAL_DA`, :data:`NOMINAL_EN`) or made by rules that
generalise — Danish ``-ere`` → ``-ering`` (etablere → etablering) always; ``-le`` → ``-ling``
and ``-e`` → ``-else`` when the consultation itself uses the noun (``known``); English
``-ate`` → ``-ation``, ``-ise/-ize`` → ``-isation/-ization``.

Each candidate is shortened only where a phrase may end — before a preposition, a subordinate
clause ("så", "fordi", "hvis", "so that", "because"), a time adverbial ("inden 2014", "hvert
år") or at the clause's end — never after an article, preposition, conjunction or pronoun.
Candidates holding a pleasantry word ("tak", "hilsen", "please", "thanks"), a first-person
pronoun or more than :data:`LABEL_MAX_CHARS` characters are not labels.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import text as tx
from .proposals import has_proposal_cue

LABEL_MAX_CHARS = 60
LABEL_MAX_WORDS = 9
LABEL_TEXT_CHARS = 800  # of each wording (a proposal is a paragraph or a point)
WORD_COST = 0.06  # per word, against the idea weight covered (0..1 per term)
# a noun phrase is a heading; a verb phrase or a clause with its modal less so
KIND_COST = {"np": 0.0, "nominal": 0.02, "object": 0.0, "subject": 0.05, "verb": 0.35,
             "judgement": 1.0, "clause": 2.0}

Terms = Callable[[str, str], tuple[str, ...]]  # written word, language -> its idea terms

_CLAUSE = re.compile(r"[,;:()\[\]–—\n!?…\"„“”]| - |\.(?=\s|$)")
# "borger.dk", "API'er"; the hyphen of a suspended compound kept ("bygnings- og energidata")
_TOKEN = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*(?:'|-(?=\s+(?:og|eller|samt|and|or)\b))?",
                    re.UNICODE)


_fold = lru_cache(maxsize=1 << 16)(tx.fold)


def _fs(words: str) -> frozenset[str]:
    return tx.fold_set(words)


MODALS = _fs("bør burde skal skulle må kan kunne vil ville should must could ought need needs "
             "will would shall can cannot can't won't shouldn't mustn't")
_NEGATED_MODALS = _fs("cannot can't won't shouldn't mustn't")
# words between a modal and its verb that a heading leaves out
_ADVERBS = _fs("også altid gerne fremover fortsat løbende straks snarest hurtigst fremadrettet "
               "nu i højere grad med fordel fremtiden fremover really also always urgently "
               "future in")
_COPULA = _fs("være blive være være be become is are")
_PASSIVE_AUX_EN = _fs("be being")
NEGATION = _fs("ikke aldrig not never no")
# cues and linking words dropped at the start of a clause
_STRIP_LEAD = _fs("""
at og men så desuden endvidere derudover herudover yderligere endelig samtidig ligeledes
dernæst afslutningsvis herefter derfor dermed også altså således fx eksempelvis tak
that and but so also furthermore moreover finally firstly secondly thirdly additionally lastly
therefore please
""")
_CUE_LEADS = (
    "vi foreslår", "jeg foreslår", "vi anbefaler", "jeg anbefaler", "vi opfordrer til",
    "jeg opfordrer til", "vi ønsker", "jeg ønsker", "vi mener", "jeg mener", "jeg synes",
    "vi ser gerne", "det er vigtigt", "det er afgørende", "for det første", "for det andet",
    "for det tredje", "for det fjerde", "sidst men ikke mindst", "hertil kommer",
    "we propose", "i propose", "we suggest", "i suggest", "we recommend", "i recommend",
    "we urge", "i urge", "we believe", "i think", "in our view", "it is important",
    "in addition",
    # a request put as an evaluation: what follows is the request ("… at offentliggøre X")
    "det vil være godt", "det ville være godt", "det vil være en god idé",
    "det ville være en god idé", "det er en god idé", "it would be good",
    "it would be a good idea", "it is a good idea", "it would be helpful",
)
_CUE_FIRST = frozenset(tx.fold(c.split()[0]) for c in _CUE_LEADS)
PREPOSITIONS = _fs("""
af på i til for med om fra ved hos mod uden efter under over gennem blandt mellem omkring
inden_for via pr
of on in to for with about from by at without after under over through among between via
into within across
""")
ARTICLES = _fs("en et den det de the a an")
_CONJ = _fs("og eller samt men and or but nor")
# a phrase stops before these: a subordinate clause, a time adverbial, a purpose clause
_STOP_BEFORE = _fs("""
så fordi når hvis hvor hvilket hvorfor som der inden senest hvert hver allerede ligesom
idet da mens herunder
so because when if which who whom whose where while every each already unless as
""")
_EVERY = _fs("hver hvert every each")
PRONOUNS_DA = _fs("vi jeg os mig vores vor mit min mine jer jeres du dig man")
PRONOUNS_EN = _fs("we i us me our ours my mine you your yours")
PRONOUNS = PRONOUNS_DA | PRONOUNS_EN
_POSSESSIVE = _fs("deres sine sin sit their its his her")
_SUBJECT_PRONOUNS = _fs("vi jeg man der det de du den dette we you they it there one this")
# a clause opening with these depends on another: a relative or subordinate clause, a question
_SUBORDINATE = _fs("""
som hvis når fordi hvor hvilket hvorfor hvem hvad hvordan hvornår idet mens om
which who whom whose where while because if when whether how what why
""")
PLEASANTRY_WORDS = _fs("""
tak takke takker tusind hilsen hilsner venlig venligst kære hej goddag mvh
please thank thanks regards dear sincerely hello
""")
# adverbs a heading leaves out at its end ("… løbende", "… hurtigere")
_TRAILING_ADVERBS = _fs("""
løbende hurtigere hurtigt bedre direkte straks altid årligt dagligt ugentligt månedligt
digitalt åbent offentligt fremover igen også mere gerne snarest centralt samlet tydeligt
quickly faster better regularly annually promptly always again also more immediately openly
""")
_NO_END = _TRAILING_ADVERBS | PREPOSITIONS | ARTICLES | _CONJ | _STOP_BEFORE | PRONOUNS | \
    _POSSESSIVE | MODALS | NEGATION | _SUBORDINATE | _fs(
        "at ikke også meget mere mest højere grad særligt especially more most very to be is "
        "are være er blive bliver")
_NO_START = PREPOSITIONS | _CONJ | _SUBORDINATE | PRONOUNS | _POSSESSIVE | MODALS | NEGATION | \
    _fs("at så der er har bliver blev var inden senest allerede so is are was were has have")
_PROPER_SUFFIXES = ("styrelsen", "styrelsens", "ministeriet", "ministeriets", "tilsynet",
                    "tilsynets", "ombudsmand", "ombudsmanden", "ombudsmandens", "folketinget",
                    "folketingets", "rigsrevisionen", "rigsrevisionens")

# verbs whose object is the idea ("indføre en whistleblowerordning" → "Whistleblowerordning");
# an imperative preamble too ("Husk også X", "Tilføj X", "Remember X": the heading is X)
_CREATE = _fs("""
indføre indfør indføres etablere etabler etableres oprette opret oprettes nedsætte nedsæt
nedsættes skabe skab skabes lave lav laves bygge byg bygges lancere lancer indrette
husk tilføj medtag inkluder overvej
introduce establish create set build launch remember add include consider
""")
# verbs that say something is missing: what is missing is the request ("Planen mangler en
# forpligtelse om X", "der mangler X", "it lacks X", "X is missing")
_LACK = _fs("mangler savner savnes lacks lack misses miss missing")
# imperatives asking to state something ("Skriv hvor mange …", "Specify how many …")
_SAY = _fs("skriv angiv anfør præcisér præciser write state specify say indicate")
_HOW_MANY = {"da": ("hvor", "mange", "Antal"), "en": ("how", "many", "Number of")}
# after "Antal kommuner", a relative clause with one of these gives "med X" / "with X"
_USE = _fs("bruge bruger anvende anvender have har få får indføre indfører use uses have has "
           "adopt adopts get gets")
_THEM = _fs("dem them")
_MANY = _fs("flere mange alle nogle more many all some")
# imperatives that open a request without being one: never a label on their own
_IMPERATIVES = _fs("""
skriv husk tilføj medtag inkluder overvej angiv anfør præcisér præciser oplys sørg tænk
glem se læs ret fjern uddyb forklar beskriv tydeliggør konkretiser lav gør giv sæt tag lad
write remember add include consider state specify ensure make give put take let see think
explain describe clarify note
""")
# Praise and evaluation: a clause with one of these near its start and no request cue
# ("En god plan", "Det er godt, at …", "Great initiative") is not what the response asks for
_PRAISE = _fs("""
god godt gode fin fint fine flot flotte positiv positivt positive glimrende fremragende
glædelig glædeligt glædelige udmærket udmærkede ambitiøs ambitiøst ambitiøse spændende
fornuftig fornuftigt fornuftige prisværdig prisværdigt interessant velkommen velkomne
glad glade tilfreds tilfredse
good great fine excellent nice positive welcome welcomed encouraging impressive
ambitious commendable solid glad pleased happy
""")
_IS = _fs("er var bliver blev is was are were")
# what a response praises without asking for anything: the plan, the draft, the work
_PRAISED = _fs("""
plan planen udkast udkastet initiativ initiativet arbejde arbejdet handlingsplan
handlingsplanen forslag forslaget start skridt idé ide tiltag oplæg oplægget
plan draft initiative work start step idea proposal document effort
""")
_INTENSIFIERS = _fs("rigtig rigtigt meget særdeles virkelig overordnet very really quite "
                    "overall generally")
_HAVE = _fs("have få får has have get gets")
_GETS = _fs("får gets")
_LIGHT = _fs("gøre gør gøres lade lad give giv gives sætte sæt make let give put take tage tag "
             "komme kom stille stil")
_GIVE = _fs("give giv giver give gives")
_PLACE = _fs("stille stil gøre gør")  # "stille X til rådighed", "gøre X tilgængelig"
# verbs that put something somewhere: the thing and the place are the heading ("Læg
# ministrenes mødekalendere på nettet" → "Ministrenes mødekalendere på nettet")
_PUT = _fs("lægge læg lægges put post posted")
_PARTICLES = _fs("ud op out up")  # "læg X ud på nettet": the heading leaves the particle out
_QUANTIFIERS = _fs("flere mere bedre større nye en et ekstra more better new additional a an "
                   "extra")

# Listed nominalisations: infinitive → noun (and the preposition it takes, when not "af"/"of").
NOMINAL_DA: dict[str, str] = {
    "offentliggøre": "offentliggørelse", "beskytte": "beskyttelse", "styrke": "styrkelse",
    "inddrage": "inddragelse", "fjerne": "fjernelse", "afholde": "afholdelse",
    "forbedre": "forbedring", "sikre": "sikring", "udvikle": "udvikling",
    "forenkle": "forenkling", "måle": "måling", "dele": "deling", "bruge": "brug",
    "kræve": "krav om", "åbne": "åbning", "frigive": "frigivelse", "forklare": "forklaring",
    "varsle": "varsling", "tilbyde": "tilbud om", "udbygge": "udbygning",
    "begrænse": "begrænsning", "forbyde": "forbud mod", "afskaffe": "afskaffelse",
    "ændre": "ændring", "udvide": "udvidelse", "gennemføre": "gennemførelse",
    "streame": "streaming", "transmittere": "transmission", "optage": "optagelse",
    "undersøge": "undersøgelse", "besvare": "besvarelse", "behandle": "behandling",
    "tildele": "tildeling", "beskrive": "beskrivelse", "vise": "visning",
    "redegøre": "redegørelse", "oplyse": "oplysning om", "anerkende": "anerkendelse",
    "indberette": "indberetning", "forebygge": "forebyggelse", "bekæmpe": "bekæmpelse",
    "afrapportere": "afrapportering", "rapportere": "rapportering", "publicere":
    "publicering", "sænke": "sænkning", "øge": "øgning", "hæve": "hævning",
    "forlænge": "forlængelse", "forkorte": "forkortelse", "lette": "lettelse",
    "samle": "samling", "støtte": "støtte til",
    "evaluere": "evaluering", "investere": "investering", "prioritere": "prioritering",
    "digitalisere": "digitalisering", "regulere": "regulering", "registrere": "registrering",
    "tilpasse": "tilpasning",
    "opdatere": "opdatering", "afsætte": "afsættelse", "udgive": "udgivelse",
    "koble": "kobling", "samkøre": "samkøring", "opgøre": "opgørelse",
    "indsamle": "indsamling", "nedlægge": "nedlæggelse", "vedligeholde": "vedligeholdelse",
    "tilgængeliggøre": "tilgængeliggørelse", "udskyde": "udskydelse",
}
NOMINAL_EN: dict[str, str] = {
    "publish": "publication", "protect": "protection", "strengthen": "strengthening",
    "improve": "improvement", "involve": "involvement", "develop": "development",
    "share": "sharing", "open": "opening", "remove": "removal", "reduce": "reduction",
    "simplify": "simplification", "measure": "measurement", "explain": "explanation",
    "invest": "investment", "stream": "streaming", "broadcast": "broadcasting",
    "disclose": "disclosure", "declare": "declaration", "require": "requirement for",
    "hold": "holding", "answer": "answering", "support": "support for", "ban": "ban on",
    "prevent": "prevention", "fight": "fight against", "release": "release",
    "report": "reporting", "expand": "expansion", "extend": "extension", "review": "review",
    "limit": "limits on", "record": "recording", "offer": "offer", "listen": "listening",
    "create": "creation", "update": "updating", "digitise": "digitisation",
    "organise": "organisation", "supervise": "supervision", "revise": "revision",
}


@dataclass(frozen=True)
class _Tok:
    text: str  # as written
    low: str  # folded
    start: int
    end: int


@dataclass(frozen=True)
class Candidate:
    text: str  # the label as shown
    source: tuple[str, ...]  # the written words whose terms it covers
    kind: str


_ADVERB_ENDINGS = ("igt", "ligt", "alt", "ivt", "ymt", "elt")


_PARTICIPLES_EN = _fs("written given taken made done seen shown known chosen held sent kept "
                      "built paid put set told found brought")


def _verb_like(low: str, en: bool) -> bool:
    """A word that is a verb form, not an adjective (after a copula)."""
    if en:
        return low.endswith("ed") or low in _PARTICIPLES_EN
    return low.endswith("es") or low in _PRESENT_DA


def _imperative(infinitive: str) -> str:
    """Danish imperative of an infinitive: "indføre" → "indfør", "beskytte" → "beskyt"."""
    if not infinitive.endswith("e") or len(infinitive) < 4:
        return infinitive
    stem = infinitive[:-1]
    if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiouyæøå":
        stem = stem[:-1]
    return stem


def _verb_index() -> tuple[dict[str, str], dict[str, str]]:
    """Folded verb forms (infinitive, imperative, passive) → infinitive, per language."""
    da: dict[str, str] = {}
    for inf in NOMINAL_DA:
        if " " in inf:
            continue
        passive = inf[:-1] + "es" if inf.endswith("e") else inf + "es"
        for form in (inf, _imperative(inf), inf + "r", inf + "s", passive):
            da.setdefault(tx.fold(form), inf)
    en = {tx.fold(v): v for v in NOMINAL_EN}
    return da, en


_VERBS_DA, _VERBS_EN = _verb_index()
# Danish present tense and passive forms (not the imperative, which is often a noun: "mål")
_PRESENT_DA = frozenset(
    tx.fold(f) for inf in NOMINAL_DA if " " not in inf
    for f in (inf + "r", inf + "s", inf[:-1] + "es", *([_imperative(inf)] if
                                                       inf.endswith("øre") else [])))


def nominalise(verb: str, language: str, known: Callable[[str], bool] | None = None
               ) -> str | None:
    """The noun of a verb (infinitive, imperative or Danish passive form), with the
    preposition it takes when it is not the plain "af"/"of"; None when no rule knows it."""
    low = verb.lower()
    if language == "en":
        if low in NOMINAL_EN:
            return NOMINAL_EN[low]
        for base in (low[:-1], low[:-2]) if low.endswith("ed") else ():
            if base in NOMINAL_EN:
                return NOMINAL_EN[base]
        if low.endswith("ate") and len(low) >= 8:  # regulate, evaluate, allocate
            return low[:-3] + "ation"
        return None
    inf = _VERBS_DA.get(tx.fold(low))
    if inf is not None:
        return NOMINAL_DA[inf]
    # the passive ("etableres") and the imperative ("etabler") of a verb not listed
    forms = [low]
    if low.endswith("es"):
        forms.append(low[:-1])  # etableres -> etablere
    if low.endswith("s") and not low.endswith("es"):
        forms.append(low[:-1])
    if not low.endswith("e"):
        forms.append(low + "e")  # etabler -> etablere
    for f in forms:
        if f.endswith("ere") and len(f) >= 7:
            return f[:-1] + "ing"  # etablere -> etablering: productive, always
    if known is not None:
        for f in forms:
            if not f.endswith("e") or len(f) < 5:
                continue
            for noun in ((f[:-2] + "ling") if f.endswith("le") else None, f + "lse",
                         f[:-1] + "ing"):
                if noun and known(noun):
                    return noun
    return None


def _genitive(phrase: str, language: str) -> str:
    if language == "en":
        return phrase + ("'" if phrase.endswith("s") else "'s")
    return phrase if phrase.endswith("s") else phrase + "s"


def _lower_first(words: list[str], keep_upper: set[str]) -> list[str]:
    if not words:
        return words
    w = words[0]
    if w[:1].isupper() and w[1:] == w[1:].lower() and w not in keep_upper and \
            not (tx.fold(w).endswith(_PROPER_SUFFIXES) and "bestyrelse" not in tx.fold(w)):
        return [w[:1].lower() + w[1:], *words[1:]]
    return words


def _strip_lead(toks: list[_Tok]) -> list[_Tok]:
    """Drop a leading cue ("Vi foreslår, at", "Desuden", "For det andet") and linking words."""
    changed = True
    while toks and changed:
        changed = False
        joined = " ".join(t.text.lower() for t in toks[:6]) if toks[0].low in _CUE_FIRST else ""
        for cue in _CUE_LEADS if joined else ():
            if joined.startswith(cue) and (len(joined) == len(cue) or joined[len(cue)] == " "):
                toks = toks[len(cue.split()):]
                changed = True
                break
        while toks and toks[0].low in _STRIP_LEAD:
            toks = toks[1:]
            changed = True
    return toks


def _ends(toks: list[_Tok]) -> list[int]:
    """Where a phrase over ``toks`` may end (exclusive indexes): before a preposition, before
    a subordinate clause or time adverbial (and nothing after it), at the end."""
    out = []
    for k in range(1, len(toks) + 1):
        if k == len(toks):
            out.append(k)
            break
        nxt = toks[k].low
        if nxt in _EVERY and toks[k - 1].low in PREPOSITIONS:
            continue  # "i hver klasse" is a place; "hver uge" alone a time the label leaves out
        if nxt in _STOP_BEFORE or nxt.isdigit() or (nxt == "at" and k + 1 < len(toks)):
            out.append(k)
            break  # what follows depends on a clause the label leaves out
        if nxt in _TRAILING_ADVERBS:
            out.append(k)
        elif nxt in PREPOSITIONS:
            if k + 1 < len(toks) and toks[k + 1].low == "at":
                out.append(k)
                break  # "til at …", "for at …": a purpose clause
            out.append(k)
    return [k for k in out if toks[k - 1].low not in _NO_END and
            not toks[k - 1].text.endswith(",")]


def _trim_object(toks: list[_Tok]) -> list[_Tok]:
    """An object without its leading article ("en ordning" → "ordning")."""
    if toks and toks[0].low in ARTICLES and len(toks) > 1 and toks[1].low not in _NO_START:
        return toks[1:]
    return toks


def _clauses(text: str) -> list[list[_Tok]]:
    """The clauses of ``text`` as tokens; an enumeration ("adresser, kort, virksomheder og
    ejendomme") stays in its clause, its commas kept on the words they follow."""
    segments: list[tuple[list[_Tok], str]] = []  # tokens, the separator after them
    pos = 0
    for stop in [m.start() for m in _CLAUSE.finditer(text)] + [len(text)]:
        toks = [_Tok(m.group(), _fold(m.group().rstrip("-")), m.start(), m.end())
                for m in _TOKEN.finditer(text, pos, stop)]
        segments.append((toks, text[stop] if stop < len(text) else ""))
        pos = stop + 1
    out: list[list[_Tok]] = []
    after_item = False
    for i, (toks, sep) in enumerate(segments):
        if not toks:
            after_item = False
            continue
        # a list item: one or two plain words between commas ("…, kort, …")
        item = i > 0 and segments[i - 1][1] == "," and len(toks) <= 2 and sep == "," and \
            not any(t.low in _NO_START or t.low in PLEASANTRY_WORDS or t.low in MODALS
                    for t in toks)
        if out and (item or after_item):
            last = out[-1][-1]
            out[-1][-1] = _Tok(last.text + ",", last.low, last.start, last.end)
            out[-1].extend(toks)
        else:
            out.append(toks)
        after_item = item
    return out


_AT_LEAST = _fs("mindst højst maksimalt minimum maksimum op cirka ca mindre mere end over under "
                "til at least most no less more than up to around about")
_NUMBERS = {"da": _fs("en et to tre fire fem seks syv otte ni ti tolv femten tyve tredive"),
            "en": _fs("one two three four five six seven eight nine ten twelve fifteen twenty "
                      "thirty")}


def _amount(toks: list[_Tok], en: bool) -> int:
    """The length of a quantity opening ``toks`` ("mindst fire uger", "at least 30 days"), or
    0: modifiers, a number, the unit after it."""
    k = 0
    while k < len(toks) and k < 4 and toks[k].low in _AT_LEAST:
        k += 1
    if k < len(toks) and (toks[k].low.isdigit() or toks[k].low in _NUMBERS["en" if en else "da"]):
        if k + 1 < len(toks) and toks[k + 1].low not in _NO_END:
            return k + 2
    return 0


def _indefinite(word: str, en: bool, known: Callable[[str], bool] | None) -> str:
    """A Danish definite noun made indefinite when safe ("Høringsfristen" → "Høringsfrist")."""
    low = word.lower()
    if en or not low.endswith(("en", "et")):
        return word
    stem = word[:-2]
    if known is not None and known(stem.lower()):
        return stem
    vowels = "aeiouyæøå"
    if len(low) >= 9 and stem[-1:].lower() not in vowels and \
            stem[-2:-1].lower() not in vowels and stem[-1:].lower() != stem[-2:-1].lower():
        return stem  # "høringsfrist-en"; not "period-en" (periode) nor "tall-et" (tal)
    return word


_NOTHING = _fs("intet ingenting nothing")
_HOWEVER = _fs("dog however stadig still desværre unfortunately helt completely")
_TOO = _fs("for too ikke not alt overly helt completely")


def _criticism(toks: list[_Tok]) -> bool:
    """True for a judgement of what is there, not a request: "Målet er for vagt", "The goal is
    not measurable" (a copula followed by "for" / "too" / "ikke" / "not")."""
    k = next((k for k, t in enumerate(toks) if k > 0 and t.low in _IS), None)
    return k is not None and k + 1 < len(toks) and toks[k + 1].low in _TOO and \
        not has_proposal_cue(" ".join(t.text for t in toks))


def _praise(toks: list[_Tok], concession: bool) -> bool:
    """True when a clause praises or evaluates rather than asks: "Det er (rigtig) godt",
    "Planen er ambitiøs", "This is a good plan", a praised plan without a verb ("En god plan",
    "Great initiative"), or a clause with a praise word before "men" / "but" (a concession:
    "Gode intentioner, men …")."""
    head = [t.low for t in toks[:6]]
    at = next((k for k, w in enumerate(head) if w in _PRAISE), None)
    if at is None or has_proposal_cue(" ".join(t.text for t in toks)):
        return False
    if concession:
        return True
    before = [w for w in head[:at] if w not in _INTENSIFIERS and w not in ARTICLES]
    if before and before[-1] in _IS:
        return True  # "Det er godt", "We are pleased", "Udkastet er flot"
    return not before and len(toks) <= 4 and any(t.low in _PRAISED for t in toks[at + 1:])


def candidates(text: str, language: str, known: Callable[[str], bool] | None = None,
               keep_upper: set[str] | None = None,
               relevant: Callable[[str], bool] | None = None) -> list[Candidate]:
    """The candidate labels of one wording (see the module docstring); ``relevant`` (a
    written word → bool) skips the clauses without a word of the idea."""
    keep_upper = keep_upper or set()
    en = language == "en"
    verbs = _VERBS_EN if en else _VERBS_DA
    of = "of" if en else "af"
    out: list[Candidate] = []

    def emit(words: list[str], source: Sequence[str], kind: str) -> bool:
        label = " ".join(words)
        if len(words) > LABEL_MAX_WORDS or len(label) > LABEL_MAX_CHARS:
            return False
        out.append(Candidate(label[:1].upper() + label[1:], tuple(source), kind))
        return True

    def add(prefix: list[str], body: list[_Tok], kind: str, extra: Sequence[str] = (),
            lower: bool = False, alone: bool = False) -> None:
        """``prefix`` words (``alone``: also without a body), then ``body`` cut at each place
        a phrase may end."""
        if alone and prefix:
            emit(prefix, extra, kind)
        if not body or body[0].low in _STOP_BEFORE or body[0].low in _SUBORDINATE:
            return
        for end in _ends(body):
            words = [t.text for t in body[:end]]
            if lower:
                words = _lower_first(words, keep_upper)
            if not emit([*prefix, *words], [*(t.text for t in body[:end]), *extra], kind):
                break

    def beneficiary(obj: list[_Tok], who: list[_Tok]) -> None:
        """What someone should get, for them: "Ombudsmanden bør have flere ressourcer til at
        …" → "Flere ressourcer til Ombudsmanden" (the rest of the object after it)."""
        if not obj or not who:
            return
        cut = next((k for k, t in enumerate(obj) if t.low in PREPOSITIONS), len(obj))
        head, tail = obj[:cut], obj[cut:]
        if not head or head[-1].low in _NO_END:
            return
        if len(tail) > 1 and tail[1].low == "at":
            tail = []  # "… til at tage sager op": a purpose the heading leaves out
        to = "for" if en or (tail and tail[0].low == "til") else "til"
        words = [t.text for t in head] + [to] + _lower_first([t.text for t in who], keep_upper)
        source = [t.text for t in head + who]
        emit(words, source, "object")
        add(words, tail, "object", source)

    def missing(toks: list[_Tok], lack: int) -> None:
        """What is said to be missing is the request: "Planen mangler en forpligtelse om X",
        "der mangler X", "it lacks X" → X; "En plan for X savnes" → "Plan for X"."""
        after = toks[lack + 1:]
        while after and (after[0].low in _ADVERBS or after[0].low in _HOWEVER) and \
                after[0].low not in PREPOSITIONS:
            after = after[1:]
        before = toks[:lack]
        while before and (before[-1].low in _IS or before[-1].low in _ADVERBS):
            before = before[:-1]
        if after:
            add([], _trim_object(after), "object")
        elif before and before[0].low not in _NO_START:
            add([], _trim_object(before), "object")

    def count(question: list[_Tok], antecedent: list[_Tok]) -> None:
        """"hvor mange kommuner der skal bruge dem" → "Antal kommuner med borgerpaneler"
        (the pronoun standing for the subject of an earlier clause); "how many …" the same."""
        first, second, word = _HOW_MANY["en" if en else "da"]
        if len(question) < 3 or question[0].low != first or question[1].low != second:
            return
        counted = question[2:]
        rel = next((k for k, t in enumerate(counted) if t.low in ("der", "som", "that", "who",
                                                                  "which")), None)
        if rel is not None:
            head, clause = counted[:rel], counted[rel + 1:]
        else:  # "how many agencies must adopt them"
            m = next((k for k, t in enumerate(counted) if k > 0 and t.low in MODALS),
                     len(counted))
            head, clause = counted[:m], counted[m:]
        if not head:
            return
        add([word], head, "object", lower=True)
        while clause and (clause[0].low in MODALS or clause[0].low in _ADVERBS):
            clause = clause[1:]
        if len(clause) < 2 or clause[0].low not in _USE:
            return
        obj = _trim_object(clause[1:])
        if len(obj) == 1 and obj[0].low in _THEM:
            # "dem" / "them": the plural noun ending an earlier clause's subject ("Et mål om at
            # fremme borgerpaneler kan ikke måles")
            plural = ("s",) if en else ("er", "erne", "ene")
            obj = []
            if antecedent and antecedent[-1].low.endswith(plural):
                j = len(antecedent)  # its last noun phrase: "… on [open budgets]"
                while j > 0 and len(antecedent) - j < 3 and antecedent[j - 1].low not in \
                        _NO_END and antecedent[j - 1].low not in _MANY and \
                        (j < 2 or antecedent[j - 2].low not in ("at", "to")):
                    j -= 1
                obj = antecedent[j:]
        if obj and obj[0].low not in _NO_START:
            words = _lower_first([t.text for t in head], keep_upper)
            add([word, *words, "with" if en else "med"], obj, "object", [t.text for t in head],
                lower=True)

    clauses = _clauses(text)
    praised = False  # the clause before praised something ("Det er godt, at …")
    last_subject: list[_Tok] = []  # what a later "dem" / "them" may stand for
    for i, toks in enumerate(clauses):
        if praised and toks[0].low in ("at", "that"):
            continue  # "Det er godt, [at høringssvarene bliver offentlige]": what is praised
        so_that = toks[0].low in ("saa", "so")
        concession = i + 1 < len(clauses) and clauses[i + 1][0].low in ("men", "but")
        toks = _strip_lead(toks)
        praised = bool(toks) and _praise(toks, concession)
        if praised or not toks or toks[0].low in _SUBORDINATE:
            continue
        if relevant is not None and not any(relevant(t.text) for t in toks):
            continue
        modal = next((k for k, t in enumerate(toks) if t.low in MODALS and k > 0), None)
        if modal is not None and toks[0].low in _IMPERATIVES and any(
                t.low in _SUBORDINATE or t.low in _STOP_BEFORE for t in toks[1:modal]):
            modal = None  # "Skriv hvor mange kommuner der skal …": the question's modal
        if modal is not None and toks[modal].low in _NEGATED_MODALS:
            last_subject = toks[:modal]
            continue  # "The goal cannot be measured": a criticism (its subject remembered)
        lack = None if modal is not None else next(
            (k for k, t in enumerate(toks) if t.low in _LACK), None)
        if lack is not None:
            missing(toks, lack)
            continue
        if len(toks) > 3 and toks[0].low in ("der", "there") and toks[1].low in _IS and \
                toks[2].low in ("ingen", "no"):
            add([], toks[3:], "object")  # "Der er ingen plan for X", "There is no plan for X"
            continue
        if len(toks) > 2 and toks[0].low in _NOTHING and toks[1].low in ("om", "about", "on"):
            add([], toks[2:], "object")  # "(men) intet om X", "(but) nothing about X"
            continue
        if so_that and modal is not None:
            continue  # "…, så borgerne kan følge med": a purpose, not the proposal
        expletive = toks[0].low in ("der", "there") and modal == 1  # "Der bør indføres …"
        if not expletive and toks[0].low in _NO_START:
            continue
        first = toks[0].low
        first_verb = modal is None and (
            first in verbs or first in _CREATE or first in _LIGHT or first in _PUT or
            # "Skriv hvor mange …", "Angiv en tidsplan" (not "State funding for …": a noun)
            (first in _SAY and len(toks) > 1 and (toks[1].low in _SUBORDINATE or
                                                  toks[1].low in ARTICLES)))
        gets = None if modal is not None or first_verb else next(
            (k for k, t in enumerate(toks) if k > 0 and t.low in _GETS), None)
        if gets is not None:  # "… at civilsamfundet får en fast plads i arbejdet"
            if gets <= 3:
                beneficiary(_trim_object(toks[gets + 1:]), toks[:gets])
        subject: list[_Tok] = [] if expletive or modal is None else toks[:modal]
        if len(subject) == 1 and subject[0].low in _SUBJECT_PRONOUNS:
            subject = []
        if subject:
            last_subject = subject
        finite = None
        if modal is None and not first_verb:
            # "… at kommunerne offentliggør deres budgetter": a verb in the present tense
            finite = next((k for k, t in enumerate(toks) if k > 0 and not en and
                           t.low in _PRESENT_DA and
                           toks[k - 1].low not in PREPOSITIONS and
                           toks[k - 1].low not in ARTICLES), None)
            if finite is None:
                if _criticism(toks):  # "Målet om flere ungeråd er for vagt": when nothing else
                    last_subject = toks[:next(k for k, t in enumerate(toks) if t.low in _IS)]
                    add([], toks, "judgement")
                else:
                    add([], toks, "np")  # the writer's own heading ("Klart sprog i alle breve")
                continue
            subject = toks[:finite]
            if len(subject) == 1 and subject[0].low in _SUBJECT_PRONOUNS:
                subject = []
        pred = toks[modal + 1:] if modal is not None else toks[finite:] if finite else toks
        while pred and (pred[0].low in _ADVERBS or pred[0].low in MODALS):
            pred = pred[1:]
        if not pred or pred[0].low in NEGATION:
            continue  # (nor its subject: "… og KL bør ikke indskrænke adgangen")
        if subject:
            add([], _trim_object(subject), "subject")
            add([], toks, "clause")  # as written, modal and all
        verb, rest = pred[0], pred[1:]
        subj = [t.text for t in subject]
        subj_low = _lower_first(subj, keep_upper)
        if en and verb.low in ("be", "being") and rest and \
                nominalise(rest[0].text, language, known) is None:
            verb = _Tok("be", "be", verb.start, verb.end)  # "should be free": a copula
            passive = False
        elif en and verb.low in ("be", "being") and rest:
            verb, rest, passive = rest[0], rest[1:], True  # "should be published"
        else:
            passive = not en and verb.low.endswith("s") and len(verb.low) > 4 and \
                verb.low not in _COPULA
        if verb.low in _COPULA:
            amount = _amount(rest, en)
            if subject and amount:
                # "Høringsfristen bør være mindst fire uger" → "Høringsfrist på mindst fire uger"
                thing = [t.text for t in _trim_object(subject)]
                thing[-1] = _indefinite(thing[-1], en, known)
                emit([*_lower_first(thing, keep_upper), "of" if en else "på",
                      *(t.text for t in rest[:amount])], [*subj, *(t.text for t in rest[:amount])],
                     "np")
            if expletive and rest:  # "Der bør være åbenhed om …"
                add([], _trim_object(rest), "object")
            elif subject and (en or len(subject) == 1):
                # "Aktindsigt bør være gratis og hurtig" → "Gratis og hurtig aktindsigt"
                adjs: list[str] = []
                for t in rest:
                    if t.low in _STOP_BEFORE or t.low in PREPOSITIONS or t.low in _SUBORDINATE \
                            or t.low in ARTICLES or t.low in NEGATION or len(adjs) > 4 or \
                            _verb_like(t.low, en):
                        break
                    adjs.append(t.text)
                while adjs and _fold(adjs[-1]) in _CONJ:
                    adjs.pop()  # "gratis og [gives …]"
                if adjs and _fold(adjs[-1]) not in _NO_END and \
                        (len(adjs) == 1 or _fold(adjs[-2]) in _CONJ):
                    who = _lower_first([t.text for t in _trim_object(subject)], keep_upper)
                    emit([*adjs, *who], [*adjs, *subj], "np")
            continue
        if verb.low in _SAY and rest and (rest[0].low in _SUBORDINATE or
                                          rest[0].low in _STOP_BEFORE):
            count(rest, last_subject)  # "Skriv hvor mange …": what is to be counted
            continue
        create = verb.low in _CREATE or verb.low in _SAY or \
            (not en and verb.low[:-1] in _CREATE)
        if create and first_verb:
            while rest and rest[0].low in _ADVERBS and rest[0].low not in PREPOSITIONS:
                rest = rest[1:]  # "Husk også X": the heading is X
        if en and verb.low == "set" and rest and rest[0].low == "up":
            create, rest = True, rest[1:]
        if passive:
            noun = None if create else nominalise(verb.text, language, known)
            if expletive:
                obj = _trim_object(rest)
                if create:
                    add([], obj, "object")
                elif noun:
                    add([noun.capitalize(), *([] if " " in noun else [of])], obj, "nominal",
                        (verb.text,), lower=True)
            elif subject and noun:
                head = [noun.capitalize(), *([] if " " in noun else [of]), *subj_low]
                # a place or purpose after it ("… offentliggøres på nettet") may follow; an
                # adverb ("bedre", "direkte") belongs to the verb the heading left out
                pp = rest if rest and rest[0].low in PREPOSITIONS else []
                add(head, pp, "nominal", (verb.text, *subj), alone=True)
                # a long subject cut where a phrase may end ("Udgivelse af alle grunddata")
                add([noun.capitalize(), *([] if " " in noun else [of])], subject, "nominal",
                    (verb.text,), lower=True)
            continue
        if rest and rest[0].low in ("det", "it"):
            continue  # "Gør det nemt at …": the object is a clause the label leaves out
        # the subject's genitive for a possessive ("deres møder" → "ministrenes møder")
        owner = _genitive(" ".join(subj_low), language) if 0 < len(subject) <= 2 else None
        obj: list[_Tok] = []
        owner_first = False
        for k, t in enumerate(rest):
            if t.low in _POSSESSIVE:
                owner_first = owner_first or k == 0
                continue
            obj.append(t)
        if verb.low in _HAVE:
            if subject and obj:
                beneficiary(_trim_object(obj), subject)
            continue
        if create:
            add([], _trim_object(obj), "object")
            continue
        before = len(out)
        if verb.low in _GIVE and len(obj) > 1:  # "Giv X flere midler" → "Flere midler til X"
            cut = next((k for k, t in enumerate(obj) if k > 0 and t.low in _QUANTIFIERS), None)
            if cut is None:  # "give foreningerne adgang til …": the receiver is one noun
                cut = 2 if obj[0].low in ARTICLES else 1
            if cut < len(obj):
                beneficiary(_trim_object(obj[cut:]), obj[:cut])
        elif verb.low in _PLACE and obj:  # "stille data til rådighed" → "Data til rådighed"
            add([], _trim_object(obj), "object")
        elif verb.low in _PUT and obj:
            thing = _trim_object([t for t in obj if t.low not in _PARTICLES])
            if owner_first and owner:  # "lægge deres kalendere …" → "Ministrenes kalendere …"
                add([owner], thing, "object", (verb.text, *subj), lower=True)
            else:
                add([], thing, "object")
        noun = None if verb.low in _LIGHT else nominalise(verb.text, language, known)
        if noun and len(obj) == 1 and not en and obj[0].low.endswith(_ADVERB_ENDINGS):
            noun = None  # "indberette anonymt": an adverb, not an object
        if noun and obj and obj[0].low in _CONJ:
            # "måle og offentliggøre ventetider" → "Måling og offentliggørelse af ventetider"
            second = nominalise(obj[1].text, language, known) if len(obj) > 1 else None
            if second and " " not in noun and " " not in second:
                add([noun.capitalize(), obj[0].text, second, of], obj[2:], "nominal",
                    (verb.text, obj[1].text), lower=True)
            noun = None
        if noun:
            if obj and obj[0].low in PREPOSITIONS:
                add([noun.capitalize()], obj, "nominal", (verb.text,))  # "investering i …"
            elif " " in noun:
                add([noun.capitalize()], _trim_object(obj), "nominal", (verb.text,),
                    lower=True)
            elif owner_first and owner:
                add([noun.capitalize(), of, owner], obj, "nominal", (verb.text, *subj))
            else:
                add([noun.capitalize(), of], obj, "nominal", (verb.text,),
                    lower=True)
        if len(out) == before and not any(t.low in _POSSESSIVE for t in rest) and \
                (en or not verb.low.endswith("s")):
            # no noun phrase for it: the clean verb phrase (not a passive without its subject)
            add([], [verb, *rest], "verb")
    return out


_BARE_VERBS = _IMPERATIVES | _CREATE | _SAY | _LIGHT | _PUT | _LACK


def _clean(c: Candidate, language: str) -> bool:
    if c.text.endswith(","):
        return False
    words = [_fold(w.rstrip(",-")) for w in c.text.split()]
    if not words or words[0] in _NO_START or words[-1] in _NO_END:
        return False
    if len(words) == 1 and words[0] in _BARE_VERBS:
        return False  # "Skriv", "Husk": a verb with no object says nothing
    pronouns = PRONOUNS_EN if language == "en" else PRONOUNS_DA
    return not any(w in PLEASANTRY_WORDS or w in pronouns for w in words)


def best_label(wordings: Sequence[tuple[str, int, str]], weights: dict[str, float],
               terms: Terms, known: Callable[[str], bool] | None = None) -> str:
    """The best candidate over ``wordings`` — ``(text, how many members wrote it, its
    language)`` — for an idea whose terms weigh ``weights``: the share of the idea's weight
    its words cover, less a cost per word and for its kind; ties go to the commoner wording,
    then the shorter label."""
    if not weights or not wordings:
        return ""
    top = max(weights.values()) or 1.0
    keep_upper: set[str] = set()
    for text, _, _ in wordings:  # words written capitalised inside a sentence are names
        for m in re.finditer(r"(?<=[a-zæøå,] )([A-ZÆØÅ][\w-]+)", text):
            keep_upper.add(m.group(1))
    most = max(c for _, c, _ in wordings) or 1
    best: tuple[float, int, str] | None = None
    for text, count, lang in wordings:
        lang = "en" if lang == "en" else "da"
        popularity = 0.1 * math.log1p(count) / math.log1p(most)

        def relevant(word: str, lang: str = lang) -> bool:
            return any(t in weights for t in terms(word.rstrip(",-"), lang))

        for c in candidates(text[:LABEL_TEXT_CHARS], lang, known, keep_upper, relevant):
            if not _clean(c, lang):
                continue
            seen: set[str] = set()
            gain = 0.0
            for w in c.source:
                for t in terms(w.rstrip(",-"), lang):
                    if t not in seen:
                        seen.add(t)
                        gain += weights.get(t, 0.0) / top
            if gain <= 0:
                continue
            n = len(c.text.split())
            score = gain - WORD_COST * n - KIND_COST[c.kind] + popularity
            key = (round(score, 9), -len(c.text), c.text)
            if best is None or key > best:
                best = key
    return best[2] if best else ""


class WordSource:
    """What a label needs of the engine's per-word cache (``engine._Words``): the idea terms
    of a written word, and whether the consultation uses a word (for nominal forms)."""

    def __init__(self, words) -> None:  # noqa: ANN001 — engine._Words (not imported: cycle)
        self.words = words

    def terms(self, word: str, language: str) -> tuple[str, ...]:
        lang = "en" if language == "en" else "da"
        word = word.rstrip(",-")
        cache = self.words.caches[lang]
        entry = cache.get(word) or cache.get(word.lower()) or self.words._make(word, lang)
        return tuple(t for t, _ in entry[3]) if entry[0] is not None else ()

    def known(self, word: str) -> bool:
        sp = self.words.speller
        return sp.counts.get(word.lower(), 0) >= sp.min_count


def idea_label(wordings: Sequence[tuple[str, int]], weights: dict[str, float], words,  # noqa: ANN001
               consultation_language: str = "da") -> str:
    """The label of an idea from its kept ``wordings`` (text, members who wrote it): in the
    consultation's language when the idea has members written in it, else in the idea's own."""
    source = WordSource(words)
    tagged = [(t, c, tx.detect_language(t[:400])) for t, c in wordings if t]
    own = "en" if consultation_language == "en" else "da"
    mine = [w for w in tagged if (w[2] == "en") == (own == "en")]
    return best_label(mine or tagged, weights, source.terms, source.known)


def phrase_label(text: str, weights: dict[str, float], words) -> str:  # noqa: ANN001
    """The label one wording ``text`` gives an idea whose terms weigh ``weights``."""
    return idea_label([(text, 1)], weights, words, tx.detect_language(text[:400]))
