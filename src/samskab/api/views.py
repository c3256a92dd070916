"""The JSON API for other portals: plain Django views over `api.services`.

Token-authenticated only (no session, no cookie), hence CSRF-exempt. Every error is JSON:
`{"error": {"code", "message", "field"}}`.
"""

import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import msgspec
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from samskab.api import batch, services
from samskab.api.models import ApiToken
from samskab.consultations.services import Receipt
from samskab.core import slots
from samskab.core.errors import DomainError

OPENAPI_PATH = Path(__file__).with_name("openapi.json")

# HTTP status of each error code; refusals of `response_receive` not listed here are 422.
STATUS = {
    "invalid_json": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "closed": 409,
    "not_open": 409,
    "idempotency_conflict": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "validation": 422,
    "batch_rejected": 422,
    "busy": 503,
}


def _printable(value: Any) -> Any:
    """An error body can echo what the client sent; a lone surrogate in it must not make the
    error itself unencodable (a 500)."""
    if value is None:
        return None
    return str(value).encode("utf-8", "replace").decode("utf-8")


def error_response(code: str, message: Any, field: str | None = None, **extra) -> JsonResponse:
    response = JsonResponse(
        {"error": {"code": code, "message": _printable(message), "field": _printable(field)},
         **extra},
        status=STATUS.get(code, 422),
        json_dumps_params={"ensure_ascii": False},
    )
    if code == "unauthorized":
        response["WWW-Authenticate"] = 'Bearer realm="samskab"'
    return response


def _bearer_secret(request: HttpRequest) -> str:
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def json_body(raw: bytes) -> Any:
    """The decoded JSON of a request body. Raises ApiError `invalid_json`."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise services.ApiError(
            "invalid_json", _("Indholdet er ikke gyldig JSON: %(error)s") % {"error": error},
        ) from None
    except RecursionError:
        raise services.ApiError(
            "invalid_json", _("Indholdet er ikke gyldig JSON: det er indlejret for dybt."),
        ) from None


def token_endpoint(view: Callable[..., HttpResponse] | None = None, *,
                   raw: bool = False) -> Callable[..., HttpResponse]:
    """POST only, a valid token admitting the consultation, a JSON body; then `view(request,
    token=, consultation=, body=)`, `body` decoded (`raw`: the bytes, for the view to decode,
    with `json_body` or faster). Known refusals of the services become JSON errors."""
    if view is None:
        return lambda view: token_endpoint(view, raw=raw)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str) -> HttpResponse:
        if request.method != "POST":
            response = error_response("method_not_allowed", _("Kun POST er tilladt her."))
            response["Allow"] = "POST"
            return response
        token = services.api_token_authenticate(secret=_bearer_secret(request))
        if token is None:
            return error_response(
                "unauthorized",
                _("Angiv en gyldig API-nøgle i Authorization: Bearer <nøgle>."),
            )
        try:
            consultation = services.api_consultation(token=token, slug=slug)
        except DomainError as error:
            return error_response(error.code, error.message, error.field)
        if request.content_type != "application/json":
            return error_response(
                "unsupported_media_type", _("Indholdet skal være application/json."),
            )
        try:
            body = request.body if raw else json_body(request.body)
        except RequestDataTooBig:
            return error_response("payload_too_large", _("Forespørgslen er for stor."))
        except DomainError as error:
            return error_response(error.code, error.message, error.field)
        try:
            return view(request, token=token, consultation=consultation, body=body)
        except RecursionError:
            return error_response("validation", _("Posten er indlejret for dybt."))
        except DomainError as error:  # ApiError, RecordError, ReceiveError and the rest
            return error_response(error.code, error.message, error.field)

    # The view's permission declaration, read by the URL × role walk (tests/test_url_roles.py):
    # a token admitting the consultation (rule "api.token_may_submit"), no session role.
    wrapper.api_rule = "api.token_may_submit"
    return wrapper


def _receipt_json(receipt: Receipt, moments: dict | None = None) -> dict[str, Any]:
    """`moments` caches the local time of each moment across a batch (most share one)."""
    moment = moments.get(receipt.received_at) if moments is not None else None
    if moment is None:
        moment = timezone.localtime(receipt.received_at).isoformat()
        if moments is not None:
            moments[receipt.received_at] = moment
    return {
        "reference": receipt.reference,
        "received_at": moment,
        "late": receipt.late,
        "created": receipt.created,
    }


@token_endpoint
def response_create(request: HttpRequest, *, token: ApiToken, consultation, body) -> HttpResponse:
    receipt = services.response_submit(
        token=token, consultation=consultation, record=body,
        idempotency_key=request.headers.get("Idempotency-Key", "").strip(),
    )
    return JsonResponse(_receipt_json(receipt), status=201 if receipt.created else 200)


@token_endpoint(raw=True)
def response_batch_create(
    request: HttpRequest, *, token: ApiToken, consultation, body: bytes
) -> HttpResponse:
    # Read before waiting for a slot: a batch msgspec reads into typed records takes the fast
    # lane (api.batch); anything else is decoded as JSON here, so bad JSON is refused at once.
    try:
        records = batch.decode(body)
    except batch.NotFast:
        records = None
        decoded = json_body(body)
    # At most SAMSKAB_API_BATCH_SLOTS batches run at a time on this machine and
    # SAMSKAB_API_BATCH_WAITING wait for a slot (without using CPU); others are told at once to
    # send again, so batch clients never hold more web workers than those two together.
    try:
        with slots.slot("api-batch", settings.SAMSKAB_API_BATCH_SLOTS,
                        wait_seconds=settings.SAMSKAB_API_BATCH_WAIT_SECONDS,
                        waiting=settings.SAMSKAB_API_BATCH_WAITING):
            if records is not None:
                try:
                    return _batch(request, token=token, consultation=consultation,
                                  records=records, fast=True)
                except batch.NotFast:
                    decoded = json_body(body)
            return _batch(request, token=token, consultation=consultation, records=decoded,
                          fast=False)
    except slots.NoSlot:
        response = error_response("busy", _(
            "Der er travlt lige nu. Send forespørgslen igen om lidt med samme "
            "Idempotency-Key; intet er gemt to gange."))
        response["Retry-After"] = "1"
        return response


_ENCODER = msgspec.json.Encoder()


def _batch(request: HttpRequest, *, token: ApiToken, consultation, records: Any,
           fast: bool) -> HttpResponse:
    submit = services.responses_submit_batch_fast if fast else services.responses_submit_batch
    try:
        receipts = submit(
            token=token, consultation=consultation, records=records,
            batch_key=request.headers.get("Idempotency-Key", "").strip(),
        )
    except services.BatchRejected as rejected:
        return error_response(
            "batch_rejected",
            _("%(n)s af svarene blev afvist; intet er gemt.") % {"n": len(rejected.errors)},
            "responses",
            errors=[
                {"index": e.index, "code": e.code, "message": _printable(e.message),
                 "field": _printable(e.field)}
                for e in rejected.errors
            ],
        )
    created = sum(receipt.created for receipt in receipts)
    moments: dict = {}
    results = []
    for index, receipt in enumerate(receipts):
        moment = moments.get(receipt.received_at)
        if moment is None:
            moment = moments[receipt.received_at] = (
                timezone.localtime(receipt.received_at).isoformat())
        results.append({"index": index, "reference": receipt.reference,
                        "received_at": moment, "late": receipt.late,
                        "created": receipt.created})
    return HttpResponse(
        _ENCODER.encode({"created": created,
                         "references": [receipt.reference for receipt in receipts],
                         "results": results}),
        content_type="application/json", status=201 if created else 200,
    )


def openapi(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return error_response("method_not_allowed", _("Kun GET er tilladt her."))
    return HttpResponse(OPENAPI_PATH.read_bytes(), content_type="application/json")
