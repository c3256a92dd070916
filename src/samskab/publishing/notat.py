"""The høringsnotat: what was said in a consultation and what the authority says to it.

`notat_build(consultation)` gathers plain data (NotatData) in a handful of queries through the
public read model (`publishing.selectors`) only: organisations by name, private persons by name
only when they consented, everything else by reference; quotes and campaign texts from the
published versions; unpublished responses in the annex by reference and kind only. The
renderers (`render_html`, `render_pdf`, `render_docx`, `render_odt`) turn it into documents
with the usual Danish structure (ogp-reference.md): 1. Høringen, 2. Generelle bemærkninger,
3. one section per idea, 4. Øvrige bemærkninger, Bilag: the list of responses.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from samskab.consultations.models import Channel, Consultation, RespondentKind
from samskab.publishing import selectors
from samskab.publishing.models import NotatText

FORMATS = ("html", "pdf", "odt", "docx")
MIME_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def danish_sort_key(text: str) -> str:
    """Danish alphabetical order: æ, ø, å after z, and a leading 'Aa' counts as 'Å'."""
    folded = text.strip().casefold()
    if folded.startswith("aa"):
        folded = "å" + folded[2:]
    return folded.translate(str.maketrans({"æ": "{", "ø": "|", "å": "}", "ä": "{", "ö": "|"}))


@dataclass
class Party:
    name: str
    replied: bool


@dataclass
class Count:
    label: str
    count: int


@dataclass
class Campaign:
    label: str
    size: int
    excerpt: str


@dataclass
class Section:
    number: str
    title: str
    response_count: int
    summary: str
    quote: str
    respondents: list[str]
    position: str
    comments: str
    changes: str


@dataclass
class AnnexRow:
    reference: str
    respondent: str
    kind: str
    received: str
    channel: str
    late: bool


@dataclass
class NotatData:
    consultation_title: str
    authority: str
    opens: date
    closes: date
    days: int
    published_where: str
    parties: list[Party]
    other_respondents: list[str]
    total: int
    late: int
    by_kind: list[Count]
    by_channel: list[Count]
    campaigns: list[Campaign]
    general_remarks: str
    sections: list[Section]
    other_matters: str
    annex: list[AnnexRow] = field(default_factory=list)
    dated: date | None = None


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def notat_build(consultation: Consultation, *, dated: date | None = None) -> NotatData:
    """Everything the notat says, as plain data, read only through the public read model
    (`publishing.selectors`): quotes and campaign texts from published versions, citizens'
    names only with consent, unpublished responses by reference and kind only, idea names and
    keywords checked. `dated` is the notat's own date (its publication), default today."""
    with translation.override("da"):
        responses = selectors.notat_responses(consultation)
        kind_names = {value: str(label) for value, label in RespondentKind.choices}
        channel_names = {value: str(label) for value, label in Channel.choices}
        labels: dict[str, str] = {}
        annex, orgs = [], set()
        kinds, channels = Counter(), Counter()
        for r in responses:
            kinds[r.kind] += 1
            channels[r.channel] += 1
            if r.public:
                labels[r.reference] = r.label
                if r.kind != RespondentKind.CITIZEN and not r.label.startswith("Borger ("):
                    orgs.add(r.label)
                annex.append(AnnexRow(r.reference, r.label, kind_names.get(r.kind, r.kind),
                                      _local_date(r.received_at).strftime("%d.%m.%Y"),
                                      channel_names.get(r.channel, r.channel), r.late))
            else:
                annex.append(AnnexRow(r.reference, "(ikke offentliggjort)",
                                      kind_names.get(r.kind, r.kind), "", "", False))
        parties = sorted((Party(name, replied) for name, replied in
                          selectors.party_replies(consultation)),
                         key=lambda p: danish_sort_key(p.name))
        party_keys = {danish_sort_key(p.name) for p in parties}
        others = sorted((o for o in orgs if danish_sort_key(o) not in party_keys),
                        key=danish_sort_key)
        text = NotatText.objects.filter(consultation=consultation).first()
        published_where = (text.published_where if text and text.published_where else
                           settings.SITE_URL.rstrip("/")
                           + reverse("consultations:detail", args=[consultation.slug]))
        sections = _sections(selectors.notat_ideas(consultation), labels)
        return NotatData(
            consultation_title=consultation.title_da,
            authority=consultation.authority,
            opens=_local_date(consultation.opens_at),
            closes=_local_date(consultation.last_moment),
            days=consultation.period_days,
            published_where=published_where,
            parties=parties,
            other_respondents=others,
            total=len(responses),
            late=sum(1 for r in responses if r.late),
            by_kind=[Count(kind_names[k], kinds[k]) for k in RespondentKind.values if kinds[k]],
            by_channel=[Count(channel_names[c], channels[c]) for c in Channel.values
                        if channels[c]],
            campaigns=[Campaign(c.label, c.size, c.excerpt)
                       for c in selectors.campaigns(consultation)],
            general_remarks=text.general_remarks_da if text else "",
            sections=sections,
            other_matters=text.other_matters_da if text else "",
            annex=annex,
            dated=dated or timezone.localdate(),
        )


UNANSWERED = "Ikke behandlet endnu"


def _sections(ideas: list[selectors.NotatIdea], labels: dict[str, str]) -> list[Section]:
    sections = []
    for idea in ideas:
        count = len(idea.references)
        # Public responses by their public label, the others by reference only.
        named = sorted({labels.get(ref, ref) for ref in idea.references}, key=danish_sort_key)
        summary = (f"{count} høringssvar rejser dette forslag"
                   + (f" (nøgleord: {', '.join(idea.keywords)})." if idea.keywords else "."))
        if idea.position_kind:
            position, comments, changes = (idea.position_label, idea.justification,
                                           idea.changes)
        else:
            position, comments, changes = (UNANSWERED, "Styrelsen har endnu ikke taget stilling.",
                                           "")
        sections.append(Section(number="", title=idea.label, response_count=count,
                                summary=summary, quote=idea.quote, respondents=named,
                                position=position, comments=comments, changes=changes))
    # Ideas with a position first, the rest after, each by size.
    sections.sort(key=lambda s: (s.position == UNANSWERED, -s.response_count))
    for i, section in enumerate(sections, start=1):
        section.number = f"3.{i}"
    return sections


def to_json(data: NotatData) -> dict:
    """The notat's data as JSON (stored with each publication, so a published version is
    rendered, and re-rendered, from exactly what was published)."""
    out = asdict(data)
    for key in ("opens", "closes", "dated"):
        out[key] = out[key].isoformat() if out[key] else None
    return out


def from_json(raw: dict) -> NotatData:
    raw = dict(raw)
    for key in ("opens", "closes", "dated"):
        raw[key] = date.fromisoformat(raw[key]) if raw.get(key) else None
    raw["parties"] = [Party(**p) for p in raw["parties"]]
    raw["by_kind"] = [Count(**c) for c in raw["by_kind"]]
    raw["by_channel"] = [Count(**c) for c in raw["by_channel"]]
    raw["campaigns"] = [Campaign(**c) for c in raw["campaigns"]]
    raw["sections"] = [Section(**s) for s in raw["sections"]]
    raw["annex"] = [AnnexRow(**a) for a in raw["annex"]]
    return NotatData(**raw)


# ----------------------------------------------------------------------------- renderers

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


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_table(document, header: list[str], rows: list[list[str]], tables: dict) -> None:
    """A bordered table with a repeated bold header row. Built as one XML string and put into
    document.xml after saving: python-docx's cell API, and even moving a parsed table into the
    document, are quadratic, and the annex can have 100,000 rows. A marker paragraph holds the
    table's place until then."""

    def cell(text: str, bold: bool = False) -> str:
        run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
        return (f"<w:tc><w:p><w:r>{run_props}<w:t xml:space=\"preserve\">{escape(text)}"
                f"</w:t></w:r></w:p></w:tc>")

    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    parts = ['<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/>'
             f"<w:tblBorders>{border}</w:tblBorders></w:tblPr><w:tblGrid>",
             "<w:gridCol/>" * len(header), "</w:tblGrid>",
             '<w:tr><w:trPr><w:tblHeader/></w:trPr>',
             "".join(cell(h, bold=True) for h in header), "</w:tr>"]
    parts.extend("<w:tr>" + "".join(cell(value) for value in row) + "</w:tr>" for row in rows)
    parts.append("</w:tbl>")
    marker = f"SAMSKAB-TABLE-{len(tables)}"
    tables[marker] = "".join(parts)
    document.add_paragraph(marker)


def _docx_put_tables(docx: bytes, tables: dict[str, str]) -> bytes:
    """Replace each marker paragraph in word/document.xml by its table (see _docx_table)."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(docx))
    xml = source.read("word/document.xml").decode()
    for marker, table in tables.items():
        xml = re.sub(rf"<w:p>(?:(?!<w:p>).)*?{marker}.*?</w:p>", lambda _m, t=table: t, xml,
                     count=1, flags=re.S)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = xml.encode() if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item, data)
    return out.getvalue()


def _docx_field(paragraph, instruction: str) -> None:
    """A Word field (TOC, PAGE): Word fills it in when the document is opened."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                element.set(qn("w:dirty"), "true")
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _lead(data: NotatData) -> str:
    """The authority and the notat's own date, under the title."""
    return data.authority + (f" · Dato: {data.dated:%d.%m.%Y}" if data.dated else "")


def render_docx(data: NotatData) -> bytes:
    return write_docx(title=f"Høringsnotat: {data.consultation_title}", lead=_lead(data),
                      outline=_outline(data))


def write_docx(*, title: str, lead: str, outline: list, language: str = "da-DK",
               page_label: str = "Side", contents_label: str = "Indhold") -> bytes:
    """A DOCX of `outline` ((level, heading, paragraphs, tables) as `_outline` gives), with a
    title, a lead paragraph, a table of contents and page numbers. Shared by the documents
    publishing writes (the høringsnotat, the action plan)."""
    from docx import Document

    document = Document()
    document.core_properties.title = title
    document.core_properties.language = language
    footer = document.sections[0].footer.paragraphs[0]
    footer.add_run(f"{page_label} ")
    _docx_field(footer, "PAGE")
    document.add_heading(title, level=0)
    document.add_paragraph(lead)
    document.add_heading(contents_label, level=1)
    _docx_field(document.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u')
    tables: dict[str, str] = {}
    for level, heading, paragraphs, outline_tables in outline:
        document.add_heading(heading, level=level)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        for header, rows in outline_tables:
            _docx_table(document, header, rows, tables)
    buffer = io.BytesIO()
    document.save(buffer)
    return _docx_put_tables(buffer.getvalue(), tables)


_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3"'
)
_ODT_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {_ODT_NS}>
<office:styles>
 <style:default-style style:family="paragraph"><style:text-properties fo:font-size="11pt"
   fo:language="da" fo:country="DK"/></style:default-style>
 <style:style style:name="Title" style:family="paragraph"><style:text-properties
   fo:font-size="20pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
   style:default-outline-level="1"><style:paragraph-properties fo:margin-top="0.5cm"
   fo:margin-bottom="0.2cm"/><style:text-properties fo:font-size="15pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"
   style:default-outline-level="2"><style:paragraph-properties fo:margin-top="0.4cm"
   fo:margin-bottom="0.15cm"/><style:text-properties fo:font-size="12.5pt"
   fo:font-weight="bold"/></style:style>
 <style:style style:name="Table_20_Heading" style:display-name="Table Heading"
   style:family="paragraph"><style:text-properties fo:font-weight="bold"/></style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="21cm"
   fo:page-height="29.7cm" fo:margin="2cm"/></style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="A4">
  <style:footer><text:p>Side <text:page-number text:select-page="current"/></text:p></style:footer>
 </style:master-page>
</office:master-styles>
</office:document-styles>"""


def render_odt(data: NotatData) -> bytes:
    """OpenDocument text written directly (odfpy's DOM is far too slow for a 100,000-row
    annex); read back with odfpy in the tests. Headings carry outline levels, so LibreOffice's
    navigator and an inserted table of contents see the structure."""
    return write_odt(title=f"Høringsnotat: {data.consultation_title}", lead=_lead(data),
                     outline=_outline(data))


def write_odt(*, title: str, lead: str, outline: list, language: str = "da-DK",
              contents_label: str = "Indhold") -> bytes:
    """An ODT of `outline` (see `write_docx`), shared by the documents publishing writes."""
    import zipfile

    body: list[str] = []

    def p(text: str, style: str = "") -> None:
        attr = f' text:style-name="{style}"' if style else ""
        body.append(f"<text:p{attr}>{escape(text)}</text:p>")

    def h(level: int, text: str) -> None:
        body.append(f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">'
                    f"{escape(text)}</text:h>")

    p(title, "Title")
    p(lead)
    h(1, contents_label)
    for level, title, _, _ in outline:
        p(("\u2003" if level == 2 else "") + title)
    for level, title, paragraphs, tables in outline:
        h(level, title)
        for paragraph in paragraphs:
            p(paragraph)
        for header, rows in tables:
            body.append(f'<table:table table:name="Tabel{len(body)}">'
                        f'<table:table-column table:number-columns-repeated="{len(header)}"/>'
                        "<table:table-header-rows><table:table-row>")
            body.extend(f'<table:table-cell office:value-type="string"><text:p '
                        f'text:style-name="Table_20_Heading">{escape(v)}</text:p>'
                        "</table:table-cell>" for v in header)
            body.append("</table:table-row></table:table-header-rows>")
            body.extend(
                "<table:table-row>" + "".join(
                    f'<table:table-cell office:value-type="string"><text:p>{escape(v)}'
                    "</text:p></table:table-cell>" for v in row) + "</table:table-row>"
                for row in rows
            )
            body.append("</table:table>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODT_NS}>'
               "<office:body><office:text>" + "".join(body) +
               "</office:text></office:body></office:document-content>")
    meta = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_ODT_NS}>'
            f"<office:meta><dc:title>{escape(title)}</dc:title>"
            f"<dc:language>{escape(language)}</dc:language></office:meta></office:document-meta>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        + "".join(f'<manifest:file-entry manifest:full-path="{name}" '
                  'manifest:media-type="text/xml"/>'
                  for name in ("content.xml", "styles.xml", "meta.xml"))
        + "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIME_TYPES["odt"],
                         compress_type=zipfile.ZIP_STORED)
        for name, text in (("content.xml", content), ("styles.xml", _ODT_STYLES),
                           ("meta.xml", meta), ("META-INF/manifest.xml", manifest)):
            archive.writestr(name, text.encode(), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


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
    if fmt == "html":
        return render_html(data).encode()
    if fmt == "pdf":
        return render_pdf(data)
    if fmt == "docx":
        return render_docx(data)
    if fmt == "odt":
        return render_odt(data)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
