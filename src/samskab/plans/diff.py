"""A readable difference between two versions of a plan (two dicts in the contract's format).

Commitments are matched by their number (`id`), milestones by theirs (or their position when
they have none); text fields are compared word by word, so an editor sees which words changed
in a paragraph rather than two whole paragraphs. No Django.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any

PLAN_FIELDS = ("title", "country", "language", "period", "status", "uses_grand_challenges",
               "consultation", "translations")
COMMITMENT_FIELDS = ("title", "problem", "description", "how_it_helps", "relevance",
                     "ambition", "grand_challenges", "ogp_values", "themes", "lead_agency",
                     "contact", "other_actors", "new_initiative", "existing_strategy", "period",
                     "budget", "sources", "translations")
MILESTONE_FIELDS = ("title", "deliverable", "start", "end", "new", "status", "translations")
_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class FieldChange:
    name: str
    old: str
    new: str
    segments: list[tuple[str, str]] = field(default_factory=list)  # ("same"|"del"|"ins", text)


@dataclass
class Change:
    kind: str  # "added", "removed", "changed"
    where: str  # "plan", "DK0001", "DK0001 · DK0001.2"
    title: str
    fields: list[FieldChange] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("del", "".join(a[i1:i2])))
            if j2 > j1:
                out.append(("ins", "".join(b[j1:j2])))
    return out


def _fields(old: dict, new: dict, names) -> list[FieldChange]:
    changes = []
    for name in names:
        a, b = _text(old.get(name)), _text(new.get(name))
        if a != b:
            changes.append(FieldChange(name, a, b, word_diff(a, b)))
    return changes


def _keyed(items: list[dict], key: str = "id") -> dict[str, dict]:
    return {str(item.get(key) or f"#{n}"): item for n, item in enumerate(items, 1)}


def plan_diff(old: dict, new: dict) -> list[Change]:
    """What changed from `old` to `new`, plan first, then commitments in the new order."""
    changes: list[Change] = []
    plan_fields = _fields(old, new, PLAN_FIELDS)
    if plan_fields:
        changes.append(Change("changed", "plan", new.get("title", ""), plan_fields))
    before = _keyed(old.get("commitments") or [])
    after = _keyed(new.get("commitments") or [])
    for cid, c in after.items():
        if cid not in before:
            changes.append(Change("added", cid, c.get("title", ""),
                                  _fields({}, c, COMMITMENT_FIELDS)))
            continue
        o = before[cid]
        fields = _fields(o, c, COMMITMENT_FIELDS)
        if fields:
            changes.append(Change("changed", cid, c.get("title", ""), fields))
        m_before = _keyed(o.get("milestones") or [])
        m_after = _keyed(c.get("milestones") or [])
        for mid, m in m_after.items():
            where = f"{cid} · {mid}"
            if mid not in m_before:
                changes.append(Change("added", where, m.get("title", ""),
                                      _fields({}, m, MILESTONE_FIELDS)))
            else:
                fields = _fields(m_before[mid], m, MILESTONE_FIELDS)
                if fields:
                    changes.append(Change("changed", where, m.get("title", ""), fields))
        for mid, m in m_before.items():
            if mid not in m_after:
                changes.append(Change("removed", f"{cid} · {mid}", m.get("title", "")))
    for cid, c in before.items():
        if cid not in after:
            changes.append(Change("removed", cid, c.get("title", "")))
    return changes
