"""Hostile JSON is answered with the API's error body (400/422), never a 500, on both
databases; NUL and other control characters are removed and noted, not stored."""

import json

import pytest
from django.utils import timezone

from samskab.consultations.models import Response

pytestmark = pytest.mark.django_db

URL = "/api/v1/consultations/ogp-2012/responses"
BATCH_URL = URL + "/batch"


def _record(**changes):
    record = {"id": "r-1", "text": "Vi foreslår åbne data.", "respondent_kind": "ngo",
              "organisation": "Foreningen", "received_at": timezone.now().isoformat()}
    record.update(changes)
    return record


def _error(answer):
    body = answer.json()
    assert set(body["error"]) == {"code", "message", "field"}, body
    return body["error"]


@pytest.mark.parametrize(("raw", "status", "code"), [
    ('{"id": "r-1", "text": "x"', 400, "invalid_json"),
    ("not json at all", 400, "invalid_json"),
    ("   ", 400, "invalid_json"),
    ("[" * 100_000 + "]" * 100_000, 400, "invalid_json"),
    ('{"a":' * 50_000 + "1" + "}" * 50_000, 400, "invalid_json"),
    (b"\xff\xfe{}", 400, "invalid_json"),
    ('"just a string"', 422, "validation"),
    ("[1, 2]", 422, "validation"),
    ('{"id": "r-1", "text": "halv \\ud800 surrogat"}', 422, "invalid_characters"),
    ('{"id": "r-1", "text": "x", "name": "\\udfff"}', 422, "invalid_characters"),
    ('{"id": "r-1", "text": "x", "respondent_kind": "\\ud800"}', 422, "invalid_kind"),
    ('{"id": "r-1", "text": "x", "\\ud800": 1}', 422, "validation"),
    ('{"id": "r-1", "text": {"nested": ' * 1 + '[' * 500 + ']' * 500 + "}}", 422, "validation"),
])
def test_hostile_json_gets_the_error_body_never_a_500(post, secret, raw, status, code):
    answer = post(URL, None, secret=secret, raw=raw)
    assert answer.status_code == status, answer.content[:300]
    assert _error(answer)["code"] == code
    assert not Response.objects.exists()


@pytest.mark.parametrize("field", ["text", "name", "organisation", "id"])
def test_nul_in_any_text_field_is_removed_and_noted(post, secret, field):
    record = _record()
    record[field] = record.get(field, "Åse") + "\x00\x01"
    if field == "name":
        record["name"] = "Åse\x00\x01"
    answer = post(URL, record, secret=secret)
    assert answer.status_code == 201, answer.content
    response = Response.objects.select_related("respondent").get()
    stored = {"text": response.text, "name": response.respondent.name,
              "organisation": response.respondent.organisation,
              "id": response.source.get("id", "")}[field]
    assert "\x00" not in stored and "\x01" not in stored
    assert response.source["input_cleaned"]["control_characters_removed"] == 2


def test_surrogate_in_the_idempotency_header_is_no_500(post, secret):
    answer = post(URL, _record(), secret=secret,
                  headers={"Idempotency-Key": "nøgle\x00"})
    assert answer.status_code in (201, 400, 422), answer.content


def test_batch_with_a_lone_surrogate_is_rejected_whole_with_its_index(post, secret):
    raw = json.dumps([_record(id="r-1"), _record(id="r-2", text="\ud800")])
    answer = post(BATCH_URL, None, secret=secret, raw=raw)
    assert answer.status_code == 422, answer.content
    body = answer.json()
    assert body["error"]["code"] == "batch_rejected"
    assert [(e["index"], e["code"]) for e in body["errors"]] == [(1, "invalid_characters")]
    assert not Response.objects.exists()


def test_batch_items_are_cleaned_as_single_responses_are(post, secret):
    raw = json.dumps([_record(id="r-1", text="Første\x00 svar"),
                      _record(id="r-2", organisation="Org\x01")])
    answer = post(BATCH_URL, None, secret=secret, raw=raw)
    assert answer.status_code == 201, answer.content
    first, second = Response.objects.select_related("respondent").order_by("reference")
    assert first.text == "Første svar" and second.respondent.organisation == "Org"
    assert first.source["input_cleaned"]["fields"] == {"text": 1}
    assert second.source["input_cleaned"]["fields"] == {"organisation": 1}
