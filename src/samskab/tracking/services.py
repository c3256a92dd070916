"""Use cases of tracking (style rule 1): one typed function each, every staff change through
core's action layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from samskab.core.actions import staff_action
from samskab.tracking import ogp
from samskab.tracking.models import ForeignCommitment

_FOREIGN_FIELDS = ("country", "action_plan", "number", "title", "text", "start_date",
                   "end_date", "start_text", "end_text", "lead_institution", "ogp_values",
                   "framework", "plan_year", "codings", "starred", "promising",
                   "starred_reported", "source_name")


@dataclass
class ForeignImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ogp.RowProblem] = field(default_factory=list)

    @property
    def skipped(self) -> list[ogp.RowProblem]:
        return [p for p in self.problems if p.skipped]


def _values(record: ogp.ForeignRecord, source_name: str) -> dict[str, Any]:
    return {"country": record.country[:120], "action_plan": record.action_plan[:300],
            "number": record.number[:40], "title": record.title[:500], "text": record.text,
            "start_date": record.start, "end_date": record.end,
            "start_text": record.start_text[:100], "end_text": record.end_text[:100],
            "lead_institution": record.lead_institution[:300], "ogp_values": record.values,
            "framework": record.framework, "plan_year": record.plan_year,
            "codings": record.codings, "starred": record.starred,
            "promising": record.promising, "starred_reported": record.starred_reported,
            "source_name": source_name[:200]}


def foreign_commitments_import(*, actor: Any, data: bytes | str, source_name: str,
                               dry_run: bool = False) -> ForeignImportReport:
    """Import OGP's commitment data file (`ogp.read_ogp_csv`); idempotent by OGP id.

    New ids are created, known ones updated where a field changed, nothing is deleted. Rows
    that cannot be read are in the report's problems (and skipped); the rest go in. One
    action, audited per created or changed commitment. `dry_run` reads and compares only.
    Raises ValueError when the file as a whole is unusable."""
    records, problems = ogp.read_ogp_csv(data)
    report = ForeignImportReport(rows=len(records) + len([p for p in problems if p.skipped]),
                                 problems=problems)
    existing = {f.ogp_id: f for f in ForeignCommitment.objects.filter(
        ogp_id__in=[r.commitment_id for r in records])}
    new: list[ForeignCommitment] = []
    changed: list[tuple[ForeignCommitment, dict, dict]] = []
    for record in records:
        values = _values(record, source_name)
        current = existing.get(record.commitment_id)
        if current is None:
            new.append(ForeignCommitment(ogp_id=record.commitment_id[:60], **values))
            continue
        before = {k: getattr(current, k) for k in _FOREIGN_FIELDS if getattr(current, k)
                  != values[k]}
        if not before or set(before) == {"source_name"}:
            report.unchanged += 1
            continue
        after = {k: values[k] for k in before}
        for key, value in after.items():
            setattr(current, key, value)
        changed.append((current, before, after))
    report.created, report.updated = len(new), len(changed)
    if dry_run or not (new or changed):
        return report
    with staff_action(actor=actor, perm="tracking.import_foreign", obj=None,
                      name="foreign_commitment.import") as act:
        ForeignCommitment.objects.bulk_create(new, batch_size=500)
        created = ForeignCommitment.objects.filter(ogp_id__in=[f.ogp_id for f in new])
        for obj in created:
            act.audit(obj, action="foreign_commitment.create",
                      after={"ogp_id": obj.ogp_id, "source": source_name})
        if changed:
            ForeignCommitment.objects.bulk_update([c for c, _, _ in changed],
                                                  fields=list(_FOREIGN_FIELDS), batch_size=500)
        for obj, before, after in changed:
            act.audit(obj, action="foreign_commitment.update",
                      before=_jsonable(before), after=_jsonable(after))
    return report


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}
