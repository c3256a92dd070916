"""The stored analysis of a consultation as files: the golden thread exported.

The same three files as ``samskab analyse --out DIR`` (docs/contracts), from the database, so
with staff decisions applied, and with fields added (never changed): responses are named by
reference, tags carry their ``state``, proposals their ``attachment``, groups the members split
out and what they were merged into, ideas their ``position``. Staff use: personal additions are
content and may hold personal data.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from samskab.consultations.models import Consultation, Response
from samskab.insights.models import (
    GroupMembership,
    Idea,
    MembershipState,
    Position,
    Proposal,
    ResponseGroup,
    TagSuggestion,
)


def _proposal_id(reference: str, position: int) -> str:
    return f"{reference}:p{position}"


def _position(p: Position | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"kind": p.kind, "justification_da": p.justification_da,
            "justification_en": p.justification_en, "commitment_ref": p.commitment_ref,
            "existing_strategy": p.existing_strategy,
            "decided_at": p.decided_at.isoformat() if p.decided_at else None}


def _group_id(pk: int) -> str:
    return f"g-{pk}"


def _idea_id(pk: int) -> str:
    return f"i-{pk}"


def export_rows(consultation: Consultation) -> dict[str, Iterator[dict]]:
    """The three record streams (responses, groups, ideas), in stable order."""
    responses = list(Response.objects.filter(consultation=consultation)
                     .order_by("received_at", "id").values_list("pk", "reference", "language"))
    ref = {pk: reference for pk, reference, _lang in responses}
    proposals = list(Proposal.objects.filter(response__consultation=consultation)
                     .select_related("attachment", "proposal_position")
                     .prefetch_related("proposal_position__commitment_sources__commitment")
                     .order_by("response_id", "position", "id"))
    pid = {p.pk: _proposal_id(ref[p.response_id], p.position) for p in proposals}
    by_response: dict[int, list[Proposal]] = defaultdict(list)
    for p in proposals:
        by_response[p.response_id].append(p)
    tags: dict[int, list[dict]] = defaultdict(list)
    for rid, code, score, state in (TagSuggestion.objects
                                    .filter(response__consultation=consultation)
                                    .order_by("response_id", "-score", "code")
                                    .values_list("response_id", "code", "score", "state")):
        tags[rid].append({"code": code, "score": score, "state": state})
    memberships = list(GroupMembership.objects.filter(group__consultation=consultation)
                       .order_by("group_id", "response__received_at", "response_id")
                       .values_list("group_id", "response_id", "additions", "state"))
    group_of = {rid: gid for gid, rid, _a, state in memberships
                if state != MembershipState.SPLIT_OUT}
    languages = dict(Response.objects.filter(consultation=consultation, analysis__isnull=False)
                     .values_list("pk", "analysis__language"))

    def response_rows() -> Iterator[dict]:
        for pk, reference, language in responses:
            yield {
                "id": reference,
                "language": languages.get(pk) or language or None,
                "group": _group_id(group_of[pk]) if pk in group_of else None,
                "proposals": [{
                    "id": pid[p.pk], "start": p.start, "end": p.end,
                    "idea": _idea_id(p.idea_id) if p.idea_id else None,
                    "attachment": p.attachment.original_name if p.attachment_id else None,
                    "position": _position(getattr(p, "proposal_position", None)),
                } for p in by_response.get(pk, [])],
                "tags": tags.get(pk, []),
            }

    def group_rows() -> Iterator[dict]:
        members: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for gid, rid, additions, state in memberships:
            members[gid].append((rid, additions, state))
        for g in (ResponseGroup.objects.filter(consultation=consultation)
                  .order_by("-size", "id")):
            live = [m for m in members[g.pk] if m[2] != MembershipState.SPLIT_OUT]
            yield {
                "id": _group_id(g.pk), "size": len(live),
                "members": [ref[rid] for rid, _a, _s in live],
                "canonical": ref.get(g.canonical_id), "template": g.template, "label": g.label,
                "additions": {ref[rid]: a for rid, a, _s in live if a},
                "split_out": [ref[rid] for rid, _a, s in members[g.pk]
                              if s == MembershipState.SPLIT_OUT],
                "merged_into": _group_id(g.merged_into_id) if g.merged_into_id else None,
            }

    def idea_rows() -> Iterator[dict]:
        members: dict[int, list[str]] = defaultdict(list)
        for p in proposals:
            if p.idea_id:
                members[p.idea_id].append(pid[p.pk])
        for idea in (Idea.objects.filter(consultation=consultation)
                     .select_related("position")
                     .prefetch_related("position__commitment_sources__commitment")
                     .order_by("-response_count", "id")):
            yield {
                "id": _idea_id(idea.pk), "label": idea.label, "keywords": idea.keywords,
                "size": len(members[idea.pk]), "members": members[idea.pk],
                "representative": pid.get(idea.representative_id),
                "responses": idea.response_count, "named_by_staff": idea.label_by_id is not None,
                "created_by_engine": idea.created_by_engine,
                "merged_into": _idea_id(idea.merged_into_id) if idea.merged_into_id else None,
                "position": _position(getattr(idea, "position", None)),
            }

    return {"responses": response_rows(), "groups": group_rows(), "ideas": idea_rows()}


def analysis_export(*, consultation: Consultation, directory: Path) -> dict[str, int]:
    """Write ``responses.jsonl``, ``groups.jsonl`` and ``ideas.jsonl``; returns line counts."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, rows in export_rows(consultation).items():
        n = 0
        with (directory / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
        counts[name] = n
    return counts
