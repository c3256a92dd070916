"""Text extraction from attachments and scanned letters, including hostile files. Every test
file is made here, at test time: PDFs, Word and OpenDocument files, scans rendered with the
DejaVu fonts, zip bombs and images that claim to be enormous."""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from samskab.extraction import (
    STATUSES,
    Extraction,
    extract_text,
    html_to_text,
)

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_ocr = pytest.mark.skipif(
    not (shutil.which("tesseract") and shutil.which("pdftoppm") and FONT.exists()),
    reason="tesseract, poppler-utils or DejaVu fonts missing (scripts/install-system-deps.sh)",
)


# --------------------------------------------------------------------------- file makers

def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a real text layer (Helvetica, WinAnsi: Danish letters included)."""

    def literal(text: str) -> str:
        escaped = []
        for byte in text.encode("cp1252"):
            char = chr(byte)
            if char in "()\\" or byte > 126:
                escaped.append("\\%03o" % byte)
            else:
                escaped.append(char)
        return "(" + "".join(escaped) + ")"

    stream = "BT /F1 14 Tf 50 750 Td 18 TL " + " ".join(
        f"{literal(line)} Tj T*" for line in lines
    ) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def scanned_image(lines: list[str]):
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1200, 80 + 60 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 40)
    for index, line in enumerate(lines):
        draw.text((40, 40 + index * 60), line, font=font, fill=0)
    return image


def image_bytes(image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Høringssvar fra Ærø Kommune")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Forslag"
    table.cell(0, 1).text = "Åbne data om vandkvalitet"
    table.cell(1, 0).text = "Ansvarlig"
    table.cell(1, 1).text = "Miljøministeriet"
    document.add_paragraph("Med venlig hilsen, Birgitte Nyborg")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_bytes(content_xml: str | None = None) -> bytes:
    content_xml = content_xml or (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">'
        "<office:body><office:text>"
        "<text:h>Høringssvar</text:h>"
        "<text:p>Vi<text:s/>støtter<text:tab/>forslaget om åbne data.</text:p>"
        "<table:table><table:table-row><table:table-cell><text:p>Kommune</text:p>"
        "</table:table-cell><table:table-cell><text:p>Ærø</text:p></table:table-cell>"
        "</table:table-row></table:table>"
        "</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content_xml, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims width x height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))


# --------------------------------------------------------------------------- documents

def test_pdf_text_layer_is_extracted_with_danish_letters():
    result = extract_text(text_pdf(["Høringssvar om åbne data", "Ærø Kommune"]), "svar.pdf",
                          "application/pdf")
    assert result.status == "ok"
    assert "Høringssvar om åbne data" in result.text
    assert "Ærø Kommune" in result.text
    assert (result.pages, result.ocr, result.detected_mime) == (1, False, "application/pdf")


def test_docx_paragraphs_and_tables_are_extracted_in_order():
    result = extract_text(docx_bytes(), "Høringssvar.docx", None)
    assert result.status == "ok"
    assert result.text.splitlines() == [
        "Høringssvar fra Ærø Kommune",
        "Forslag\tÅbne data om vandkvalitet",
        "Ansvarlig\tMiljøministeriet",
        "Med venlig hilsen, Birgitte Nyborg",
    ]


def test_docx_header_and_tabs_are_extracted():
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Ærø Kommune – Teknik og Miljø"
    run = document.add_paragraph().add_run("Sag")
    run.add_tab()
    run.add_text("2012-0042")
    buffer = io.BytesIO()
    document.save(buffer)
    result = extract_text(buffer.getvalue(), "brev.docx", None)
    assert result.text.splitlines() == ["Sag\t2012-0042", "Ærø Kommune – Teknik og Miljø"]


def test_odt_text_headings_spaces_and_tables_are_extracted():
    result = extract_text(odt_bytes(), "svar.odt", "application/vnd.oasis.opendocument.text")
    assert result.status == "ok"
    assert result.text.splitlines() == [
        "Høringssvar",
        "Vi støtter\tforslaget om åbne data.",
        "Kommune\tÆrø",
    ]


def test_rtf_with_code_page_escapes_is_extracted():
    rtf = rb"{\rtf1\ansi\ansicpg1252{\fonttbl\f0 Arial;}\f0 H\'f8ringssvar: \'e6\'f8\'e5\par}"
    result = extract_text(rtf, "svar.rtf", "application/rtf")
    assert result.status == "ok"
    assert result.text == "Høringssvar: æøå"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Høringssvar: åbne data".encode(), "Høringssvar: åbne data"),
        ("Høringssvar: “åbne” data".encode("cp1252"), "Høringssvar: “åbne” data"),
        ("Høringssvar: åbne data".encode("latin-1") + b"\x81", "Høringssvar: åbne data\x81"),
        ("\ufeffHøringssvar".encode("utf-16-le"), "Høringssvar"),
        (b"\xef\xbb\xbfH\xc3\xb8ring", "Høring"),
    ],
    ids=["utf-8", "cp1252", "latin-1", "utf-16-bom", "utf-8-bom"],
)
def test_plain_text_charset_is_detected(data, expected):
    result = extract_text(data, "svar.txt", "text/plain")
    assert result.status == "ok"
    assert result.text == expected


def test_html_is_sanitised_to_text():
    page = (
        "<html><head><title>x</title><style>p {color: red}</style></head><body>"
        "<h1>Høringssvar</h1><p>Vi foreslår <b>åbne</b> data &amp; mere.</p>"
        "<script>alert('x')</script><ul><li>Budgetter</li><li>Referater</li></ul></body></html>"
    ).encode()
    result = extract_text(page, "svar.html", "text/html")
    assert result.status == "ok"
    assert result.text == "Høringssvar\n\nVi foreslår åbne data & mere.\n\n- Budgetter\n- Referater"


def test_html_to_text_keeps_quotes_recognisable_and_tables_tabbed():
    text = html_to_text(
        "<p>Enig.</p><blockquote><p>Forslag 1</p><blockquote>Ældre</blockquote></blockquote>"
        "<table><tr><td>A</td><td>B</td></tr></table><img src=x onerror=alert(1)>"
    )
    assert text == "Enig.\n\n> Forslag 1\n>\n> > Ældre\n\nA\tB"


def test_empty_file_is_empty():
    assert extract_text(b"", "tom.txt", "text/plain").status == "empty"
    assert extract_text(b"  \n\n ", "tom.txt", "text/plain").status == "empty"


# --------------------------------------------------------------------------- OCR

@needs_ocr
@pytest.mark.parametrize(("fmt", "name"), [("PNG", "scan.png"), ("JPEG", "scan.jpg"),
                                           ("TIFF", "scan.tif")])
def test_scanned_image_is_read_by_danish_ocr(fmt, name):
    image = scanned_image(["Høringssvar om åbne data", "Vi ønsker større åbenhed"])
    result = extract_text(image_bytes(image, fmt), name, None)
    assert result.status == "ocr" and result.ocr
    assert "Høringssvar om åbne data" in result.text
    assert "større åbenhed" in result.text


@needs_ocr
def test_scanned_pdf_page_without_text_layer_is_ocred():
    image = scanned_image(["Brev fra Jørgen Møller", "Åbenhed i forvaltningen"])
    result = extract_text(image_bytes(image, "PDF", resolution=150), "brev.pdf", None)
    assert (result.status, result.ocr, result.pages) == ("ocr", True, 1)
    assert "Jørgen Møller" in result.text
    assert "Åbenhed i forvaltningen" in result.text


@needs_ocr
def test_blank_scanned_page_is_empty_after_ocr():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    result = extract_text(buffer.getvalue(), "tom.pdf", "application/pdf")
    assert (result.status, result.ocr, result.text) == ("empty", True, "")


# --------------------------------------------------------------------------- hostile files

def test_file_over_the_byte_limit_is_too_large_without_parsing():
    result = extract_text(text_pdf(["x"]), "stor.pdf", None, max_bytes=100)
    assert result.status == "too_large"
    assert result.detected_mime == "application/pdf"


def test_image_of_20000_by_20000_pixels_is_refused_before_decoding():
    result = extract_text(png_header(20000, 20000), "kort.png", "image/png")
    assert result.status == "too_large"
    assert "20000x20000" in result.error


def test_docx_zip_bomb_is_refused_before_opening():
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as original, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            bomb.writestr(item, original.read(item.filename))
        bomb.writestr("word/media/image1.png", b"\x00" * (30 * 1024 * 1024))
    assert len(buffer.getvalue()) < 200_000
    result = extract_text(buffer.getvalue(), "svar.docx", None)
    assert result.status == "too_large"
    assert "zip bomb" in result.error


def test_odt_zip_bomb_is_refused_before_opening():
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(odt_bytes())) as original, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            bomb.writestr(item, original.read(item.filename))
        bomb.writestr("Pictures/bomb.bin", b"\x00" * (30 * 1024 * 1024))
    result = extract_text(buffer.getvalue(), "svar.odt", None)
    assert result.status == "too_large"


def test_odt_with_an_xml_entity_bomb_is_malformed_not_expanded():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        "<office:document-content xmlns:office='urn:oasis:names:tc:opendocument:xmlns:office:1.0'>"
        "&lol3;</office:document-content>"
    )
    result = extract_text(odt_bytes(laughs), "svar.odt", None)
    assert result.status == "malformed"


def test_encrypted_pdf_is_encrypted():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(text_pdf(["Hemmeligt"]))))
    writer.encrypt("hemmelig")
    buffer = io.BytesIO()
    writer.write(buffer)
    result = extract_text(buffer.getvalue(), "hemmelig.pdf", "application/pdf")
    assert result.status == "encrypted"


def test_pdf_protected_only_by_an_owner_password_is_read():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(text_pdf(["Må ikke ændres"]))))
    writer.encrypt(user_password="", owner_password="ejer")
    buffer = io.BytesIO()
    writer.write(buffer)
    result = extract_text(buffer.getvalue(), "låst.pdf", "application/pdf")
    assert result.status == "ok"
    assert "Må ikke ændres" in result.text


def test_encrypted_word_file_is_encrypted():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode(
        "utf-16-le"
    ) + b"\x00" * 512
    assert extract_text(ole, "svar.docx", None).status == "encrypted"


def test_legacy_word_document_is_unsupported():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
    result = extract_text(ole, "svar.doc", "application/msword")
    assert result.status == "unsupported"


def test_malformed_pdf_is_malformed():
    result = extract_text(b"%PDF-1.4\n1 0 obj << /Type /Catalog", "svar.pdf", "application/pdf")
    assert result.status == "malformed"


def test_truncated_docx_is_malformed():
    result = extract_text(docx_bytes()[:2000], "svar.docx", None)
    assert result.status == "malformed"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "svar.pdf"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "svar.docx"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "svar.docx"),
        (b"Dette er bare tekst, ikke en PDF.", "svar.pdf"),
        (b"%PDF-1.4 ...", "billede.png"),
        (b"Harmless text", "svar.exe"),
    ],
    ids=["exe-as-pdf", "elf-as-docx", "png-as-docx", "text-as-pdf", "pdf-as-png", "exe-name"],
)
def test_wrong_type_behind_a_right_extension_is_refused(data, name):
    result = extract_text(data, name, None)
    assert result.status == "refused_type"
    assert result.error


def test_declared_mime_is_used_when_the_name_has_no_extension():
    result = extract_text(text_pdf(["Uden endelse"]), "vedhaeftning", "application/pdf")
    assert result.status == "ok"
    assert "Uden endelse" in result.text


@needs_ocr
def test_a_slow_file_times_out():
    from PIL import Image

    noise = image_bytes(Image.effect_noise((2500, 2500), 120), "PNG")
    result = extract_text(noise, "stoej.png", None, timeout_s=1.0)
    assert result.status == "timeout"


def test_memory_limit_gives_a_status_not_a_crash():
    result = extract_text(docx_bytes(), "svar.docx", None, memory_mb=30)
    assert result.status == "too_large"
    assert "memory" in result.error


@pytest.mark.parametrize("name", ["a.pdf", "a.docx", "a.odt", "a.rtf", "a.txt", "a.html",
                                  "a.png", "a.jpg", "a.tif", "a.bin", ""])
def test_random_bytes_never_raise(name):
    import random

    data = random.Random(name).randbytes(4096)
    result = extract_text(data, name, None)
    assert isinstance(result, Extraction)
    assert result.status in STATUSES


@needs_ocr
def test_a_picture_without_text_is_empty_not_ocr_noise():
    from PIL import Image, ImageDraw

    icon = Image.new("RGB", (25, 25), "white")
    ImageDraw.Draw(icon).ellipse((2, 2, 22, 22), fill="blue")
    photo = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(photo).ellipse((50, 50, 350, 250), fill="green")
    for image, name in ((icon, "blueball.png"), (photo, "foto.jpg")):
        fmt = "PNG" if name.endswith("png") else "JPEG"
        result = extract_text(image_bytes(image, fmt), name, None)
        assert (result.status, result.text) == ("empty", ""), name
