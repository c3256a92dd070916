"""Upload sizes enforced while streaming; attachments served with the sniffed type."""

import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse

from factories import ConsultationFactory, UserFactory, receive
from samskab.consultations import services
from samskab.consultations.models import Attachment, Response
from samskab.consultations.serving import sniffed_content_type

MB = 1024 * 1024
BOUNDARY = "----samskab-test-boundary"


class StreamedBody(io.RawIOBase):
    """A multipart body made up as it is read (a form with one big file), never held whole;
    counts what the server read of it."""

    def __init__(self, file_bytes: int, fields: dict[str, str], name: str = "svar.pdf"):
        head = "".join(
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n{value}\r\n"
            for key, value in fields.items()
        )
        head += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachments\"; "
                 f"filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n")
        self.parts = [head.encode(), None, f"\r\n--{BOUNDARY}--\r\n".encode()]
        self.file_bytes = file_bytes
        self.length = len(self.parts[0]) + file_bytes + len(self.parts[2])
        self.position = 0
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        size = min(len(buffer), self.length - self.position)
        if size <= 0:
            return 0
        chunk = self._bytes(self.position, size)
        buffer[:size] = chunk
        self.position += size
        self.read_bytes += size
        return size

    def _bytes(self, start: int, size: int) -> bytes:
        head, tail = self.parts[0], self.parts[2]
        out = bytearray()
        while size:
            if start < len(head):
                piece = head[start:start + size]
            elif start < len(head) + self.file_bytes:
                piece = b"%" * min(size, len(head) + self.file_bytes - start)
            else:
                offset = start - len(head) - self.file_bytes
                piece = tail[offset:offset + size]
            out += piece
            start += len(piece)
            size -= len(piece)
        return bytes(out)


def _post_streamed(path: str, body: StreamedBody, declared: int | None = None) -> tuple:
    """POST `body` through Django's real WSGI handler; (status, headers, content)."""
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SERVER_NAME": "testserver",
        "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": io.BufferedReader(body),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(body.length if declared is None else declared),
        "HTTP_HOST": "testserver",
    }
    answer: dict = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=int(status.split()[0]), headers=dict(headers))

    handler = WSGIHandler()
    content = b"".join(handler(environ, start_response))
    return answer["status"], answer["headers"], content


@pytest.fixture
def open_consultation(db, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["http://testserver"]
    return ConsultationFactory(slug="upload-test")


def _respond_path(consultation) -> str:
    return reverse("consultations:respond", args=[consultation.slug])


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_400_mb_upload_is_refused_before_it_is_read(open_consultation, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "Csrf" not in m]
    body = StreamedBody(400 * MB, {"text": "Stort bilag", "respondent_kind": "citizen"})
    tracemalloc.start()
    status, headers, content = _post_streamed(_respond_path(open_consultation), body)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert status == 413
    assert "for stor" in content.decode()
    assert body.read_bytes == 0  # not one byte of the body was read
    assert peak < 5 * MB, f"peak {peak / MB:.1f} MB"
    assert not Response.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_file_over_the_limit_is_dropped_while_it_streams(open_consultation, settings):
    """A body under the request limit holding one file over the file limit: the file is
    dropped at the chunk that crosses the limit (nothing kept in memory or on disk) and the
    form says which file was too big; nothing is stored."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "Csrf" not in m]
    settings.SAMSKAB_MAX_ATTACHMENT_BYTES = 8 * MB
    body = StreamedBody(60 * MB, {"text": "Svar med stort bilag", "respondent_kind": "citizen",
                                  "consent_publish_response": "on"}, name="stor.pdf")
    tracemalloc.start()
    status, _headers, content = _post_streamed(_respond_path(open_consultation), body)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    html = content.decode()
    assert status == 400
    assert "Filen »stor.pdf« er for stor (højst 8 MB)." in html
    assert "Svar med stort bilag" in html  # what was typed is kept
    assert peak < 12 * MB, f"peak {peak / MB:.1f} MB"
    assert not Response.objects.exists()


def test_the_api_refuses_an_oversized_body_with_its_error_body(open_consultation, settings):
    settings.SAMSKAB_MAX_REQUEST_BYTES = 1 * MB
    body = StreamedBody(2 * MB, {})
    status, headers, content = _post_streamed(
        "/api/v1/consultations/upload-test/responses", body)
    assert status == 413
    assert b'"code": "payload_too_large"' in content
    assert body.read_bytes == 0


def test_a_file_within_the_limit_is_received(client, open_consultation):
    answer = client.post(_respond_path(open_consultation), {
        "respondent_kind": "citizen", "text": "Med bilag", "consent_publish_response": "on",
        "attachments": [SimpleUploadedFile("svar.pdf", b"%PDF-1.4 lille bilag")],
    })
    assert answer.status_code == 302
    assert Attachment.objects.get().size == len(b"%PDF-1.4 lille bilag")


# Serving with the sniffed type -------------------------------------------------------------


@pytest.mark.parametrize(("data", "name", "expected"), [
    (b"%PDF-1.7\n...", "svar.pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n....", "foto.png", "image/png"),
    (b"\xff\xd8\xff\xe0....", "foto.jpg", "image/jpeg"),
    (b"<!doctype html><script>alert(1)</script>", "svar.html", "application/octet-stream"),
    (b"<html><body onload=alert(1)>", "svar.txt", "application/octet-stream"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
     "billede.png", "application/octet-stream"),
    (b"<svg onload=alert(1)>", "svar.txt", "application/octet-stream"),
    (b"MZ\x90\x00 windows program", "svar.pdf", "application/octet-stream"),
    ("Vi foreslår åbne data.".encode(), "svar.txt", "text/plain; charset=utf-8"),
    (b"\x00\x01\x02binary", "svar.txt", "application/octet-stream"),
])
def test_served_type_comes_from_the_bytes(data, name, expected):
    assert sniffed_content_type(data, name) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "claimed", "expected"), [
    (b"<html><script>alert(document.cookie)</script></html>", "text/html",
     "application/octet-stream"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
     "image/svg+xml", "application/octet-stream"),
    (b"%PDF-1.4 a real pdf", "text/html", "application/pdf"),
])
def test_attachment_download_uses_the_sniffed_type_never_the_claim(client, data, claimed,
                                                                   expected):
    consultation = ConsultationFactory()
    receipt = receive(consultation, channel="email", text="Se bilag",
                      attachments=[services.IncomingFile("bilag.txt", data, claimed)])
    attachment = Attachment.objects.get(response_id=receipt.response_id)
    assert attachment.mime_type == claimed  # what the sender said is kept as a fact
    client.force_login(UserFactory(roles=["analyst"]))
    download = client.get(reverse("staff:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == expected
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
