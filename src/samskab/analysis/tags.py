"""Tag suggestions with calibrated scores: grand challenges, OGP values and themes.

**Lexicons first.** Each code has Danish and English terms written for the 2012 Danish call
(digital selvbetjening, telemedicin, grunddata, åbne data, open source, åbne standarder,
dashboards, gennemsigtighed, borgerinddragelse, korruption, ...), each *strong* (1.0: the term
alone makes the tag likely) or *weak* (0.5: it needs company). Terms are matched on stems of
the normal form (:mod:`samskab.analysis.text`), phrases as stem sequences, and single long
stems also inside Danish compounds ("lobbyregister" matches "lobby"). Themes given as input
(slug + keywords) become ``theme:<slug>`` codes with their keywords as strong terms.

**Then learning.** The score of a code is a logistic model,
``p = σ(bias + Σ_terms a_t · weight_t + Σ w_f x_f)`` over the matched lexicon terms (each
with its own coefficient) and hashed stem features ``x_f``. It starts as the lexicon alone
(``bias = -2.2``, every ``a_t = 2.6``: one strong term gives 0.6, one weak term 0.35, two weak
terms 0.7) and is updated online, by AdaGrad steps on the log-loss
(with an L2 pull toward the lexicon prior), each time staff confirm (1) or reject (0) a
suggestion. Minimising the log-loss is
what keeps the scores calibrated, so 0.5 stays the line between suggested and not.
:func:`review_order` puts the least certain suggestions first; :func:`evaluate` reports
precision, recall and the Brier score against labelled data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import xxhash

from . import text as tx

GRAND_CHALLENGES = ("GC1", "GC2", "GC3", "GC4", "GC5")
OGP_VALUES = ("access_to_information", "civic_participation", "public_accountability",
              "technology_innovation")
BASE_CODES = GRAND_CHALLENGES + OGP_VALUES

# (term, weight): 1.0 strong, 0.5 weak. Danish and English side by side.
LEXICON: dict[str, list[tuple[str, float]]] = {
    "GC1": [  # improving public services
        ("digital selvbetjening", 1.0), ("selvbetjening", 1.0), ("telemedicin", 1.0),
        ("offentlige ydelser", 1.0), ("borgerservice", 1.0), ("sagsbehandling", 0.5),
        ("ventetid", 0.5), ("borger.dk", 1.0), ("sundhed.dk", 1.0), ("nemid", 0.5),
        ("brugervenlig", 0.5), ("digital post", 1.0), ("e-konsultation", 1.0),
        ("genoptræning", 0.5), ("personlig betjening", 1.0), ("offentlig service", 1.0),
        ("velfærd", 0.5), ("jobcenter", 0.5), ("tidsbestilling", 0.5), ("brugertest", 0.5),
        ("public services", 1.0), ("telemedicine", 1.0), ("digital services", 1.0),
        ("self-service", 1.0), ("waiting times", 0.5), ("service delivery", 1.0),
    ],
    "GC2": [  # public integrity
        ("korruption", 1.0), ("integritet", 1.0), ("lobbyregister", 1.0), ("lobbyisme", 1.0),
        ("lobby", 0.5), ("interessekonflikt", 1.0), ("whistleblower", 1.0), ("gaver", 0.5),
        ("bijob", 0.5), ("partistøtte", 1.0), ("aktindsigt", 1.0), ("offentlighedsloven", 1.0),
        ("ministerbetjening", 0.5), ("habilitet", 1.0), ("bestikkelse", 1.0),
        ("ministrenes kalendere", 1.0), ("etik", 0.5), ("tillid", 0.5),
        ("corruption", 1.0), ("integrity", 1.0), ("lobby register", 1.0),
        ("conflict of interest", 1.0), ("whistleblowers", 1.0), ("freedom of information", 1.0),
        ("bribery", 1.0), ("gifts", 0.5),
    ],
    "GC3": [  # managing public resources
        ("budget", 1.0), ("regnskab", 1.0), ("offentlige indkøb", 1.0), ("udbud", 1.0),
        ("indkøb", 0.5), ("skattekroner", 1.0), ("offentlige udgifter", 1.0), ("tilskud", 0.5),
        ("naturressourcer", 1.0), ("grundvand", 0.5), ("råstoffer", 0.5), ("ressourcer", 0.5),
        ("kontrakter", 0.5), ("leverandør", 0.5), ("spild", 0.5), ("effektivisering", 0.5),
        ("budget", 1.0), ("procurement", 1.0), ("public spending", 1.0), ("public money", 1.0),
        ("contracts", 0.5), ("natural resources", 1.0), ("subsidies", 0.5), ("accounts", 0.5),
    ],
    "GC4": [  # safer communities
        ("beredskab", 1.0), ("kriseberedskab", 1.0), ("krise", 0.5), ("oversvømmelse", 1.0),
        ("klimatilpasning", 1.0), ("ekstremt vejr", 1.0), ("varsling", 1.0), ("varsle", 1.0),
        ("miljø", 0.5), ("luftkvalitet", 0.5), ("drikkevand", 0.5), ("sikkerhed", 0.5),
        ("kriminalitet", 1.0), ("tryghed", 1.0), ("forurening", 1.0), ("støj", 0.5),
        ("emergency", 1.0), ("crisis", 1.0), ("flood", 1.0), ("climate adaptation", 1.0),
        ("pollution", 1.0), ("public safety", 1.0), ("environmental", 0.5),
    ],
    "GC5": [  # corporate accountability
        ("samfundsansvar", 1.0), ("virksomhedsansvar", 1.0), ("csr", 1.0),
        ("forbrugerbeskyttelse", 1.0), ("forbruger", 1.0), ("fødevarekontrol", 1.0),
        ("produktsikkerhed", 1.0), ("ejerforhold", 1.0), ("land for land", 1.0),
        ("skattebetaling", 0.5), ("klimaaftryk", 0.5), ("virksomheder", 0.5),
        ("corporate responsibility", 1.0), ("consumer protection", 1.0),
        ("social responsibility", 1.0), ("beneficial ownership", 1.0), ("companies", 0.5),
        ("pay their taxes", 0.5),
    ],
    "access_to_information": [
        ("åbne data", 1.0), ("open data", 1.0), ("grunddata", 1.0), ("aktindsigt", 1.0),
        ("gennemsigtighed", 1.0), ("åbenhed", 1.0), ("offentliggøre", 1.0),
        ("offentliggørelse", 1.0), ("tilgængelig", 0.5), ("frit tilgængelige", 1.0),
        ("datakatalog", 1.0), ("maskinlæsbar", 1.0), ("åbne licenser", 1.0), ("data", 0.5),
        ("information", 0.5), ("offentlighedsloven", 1.0), ("publicere", 1.0),
        ("transparency", 1.0), ("publish", 1.0), ("access to information", 1.0),
        ("machine readable", 1.0), ("datasets", 0.5), ("disclose", 1.0),
    ],
    "civic_participation": [
        ("borgerinddragelse", 1.0), ("inddragelse", 1.0), ("inddrage", 1.0), ("høring", 1.0),
        ("høringsfrist", 1.0), ("høringsportal", 1.0), ("borgermøde", 1.0),
        ("civilsamfundet", 1.0), ("foreninger", 0.5), ("deltagelse", 1.0), ("dialog", 0.5),
        ("medborgerskab", 1.0), ("frivillige", 0.5), ("lytte", 0.5), ("samskabelse", 1.0),
        ("participation", 1.0), ("consultation", 1.0), ("civil society", 1.0),
        ("involve", 1.0), ("public hearings", 1.0), ("co-creation", 1.0), ("citizens", 0.5),
    ],
    "public_accountability": [
        ("ansvarlighed", 1.0), ("ansvar", 0.5), ("klage", 1.0), ("klageadgang", 1.0),
        ("ombudsmand", 1.0), ("rigsrevisionen", 1.0), ("afrapportere", 1.0),
        ("afrapportering", 1.0), ("redegørelse", 1.0), ("kontrol", 0.5), ("evaluere", 0.5),
        ("forklare", 0.5), ("begrunde", 1.0), ("whistleblower", 0.5), ("uafhængig", 0.5),
        ("magthaverne", 1.0), ("fremdrift", 0.5), ("milepæle", 0.5),
        ("accountability", 1.0), ("accountable", 1.0), ("oversight", 1.0), ("audit", 1.0),
        ("complaint", 1.0), ("report progress", 1.0), ("explain decisions", 1.0),
        # anti-corruption and lobbying (also public integrity, GC2)
        ("antikorruption", 1.0), ("korruption", 0.5), ("lobbyisme", 0.5),
        ("lobbyregister", 0.5), ("anti-corruption", 1.0), ("corruption", 0.5),
        ("lobbying", 0.5), ("misconduct", 1.0),
        # asset and interest declarations
        ("formueerklæring", 1.0), ("formue", 0.5), ("økonomiske interesser", 1.0),
        ("hverv", 1.0), ("interesseregister", 1.0), ("interesseerklæring", 1.0),
        ("asset declaration", 1.0), ("declare assets", 1.0), ("assets", 0.5),
        ("declaration of interests", 1.0), ("financial interests", 1.0),
        ("asset disclosure", 1.0),
        # audits and oversight bodies
        ("revision", 1.0), ("revidere", 1.0), ("statsrevisorerne", 1.0), ("rigsrevisor", 1.0),
        ("tilsyn", 1.0), ("tilsynsmyndighed", 1.0), ("kontrollere", 0.5),
        ("parlamentarisk kontrol", 1.0), ("audit reports", 1.0), ("auditor", 1.0),
        ("audit institution", 1.0), ("oversight bodies", 1.0), ("ombudsman", 1.0),
        ("watchdog", 1.0), ("inspectorate", 1.0), ("scrutiny", 1.0),
        # complaints and sanctions
        ("klagemulighed", 1.0), ("klagenævn", 1.0), ("klager", 0.5), ("sanktion", 1.0),
        ("sanktioner", 1.0), ("sanktioneres", 1.0), ("bøder", 0.5), ("håndhæve", 0.5),
        ("complaints mechanism", 1.0), ("complaints", 1.0), ("redress", 1.0),
        ("sanction", 1.0), ("sanctions", 1.0), ("penalties", 0.5), ("enforced", 0.5),
        ("enforcement", 0.5),
        # whistleblowing
        ("whistleblowerordning", 1.0), ("whistleblowere", 0.5), ("repressalier", 0.5),
        ("whistleblowing", 1.0), ("whistleblower protection", 1.0), ("retaliation", 0.5),
        # answerability of officials
        ("stå ansvar", 1.0), ("står ansvar", 1.0), ("holdes ansvarlige", 1.0), ("ansvarlige", 0.5),
        ("ministeransvar", 1.0), ("embedsmænd", 0.5), ("answerable", 1.0),
        ("answerability", 1.0), ("held account", 1.0), ("hold account", 1.0),
        ("officials", 0.5), ("justify decisions", 1.0),
    ],
    "technology_innovation": [
        ("open source", 1.0), ("åbne standarder", 1.0), ("dashboard", 1.0), ("api", 1.0),
        ("app", 0.5), ("digital", 0.5), ("digitalisering", 1.0), ("it-systemer", 1.0),
        ("it-projekter", 1.0), ("telemedicin", 0.5), ("innovation", 1.0), ("teknologi", 1.0),
        ("linked data", 1.0), ("portal", 0.5), ("database", 0.5), ("software", 1.0),
        ("open standards", 1.0), ("technology", 1.0), ("dashboards", 1.0), ("online", 0.5),
        ("digital selvbetjening", 0.5), ("kort", 0.5), ("sms", 0.5),
    ],
}


@dataclass(frozen=True)
class Theme:
    """A consultation's own theme: ``theme:<slug>`` with keywords (any language)."""

    slug: str
    keywords: tuple[str, ...]
    label: str = ""

    @property
    def code(self) -> str:
        return f"theme:{self.slug}"


def _term_variants(term: str) -> set[tuple[str, ...]]:
    """The term as stem sequences under both stemmers: Danish responses use English terms
    ("open source") and the other way round."""
    tokens = tx.normalise(term)
    if not tokens:
        return set()
    return {tuple(tx.stem(t, lang) for t in tokens) for lang in ("da", "en")}


@dataclass
class Lexicon:
    """Terms per code as stem sequences, indexed for matching one response in a few dict
    look-ups; long single stems are also found inside compounds (cached per word)."""

    single: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    double: dict[tuple[str, str], list[tuple[str, float]]] = field(default_factory=dict)
    longer: list[tuple[tuple[str, ...], str, float]] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    _compound: dict[str, tuple[tuple[str, str, float], ...]] = field(default_factory=dict)
    _firsts: set[str] | None = None

    @classmethod
    def build(cls, themes: Iterable[Theme] = ()) -> Lexicon:
        lex = cls()
        entries = [(code, t, w) for code, terms in LEXICON.items() for t, w in terms]
        entries += [(th.code, k, 1.0) for th in themes for k in th.keywords if k.strip()]
        for code, term, weight in entries:
            if code not in lex.codes:
                lex.codes.append(code)
            for stems in _term_variants(term):
                if len(stems) == 1:
                    lex.single.setdefault(stems[0], []).append((code, weight))
                elif len(stems) == 2:
                    lex.double.setdefault((stems[0], stems[1]), []).append((code, weight))
                else:
                    lex.longer.append((stems, code, weight))
        return lex

    def _compounds(self, word: str) -> tuple[tuple[str, str, float], ...]:
        hit = self._compound.get(word)
        if hit is None:
            hit = tuple((t, code, w) for t, entries in self.single.items()
                        if len(t) >= 5 and t in word and t != word for code, w in entries)
            if len(self._compound) < 500_000:
                self._compound[word] = hit
        return hit

    def evidence(self, stems: Sequence[str], words: Iterable[str]) -> dict[str, float]:
        """Lexicon evidence per code: the sum of the weights of the distinct terms matched."""
        out: dict[str, float] = {}
        for code, terms in self.matches(stems, words).items():
            out[code] = sum(terms.values())
        return out

    def matches(self, stems: Sequence[str], words: Iterable[str]
                ) -> dict[str, dict[str, float]]:
        """The distinct terms matched, per code: ``{code: {term: weight}}``."""
        matched: dict[tuple[str, str], float] = {}
        single = self.single
        for st in single.keys() & set(stems):
            for code, w in single[st]:
                matched[(code, st)] = w
        compound = self._compound
        for w_ in set(words):
            if len(w_) >= 8:
                hits = compound.get(w_)
                for t, code, w in (self._compounds(w_) if hits is None else hits):
                    matched[(code, t)] = w
        firsts = self._firsts
        if firsts is None:
            firsts = self._firsts = {a for a, _ in self.double} | {t[0] for t, _, _ in self.longer}
        starts = ([i for i, st in enumerate(stems) if st in firsts]
                  if not firsts.isdisjoint(stems) else [])
        if starts:
            for i in starts:
                for code, w in self.double.get((stems[i], stems[i + 1]) if i + 1 < len(stems)
                                               else ("", ""), ()):
                    matched[(code, f"{stems[i]} {stems[i + 1]}")] = w
            if self.longer:
                joined = " " + " ".join(stems) + " "
                for term, code, w in self.longer:
                    key = " ".join(term)
                    if " " + key + " " in joined:
                        matched[(code, key)] = w
        out: dict[str, dict[str, float]] = {}
        for (code, term), w in matched.items():
            out.setdefault(code, {})[term] = w
        return out


FEATURE_BITS = 18


@lru_cache(maxsize=400_000)
def _feature(stem: str) -> int:
    return xxhash.xxh32_intdigest(stem.encode("utf-8")) & ((1 << FEATURE_BITS) - 1)


_NO_FEATURES = np.zeros(0, dtype=np.int64)


def hashed_features(stems: Iterable[str]) -> np.ndarray:
    """Sorted unique feature indices of the stems, for the learnt part. (Character 4-grams of
    long stems were tried for compounds: on the benchmark's labelled sentences they cost
    precision after learning, 0.85 → 0.80, so compounds are left to the lexicon matcher.)"""
    idx = {_feature(s) for s in stems}
    return np.fromiter(sorted(idx), dtype=np.int64, count=len(idx))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@dataclass
class TagModel:
    """Per-code logistic models over lexicon terms and hashed stems, learnt online.

    ``logit = bias + Σ_terms a_term · weight_term + Σ_f w_f x_f``: each matched lexicon term
    has its own coefficient ``a_term`` (starting at the prior), so rejecting suggestions that a
    weak, ambiguous term caused ("miljø" for safer communities) teaches the model about that
    term without silencing the others. Serialise with :meth:`to_arrays` / :meth:`from_arrays`
    (JSON-able metadata and plain numpy arrays, no pickle).
    """

    lexicon: Lexicon
    bias: dict[str, float] = field(default_factory=dict)
    term_coef: dict[str, dict[str, float]] = field(default_factory=dict)
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    updates: dict[str, int] = field(default_factory=dict)
    accumulated: dict[str, dict[str, float]] = field(default_factory=dict)
    feature_acc: dict[str, np.ndarray] = field(default_factory=dict)
    learning_rate: float = 0.5
    l2: float = 0.01

    PRIOR_BIAS = -2.2
    PRIOR_LEX = 2.6
    BIAS_KEY = "__bias__"
    BIAS_RATE = 0.05  # the base rate moves slowly: decisions come in review order, not at random
    FEATURE_RATE = 1.5  # words start at zero and must be able to carry a theme on their own

    @classmethod
    def initial(cls, themes: Iterable[Theme] = ()) -> TagModel:
        lex = Lexicon.build(themes)
        model = cls(lexicon=lex)
        for code in lex.codes:
            model._ensure(code)
        return model

    def _ensure(self, code: str) -> None:
        if code not in self.bias:
            self.bias[code] = self.PRIOR_BIAS
            self.term_coef[code] = {}
            self.weights[code] = np.zeros(1 << FEATURE_BITS, dtype=np.float32)
            self.updates[code] = 0
            self.accumulated[code] = {}
            self.feature_acc[code] = np.zeros(1 << FEATURE_BITS, dtype=np.float32)

    def _logit(self, code: str, terms: Mapping[str, float], feats: np.ndarray) -> float:
        coef = self.term_coef[code]
        z = self.bias[code] + sum(coef.get(t, self.PRIOR_LEX) * w for t, w in terms.items())
        if self.updates[code] and len(feats):
            z += float(self.weights[code][feats].sum()) / math.sqrt(len(feats))
        return z

    def score(self, stems: Sequence[str], words: Iterable[str]) -> dict[str, float]:
        """Score in 0..1 for every code (0.5 or more: suggested)."""
        matches = self.lexicon.matches(stems, words)
        feats = hashed_features(stems) if any(self.updates.values()) else _NO_FEATURES
        return {code: _sigmoid(self._logit(code, matches.get(code, {}), feats))
                for code in self.bias}

    def update(self, stems: Sequence[str], words: Iterable[str], code: str, label: bool) -> float:
        """One staff decision (confirmed: True, rejected: False); returns the new score."""
        self._ensure(code)
        terms = self.lexicon.matches(stems, words).get(code, {})
        feats = hashed_features(stems)
        self.updates[code] += 1
        g = _sigmoid(self._logit(code, terms, feats)) - (1.0 if label else 0.0)
        lr = self.learning_rate
        acc = self.accumulated[code]
        # AdaGrad: each parameter's step shrinks with the squared gradients it has seen, so
        # early decisions teach quickly and later ones refine; L2 pulls toward the prior
        grad = g + self.l2 * (self.bias[code] - self.PRIOR_BIAS)
        acc[self.BIAS_KEY] = acc.get(self.BIAS_KEY, 0.0) + grad * grad
        self.bias[code] -= self.BIAS_RATE * grad / math.sqrt(1.0 + acc[self.BIAS_KEY])
        coef = self.term_coef[code]
        for term, weight in terms.items():
            a = coef.get(term, self.PRIOR_LEX)
            grad = g * weight + self.l2 * (a - self.PRIOR_LEX)
            acc[term] = acc.get(term, 0.0) + grad * grad
            coef[term] = a - lr * grad / math.sqrt(1.0 + acc[term])
        if len(feats):
            grad_f = np.float32(g / math.sqrt(len(feats)))
            w, acc_f = self.weights[code], self.feature_acc[code]
            acc_f[feats] += grad_f * grad_f
            w[feats] -= (np.float32(self.FEATURE_RATE) * grad_f
                         / np.sqrt(np.float32(1.0) + acc_f[feats]))
        return _sigmoid(self._logit(code, terms, feats))

    def to_arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        meta = {"codes": list(self.bias), "bias": self.bias, "term_coef": self.term_coef,
                "updates": self.updates, "accumulated": self.accumulated,
                "learning_rate": self.learning_rate, "l2": self.l2}
        arrays = {}
        for i, code in enumerate(self.bias):
            nz = np.flatnonzero(self.feature_acc[code])
            arrays[f"tag_{i}_index"] = nz
            arrays[f"tag_{i}_value"] = self.weights[code][nz]
            arrays[f"tag_{i}_acc"] = self.feature_acc[code][nz]
        return meta, arrays

    @classmethod
    def from_arrays(cls, meta: dict, arrays: Mapping[str, np.ndarray],
                    themes: Iterable[Theme] = ()) -> TagModel:
        model = cls(lexicon=Lexicon.build(themes), learning_rate=float(meta["learning_rate"]),
                    l2=float(meta["l2"]))
        for i, code in enumerate(meta["codes"]):
            model.bias[code] = float(meta["bias"][code])
            model.term_coef[code] = {t: float(v) for t, v in meta["term_coef"][code].items()}
            model.updates[code] = int(meta["updates"][code])
            model.accumulated[code] = {t: float(v)
                                       for t, v in meta["accumulated"][code].items()}
            index = np.asarray(arrays[f"tag_{i}_index"], dtype=np.int64)
            w = np.zeros(1 << FEATURE_BITS, dtype=np.float32)
            w[index] = arrays[f"tag_{i}_value"]
            acc = np.zeros(1 << FEATURE_BITS, dtype=np.float32)
            acc[index] = arrays[f"tag_{i}_acc"]
            model.weights[code], model.feature_acc[code] = w, acc
        return model


def review_order(suggestions: Iterable[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """Suggestions ``(response id, code, score)`` with the least certain first (score nearest
    0.5); ties in input order — what a reviewer's decision teaches the model most."""
    items = list(suggestions)
    return [items[i] for i in sorted(range(len(items)), key=lambda i: abs(items[i][2] - 0.5))]


@dataclass(frozen=True)
class CodeEvaluation:
    code: str
    support: int
    predicted: int
    true_positives: int
    precision: float
    recall: float
    brier: float


def evaluate(scores: Sequence[Mapping[str, float]], labels: Sequence[Iterable[str]],
             codes: Iterable[str] | None = None) -> dict[str, CodeEvaluation]:
    """Precision, recall (suggested = score ≥ 0.5) and Brier score per code, plus ``"micro"``.

    ``scores[i]`` are the scores of item ``i``; ``labels[i]`` the codes staff gave it.
    """
    label_sets = [set(x) for x in labels]
    codes = list(codes) if codes is not None else sorted({c for s in scores for c in s})
    out: dict[str, CodeEvaluation] = {}
    tot = [0, 0, 0, 0.0, 0]
    for code in codes:
        support = predicted = tp = 0
        brier = 0.0
        for s, gold in zip(scores, label_sets, strict=True):
            p = s.get(code, 0.0)
            y = code in gold
            support += y
            predicted += p >= 0.5
            tp += y and p >= 0.5
            brier += (p - y) ** 2
        n = max(1, len(scores))
        out[code] = CodeEvaluation(code, support, predicted, tp,
                                   tp / predicted if predicted else 1.0,
                                   tp / support if support else 1.0, brier / n)
        tot[0] += support
        tot[1] += predicted
        tot[2] += tp
        tot[3] += brier
        tot[4] += n
    out["micro"] = CodeEvaluation("micro", tot[0], tot[1], tot[2],
                                  tot[2] / tot[1] if tot[1] else 1.0,
                                  tot[2] / tot[0] if tot[0] else 1.0,
                                  tot[3] / max(1, tot[4]))
    return out
