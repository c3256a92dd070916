"""Documents publishing writes (the høringsnotat, the action plan, self-assessment reports) as
DOCX and ODT from one outline: a list of (level, heading, paragraphs, tables), where a table is
(header, rows). Both writers build the XML of big tables directly (python-docx's cell API and
odfpy's DOM are far too slow for a 100,000-row annex) and never fail on a character."""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from samskab.core.text import xml_safe_deep

MIME_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


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


def write_docx(*, title: str, lead: str, outline: list, language: str = "da-DK",
               page_label: str = "Side", contents_label: str = "Indhold") -> bytes:
    """A DOCX of `outline` ((level, heading, paragraphs, tables)), with a
    title, a lead paragraph, a table of contents and page numbers. Shared by the documents
    publishing writes (the høringsnotat, the action plan)."""
    from docx import Document

    title, lead, outline = xml_safe_deep((title, lead, outline))  # never fail on a character

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


def write_odt(*, title: str, lead: str, outline: list, language: str = "da-DK",
              contents_label: str = "Indhold") -> bytes:
    """An ODT of `outline` (see `write_docx`), shared by the documents publishing writes."""
    title, lead, outline = xml_safe_deep((title, lead, outline))  # never fail on a character

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
