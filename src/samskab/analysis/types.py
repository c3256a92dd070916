"""The plain records the engine takes and the plain results it gives (no Django, no ORM)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Literal

import msgspec

STAGES = ("groups", "proposals", "ideas", "tags")
RESPONDENT_KINDS = ("citizen", "business", "ngo", "authority_state", "authority_region",
                    "authority_municipality", "research", "other")


RecordId = Annotated[str, msgspec.Meta(pattern=r"\S")]  # not empty, not only blanks
Kind = Literal[RESPONDENT_KINDS]


class Record(msgspec.Struct, frozen=True):
    """One response as the engine sees it. ``language`` (``"da"``, ``"en"``, ...) is detected
    when not given; ``respondent_kind`` and ``organisation`` are carried, not interpreted.

    A msgspec struct, so that an input file's lines decode straight into records: the types
    below are checked when a line is decoded (not when a record is made in code), and
    unknown fields of a line are ignored."""

    id: RecordId
    text: str
    language: str | None = None
    respondent_kind: Kind | None = None
    organisation: str | None = None


class RecordHead(msgspec.Struct, frozen=True):
    """A :class:`Record` without its text (a line decoded as one ignores ``text``): for a
    batch whose texts are handed to ``Analyser.fit`` apart, as a sequence that need not hold
    them all in memory."""

    id: RecordId
    language: str | None = None
    respondent_kind: Kind | None = None
    organisation: str | None = None


@dataclass(frozen=True, slots=True)  # slots: no __dict__, millions of these in a large run
class TagScore:
    """A tag code (``GC1``…``GC5``, an OGP value, ``theme:<slug>``) and its calibrated score:
    0.5 or more means the engine suggests the tag."""

    code: str
    score: float

    @property
    def suggested(self) -> bool:
        return self.score >= 0.5


@dataclass(slots=True)
class Proposal:
    """One proposal inside one response: ``text == response.text[start:end]``."""

    id: str
    response_id: str
    start: int
    end: int
    text: str
    idea: str | None = None


@dataclass(frozen=True, slots=True)
class SetAside:
    """A segment of a response set aside as not a proposal: ``text == response.text[start:
    end]``; ``reason`` is ``greeting``, ``signoff`` (with the name under it), ``courtesy`` (a
    polite preamble or closing), ``about_respondent`` (who the sender is) or ``recurring``
    (boilerplate learnt from the consultation: a sentence or near-copy recurring across
    otherwise unrelated responses with no proposal cue). Staff may move one back."""

    start: int
    end: int
    text: str
    reason: str


@dataclass
class Group:
    """Near-duplicate responses (a form-letter campaign or copies), every copy kept.

    ``template`` is the shared text (the canonical member's text without its own additions);
    ``additions`` maps a member id to what that person added to the template (members who
    added nothing are left out).
    """

    id: str
    members: list[str]
    canonical: str
    template: str
    additions: dict[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Idea:
    """Like proposals from (possibly) many responses."""

    id: str
    label: str
    keywords: list[str]
    members: list[str]
    representative: str

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(slots=True)  # no __dict__: a million of them in a large run
class ResponseAnalysis:
    """What the engine says about one response."""

    id: str
    language: str | None
    group: str | None = None
    proposals: list[Proposal] = field(default_factory=list)
    tags: list[TagScore] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)

    def suggested_tags(self) -> list[str]:
        return [t.code for t in self.tags if t.suggested]


@dataclass
class AnalysisResult:
    """Everything one run produced; ``summary`` holds counts and seconds per stage.

    A fit gives ``responses`` and ``ideas`` as sequences that make each item when it is read
    (:mod:`samskab.analysis.results`): equal to the lists they stand for, but an item read
    twice is two equal objects, and changing one changes nothing kept."""

    responses: Sequence[ResponseAnalysis]
    groups: list[Group]
    ideas: Sequence[Idea]
    summary: dict

    def response(self, response_id: str) -> ResponseAnalysis:
        for r in self.responses:
            if r.id == response_id:
                return r
        raise KeyError(response_id)

    def group_of(self, response_id: str) -> Group | None:
        gid = self.response(response_id).group
        return next((g for g in self.groups if g.id == gid), None) if gid else None
