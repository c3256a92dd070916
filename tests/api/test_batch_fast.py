"""The batch API's fast lane (`api.batch`) accepts and stores exactly what the general path
(`json.loads` and `record_parse` record by record) accepts and stores, and hands everything
unusual to that path, which refuses it with every failing index as before."""

import json

import pytest
from django.db import connection
from django.utils import timezone

from factories import ConsultationFactory
from samskab.api import batch, services
from samskab.consultations import services as consultation_services
from samskab.consultations.models import Response
from samskab.core.actions import SystemActor
from samskab.workspace import selectors

pytestmark = pytest.mark.django_db

BATCH_URL = "/api/v1/consultations/ogp-2012/responses/batch"


def _records(n, **changes):
    return [{"id": f" r-{i} ", "text": f"Forslag {i}: åbne data om ældrepleje og øer.  \r\n",
             "respondent_kind": " NGO ", "organisation": " Foreningen Åbenhed ",
             "name": "Søren", "email": "Soeren@Aabenhed.example", "language": "DA",
             "consent_publish_name": True, "received_at": timezone.now().isoformat(),
             "idempotency_key": f"key-{i}", "reference": "ignored", **changes}
            for i in range(n)]


def _stored(consultation):
    return [
        (r.text, r.respondent.kind, r.respondent.name, r.respondent.organisation,
         r.respondent.email, r.respondent_kind, r.language, r.consent_publish_name,
         r.consent_publish_response, r.idempotency_key.split(":", 2)[2], r.content_hash,
         r.received_at, r.late, r.channel,
         {k: v for k, v in r.source.items() if k not in ("api_token",)})
        for r in Response.objects.filter(consultation=consultation)
        .select_related("respondent").order_by("reference")
    ]


def test_the_fast_lane_stores_what_the_general_path_stores():
    records = _records(5)
    stored = []
    for slug, fast in (("fast", True), ("general", False)):
        consultation = ConsultationFactory(slug=slug)
        token, _secret = services.api_token_create(
            consultation=consultation, name="Portal", actor=SystemActor("test"))
        raw = json.dumps({"responses": records}).encode()
        if fast:
            receipts = services.responses_submit_batch_fast(
                token=token, consultation=consultation, records=batch.decode(raw))
        else:
            receipts = services.responses_submit_batch(
                token=token, consultation=consultation, records=json.loads(raw))
        assert [r.created for r in receipts] == [True] * 5
        assert [Response.objects.get(pk=r.response_id).reference for r in receipts] == [
            r.reference for r in receipts]
        stored.append(_stored(consultation))
        # `source` is stored as JSON the database reads (a lookup into it finds the row).
        assert Response.objects.filter(consultation=consultation, source__id="r-0",
                                       source__api_token_name="Portal").count() == 1
    assert stored[0] == stored[1]
    assert stored[0][0][:5] == ("Forslag 0: åbne data om ældrepleje og øer.", "ngo", "Søren",
                                "Foreningen Åbenhed", "soeren@aabenhed.example")


@pytest.mark.parametrize("raw", [
    b'{"responses": [{"text": "x", "id": 7, "idempotency_key": "a"}]}',  # a number as text
    b'[{"text": "x", "consent_publish_name": "ja", "idempotency_key": "a"}]',
    b'[{"text": "x", "typo": 1, "idempotency_key": "a"}]',
    b'[{"text": "x\\ud800", "idempotency_key": "a"}]',
    b'[{"text": "x", "attachments": [{"name": "a.txt", "content_base64": "aGVq"}]}]',
    b'[{"text": "x", "name": "' + b"n" * 301 + b'", "idempotency_key": "a"}]',
    b'[{"text": "x", "idempotency_key": "tab\\tin key"}]',
    b'[{"text": "x", "received_at": "i gaar", "idempotency_key": "a"}]',
    b'[{"text": "x"}]',  # no key: derived from the batch's content by the general path
    b"[]",
    b'{"svar": []}',
])
def test_anything_unusual_goes_to_the_general_path(raw, consultation):
    token, _secret = services.api_token_create(
        consultation=consultation, name="Portal", actor=SystemActor("test"))
    with pytest.raises(batch.NotFast):
        services.responses_submit_batch_fast(
            token=token, consultation=consultation, records=batch.decode(raw))
    assert not Response.objects.exists()


def test_refusals_in_the_fast_lane_list_every_index(post, secret):
    records = _records(4)
    records[1]["respondent_kind"] = "alien"
    records[3]["text"] = " "
    answer = post(BATCH_URL, {"responses": records}, secret=secret)
    assert answer.status_code == 422
    assert [(e["index"], e["code"]) for e in answer.json()["errors"]] == [
        (1, "invalid_kind"), (3, "empty")]
    assert not Response.objects.exists()


def test_general_path_errors_are_listed_with_every_index(post, secret):
    records = _records(4)
    records[0]["id"] = 12  # a number: accepted, as text, by the general path
    records[2]["consent_publish_name"] = "måske"
    records[3]["email"] = "forkert"
    answer = post(BATCH_URL, {"responses": records}, secret=secret)
    assert answer.status_code == 422
    assert [(e["index"], e["code"]) for e in answer.json()["errors"]] == [
        (2, "validation"), (3, "invalid_email")]


def test_same_batch_again_is_200_with_the_same_receipts_and_a_changed_one_is_refused(
        post, secret):
    records = _records(3)
    first = post(BATCH_URL, records, secret=secret)
    again = post(BATCH_URL, records, secret=secret)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["references"] == first.json()["references"]
    assert [r["created"] for r in again.json()["results"]] == [False] * 3
    records[1]["text"] = "Et andet svar med samme nøgle."
    changed = post(BATCH_URL, records, secret=secret)
    assert changed.status_code == 422
    assert [(e["index"], e["code"]) for e in changed.json()["errors"]] == [
        (1, "idempotency_conflict")]
    assert Response.objects.count() == 3


def test_the_idempotency_key_header_scopes_records_without_keys(post, secret):
    records = _records(3, idempotency_key=None)
    for record in records:
        del record["idempotency_key"]
    first = post(BATCH_URL, records, secret=secret, headers={"Idempotency-Key": "levering-1"})
    again = post(BATCH_URL, records, secret=secret, headers={"Idempotency-Key": "levering-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["references"] == first.json()["references"]
    assert sorted(Response.objects.values_list("idempotency_key", flat=True)) == [
        f"api:{Response.objects.first().source['api_token']}:levering-1#{i}" for i in range(3)]


def test_batch_responses_are_found_by_search_at_once(post, secret, consultation):
    records = _records(3)
    records[2]["text"] = "Cykelstierne langs fjorden bør forbindes."
    assert post(BATCH_URL, records, secret=secret).status_code == 201
    found = selectors.inbox(consultation, filters={}, query="cykelstierne")
    assert [r.text for r in found] == ["Cykelstierne langs fjorden bør forbindes."]


def test_the_key_lookup_uses_the_partial_unique_index():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's planner finds the index itself")
    consultation = ConsultationFactory()
    consultation_services.response_receive_many(
        consultation=consultation, channel="api",
        items=[consultation_services.Incoming(text=f"Svar {i}.", idempotency_key=f"k{i}")
               for i in range(3)])
    statements = []

    def note(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        found = consultation_services._stored_by_key(consultation, ["k1", "k2", "nope"])
    assert set(found) == {"k1", "k2"}
    sql, params = statements[0]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "response_unique_idempotency_key" in plan
