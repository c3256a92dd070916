"""IRM-style assessment of a commitment: each era's scales and the starred rule (pure Python).

OGP's Independent Reporting Mechanism changed its framework twice, and an assessment keeps the
framework it was made in (`shared/ogp-reference.md`):

- ``pre2017`` and ``2017-2020``: specificity (none · low · medium · high), relevance to the
  OGP values, potential impact (none · minor · moderate · transformative), completion, and at
  the end of term "did it open government". **Starred** when specificity is medium or high,
  the commitment is relevant to at least one of access to information, civic participation and
  public accountability, potential impact is moderate or transformative and completion is
  substantial or complete. For plans starting in 2015 or later the potential impact must be
  transformative.
- ``2021+``: verifiable (yes/no; a commitment that is not verifiable is not assessed further),
  the open-government lens, potential for results (unclear · modest · substantial), completion
  and early results. **No stars**: a commitment is *promising* when it is verifiable, passes
  the lens and its potential for results is substantial.

`starred` is always computed here from the other codings, never taken from input. The
verdict carries every condition with whether it was met, and a reason in Danish and English
("specificity medium or high, relevant, potential impact transformative, completion
substantial or complete"). This module imports no Django: the importer of OGP's data, the plan
file import and the models all call it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

PRE2017 = "pre2017"
Y2017_2020 = "2017-2020"
Y2021 = "2021+"
FRAMEWORKS = (PRE2017, Y2017_2020, Y2021)

SPECIFICITY = ("none", "low", "medium", "high")
POTENTIAL_IMPACT = ("none", "minor", "moderate", "transformative")
POTENTIAL_FOR_RESULTS = ("unclear", "modest", "substantial")
COMPLETION = ("not_started", "limited", "substantial", "complete", "withdrawn", "no_evidence")
DID_IT_OPEN_GOVERNMENT = ("worsened", "did_not_change", "marginal", "major", "outstanding")
EARLY_RESULTS = ("no_notable", "moderate", "significant", "outstanding")
CORE_VALUES = ("access_to_information", "civic_participation", "public_accountability")
VALUES = (*CORE_VALUES, "technology_innovation")

# The codings each era uses; anything else in an assessment of that era is an error.
SCALES: dict[str, dict[str, tuple[str, ...] | type]] = {
    PRE2017: {"specificity": SPECIFICITY, "relevant_values": VALUES,
              "potential_impact": POTENTIAL_IMPACT, "completion": COMPLETION,
              "did_it_open_government": DID_IT_OPEN_GOVERNMENT},
    Y2017_2020: {"specificity": SPECIFICITY, "relevant_values": VALUES,
                 "potential_impact": POTENTIAL_IMPACT, "completion": COMPLETION,
                 "did_it_open_government": DID_IT_OPEN_GOVERNMENT},
    Y2021: {"verifiable": bool, "relevant_values": VALUES,
            "potential_for_results": POTENTIAL_FOR_RESULTS, "completion": COMPLETION,
            "early_results": EARLY_RESULTS},
}
# Year from which the starred rule asks for transformative potential impact.
TRANSFORMATIVE_FROM = 2015


def framework_for(plan_start: date | int) -> str:
    """The IRM framework that assesses a plan starting at `plan_start` (a date or a year)."""
    year = plan_start if isinstance(plan_start, int) else plan_start.year
    if year < 2017:
        return PRE2017
    if year < 2021:
        return Y2017_2020
    return Y2021


class AssessmentInvalid(ValueError):
    """A coding outside its era's scale: `field` names it, `message` says why (English)."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


def clean(framework: str, codings: Mapping[str, Any]) -> dict[str, Any]:
    """The codings checked against `framework`'s scales: unknown framework, a field of another
    era or a value off the scale raise AssessmentInvalid; None and "" mean not coded.
    A `starred` key is ignored (it is derived)."""
    if framework not in SCALES:
        raise AssessmentInvalid("framework", f"unknown framework {framework!r}; one of "
                                             f"{', '.join(FRAMEWORKS)}")
    scales = SCALES[framework]
    out: dict[str, Any] = {}
    for key, value in codings.items():
        if key in ("starred", "framework") or value is None or value == "" or value == []:
            continue
        if key not in scales:
            raise AssessmentInvalid(key, f"not part of the {framework} framework")
        scale = scales[key]
        if scale is bool:
            if not isinstance(value, bool):
                raise AssessmentInvalid(key, "must be true or false")
            out[key] = value
        elif key == "relevant_values":
            values = [value] if isinstance(value, str) else list(value)
            wrong = [v for v in values if v not in scale]
            if wrong:
                raise AssessmentInvalid(key, f"unknown value {wrong[0]!r}")
            out[key] = sorted(set(values), key=scale.index)
        else:
            if value not in scale:
                raise AssessmentInvalid(key, f"{value!r} is not one of {', '.join(scale)}")
            out[key] = value
    return out


@dataclass(frozen=True)
class Condition:
    code: str
    met: bool
    en: str
    da: str


@dataclass(frozen=True)
class Verdict:
    """What the era's rule says. `starred` is None in the 2021+ framework (no stars there),
    `promising` None before it."""

    framework: str
    starred: bool | None
    promising: bool | None
    conditions: tuple[Condition, ...] = field(default_factory=tuple)

    @property
    def rule_met(self) -> bool:
        return bool(self.starred or self.promising)

    @property
    def reason_en(self) -> str:
        return self.reason("en")

    @property
    def reason_da(self) -> str:
        return self.reason("da")

    def reason(self, language: str = "en") -> str:
        """The conditions met, or (when the rule is not met) the ones that are not."""
        da = language == "da"
        if self.rule_met:
            parts = [c.da if da else c.en for c in self.conditions]
            return ", ".join(parts)
        unmet = [c.da if da else c.en for c in self.conditions if not c.met]
        if self.starred is False:
            prefix = "ikke stjernemarkeret, mangler: " if da else "not starred, missing: "
        else:
            prefix = "ikke lovende, mangler: " if da else "not promising, missing: "
        return prefix + ", ".join(unmet)


def _relevant(values: Iterable[str]) -> bool:
    # Technology & innovation counts only together with one of the three core values.
    return any(v in CORE_VALUES for v in values)


def verdict(framework: str, codings: Mapping[str, Any], *,
            plan_start: date | int | None = None) -> Verdict:
    """The era's rule applied to `codings` (cleaned first; AssessmentInvalid on bad input).

    `plan_start` (date or year) chooses between the original starred rule and the one from
    2015 that asks for transformative impact; without it the original rule applies to
    ``pre2017`` and the 2015 rule to ``2017-2020``."""
    c = clean(framework, codings)
    relevant = _relevant(c.get("relevant_values", ()))
    completion = c.get("completion")
    completion_ok = completion in ("substantial", "complete")
    if framework == Y2021:
        conditions = (
            Condition("verifiable", c.get("verifiable") is True, "verifiable", "verificerbar"),
            Condition("relevant", relevant, "open government lens",
                      "åben forvaltning-linse opfyldt"),
            Condition("potential_for_results", c.get("potential_for_results") == "substantial",
                      "potential for results substantial", "potentiale for resultater betydeligt"),
        )
        return Verdict(framework, None, all(x.met for x in conditions), conditions)
    if plan_start is None:
        year = 2012 if framework == PRE2017 else 2017
    else:
        year = plan_start if isinstance(plan_start, int) else plan_start.year
    impact = c.get("potential_impact")
    if year >= TRANSFORMATIVE_FROM:
        impact_cond = Condition("potential_impact", impact == "transformative",
                                "potential impact transformative",
                                "potentiel virkning transformativ")
    else:
        impact_cond = Condition("potential_impact", impact in ("moderate", "transformative"),
                                "potential impact moderate or transformative",
                                "potentiel virkning moderat eller transformativ")
    conditions = (
        Condition("specificity", c.get("specificity") in ("medium", "high"),
                  "specificity medium or high", "specificitet middel eller høj"),
        Condition("relevant", relevant, "relevant", "relevant"),
        impact_cond,
        Condition("completion", completion_ok, "completion substantial or complete",
                  "gennemførelse betydelig eller fuldført"),
    )
    return Verdict(framework, all(x.met for x in conditions), None, conditions)
