"""Upload sizes enforced while the request streams in, never after it is in memory.

Three limits, each before the bytes are kept:
- `RequestSizeLimitMiddleware` refuses a request whose declared body (Content-Length) is over
  SAMSKAB_MAX_REQUEST_BYTES with 413, before anything reads the body (Django's WSGI request
  reads no more than Content-Length, so the declared size is the most that can come in);
- `LimitedUploadHandler`, first of FILE_UPLOAD_HANDLERS, counts every file's bytes as they
  stream through the multipart parser and drops a file over SAMSKAB_MAX_ATTACHMENT_BYTES at the
  chunk that crosses the limit (the rest is read and discarded, not kept), noting it in
  `request.upload_refusals` so the form can say which file was too big;
- DATA_UPLOAD_MAX_MEMORY_SIZE caps the non-file part (form fields, a JSON body).
Files that pass are spooled to disk by Django's own handlers above FILE_UPLOAD_MAX_MEMORY_SIZE.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def request_limit() -> int:
    return settings.SAMSKAB_MAX_REQUEST_BYTES


class RequestSizeLimitMiddleware:
    """413 for a body declared larger than SAMSKAB_MAX_REQUEST_BYTES, without reading it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = request_limit()
        if declared > limit:
            return too_large_response(request, limit)
        return self.get_response(request)


def too_large_response(request, limit: int) -> HttpResponse:
    message = _("Forespørgslen er for stor: højst %(mb)s MB i alt.") % {"mb": limit // 2**20}
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": "payload_too_large", "message": message, "field": None}},
            status=413, json_dumps_params={"ensure_ascii": False},
        )
    else:
        try:
            body = render_to_string("web/too_large.html", {
                "message": message,
                "max_file_mb": settings.SAMSKAB_MAX_ATTACHMENT_BYTES // 2**20,
            }, request=request)
        except Exception:  # noqa: BLE001 - the refusal must not depend on the templates
            body = f"<!doctype html><title>413</title><p>{message}</p>"
        response = HttpResponse(body, status=413)
    # The body was not read: the connection cannot carry another request.
    response["Connection"] = "close"
    return response


class LimitedUploadHandler(FileUploadHandler):
    """Drops each file that grows over SAMSKAB_MAX_ATTACHMENT_BYTES while it streams in."""

    def new_file(self, field_name, file_name, content_type, content_length, charset=None,
                 content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset,
                         content_type_extra)
        self.received = 0
        if content_length is not None and content_length > settings.SAMSKAB_MAX_ATTACHMENT_BYTES:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.SAMSKAB_MAX_ATTACHMENT_BYTES:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) builds the file

    def _refuse(self):
        refusals = getattr(self.request, "upload_refusals", None)
        if refusals is None:
            refusals = self.request.upload_refusals = []
        if self.file_name not in refusals:
            refusals.append(self.file_name)
        raise SkipFile
