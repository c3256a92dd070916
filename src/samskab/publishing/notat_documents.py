"""The høringsnotat as a document: HTML (the template), PDF (weasyprint for the body, reportlab
for an annex that may list 100,000 responses), DOCX and ODT (`publishing.documents`), with the
usual Danish structure (ogp-reference.md): 1. Høringen, 2. Generelle bemærkninger, 3. one
section per idea, 4. Øvrige bemærkninger, Bilag: the list of responses. The content is
`notat.NotatData` (`notat.notat_build`)."""

from __future__ import annotations

import io
import os
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from samskab.core.text import xml_safe_deep
from samskab.publishing.documents import write_docx, write_odt
from samskab.publishing.notat import NotatData

FORMATS = ("html", "pdf", "odt", "docx")


def _annex_rows_html(data: NotatData) -> str:
    """The annex rows as HTML in one join: a template loop over 100,000 rows takes seconds."""
    return "".join(
        f"<tr><td>{escape(r.reference)}</td><td>{escape(r.respondent)}</td>"
        f"<td>{escape(r.kind)}</td><td>{escape(r.received)}"
        f"{' (efter fristen)' if r.late else ''}</td><td>{escape(r.channel)}</td></tr>"
        for r in data.annex
    )


def render_html(data: NotatData, *, for_print: bool = False) -> str:
    with translation.override("da"):
        return render_to_string("publishing/notat.html", {
            "n": data, "for_print": for_print,
            "annex_rows": mark_safe(_annex_rows_html(data)),  # noqa: S308 - escaped above
        })


FONT_PATHS = {
    "regular": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}


def render_pdf_weasyprint_only(data: NotatData) -> bytes:
    """The whole document through weasyprint: fine for small consultations, and the
    benchmark's baseline; the annex of a large one takes minutes this way."""
    from weasyprint import HTML

    return HTML(string=render_html(data, for_print=True)).write_pdf()


def render_pdf(data: NotatData) -> bytes:
    """Body (headings, contents with page numbers, tables) set by weasyprint from the HTML;
    the annex, which may list 100,000 responses, drawn directly with reportlab and appended."""
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    body_html = render_to_string(
        "publishing/notat.html", {"n": data, "for_print": True, "annex_separate": True}
    )
    body = HTML(string=body_html).write_pdf()
    body_pages = len(PdfReader(io.BytesIO(body)).pages)
    writer = PdfWriter()
    writer.append(io.BytesIO(body))
    if data.annex:
        writer.append(io.BytesIO(_annex_pdf(data, first_page=body_pages + 1)))
    writer.add_metadata({"/Title": f"Høringsnotat: {data.consultation_title}",
                         "/Author": data.authority})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _annex_pdf(data: NotatData, *, first_page: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    regular, bold = "Helvetica", "Helvetica-Bold"
    if all(os.path.exists(path) for path in FONT_PATHS.values()):
        pdfmetrics.registerFont(TTFont("SamskabSans", FONT_PATHS["regular"]))
        pdfmetrics.registerFont(TTFont("SamskabSans-Bold", FONT_PATHS["bold"]))
        regular, bold = "SamskabSans", "SamskabSans-Bold"
    width, height = A4
    margin, line, size = 56.7, 11.5, 7.5
    columns = [(margin, "Reference", 0.16), (None, "Afsender", 0.40), (None, "Type", 0.17),
               (None, "Modtaget", 0.15), (None, "Kanal", 0.12)]
    usable = width - 2 * margin
    xs, widths, x = [], [], margin
    for _, _, share in columns:
        xs.append(x)
        widths.append(usable * share)
        x += usable * share
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle("Bilag: Liste over høringssvar")
    per_page = int((height - 2 * margin - 2 * line) // line)
    page = first_page
    widest = pdfmetrics.stringWidth("W", regular, size)
    limits = [w - 4 for w in widths]

    def clip(text: str, column: int) -> str:
        # Measuring every cell is what makes a 100,000-row annex slow: short text cannot
        # overflow, so only long text is measured.
        if len(text) * widest <= limits[column]:
            return text
        if pdfmetrics.stringWidth(text, regular, size) <= limits[column]:
            return text
        low, high = 0, len(text)
        while low < high:  # the longest prefix that fits with an ellipsis
            mid = (low + high + 1) // 2
            if pdfmetrics.stringWidth(text[:mid] + "…", regular, size) <= limits[column]:
                low = mid
            else:
                high = mid - 1
        return text[:low] + "…"

    for start in range(0, len(data.annex), per_page):
        y = height - margin
        canvas.setFont(bold, size + 1)
        canvas.drawString(margin, y, "Bilag: Liste over høringssvar (fortsat)"
                          if start else "Bilag: Liste over høringssvar")
        y -= line * 1.6
        canvas.setFont(bold, size)
        for i, (_, title, _) in enumerate(columns):
            canvas.drawString(xs[i], y, title)
        canvas.line(margin, y - 3, width - margin, y - 3)
        y -= line
        rows = data.annex[start:start + per_page]
        cells = [[r.reference for r in rows], [r.respondent for r in rows],
                 [r.kind for r in rows],
                 [r.received + (" (sen)" if r.late else "") for r in rows],
                 [r.channel for r in rows]]
        # One text object per column and page: a few hundred drawing calls per page, not
        # one per cell.
        for i, column in enumerate(cells):
            text = canvas.beginText(xs[i], y)
            text.setFont(regular, size, leading=line)
            text.textLines([clip(value, i) for value in column], trim=0)
            canvas.drawText(text)
        canvas.setFont(regular, 9)
        canvas.drawCentredString(width / 2, margin / 2, f"Side {page}")
        canvas.showPage()
        page += 1
    canvas.save()
    return buffer.getvalue()


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _lead(data: NotatData) -> str:
    """The authority and the notat's own date, under the title."""
    return data.authority + (f" · Dato: {data.dated:%d.%m.%Y}" if data.dated else "")


def render_docx(data: NotatData) -> bytes:
    return write_docx(title=f"Høringsnotat: {data.consultation_title}", lead=_lead(data),
                      outline=_outline(data))


def render_odt(data: NotatData) -> bytes:
    """OpenDocument text written directly (odfpy's DOM is far too slow for a 100,000-row
    annex); read back with odfpy in the tests. Headings carry outline levels, so LibreOffice's
    navigator and an inserted table of contents see the structure."""
    return write_odt(title=f"Høringsnotat: {data.consultation_title}", lead=_lead(data),
                     outline=_outline(data))


def _outline(data: NotatData) -> list[tuple[int, str, list[str], list[tuple[list, list]]]]:
    """The document as (level, heading, paragraphs, tables), shared by DOCX and ODT."""
    period = (f"Høringen var åben fra {data.opens:%d.%m.%Y} til {data.closes:%d.%m.%Y} "
              f"({data.days} dage) og blev offentliggjort på {data.published_where}.")
    parties_text = ("Følgende myndigheder og organisationer blev hørt (i alfabetisk orden); "
                    "det er angivet, om de har afgivet høringssvar.")
    counts = (f"Der er modtaget {data.total} høringssvar"
              + (f", heraf {data.late} efter fristen." if data.late else "."))
    outline: list = [
        (1, "1. Høringen", [], []),
        (2, "1.1 Høringsperiode", [period], []),
        (2, "1.2 Hørte myndigheder og organisationer", [parties_text],
         [(["Myndighed / organisation", "Har svaret"],
           [[p.name, "Ja" if p.replied else "Nej"] for p in data.parties])]
         if data.parties else []),
    ]
    if data.other_respondents:
        outline.append((2, "1.3 Andre organisationer, der har svaret",
                        [", ".join(data.other_respondents) + "."], []))
    outline.append((2, "1.4 Modtagne høringssvar", [counts],
                    [(["Afsendertype", "Antal"], [[c.label, str(c.count)] for c in data.by_kind]),
                     (["Kanal", "Antal"], [[c.label, str(c.count)] for c in data.by_channel])]))
    if data.campaigns:
        outline.append((2, "1.5 Kampagner (enslydende svar)",
                        ["Enslydende svar tæller hver for sig; de er samlet her, så deres fælles "
                         "tekst kun læses én gang."],
                        [(["Kampagne", "Antal svar", "Fælles tekst (uddrag)"],
                          [[c.label, str(c.size), c.excerpt] for c in data.campaigns])]))
    outline.append((1, "2. Generelle bemærkninger",
                    _paragraphs(data.general_remarks) or ["Ingen."], []))
    outline.append((1, "3. Høringssvarene og styrelsens bemærkninger", [], []))
    for s in data.sections:
        paragraphs = [s.summary]
        if s.quote:
            paragraphs.append(f"Eksempel: »{s.quote}«")
        paragraphs.append("Afsendere: " + ", ".join(s.respondents) + ".")
        paragraphs.append(f"Stillingtagen: {s.position}. {s.comments}")
        if s.changes:
            paragraphs.append(f"Ændringer: {s.changes}")
        outline.append((2, f"{s.number} {s.title}", paragraphs, []))
    outline.append((1, "4. Øvrige bemærkninger", _paragraphs(data.other_matters) or ["Ingen."],
                    []))
    outline.append((1, "Bilag: Liste over høringssvar", [],
                    [(["Reference", "Afsender", "Type", "Modtaget", "Kanal"],
                      [[r.reference, r.respondent, r.kind,
                        r.received + (" (efter fristen)" if r.late else ""), r.channel]
                       for r in data.annex])]))
    return outline


def render(data: NotatData, fmt: str) -> bytes:
    # Documents never fail on a character: controls and lone surrogates cannot be XML.
    data = xml_safe_deep(data)
    if fmt == "html":
        return render_html(data).encode()
    if fmt == "pdf":
        return render_pdf(data)
    if fmt == "docx":
        return render_docx(data)
    if fmt == "odt":
        return render_odt(data)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
