"""Text extraction from attachment and letter bytes.

`extract_text` is the one entry point. It never raises for a bad file and never lets a hostile
file crash or hang the caller: the parsing runs in a child process
(`python -m samskab.extraction`) with an address-space limit, a CPU limit and a
wall-clock timeout, and every outcome is reported as an `Extraction` with a status:

``ok``            text taken from the file's own text (text layer, document XML, plain text)
``ocr``           some or all of the text was read by OCR (scanned PDF pages, images)
``empty``         a valid file with no text in it (``ocr`` tells whether OCR was tried)
``unsupported``   a harmless type we do not read (legacy .doc, spreadsheets, archives, …)
``too_large``     over the byte limit, a decompression or zip bomb, an image over the pixel
                  limit, or the memory limit was hit
``encrypted``     a password-protected PDF or Office file
``malformed``     the file claims a type we read but its parser could not make sense of it
``timeout``       the wall-clock or CPU limit was hit
``refused_type``  the bytes are not what the name or declared type says (a program behind
                  ``.pdf``), or an executable

A library beside `samskab.analysis`: it imports nothing from Django and no app (the import
contracts in pyproject.toml hold it to that), so the worker starts quickly and the child
process loads only what parsing needs.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import signal
import subprocess  # noqa: S404 - fixed argument lists only
import sys
import tempfile
import zipfile
import zlib
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path

import nh3

STATUSES = (
    "ok",
    "ocr",
    "empty",
    "unsupported",
    "too_large",
    "encrypted",
    "malformed",
    "timeout",
    "refused_type",
)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MEMORY_MB = 1024
MAX_IMAGE_PIXELS = 50_000_000
# Zip guard: total declared uncompressed size and the worst compression ratio we accept.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_ZIP_ENTRIES = 10_000
MAX_OCR_PAGES = 50
OCR_LANGUAGES = "dan+eng"
OCR_MAX_SIDE = 2400  # pixels on a rendered page's long side
MIN_OCR_SIDE = 60  # images narrower than this are icons, not text


@dataclass(frozen=True)
class Extraction:
    text: str
    status: str
    detected_mime: str | None
    ocr: bool = False
    pages: int | None = None
    error: str | None = None


class _Stop(Exception):  # noqa: N818 - internal control flow, carries a status
    def __init__(self, status: str, error: str, detected_mime: str | None = None):
        super().__init__(error)
        self.status = status
        self.error = error
        self.detected_mime = detected_mime


# --------------------------------------------------------------------------- HTML to text

_BLOCK_TAGS = {
    "address", "article", "aside", "div", "dl", "dt", "dd", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol",
    "p", "pre", "section", "table", "tr", "ul", "center",
}
_KEEP_TAGS = _BLOCK_TAGS | {
    "a", "b", "blockquote", "br", "caption", "code", "em", "i", "li", "span", "strong", "sub",
    "sup", "td", "th", "thead", "tbody", "tfoot", "u", "font", "small", "big", "s", "q",
}


def _is_blank(line: str) -> bool:
    return not line.replace(">", "").strip()


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote_depth = 0
        self.pre_depth = 0
        self.list_depth = 0
        self.first_cell = True

    def _flush(self, *, force_blank: bool = False) -> None:
        text = "".join(self.current)
        self.current = []
        if self.pre_depth == 0:
            text = re.sub(r"[ \r\n\f\u00a0]+", " ", text).strip(" ")
        prefix = "> " * self.quote_depth
        if text:
            for line in text.split("\n"):
                self.lines.append((prefix + line).rstrip())
        if force_blank and self.lines and not _is_blank(self.lines[-1]):
            self.lines.append(prefix.rstrip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._flush()
            if not self.lines or self.lines[-1] == "":
                pass
            return
        if tag == "blockquote":
            self._flush(force_blank=True)
            self.quote_depth += 1
        elif tag in ("ul", "ol"):
            self._flush()
            self.list_depth += 1
        elif tag == "li":
            self._flush()
            self.current.append("  " * max(self.list_depth - 1, 0) + "- ")
        elif tag == "pre":
            self._flush(force_blank=True)
            self.pre_depth += 1
        elif tag == "tr":
            self._flush()
            self.first_cell = True
        elif tag in ("td", "th"):
            if not self.first_cell:
                self.current.append("\t")
            self.first_cell = False
        elif tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "table"):
            self._flush(force_blank=True)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self._flush()
            self.quote_depth = max(self.quote_depth - 1, 0)
            blank = ("> " * self.quote_depth).rstrip()
            if self.lines and _is_blank(self.lines[-1]):
                self.lines[-1] = blank
            elif self.lines:
                self.lines.append(blank)
        elif tag in ("ul", "ol"):
            self._flush()
            self.list_depth = max(self.list_depth - 1, 0)
        elif tag == "pre":
            self._flush(force_blank=True)
            self.pre_depth = max(self.pre_depth - 1, 0)
        elif tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "table"):
            self._flush(force_blank=True)
        elif tag in _BLOCK_TAGS or tag == "li":
            self._flush()

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def text(self) -> str:
        self._flush()
        out = "\n".join(self.lines)
        out = re.sub(r"\n{3,}", "\n\n", out)
        return out.strip("\n")


def html_to_text(markup: str) -> str:
    """Readable plain text from untrusted HTML: sanitised with nh3 first (scripts, styles and
    everything active dropped with their content), then laid out as lines; blockquotes become
    ``> `` lines so quoted replies stay recognisable, list items ``- ``, table cells tabs."""
    cleaned = nh3.clean(
        markup,
        tags=_KEEP_TAGS,
        clean_content_tags={"script", "style", "head", "title", "template", "noscript"},
        attributes={},
        strip_comments=True,
        link_rel=None,
    )
    builder = _TextBuilder()
    builder.feed(cleaned)
    builder.close()
    return builder.text()


# --------------------------------------------------------------------------- type sniffing

_EXTENSION_KIND = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".odt": "odt",
    ".rtf": "rtf",
    ".txt": "txt",
    ".text": "txt",
    ".csv": "txt",
    ".md": "txt",
    ".htm": "html",
    ".html": "html",
    ".xhtml": "html",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".jpe": "image",
    ".tif": "image",
    ".tiff": "image",
    ".doc": "legacy",
    ".xls": "legacy",
    ".ppt": "legacy",
    ".xlsx": "unsupported",
    ".pptx": "unsupported",
    ".ods": "unsupported",
    ".odp": "unsupported",
    ".zip": "unsupported",
    ".gif": "unsupported",
}
_MIME_KIND = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "text/plain": "txt",
    "text/html": "html",
    "image/png": "image",
    "image/jpeg": "image",
    "image/pjpeg": "image",
    "image/tiff": "image",
    "application/msword": "legacy",
}
_KIND_MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "html": "text/html",
}
_EXECUTABLE_EXTENSIONS = {
    ".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".msi", ".dll", ".js", ".jse", ".vbs",
    ".vbe", ".wsf", ".ps1", ".jar", ".sh", ".lnk", ".hta", ".cpl",
}


def _sniff(data: bytes) -> tuple[str | None, str | None]:
    """(kind, mime) from the bytes alone; kind None when the bytes have no telling signature."""
    head = data[:16]
    if data[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf", "application/pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf", "application/rtf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "image/jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image", "image/tiff"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "unsupported", "image/gif"
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF") or head[:4] in (
        b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe",
    ):
        return "executable", "application/x-executable"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE compound file: legacy Office, or an encrypted OOXML package.
        if "EncryptedPackage".encode("utf-16-le") in data[:65536] or b"EncryptedPackage" in data:
            return "encrypted_office", "application/x-ole-storage"
        return "legacy", "application/x-ole-storage"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    if head.startswith((b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh")):
        return "unsupported", "application/octet-stream"
    text_head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text_head.startswith((b"<!doctype html", b"<html")) or b"<body" in text_head:
        return "html", "text/html"
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary", "application/octet-stream"
    return None, None


def _sniff_zip(data: bytes) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx", _KIND_MIME["docx"]
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype == _KIND_MIME["odt"]:
                    return "odt", mimetype
                return "unsupported", mimetype or "application/zip"
            if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
                return "unsupported", "application/vnd.openxmlformats-officedocument"
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return "zip_broken", "application/zip"
    return "unsupported", "application/zip"


def _expected_kind(filename: str, declared_mime: str | None) -> tuple[str | None, str]:
    suffix = Path(filename or "").suffix.lower()
    if suffix in _EXECUTABLE_EXTENSIONS:
        return "executable", suffix
    if suffix in _EXTENSION_KIND:
        return _EXTENSION_KIND[suffix], suffix
    mime = (declared_mime or "").split(";")[0].strip().lower()
    return _MIME_KIND.get(mime), mime or suffix


# --------------------------------------------------------------------------- the parsers

def _zip_guard(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _Stop("malformed", f"not a readable zip package: {exc}") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise _Stop("too_large", f"zip bomb: {len(infos)} entries")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise _Stop("encrypted", f"encrypted zip entry {info.filename!r}")
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > MAX_ZIP_RATIO:
                raise _Stop(
                    "too_large",
                    f"zip bomb: {info.filename!r} expands {ratio:.0f}x to {info.file_size} bytes",
                )
        if total > MAX_UNZIPPED_BYTES:
            raise _Stop("too_large", f"zip bomb: {total} bytes uncompressed")


def _read_zip_member(archive: zipfile.ZipFile, name: str) -> bytes:
    # The declared size was checked by _zip_guard; read with a hard cap anyway, since the
    # declared size in a hostile archive can lie.
    with archive.open(name) as stream:
        content = stream.read(MAX_UNZIPPED_BYTES + 1)
    if len(content) > MAX_UNZIPPED_BYTES:
        raise _Stop("too_large", f"zip bomb: {name!r} larger than declared")
    return content


def _extract_docx(data: bytes) -> tuple[str, int | None]:
    import docx  # python-docx; lazily, the worker only pays for what it reads
    from docx.oxml.ns import qn

    _zip_guard(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on bad input
        raise _Stop("malformed", f"unreadable DOCX: {type(exc).__name__}: {exc}") from exc
    def paragraph_text(paragraph) -> str:
        parts = []
        for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
            if node.tag == qn("w:t"):
                parts.append(node.text or "")
            elif node.tag == qn("w:tab"):
                parts.append("\t")
            else:
                parts.append("\n")
        return "".join(parts)

    lines: list[str] = []
    body = document.element.body
    # Walk the body in order so tables stay where they were between the paragraphs.
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(paragraph_text(child))
        elif child.tag == qn("w:tbl"):
            for row in child.iter(qn("w:tr")):
                cells = [
                    " ".join(paragraph_text(p) for p in cell.iter(qn("w:p"))).strip()
                    for cell in row.iter(qn("w:tc"))
                ]
                lines.append("\t".join(cells))
    for section in document.sections:
        for part in (section.header, section.footer):
            try:
                if part.is_linked_to_previous:
                    continue  # no header of its own; reading it would repeat another's
                lines.extend(p.text for p in part.paragraphs if p.text.strip())
            except (AttributeError, KeyError, ValueError):
                continue
    return "\n".join(lines), None


def _extract_odt(data: bytes) -> tuple[str, int | None]:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    _zip_guard(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = _read_zip_member(archive, "content.xml")
        root = ElementTree.fromstring(content)
    except DefusedXmlException as exc:
        raise _Stop("malformed", f"ODT with forbidden XML constructs: {exc}") from exc
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError, zlib.error,
            EOFError, OSError) as exc:
        raise _Stop("malformed", f"unreadable ODT: {exc}") from exc
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"

    def inline(element) -> str:
        parts = [element.text or ""]
        for child in element:
            tag = child.tag
            if tag == f"{{{text_ns}}}s":
                parts.append(" " * int(child.get(f"{{{text_ns}}}c", "1")))
            elif tag == f"{{{text_ns}}}tab":
                parts.append("\t")
            elif tag == f"{{{text_ns}}}line-break":
                parts.append("\n")
            elif tag == f"{{{text_ns}}}note":
                pass
            else:
                parts.append(inline(child))
            parts.append(child.tail or "")
        return "".join(parts)

    lines: list[str] = []

    def walk(element) -> None:
        for child in element:
            tag = child.tag
            if tag in (f"{{{text_ns}}}p", f"{{{text_ns}}}h"):
                lines.append(inline(child))
            elif tag == f"{{{table_ns}}}table-row":
                cells = [
                    " ".join(inline(p) for p in cell.iter(f"{{{text_ns}}}p")).strip()
                    for cell in child
                    if cell.tag == f"{{{table_ns}}}table-cell"
                ]
                lines.append("\t".join(cells))
            else:
                walk(child)

    walk(root)
    return "\n".join(lines), None


def _decode_text(data: bytes) -> str:
    """Plain text in an unknown charset: BOMs, UTF-8, then Windows-1252, then Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined; their presence means Latin-1.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _extract_txt(data: bytes) -> tuple[str, int | None]:
    return _decode_text(data), None


def _extract_html(data: bytes) -> tuple[str, int | None]:
    head = data[:4096].decode("ascii", "replace")
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", head, re.IGNORECASE)
    text = None
    if match:
        try:
            text = data.decode(match.group(1))
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text = _decode_text(data)
    return html_to_text(text), None


def _extract_rtf(data: bytes) -> tuple[str, int | None]:
    from striprtf.striprtf import rtf_to_text

    match = re.search(rb"\\ansicpg(\d+)", data[:2048])
    encoding = f"cp{match.group(1).decode()}" if match else "cp1252"
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "cp1252"
    try:
        text = rtf_to_text(data.decode("latin-1"), encoding=encoding, errors="replace")
    except (ValueError, IndexError, UnicodeError) as exc:
        raise _Stop("malformed", f"unreadable RTF: {exc}") from exc
    return text, None


def _run_tool(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_THREAD_LIMIT": "1",
           "LC_ALL": "C.UTF-8"}
    if os.environ.get("TESSDATA_PREFIX"):
        env["TESSDATA_PREFIX"] = os.environ["TESSDATA_PREFIX"]
    return subprocess.run(  # noqa: S603 - fixed program, our own temporary file names
        args, capture_output=True, timeout=timeout, env=env, check=False
    )


def _tesseract(image_path: Path, timeout: float) -> str:
    result = _run_tool(
        ["tesseract", str(image_path), "stdout", "-l", OCR_LANGUAGES, "--psm", "3"], timeout
    )
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace")[:300]
        if _out_of_memory(detail) or result.returncode in (-signal.SIGKILL, -signal.SIGSEGV):
            raise _Stop("too_large", f"memory limit reached during OCR: {detail}")
        raise _Stop("malformed", f"tesseract failed: {detail}")
    text = result.stdout.decode("utf-8", "replace")
    # A handful of stray characters is what OCR makes of a picture without text.
    return text if sum(ch.isalnum() for ch in text) >= 3 else ""


def _check_image(data: bytes) -> tuple[str, int, tuple[int, int]]:
    from PIL import Image

    # Pillow's own bomb check would raise without the size; ours below reads the header only
    # and refuses before anything is decoded.
    Image.MAX_IMAGE_PIXELS = None
    try:
        # open() reads the header only; the pixel data is never decoded here.
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _Stop("too_large", f"image of {width}x{height} pixels")
            frames = getattr(image, "n_frames", 1)
            fmt = (image.format or "").lower()
            size = (width, height)
    except Image.DecompressionBombError as exc:
        raise _Stop("too_large", str(exc)) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise _Stop("malformed", f"unreadable image: {exc}") from exc
    return fmt, frames, size


def _extract_image(data: bytes, timeout: float) -> tuple[str, int | None]:
    fmt, frames, (width, height) = _check_image(data)
    if width < MIN_OCR_SIDE or height < MIN_OCR_SIDE // 3:
        return "", frames  # an icon or a bullet: no readable text, only OCR noise
    suffix = {"png": ".png", "jpeg": ".jpg", "tiff": ".tif"}.get(fmt, ".img")
    with tempfile.TemporaryDirectory(prefix="samskab-ocr-") as tmp:
        path = Path(tmp) / f"scan{suffix}"
        path.write_bytes(data)
        return _tesseract(path, timeout), frames


def _extract_pdf(data: bytes, timeout: float) -> tuple[str, int | None, bool]:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise _Stop("encrypted", "PDF needs a password")
            except (FileNotDecryptedError, NotImplementedError) as exc:
                raise _Stop("encrypted", f"PDF needs a password: {exc}") from exc
        pages = list(reader.pages)
    except _Stop:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            AssertionError, OSError, RecursionError) as exc:
        raise _Stop("malformed", f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    texts: list[str] = []
    used_ocr = False
    ocr_budget = MAX_OCR_PAGES
    with tempfile.TemporaryDirectory(prefix="samskab-pdf-") as tmp:
        pdf_path = Path(tmp) / "in.pdf"
        pdf_path.write_bytes(data)
        for number, page in enumerate(pages, start=1):
            try:
                text = page.extract_text() or ""
            except Exception:  # noqa: BLE001 - pypdf content streams fail in countless ways
                text = ""
            if len(text.strip()) < 3 and ocr_budget > 0:
                ocr_budget -= 1
                text = _ocr_pdf_page(pdf_path, number, timeout)
                used_ocr = True
            texts.append(text.strip("\n"))
    return "\n\n".join(texts), len(pages), used_ocr


def _ocr_pdf_page(pdf_path: Path, number: int, timeout: float) -> str:
    prefix = pdf_path.parent / f"page-{number}"
    result = _run_tool(
        # -scale-to: about 200 dpi for an A4 page, and a cap for pages the size of a wall.
        ["pdftoppm", "-scale-to", str(OCR_MAX_SIDE), "-gray", "-png", "-f", str(number),
         "-l", str(number), "-singlefile", str(pdf_path), str(prefix)],
        timeout,
    )
    image = prefix.with_suffix(".png")
    if result.returncode != 0 or not image.exists():
        return ""
    try:
        return _tesseract(image, timeout)
    finally:
        image.unlink(missing_ok=True)


def _extract_in_process(data: bytes, filename: str, declared_mime: str | None,
                        timeout: float) -> Extraction:
    """The real work, run inside the limited child process."""
    sniffed_kind, sniffed_mime = _sniff(data)
    expected_kind, expected_label = _expected_kind(filename, declared_mime)

    if expected_kind == "executable" or sniffed_kind == "executable":
        return Extraction("", "refused_type", sniffed_mime, error="executable content")
    if sniffed_kind == "binary" and expected_kind in ("txt", "html", "rtf", "pdf", "image"):
        return Extraction("", "refused_type", sniffed_mime,
                          error=f"binary content behind {expected_label}")
    if sniffed_kind == "encrypted_office":
        return Extraction("", "encrypted", sniffed_mime, error="password-protected Office file")

    kind = sniffed_kind
    if kind is None:
        # No signature: text-like content; trust the name among the text kinds.
        kind = expected_kind if expected_kind in ("txt", "html", "rtf") else "txt"
        if expected_kind not in (None, "txt", "html", "rtf", "unsupported"):
            return Extraction("", "refused_type", "text/plain",
                              error=f"plain text behind {expected_label}")
    elif expected_kind is not None and expected_kind != kind:
        compatible = {("txt", "html"), ("html", "txt"), ("legacy", "encrypted_office"),
                      ("unsupported", "zip_broken")}
        if (expected_kind, kind) not in compatible and not (
            expected_kind == "unsupported" and kind in ("unsupported", "docx", "odt")
        ):
            if kind == "zip_broken" and expected_kind in ("docx", "odt"):
                return Extraction("", "malformed", sniffed_mime, error="broken zip package")
            return Extraction("", "refused_type", sniffed_mime,
                              error=f"content is {sniffed_mime}, name says {expected_label}")
    detected = sniffed_mime or _KIND_MIME.get(kind)
    try:
        if kind == "pdf":
            text, pages, used_ocr = _extract_pdf(data, timeout)
        elif kind == "image":
            text, pages = _extract_image(data, timeout)
            used_ocr = True
        elif kind == "docx":
            (text, pages), used_ocr = _extract_docx(data), False
        elif kind == "odt":
            (text, pages), used_ocr = _extract_odt(data), False
        elif kind == "rtf":
            (text, pages), used_ocr = _extract_rtf(data), False
        elif kind == "html":
            (text, pages), used_ocr = _extract_html(data), False
        elif kind == "txt":
            (text, pages), used_ocr = _extract_txt(data), False
        elif kind == "zip_broken":
            return Extraction("", "malformed", detected, error="broken zip package")
        else:
            return Extraction("", "unsupported", detected, error=f"no text extraction for {kind}")
    except _Stop as stop:
        return Extraction("", stop.status, stop.detected_mime or detected, error=stop.error)
    except subprocess.TimeoutExpired:
        return Extraction("", "timeout", detected, error="OCR took too long")
    except MemoryError:
        return Extraction("", "too_large", detected, error="memory limit reached")
    except Exception as exc:  # noqa: BLE001 - hostile input breaks parsers in unforeseen ways
        error = f"{type(exc).__name__}: {exc}"[:500]
        if _out_of_memory(error):  # e.g. a library that could not be mapped under the limit
            return Extraction("", "too_large", detected, error=f"memory limit reached: {error}")
        return Extraction("", "malformed", detected, error=error)
    text = _tidy(text)
    if not text:
        return Extraction("", "empty", detected, ocr=used_ocr, pages=pages)
    return Extraction(text, "ocr" if used_ocr else "ok", detected, ocr=used_ocr, pages=pages)


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --------------------------------------------------------------------------- the sandbox

def _apply_limits(memory_mb: int, cpu_s: int) -> None:
    """Limit this (child) process and everything it starts. Set by the child itself rather
    than in a preexec_fn, which is unsafe when the parent has threads."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (512 * 1024 * 1024, 512 * 1024 * 1024))


def extract_text(
    data: bytes,
    filename: str,
    declared_mime: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> Extraction:
    """Extract the text of one file. Never raises for bad input; see the module's statuses.

    The parsing runs in a child process limited to `memory_mb` of address space and `timeout_s`
    seconds of CPU and of wall-clock time; the child and anything it started (pdftoppm,
    tesseract) are killed as a group when the time is up. Blocks the caller until done.
    """
    if len(data) > max_bytes:
        _kind, mime = _sniff(data[:65536])
        return Extraction("", "too_large", mime, error=f"{len(data)} bytes, limit {max_bytes}")
    if not data:
        return Extraction("", "empty", None)
    header = json.dumps(
        {"filename": filename, "declared_mime": declared_mime, "timeout": timeout_s,
         "memory_mb": memory_mb}
    ).encode()
    payload = header + b"\n" + data
    # A clean environment: the child needs no settings or secrets of the parent.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "OMP_THREAD_LIMIT": "1",
        "LC_ALL": "C.UTF-8",
    }
    if os.environ.get("TESSDATA_PREFIX"):
        env["TESSDATA_PREFIX"] = os.environ["TESSDATA_PREFIX"]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", "samskab.extraction"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own process group, killed whole on timeout
    )
    try:
        stdout, stderr = process.communicate(payload, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        return Extraction("", "timeout", None, error=f"no result within {timeout_s:g} s")
    if process.returncode != 0 or not stdout:
        _kill_group(process)
        tail = stderr.decode("utf-8", "replace").strip()[-4000:]
        message = tail.splitlines()
        last = message[-1] if message else ""
        if process.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            return Extraction("", "timeout", None, error="CPU time limit reached")
        if _out_of_memory(tail):
            return Extraction("", "too_large", None, error="memory limit reached")
        return Extraction(
            "", "malformed", None, error=f"extractor failed ({process.returncode}): {last[:300]}"
        )
    try:
        result = json.loads(stdout)
        return Extraction(**result)
    except (ValueError, TypeError) as exc:
        return Extraction("", "malformed", None, error=f"unreadable extractor output: {exc}")


_MEMORY_SIGNS = ("MemoryError", "Cannot allocate memory", "failed to map segment", "bad_alloc",
                 "Out of memory", "out of memory")


def _out_of_memory(message: str) -> bool:
    return any(sign in message for sign in _MEMORY_SIGNS)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _worker_main() -> int:
    """Child entry: a JSON header line, then the file's bytes, on stdin; JSON on stdout."""
    header = sys.stdin.buffer.readline()
    options = json.loads(header)
    timeout = float(options.get("timeout") or DEFAULT_TIMEOUT_S)
    _apply_limits(int(options.get("memory_mb") or DEFAULT_MEMORY_MB), max(int(timeout), 1))
    data = sys.stdin.buffer.read()
    try:
        result = _extract_in_process(
            data, options["filename"] or "", options.get("declared_mime"), timeout
        )
    except MemoryError:
        result = Extraction("", "too_large", None, error="memory limit reached")
    except RecursionError:
        result = Extraction("", "malformed", None, error="nesting too deep")
    sys.stdout.write(json.dumps(asdict(result)))
    sys.stdout.flush()
    return 0
