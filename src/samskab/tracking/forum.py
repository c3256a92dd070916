"""Did the multi-stakeholder forum meet as often as OGP asks? (pure Python)

OGP's 2022 co-creation standards ask for a forum that meets at least every six months, and for
at least two meetings a year with civil society during implementation. `forum_cadence` checks
both over a plan's period up to today: every gap between meetings (from the plan's start, and
up to today or the plan's end) of more than six months is a finding, and so is every complete
year of implementation with fewer than two meetings where civil society took part. The year
under way is reported as it stands ("1 of 2 so far") without being a finding yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

MAX_GAP = timedelta(days=183)
MEETINGS_A_YEAR = 2


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@dataclass(frozen=True)
class Gap:
    start: date
    end: date
    days: int


@dataclass(frozen=True)
class YearCount:
    start: date
    end: date
    with_civil_society: int
    complete: bool

    @property
    def met(self) -> bool:
        return self.with_civil_society >= MEETINGS_A_YEAR


@dataclass
class Cadence:
    gaps: list[Gap] = field(default_factory=list)
    years: list[YearCount] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.gaps and all(y.met for y in self.years if y.complete)


def forum_cadence(meetings: Iterable[tuple[date, bool]], *, start: date, end: date,
                  today: date) -> Cadence:
    """`meetings`: (date, civil society took part). Only meetings from `start` on count."""
    until = min(end, today)
    held = sorted(m for m in meetings if start <= m[0] <= until)
    cadence = Cadence()
    previous = start
    for day, _ in held:
        if day - previous > MAX_GAP:
            cadence.gaps.append(Gap(previous, day, (day - previous).days))
        previous = day
    if until - previous > MAX_GAP:
        cadence.gaps.append(Gap(previous, until, (until - previous).days))
    year_start = start
    while year_start <= until:
        year_end = min(_add_year(year_start) - timedelta(days=1), end)
        count = sum(1 for day, civil in held if civil and year_start <= day <= year_end)
        cadence.years.append(YearCount(year_start, year_end, count, complete=year_end <= until
                                       and year_end - year_start >= timedelta(days=300)))
        year_start = year_end + timedelta(days=1)
    return cadence
