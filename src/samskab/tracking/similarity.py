"""Which commitments of other countries are most like ours (pure Python, Danish and English).

Our commitments are written in Danish, OGP's data mostly in English, so words alone rarely
meet. Each text becomes a bag of features in one shared space:

- English text: content stems (the analysis library's normal form, stop words and Snowball's
  English stemmer).
- Danish text: each content word looked up in a small Danish→English glossary of the
  vocabulary of open government (stemmed on both sides, so "kommuner" finds "kommune"); Danish
  compounds are split into two known parts, with or without the linking *s* or *e*
  ("høringsportal" → consultation + portal, "borgerinddragelse" → citizen + participation).
  A word the glossary does not know keeps its Danish stem, which still meets other Danish texts.
- Every long word not found in the glossary also adds its character 4-grams at a low weight,
  which catches cognates across the languages ("transparens"/"transparency",
  "registret"/"register").

Features are weighted by TF-IDF over the indexed texts and compared by cosine; a match carries
the shared words that made it, so the page can say why two commitments look alike. Scores are
in 0..1.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from samskab.analysis import text as tx

NGRAM_WEIGHT = 0.25
NGRAM_MIN_WORD = 7

# Danish word (any inflection; written as in a dictionary) → English words.
GLOSSARY_DA_EN: dict[str, str] = {
    "åben": "open", "åbne": "open", "åbenhed": "openness transparency", "data": "data",
    "datasæt": "dataset", "grunddata": "base data register", "gennemsigtighed": "transparency",
    "offentliggøre": "publish", "offentliggørelse": "publish", "publicere": "publish",
    "aktindsigt": "freedom information", "oplysning": "information", "information":
    "information", "adgang": "access", "tilgængelig": "accessible available", "frit": "free",
    "gratis": "free", "maskinlæsbar": "machine readable", "standard": "standard",
    "licens": "licence", "borger": "citizen", "borgere": "citizen", "inddragelse":
    "participation involvement", "inddrage": "involve", "deltagelse": "participation",
    "høring": "consultation", "høringssvar": "consultation response", "portal": "portal",
    "civilsamfund": "civil society", "forening": "association organisation",
    "organisation": "organisation", "dialog": "dialogue", "møde": "meeting", "forum": "forum",
    "netværk": "network", "korruption": "corruption", "bestikkelse": "bribery",
    "integritet": "integrity", "lobby": "lobby", "lobbyist": "lobbyist", "register":
    "register", "interessekonflikt": "conflict interest", "whistleblower": "whistleblower",
    "beskyttelse": "protection", "udbud": "procurement tender", "indkøb": "procurement",
    "kontrakt": "contract", "leverandør": "supplier", "budget": "budget", "regnskab":
    "accounts", "udgift": "spending expenditure", "skattekroner": "public money", "skat": "tax",
    "tilskud": "grant subsidy", "ansvarlighed": "accountability", "ansvar": "responsibility",
    "klage": "complaint", "ombudsmand": "ombudsman", "revision": "audit", "rigsrevision":
    "audit", "kontrol": "oversight control", "afrapportering": "reporting", "rapport":
    "report", "resultat": "result", "statistik": "statistics", "evaluering": "evaluation",
    "lov": "law", "lovforslag": "draft law bill", "lovgivning": "legislation", "udkast":
    "draft", "regel": "rule", "begrundet": "reasoned", "svar": "response", "ejer": "owner",
    "ejerskab": "ownership", "reel": "beneficial", "virksomhed": "company business",
    "selskab": "company", "samfundsansvar": "corporate responsibility", "forbruger":
    "consumer", "kommune": "municipality municipal", "kommunal": "municipal", "region":
    "region", "stat": "state government", "statslig": "government", "regering":
    "government", "myndighed": "authority agency", "ministerium": "ministry", "offentlig":
    "public", "sektor": "sector", "forvaltning": "administration government", "sundhed":
    "health", "patient": "patient", "hospital": "hospital", "telemedicin": "telemedicine",
    "miljø": "environment", "klima": "climate", "energi": "energy", "vand": "water",
    "kort": "map", "adresse": "address", "ejendom": "property", "geografisk": "geographic",
    "digital": "digital", "digitalisering": "digital", "selvbetjening": "self service online",
    "tjeneste": "service", "ydelse": "service", "service": "service", "løsning": "solution",
    "it": "it", "system": "system", "software": "software", "kildekode": "source code",
    "teknologi": "technology", "innovation": "innovation", "app": "app", "hjemmeside":
    "website", "platform": "platform", "database": "database", "planlægning": "planning",
    "plan": "plan", "lokal": "local", "uddannelse": "education", "skole": "school",
    "forskning": "research", "politi": "police", "domstol": "court", "retsvæsen": "justice",
    "valg": "election", "parti": "party", "partistøtte": "party finance", "finansiering":
    "finance", "fond": "fund", "beskæftigelse": "employment", "jobcenter": "employment",
    "velfærd": "welfare", "brugervenlig": "user friendly", "bruger": "user", "sprog":
    "language", "klart": "plain", "tryghed": "safety", "beredskab": "emergency", "krise":
    "crisis", "oversvømmelse": "flood", "samskabelse": "co creation", "handlingsplan":
    "action plan", "forpligtelse": "commitment", "milepæl": "milestone", "fremdrift":
    "progress", "dashboard": "dashboard", "udvikle": "develop", "udvikling": "development",
    "etablere": "create establish", "oprette": "create", "styrke": "strengthen",
    "forbedre": "improve", "vejledning": "guidance", "pilotprojekt": "pilot",
    "kommunikation": "communication", "medie": "media", "presse": "press", "ytring":
    "expression", "frihed": "freedom", "rettighed": "right", "ret": "right",
}


@lru_cache(maxsize=1)
def _glossary() -> dict[str, tuple[str, ...]]:
    """Danish stem → English stems."""
    out: dict[str, tuple[str, ...]] = {}
    for da, en in GLOSSARY_DA_EN.items():
        key = tx.stem(tx.fold(da), "da")
        stems = tuple(tx.stem(tx.fold(w), "en") for w in en.split())
        out[key] = tuple(dict.fromkeys(out.get(key, ()) + stems))
        out.setdefault(tx.fold(da), out[key])
    return out


def _translate(word: str) -> tuple[str, ...] | None:
    """English stems for one folded Danish word, trying a split into two known parts."""
    g = _glossary()
    found = g.get(word) or g.get(tx.stem(word, "da"))
    if found:
        return found
    for i in range(3, len(word) - 2):
        left, right = word[:i], word[i:]
        right_en = g.get(right) or g.get(tx.stem(right, "da"))
        if not right_en:
            continue
        for candidate in (left, left[:-1] if left[-1:] in ("s", "e") else None):
            left_en = candidate and (g.get(candidate) or g.get(tx.stem(candidate, "da")))
            if left_en:
                return left_en + right_en
    return None


def _ngrams(word: str) -> list[str]:
    padded = f"<{word}>"
    return ["#" + padded[i:i + 4] for i in range(len(padded) - 3)]


def features(text: str, language: str | None = None,
             surface: dict[str, str] | None = None) -> Counter[str]:
    """The bag of features of one text (see the module docstring). `surface`, when given,
    learns a readable word for each English stem (the first seen)."""
    language = language or tx.detect_language(text)
    language = "en" if language == "en" else "da"
    bag: Counter[str] = Counter()
    stops = tx.stop_words(language)
    for word in tx.normalise(text):
        if word in stops or word in tx.DOMAIN_STOP or len(word) < 2 or word.isdigit():
            continue
        if language == "en":
            stem = tx.stem(word, "en")
            bag[stem] += 1
            if surface is not None:
                surface.setdefault(stem, word)
            continue
        english = _translate(word)
        if english:
            for stem in english:
                bag[stem] += 1
        else:
            bag["da:" + tx.stem(word, "da")] += 1
            if len(word) >= NGRAM_MIN_WORD:
                for gram in _ngrams(word):
                    bag[gram] += NGRAM_WEIGHT
    if language == "en":
        for word in tx.normalise(text):
            if len(word) >= NGRAM_MIN_WORD and word not in stops:
                for gram in _ngrams(word):
                    bag[gram] += NGRAM_WEIGHT / 4
    return bag


@dataclass(frozen=True)
class Match:
    id: str
    score: float
    shared: tuple[str, ...]  # the words both texts use, most telling first


class SimilarityIndex:
    """TF-IDF index over documents (id, text, language or None to detect)."""

    def __init__(self, docs: Iterable[tuple[str, str, str | None]]):
        self._surface: dict[str, str] = {}
        bags = [(i, features(t, lang, self._surface)) for i, t, lang in docs]
        df: Counter[str] = Counter()
        for _, bag in bags:
            df.update(bag.keys())
        self._n = len(bags)
        self._idf = {f: math.log((1 + self._n) / (1 + c)) + 1.0 for f, c in df.items()}
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._ids: list[str] = []
        for index, (ident, bag) in enumerate(bags):
            self._ids.append(ident)
            for f, w in self._vector(bag).items():
                self._postings[f].append((index, w))

    def _vector(self, bag: Counter[str]) -> dict[str, float]:
        # Features no indexed text has get the largest idf a feature can have.
        top = math.log(1 + self._n) + 1.0
        # Sublinear term frequency; n-gram counts below one keep their fractional weight.
        vec = {f: (1 + math.log(c) if c >= 1 else c) * self._idf.get(f, top)
               for f, c in bag.items()}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        return {f: w / norm for f, w in vec.items()}

    def most_similar(self, text: str, *, language: str | None = None, k: int = 5,
                     min_score: float = 0.05) -> list[Match]:
        """The `k` most similar indexed texts with a score of at least `min_score`."""
        query = self._vector(features(text, language))
        scores: dict[int, float] = defaultdict(float)
        shared: dict[int, list[tuple[float, str]]] = defaultdict(list)
        for f, qw in query.items():
            for index, w in self._postings.get(f, ()):
                scores[index] += qw * w
                if not f.startswith("#"):
                    word = self._surface.get(f) or f.removeprefix("da:")
                    shared[index].append((qw * w, word))
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self._ids[item[0]]))
        out = []
        for index, score in ranked[:k]:
            if score < min_score:
                break
            words = tuple(w for _, w in sorted(shared[index], reverse=True)[:6])
            out.append(Match(self._ids[index], round(min(score, 1.0), 4), words))
        return out
