"""The self-assessment report as a document (PDF, ODT, DOCX), from its stored snapshot.

Same writers as the høringsnotat and the action plan: DOCX and ODT through `documents.write_docx`
and `documents.write_odt` (one outline of headings, paragraphs and tables), PDF through weasyprint
from the same outline as HTML. Public: it is put to public comment."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from samskab.plans.models import MilestoneStatus
from samskab.publishing.documents import MIME_TYPES, write_docx, write_odt
from samskab.tracking import irm
from samskab.tracking.models import SelfAssessment

FORMATS = ("pdf", "odt", "docx")
__all__ = ["FORMATS", "MIME_TYPES", "self_assessment_document", "self_assessment_outline"]


def _status(code: str) -> str:
    try:
        return str(MilestoneStatus(code).label)
    except ValueError:
        return code


def self_assessment_outline(report: SelfAssessment) -> list:
    """(level, heading, paragraphs, tables) for the writers."""
    snap = report.snapshot
    figures = snap.get("figures", {})
    plan = snap["plan"]
    outline: list = [(1, _("Sammenfatning"), [
        _("Opgjort pr. %(date)s: %(complete)s af %(milestones)s milepæle er gennemført, "
          "%(late)s er forsinkede. %(starred)s forpligtelser er stjernemarkerede efter IRM's "
          "regel.") % {"date": snap["as_of"], "complete": figures.get("complete", 0),
                       "milestones": figures.get("milestones", 0),
                       "late": figures.get("late", 0), "starred": figures.get("starred", 0)},
    ], [])]
    for c in plan.get("commitments") or []:
        paragraphs = [c.get("description") or ""]
        tables = []
        milestones = [[m.get("title", ""), m.get("end", ""), _status(m.get("status", ""))]
                      for m in c.get("milestones") or []]
        if milestones:
            tables.append(([_("Milepæl"), _("Frist"), _("Status")], milestones))
        progress = [[p["date"], p["milestone"], _status(p["status"]), p.get("note", "")]
                    for p in c.get("progress") or []]
        if progress:
            tables.append(([_("Dato"), _("Milepæl"), _("Status"), _("Note")], progress))
        a = c.get("assessment")
        if a:
            start = (plan.get("period") or {}).get("start") or ""
            year = int(start[:4]) if start[:4].isdigit() else None
            verdict = irm.verdict(a["framework"], a, plan_start=year)
            language = translation.get_language() or "da"
            paragraphs.append(_("Vurdering (IRM-metode): %(reason)s") % {
                "reason": verdict.reason("en" if language.startswith("en") else "da")})
        outline.append((1, f"{c['id']} {c.get('title', '')}", [p for p in paragraphs if p],
                        tables))
    forum = snap.get("forum") or {}
    meetings = [[m["date"], ", ".join(m["government"]), ", ".join(m["civil_society"]),
                 m["minutes"]] for m in forum.get("meetings", [])]
    outline.append((1, _("Multi-stakeholder-forum"), [
        _("Forummet har mødtes så ofte, som OGP's standarder kræver.") if forum.get("met")
        else _("Forummet har ikke mødtes så ofte, som OGP's standarder kræver.")],
        [([_("Dato"), _("Myndigheder:"), _("Civilsamfundet:"), _("Referat:")], meetings)]
        if meetings else []))
    return outline


def self_assessment_document(report: SelfAssessment, fmt: str, language: str = "da") -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    with translation.override(language):
        title = f"{report.get_kind_display().capitalize()}: {report.plan.title}"
        lead = _("Opgjort pr. %(date)s · til offentlig kommentering") % {
            "date": report.snapshot["as_of"]}
        outline = self_assessment_outline(report)
        locale = "en-GB" if language == "en" else "da-DK"
        if fmt == "docx":
            return write_docx(title=title, lead=lead, outline=outline, language=locale,
                              page_label=_("Side"), contents_label=_("Indhold"))
        if fmt == "odt":
            return write_odt(title=title, lead=lead, outline=outline, language=locale,
                             contents_label=_("Indhold"))
        from weasyprint import HTML

        html = render_to_string("publishing/tracking/self_assessment_print.html", {
            "title": title, "lead": lead, "language": language, "outline": outline})
        return HTML(string=html).write_pdf()
