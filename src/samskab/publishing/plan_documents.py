"""The action plan as a document in the layout of OGP's commitment template: a heading per
commitment, the template's fields as a two-column table, then the milestones table. PDF
through weasyprint from HTML; DOCX and ODT through the shared writers
(`documents.write_docx`, `documents.write_odt`). Built from a public version's snapshot, in
Danish or in English where English was entered."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from samskab.plans.models import ActionPlan, PlanVersion
from samskab.publishing.documents import MIME_TYPES, write_docx, write_odt
from samskab.publishing.plan_public import localised, public_commitments

FORMATS = ("pdf", "odt", "docx")
__all__ = ["FORMATS", "MIME_TYPES", "plan_document"]


def _rows(c: dict) -> list[list[str]]:
    contact = c.get("contact") or {}
    actors = c.get("other_actors") or {}
    period = c.get("period") or {}
    rows = [
        [_("Periode"), f"{period.get('start', '')} – {period.get('end', '')}"],
        [_("Ansvarlig myndighed"), c.get("lead_agency") or ""],
        [_("Kontakt"), ", ".join(v for v in (contact.get("name"), contact.get("title"),
                                            contact.get("department"), contact.get("email"),
                                            contact.get("phone")) if v)],
        [_("Andre offentlige aktører"), ", ".join(actors.get("government") or [])],
        [_("Civilsamfundet"), ", ".join(actors.get("civil_society") or [])],
        [_("Private, multilaterale og arbejdsgrupper"),
         ", ".join(actors.get("private_sector") or [])],
    ]
    for name, label in (("problem", _("Problemet")), ("description", _("Hvad forpligtelsen er")),
                        ("how_it_helps", _("Hvordan den løser problemet")),
                        ("relevance", _("Relevans for OGP's værdier")),
                        ("ambition", _("Ambition"))):
        rows.append([label, localised(c, name)])
    rows.append([_("Nyt initiativ"), _("Ja") if c.get("new_initiative") else
                 _("Nej – viderefører: %(what)s") % {"what": c.get("existing_strategy") or "–"}])
    rows.append([_("Budget"), c.get("budget") or ""])
    return [r for r in rows if r[1].strip(" –")]


def _milestone_rows(c: dict) -> list[list[str]]:
    return [[f"{localised(m, 'title')}" + (f" – {localised(m, 'deliverable')}"
                                           if localised(m, "deliverable") else ""),
             _("Ny") if m.get("new", True) else _("Igangværende"),
             m.get("start", ""), m.get("end", "")] for m in c.get("milestones") or []]


def plan_outline(plan: ActionPlan, snapshot: dict) -> list:
    outline = []
    for c in snapshot.get("commitments") or []:
        heading = f"{c['id']} {localised(c, 'title')}"
        tables = [([_("Felt"), _("Indhold")], _rows(c))]
        milestones = _milestone_rows(c)
        if milestones:
            tables.append(([_("Milepæl: aktivitet og leverance"), _("Ny eller igangværende"),
                            _("Start"), _("Slut")], milestones))
        outline.append((1, heading, [], tables))
    return outline


def plan_document(plan: ActionPlan, version: PlanVersion, fmt: str, language: str) -> bytes:
    """The plan's public version as PDF, ODT or DOCX in `language` ("da" or "en")."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    with translation.override(language):
        snapshot = version.snapshot
        title = localised(snapshot, "title")
        period = snapshot.get("period") or {}
        lead = _("%(status)s · %(start)s – %(end)s · version %(n)d") % {
            "status": plan.get_status_display(), "start": period.get("start", ""),
            "end": period.get("end", ""), "n": version.number}
        locale = "en-GB" if language == "en" else "da-DK"
        if fmt == "docx":
            return write_docx(title=title, lead=lead, outline=plan_outline(plan, snapshot),
                              language=locale, page_label=_("Side"),
                              contents_label=_("Indhold"))
        if fmt == "odt":
            return write_odt(title=title, lead=lead, outline=plan_outline(plan, snapshot),
                             language=locale, contents_label=_("Indhold"))
        from weasyprint import HTML

        html = render_to_string("publishing/plans/plan_print.html", {
            "title": title, "lead": lead, "language": language,
            "commitments": [(c, _rows(c.data), _milestone_rows(c.data))
                            for c in public_commitments(snapshot)]})
        return HTML(string=html).write_pdf()
