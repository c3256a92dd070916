"""Progress and assessments in the action-plan file (contracts/action-plan.schema.json).

`samskab plan export` writes, per commitment, ``progress`` (one entry per update: date,
milestone, status, note, evidence) and ``assessment`` (framework and codings, with `starred`
computed by the era's rule); `samskab plan import` reads them back. `starred` in a file is
never read: it is computed on import. The plan command calls these through the app's
`plan_export`/`plan_import` hooks (`apps.TrackingConfig`), so plans does not import tracking.

A milestone is named in ``progress[].milestone`` by its id when it has one, else by its title;
evidence is a list of strings: the update's links, then a link to each evidence file.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from samskab.core.actions import actor_label, staff_action, user_or_none
from samskab.core.errors import DomainError
from samskab.plans.models import ActionPlan, Milestone, MilestoneStatus
from samskab.tracking import irm
from samskab.tracking.models import Assessment, ProgressUpdate


def _milestone_key(m: Milestone) -> str:
    return m.identifier or m.title_da


def evidence_url(evidence) -> str:
    return f"{settings.SITE_URL}/opfoelgning/dokumentation/{evidence.pk}/{evidence.sha256}/"


def plan_tracking_export(plan: ActionPlan, data: dict[str, Any]) -> dict[str, Any]:
    """Add `progress` and `assessment` to each commitment of `data` (the plan's dict), in a
    fixed number of queries."""
    updates = (ProgressUpdate.objects.filter(milestone__commitment__plan=plan)
               .select_related("milestone__commitment").prefetch_related("evidence")
               .order_by("reported_on", "id"))
    progress: dict[str, list] = {}
    for u in updates:
        entry = {"date": u.reported_on.isoformat(), "milestone": _milestone_key(u.milestone),
                 "status": u.status, "note": u.note,
                 "evidence": [*u.links, *(evidence_url(e) for e in u.evidence.all())]}
        progress.setdefault(u.milestone.commitment.identifier, []).append(entry)
    assessments = {a.commitment.identifier: a for a in Assessment.objects.filter(
        commitment__plan=plan).select_related("commitment__plan")}
    for c in data.get("commitments") or []:
        if c.get("id") in progress:
            c["progress"] = progress[c["id"]]
        a = assessments.get(c.get("id"))
        if a is not None:
            out: dict[str, Any] = {"framework": a.framework, **a.codings()}
            if a.framework != irm.Y2021:
                out["starred"] = bool(a.starred)
            c["assessment"] = out
    return data


def plan_tracking_import(*, actor: Any, plan: ActionPlan, data: dict[str, Any]) -> list[str]:
    """Read progress and assessments of a freshly imported plan's file. Returns notes on what
    could not be read (an unknown milestone, a coding off its era's scale), which is left out.
    Progress entries keep their dates and notes as written (history, not new reports)."""
    from samskab.tracking.services import assessment_save

    notes: list[str] = []
    commitments = {c.identifier: c for c in plan.commitments.all()}
    milestones: dict[tuple[int, str], Milestone] = {}
    for m in Milestone.objects.filter(commitment__plan=plan):
        milestones.setdefault((m.commitment_id, m.title_da), m)
        if m.identifier:
            milestones[(m.commitment_id, m.identifier)] = m
    for i, c in enumerate(data.get("commitments") or []):
        commitment = commitments.get(c.get("id") or "")
        if commitment is None:
            continue
        entries = c.get("progress") or []
        rows = []
        for k, p in enumerate(entries):
            where = f"commitments[{i}].progress[{k}]"
            milestone = milestones.get((commitment.pk, p.get("milestone") or ""))
            status = p.get("status") or ""
            try:
                reported_on = date.fromisoformat(p.get("date") or "")
            except ValueError:
                notes.append(_("%(where)s: ingen gyldig dato; udeladt.") % {"where": where})
                continue
            if milestone is None or status not in MilestoneStatus.values:
                notes.append(_("%(where)s: ukendt milepæl eller status; udeladt.")
                             % {"where": where})
                continue
            rows.append(ProgressUpdate(
                milestone=milestone, status=status, reported_on=reported_on,
                note=p.get("note") or "", links=list(p.get("evidence") or []),
                created_by=user_or_none(actor), author_label=actor_label(actor)))
        if rows:
            with staff_action(actor=actor, perm="tracking.update_progress", obj=commitment,
                              name="progress.import") as act:
                ProgressUpdate.objects.bulk_create(rows)
                act.audit(commitment, after={"progress_imported": len(rows)})
        if c.get("assessment"):
            codings = {k: v for k, v in c["assessment"].items() if k != "framework"}
            try:
                assessment_save(actor=actor, commitment=commitment, codings=codings,
                                framework=c["assessment"].get("framework"))
            except DomainError as error:
                notes.append(_("commitments[%(i)d].assessment: %(message)s")
                             % {"i": i, "message": error.message})
    return notes
