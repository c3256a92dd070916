"""Reading OGP's public commitment data (CSV in OGP's column layout; pure Python).

OGP publishes every country's commitments with the IRM's codings as one spreadsheet: commitment
id, country, action plan, title, full text, start and end date, lead institution, one column per
OGP value (a mark when relevant), and the IRM codings: specificity, potential impact, completion
(mid-term and end of term), did it open government, starred; in the 2021+ reports verifiable,
potential for results and early results. Cells that say nothing use placeholders (``ND`` no
data, ``NR`` not reviewed, ``NA``/``N/A`` not applicable) and dates are free text ("June 2012",
"Q3 2013", "mid-2014", "01/06/2012").

`read_ogp_csv` turns such a file into `ForeignRecord`s. It never stops at a bad row: a row it
cannot use (no id, no title, no country, a duplicate id, a broken line) is reported with its
line number and reason and skipped; a cell it cannot read (a date, a coding off the scale) is
reported as a warning and left empty, and the row is kept. Starred is recomputed with
:mod:`samskab.tracking.irm`; OGP's own mark is kept beside it as `starred_reported`.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from samskab.tracking import irm

PLACEHOLDERS = {"", "nd", "nr", "na", "n/a", "n.a.", "-", "--", "—", "none given",
                "not specified", "unspecified", "ongoing", "tbd", "tba", "?"}

# Our field ← the header names OGP has used for it (compared case- and space-insensitively).
COLUMNS: dict[str, tuple[str, ...]] = {
    "commitment_id": ("commitment id", "unique identifier", "id", "commitment unique id"),
    "country": ("country", "country name"),
    "action_plan": ("action plan", "action plan name", "national action plan"),
    "number": ("commitment number", "commitment no.", "num"),
    "title": ("commitment title", "title", "commitment short title"),
    "text": ("full text", "commitment text", "full commitment text", "description"),
    "start": ("start date", "start"),
    "end": ("end date", "end"),
    "lead_institution": ("lead institution", "lead institutions", "lead agency",
                         "lead implementing agency"),
    "access_to_information": ("access to information", "access to info", "ati"),
    "civic_participation": ("civic participation", "cp"),
    "public_accountability": ("public accountability", "pa"),
    "technology_innovation": ("technology & innovation for transparency & accountability",
                              "technology and innovation for transparency and accountability",
                              "technology & innovation", "technology and innovation", "tech"),
    "specificity": ("specificity",),
    "potential_impact": ("potential impact",),
    "completion_midterm": ("completion (mid-term)", "completion mid-term", "midterm completion",
                           "mid-term completion"),
    "completion": ("completion (end of term)", "completion end of term", "completion",
                   "end of term completion"),
    "did_it_open_government": ("did it open government?", "did it open government",
                               "diog"),
    "starred": ("starred", "starred commitment", "star"),
    "verifiable": ("verifiable",),
    "potential_for_results": ("potential for results",),
    "early_results": ("early results",),
}
REQUIRED = ("commitment_id", "country", "title")

_YES = {"yes", "y", "x", "✔", "✓", "1", "true", "ja", "relevant"}
_NO = {"no", "n", "0", "false", "nej", "not relevant"}

_MONTHS = {
    "jan": 1, "january": 1, "januar": 1, "feb": 2, "february": 2, "februar": 2, "mar": 3,
    "march": 3, "marts": 3, "apr": 4, "april": 4, "may": 5, "maj": 5, "jun": 6, "june": 6,
    "juni": 6, "jul": 7, "july": 7, "juli": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "okt": 10, "oktober": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}
# Words OGP's coders use for the same coding, mapped to our scale's codes.
_CODING_WORDS: dict[str, dict[str, str]] = {
    "completion": {"not started": "not_started", "limited": "limited",
                   "substantial": "substantial", "complete": "complete",
                   "completed": "complete", "withdrawn": "withdrawn",
                   "no evidence": "no_evidence", "no evidence available": "no_evidence"},
    "did_it_open_government": {"worsened": "worsened", "did not change": "did_not_change",
                               "did not change (no)": "did_not_change", "marginal": "marginal",
                               "major": "major", "outstanding": "outstanding"},
    "early_results": {"no notable results": "no_notable", "no notable": "no_notable",
                      "moderate": "moderate", "moderate results": "moderate",
                      "significant": "significant", "significant results": "significant",
                      "outstanding": "outstanding", "outstanding results": "outstanding"},
}


@dataclass
class RowProblem:
    line: int
    commitment_id: str
    reason: str
    skipped: bool

    def __str__(self) -> str:
        what = "skipped" if self.skipped else "warning"
        ref = f" {self.commitment_id}" if self.commitment_id else ""
        return f"line {self.line}{ref}: {what}: {self.reason}"


@dataclass
class ForeignRecord:
    line: int
    commitment_id: str
    country: str
    title: str
    action_plan: str = ""
    number: str = ""
    text: str = ""
    start: date | None = None
    end: date | None = None
    start_text: str = ""
    end_text: str = ""
    lead_institution: str = ""
    values: list[str] = field(default_factory=list)
    framework: str = irm.PRE2017
    codings: dict[str, Any] = field(default_factory=dict)
    starred_reported: bool | None = None
    starred: bool | None = None
    promising: bool | None = None
    plan_year: int | None = None


def is_placeholder(text: str) -> bool:
    return text.strip().lower().rstrip(".") in PLACEHOLDERS or text.strip().lower() in PLACEHOLDERS


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_loose_date(text: str, *, end: bool = False) -> date | None:
    """A free-text date as OGP's files write them; None for placeholders ("ND", "Ongoing").

    A month or a year without a day means its first day for a start date and its last day
    when `end` is true ("June 2012" ends on 30 June 2012). Numeric day/month dates are read
    day first, unless the day-first reading is impossible. ValueError when unreadable."""
    raw = text.strip()
    if is_placeholder(raw):
        return None
    s = raw.lower().replace(",", " ").replace(".", " ").strip()
    s = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", s)
    s = re.sub(r"\s+", " ", s)

    def span(year: int, first: int, last: int) -> date:
        return _month_end(year, last) if end else date(year, first, 1)

    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:t.*)?", s):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})", s):
            return span(int(m[1]), int(m[2]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})", s):
            return span(int(m[1]), 1, 12)
        if m := re.fullmatch(r"(\d{1,2})[/\- ](\d{1,2})[/\- ](\d{2,4})", s):
            a, b, year = int(m[1]), int(m[2]), int(m[3])
            year = year + 2000 if year < 100 else year
            day, month = (a, b) if b <= 12 else (b, a)
            return date(year, month, day)
        if m := re.fullmatch(r"q([1-4])\s*(\d{4})|(\d{4})\s*q([1-4])", s):
            quarter = int(m[1] or m[4])
            year = int(m[2] or m[3])
            return span(year, 3 * quarter - 2, 3 * quarter)
        if m := re.fullmatch(r"(early|beginning of|start of|mid|middle of|late|end of)[\s-]*"
                             r"(\d{4})", s):
            year = int(m[2])
            first, last = {"early": (1, 3), "beginning of": (1, 3), "start of": (1, 3),
                           "mid": (6, 7), "middle of": (6, 7), "late": (10, 12),
                           "end of": (12, 12)}[m[1]]
            return span(year, first, last)
        if m := re.fullmatch(r"(?:(\d{1,2}) )?([a-zæøå]+)(?: (\d{1,2}))? (\d{4})", s):
            month = _MONTHS.get(m[2])
            if month is None:
                raise ValueError(raw)
            day = m[1] or m[3]
            year = int(m[4])
            if day:
                return date(year, month, int(day))
            return span(year, month, month)
    except ValueError:
        pass
    raise ValueError(f"unreadable date {raw!r}")


def _key(header: str) -> str:
    return re.sub(r"\s+", " ", header.replace("\ufeff", "").strip().lower())


def _header_map(headers: list[str]) -> dict[str, int]:
    wanted = {alias: ours for ours, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        ours = wanted.get(_key(header))
        if ours and ours not in found:
            found[ours] = index
    return found


def _flag(text: str) -> bool | None:
    t = text.strip().lower()
    if t in _YES:
        return True
    if t in _NO or is_placeholder(t):
        return False if t in _NO else None
    raise ValueError(text)


def _coding(name: str, text: str) -> str | None:
    t = re.sub(r"\s+", " ", text.strip().lower())
    if is_placeholder(t):
        return None
    words = _CODING_WORDS.get(name)
    if words is not None:
        if t in words:
            return words[t]
        raise ValueError(text)
    t = t.replace(" ", "_")
    if t == "none_given":
        return None
    return t


def _plan_year(record: ForeignRecord) -> int | None:
    if m := re.search(r"(19|20)\d{2}", record.action_plan):
        return int(m[0])
    return record.start.year if record.start else None


def read_ogp_csv(data: str | bytes) -> tuple[list[ForeignRecord], list[RowProblem]]:
    """Records and problems of one file (see the module docstring). Raises ValueError only when
    the file as a whole is unusable (no header, a required column missing)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            data = data.decode("cp1252")
    # The header decides the delimiter (csv.Sniffer misreads quoting in cells with quotes).
    header_line = data.split("\n", 1)[0]
    delimiter = max(",;\t", key=header_line.count)
    reader = csv.reader(io.StringIO(data), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise ValueError("the file is empty") from None
    columns = _header_map(headers)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ValueError("missing column(s): " + ", ".join(COLUMNS[c][0] for c in missing))
    records: list[ForeignRecord] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    ended = reader.line_num
    for row in reader:
        # The line the row starts on (a quoted cell may span several lines).
        line, ended = ended + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row: list[str] = row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        ident = cell("commitment_id")
        if len(row) > len(headers):
            problems.append(RowProblem(line, ident, f"{len(row)} cells, the header has "
                                                    f"{len(headers)}", True))
            continue
        empty = [name for name in REQUIRED if is_placeholder(cell(name))]
        if empty:
            problems.append(RowProblem(line, ident, "no " + ", ".join(
                COLUMNS[name][0] for name in empty), True))
            continue
        if ident in seen:
            problems.append(RowProblem(line, ident, f"duplicate commitment id (first on line "
                                                    f"{seen[ident]})", True))
            continue
        seen[ident] = line
        rec = ForeignRecord(line=line, commitment_id=ident, country=cell("country"),
                            title=cell("title"), action_plan=cell("action_plan"),
                            number=cell("number"), text=cell("text"),
                            lead_institution="" if is_placeholder(cell("lead_institution"))
                            else cell("lead_institution"))
        for name in ("start", "end"):
            raw = cell(name)
            setattr(rec, f"{name}_text", "" if is_placeholder(raw) else raw)
            try:
                setattr(rec, name, parse_loose_date(raw, end=name == "end"))
            except ValueError as error:
                problems.append(RowProblem(line, ident, f"{name} date: {error}", False))
        for value in irm.VALUES:
            try:
                if _flag(cell(value)):
                    rec.values.append(value)
            except ValueError:
                problems.append(RowProblem(line, ident, f"{value}: unreadable mark "
                                                        f"{cell(value)!r}", False))
        rec.plan_year = _plan_year(rec)
        uses_2021 = any(cell(n) and not is_placeholder(cell(n))
                        for n in ("verifiable", "potential_for_results", "early_results"))
        rec.framework = irm.Y2021 if uses_2021 else irm.framework_for(rec.plan_year or 2012)
        _read_codings(rec, cell, problems)
        try:
            rec.starred_reported = _flag(cell("starred"))
        except ValueError:
            problems.append(RowProblem(line, ident, f"starred: unreadable mark "
                                                    f"{cell('starred')!r}", False))
        verdict = irm.verdict(rec.framework, {**rec.codings, "relevant_values": rec.values},
                              plan_start=rec.plan_year)
        rec.starred, rec.promising = verdict.starred, verdict.promising
        records.append(rec)
    return records, problems


def _read_codings(rec: ForeignRecord, cell, problems: list[RowProblem]) -> None:
    names = [n for n in irm.SCALES[rec.framework] if n != "relevant_values"]
    completion_text = next((t for t in (cell("completion"), cell("completion_midterm"))
                            if not is_placeholder(t)), "")
    for name in names:
        raw = completion_text if name == "completion" else cell(name)
        try:
            if name == "verifiable":
                value: Any = _flag(raw)
            else:
                value = _coding(name, raw)
            if value is None:
                continue
            irm.clean(rec.framework, {name: value})
            rec.codings[name] = value
        except (ValueError, irm.AssessmentInvalid):
            problems.append(RowProblem(rec.line, rec.commitment_id,
                                       f"{name}: {raw!r} is not on the {rec.framework} scale",
                                       False))
