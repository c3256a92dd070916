"""OGP's rules for an action plan, on the contract's JSON dict (action-plan.schema.json).

Pure Python, no Django and no database: `samskab plan validate FILE.json` runs it on a file,
and the editors' pages run it on a plan exported to the same dict (`plans.exports`). Each
finding is one line of the contract: ``LEVEL<TAB>CODE<TAB>WHERE<TAB>message``.

Era-aware where OGP changed its rules; the era is the year the plan starts:
- the new-initiative rule (`PLAN-NOTHING-NEW`) is the first round's (plans starting up to and
  including 2013, Denmark's 2012 plan among them);
- technology & innovation: until 2020 a value of its own, so a commitment relevant only to it
  gets the `COMMITMENT-TECH-ONLY` warning; from 2021 it counts only together with another
  value, so the same commitment is relevant to none (`COMMITMENT-NO-VALUE`, an error).
Plans without a start date are judged by the strictest reading (both rules apply).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from gettext import NullTranslations

from samskab.analysis.text import content_stems, detect_language, normalise
from samskab.plans.verifiable import judge_milestone

ERROR = "ERROR"
WARNING = "WARNING"

CODES = {
    "PLAN-PERIOD": ERROR,
    "PLAN-EMPTY": ERROR,
    "PLAN-NOTHING-NEW": ERROR,
    "COMMITMENT-NO-CHALLENGE": ERROR,
    "COMMITMENT-NO-VALUE": ERROR,
    "COMMITMENT-TECH-ONLY": WARNING,
    "COMMITMENT-NO-LEAD": ERROR,
    "COMMITMENT-NO-MILESTONES": ERROR,
    "MILESTONE-DATES": ERROR,
    "MILESTONE-NOT-VERIFIABLE": WARNING,
    "COMMITMENT-NO-SOURCE": WARNING,
    "COMMITMENT-NOT-NEW": WARNING,
}
CORE_VALUES = ("access_to_information", "civic_participation", "public_accountability")
TECH = "technology_innovation"
NEW_INITIATIVE_RULE_LAST_YEAR = 2013
TECH_NEEDS_COMPANION_FROM = 2021
# Cosine of TF-IDF stem vectors at or above which a "new" commitment repeats an initiative.
# Measured on the demo (plans/demo.py against its eight strategy initiatives): the commitment
# that restates "Gode grunddata til alle" in other words scores 0.62, a commitment that
# continues the telemedicine initiative and adds to it 0.24, and the seven other commitments
# at most 0.18 against any initiative. "Nearly the same" is meant: the threshold sits well
# above partial overlap.
SIMILARITY_THRESHOLD = 0.4


@dataclass(frozen=True)
class Finding:
    level: str
    code: str
    where: str
    message: str

    def line(self) -> str:
        return "\t".join((self.level, self.code, self.where, self.message.replace("\t", " ")))


@dataclass(frozen=True)
class Initiative:
    """An initiative of an existing strategy, as the rules see it."""

    label: str  # "strategy-slug:identifier"
    title: str
    text: str = ""


def _parse_date(value) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _period(obj: dict) -> tuple[date | None, date | None]:
    period = obj.get("period") or {}
    return _parse_date(period.get("start")), _parse_date(period.get("end"))


def _valid(start: date | None, end: date | None) -> tuple[date | None, date | None]:
    """A period to measure milestones against: none when it is itself wrong (reported once,
    as PLAN-PERIOD, not again for every milestone)."""
    return (start, end) if not (start and end and end <= start) else (None, None)


def _commitment_text(c: dict) -> str:
    return " ".join(str(c.get(k) or "") for k in ("title", "description"))


def stems(text: str) -> list[str]:
    language = detect_language(text) if text.strip() else "da"
    return content_stems(normalise(text), "en" if language == "en" else "da")


def tfidf_vectors(docs: Sequence[list[str]]) -> list[dict[str, float]]:
    df = Counter(t for d in docs for t in set(d))
    n = len(docs)
    out = []
    for d in docs:
        tf = Counter(d)
        vec = {t: (1 + math.log(c)) * math.log(1 + n / df[t]) for t, c in tf.items()}
        norm = math.sqrt(math.fsum(v * v for v in vec.values())) or 1.0
        out.append({t: v / norm for t, v in vec.items()})
    return out


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    common = a.keys() & b.keys()
    return math.fsum(a[t] * b[t] for t in common) if common else 0.0


def similar_initiatives(texts: Sequence[str], initiatives: Sequence[Initiative],
                        ) -> list[tuple[Initiative, float] | None]:
    """For each text, the most similar initiative and its score (or None under the
    threshold). IDF is taken over the texts and initiatives together, so words every
    document shares ("offentlig", "digital") weigh little."""
    if not initiatives or not texts:
        return [None] * len(texts)
    docs = [stems(t) for t in texts] + [stems(f"{i.title} {i.text}") for i in initiatives]
    vecs = tfidf_vectors(docs)
    own, theirs = vecs[:len(texts)], vecs[len(texts):]
    out: list[tuple[Initiative, float] | None] = []
    for v in own:
        best, score = None, 0.0
        for initiative, w in zip(initiatives, theirs, strict=True):
            s = cosine(v, w)
            if s > score:
                best, score = initiative, s
        out.append((best, score) if best is not None and score >= SIMILARITY_THRESHOLD
                   else None)
    return out


def check_plan(plan: dict, *, initiatives: Iterable[Initiative] = (),
               translations=None) -> list[Finding]:
    """Every finding for `plan` (a dict in the contract's format), in document order.

    `translations` is any object with ``gettext`` (Django's translation module in the web, a
    NullTranslations in the CLI): messages are written in Danish and translated by it."""
    _ = (translations or NullTranslations()).gettext
    findings: list[Finding] = []

    def add(code: str, where: str, message: str) -> None:
        findings.append(Finding(CODES[code], code, where, message))

    start, end = _period(plan)
    year = start.year if start else None
    if start is None or end is None:
        add("PLAN-PERIOD", "period", _("Planens periode mangler en start- eller slutdato."))
    elif end <= start:
        add("PLAN-PERIOD", "period", _("Planens periode slutter ikke efter den starter."))

    commitments = [c for c in plan.get("commitments") or [] if isinstance(c, dict)]
    if not commitments:
        add("PLAN-EMPTY", "commitments", _("Planen har ingen forpligtelser."))
    elif (year is None or year <= NEW_INITIATIVE_RULE_LAST_YEAR) and not any(
            c.get("new_initiative") is True for c in commitments):
        add("PLAN-NOTHING-NEW", "commitments",
            _("Ingen forpligtelse er et nyt initiativ; planen skal indeholde nye initiativer, "
              "ikke kun dem, der allerede står i eksisterende strategier."))

    initiatives = list(initiatives)
    new_ones = [i for i, c in enumerate(commitments) if c.get("new_initiative") is True]
    matches = dict(zip(new_ones, similar_initiatives(
        [_commitment_text(commitments[i]) for i in new_ones], initiatives), strict=True))
    uses_challenges = plan.get("uses_grand_challenges", True) is not False
    tech_alone_counts = year is not None and year < TECH_NEEDS_COMPANION_FROM

    for i, c in enumerate(commitments):
        where = f"commitments[{i}]"
        if uses_challenges and not c.get("grand_challenges"):
            add("COMMITMENT-NO-CHALLENGE", where,
                _("Forpligtelsen adresserer ingen af OGP's hovedudfordringer."))
        values = set(c.get("ogp_values") or [])
        if not values & set(CORE_VALUES):
            if values == {TECH} and tech_alone_counts:
                add("COMMITMENT-TECH-ONLY", where,
                    _("Teknologi og innovation er forpligtelsens eneste OGP-værdi; knyt den til "
                      "åbenhed, borgerinddragelse eller ansvarlighed."))
            elif values == {TECH}:
                add("COMMITMENT-NO-VALUE", where,
                    _("Fra 2021 tæller teknologi og innovation kun sammen med åbenhed, "
                      "borgerinddragelse eller ansvarlighed; forpligtelsen er relevant for "
                      "ingen af dem."))
            else:
                add("COMMITMENT-NO-VALUE", where,
                    _("Forpligtelsen er ikke relevant for adgang til information, "
                      "borgerinddragelse eller offentlig ansvarlighed."))
        if not str(c.get("lead_agency") or "").strip():
            add("COMMITMENT-NO-LEAD", where, _("Forpligtelsen har ingen ansvarlig myndighed."))
        milestones = [m for m in c.get("milestones") or [] if isinstance(m, dict)]
        if not milestones:
            add("COMMITMENT-NO-MILESTONES", where, _("Forpligtelsen har ingen milepæle."))
        c_start, c_end = _valid(*_period(c))
        for k, m in enumerate(milestones):
            m_where = f"{where}.milestones[{k}]"
            m_start, m_end = _parse_date(m.get("start")), _parse_date(m.get("end"))
            if m_start and m_end and m_end < m_start:
                add("MILESTONE-DATES", m_where, _("Milepælen slutter, før den starter."))
            else:
                outside = []
                for lo, hi, label in ((c_start, c_end, _("forpligtelsens")),
                                      (*_valid(start, end), _("planens"))):
                    if (lo and m_start and m_start < lo) or (hi and m_end and m_end > hi) \
                            or (lo and m_end and m_end < lo) or (hi and m_start and m_start > hi):
                        outside.append(label)
                if outside:
                    add("MILESTONE-DATES", m_where,
                        _("Milepælen ligger uden for %(periods)s periode.")
                        % {"periods": _(" og ").join(outside)})
            judgement = judge_milestone(str(m.get("title") or ""), str(m.get("deliverable") or ""))
            if not judgement.verifiable:
                if judgement.reason == "vague":
                    message = _("Milepælen lover en indsats (»%(phrase)s«), ikke en leverance, "
                                "der kan efterprøves: skriv hvad der offentliggøres, vedtages, "
                                "lanceres eller nås, og hvornår.") % {"phrase": judgement.vague}
                else:
                    message = _("Milepælen nævner ingen leverance, der kan efterprøves (et "
                                "datasæt, en lov, en portal, en rapport, et tal).")
                add("MILESTONE-NOT-VERIFIABLE", m_where, message)
        if not c.get("sources"):
            add("COMMITMENT-NO-SOURCE", where,
                _("Forpligtelsen er ikke sporet til noget input fra høringen."))
        match = matches.get(i)
        if match is not None:
            initiative, score = match
            add("COMMITMENT-NOT-NEW", where,
                _("Markeret som nyt initiativ, men ligner »%(title)s« (%(label)s) i en "
                  "eksisterende strategi (lighed %(score).2f).")
                % {"title": initiative.title, "label": initiative.label, "score": score})
    return findings


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.level == ERROR for f in findings)
