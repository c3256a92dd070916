import base64
import hashlib
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from factories import ConsultationFactory
from samskab.api import services
from samskab.consultations.models import Attachment, Channel, Respondent, Response
from samskab.core.actions import SystemActor

pytestmark = pytest.mark.django_db

URL = "/api/v1/consultations/ogp-2012/responses"
BATCH_URL = URL + "/batch"
RECORD = {
    "id": "r-000123",
    "text": "Vi foreslår, at alle kommuners budgetter udgives som åbne data – også på øerne.",
    "respondent_kind": "ngo",
    "organisation": "Foreningen Åbenhed",
    "name": "Søren Ærø",
    "email": "soeren@aabenhed.example",
    "received_at": "2026-11-29T14:03:00+01:00",
    "language": "da",
}


def _record(**changes):
    record = {**RECORD, "received_at": timezone.now().isoformat()}
    record.update(changes)
    return {key: value for key, value in record.items() if value is not None}


# Authentication and scope -----------------------------------------------------------------


def test_valid_token_stores_the_response_and_answers_201_with_the_receipt(post, secret):
    answer = post(URL, _record(), secret=secret)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["reference"] == "OGP-2012-0001"
    assert body["created"] is True and body["late"] is False
    response = Response.objects.select_related("respondent").get()
    assert response.channel == Channel.API
    assert response.text == RECORD["text"]
    assert response.respondent.kind == "ngo"
    assert response.respondent.organisation == "Foreningen Åbenhed"
    assert response.respondent.name == "Søren Ærø"
    assert response.source["id"] == "r-000123"
    assert response.source["api_token_name"] == "Høringsportalen"


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer smk_wrong", "Basic dXNlcjpwYXNz", "Token {secret}",
])
def test_missing_or_wrong_token_is_401(post, secret, authorization):
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization.format(secret=secret)
    answer = post(URL, _record(), headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert Response.objects.count() == 0


def test_bearer_scheme_is_case_insensitive(post, secret):
    answer = post(URL, _record(), headers={"Authorization": f"bearer {secret}"})
    assert answer.status_code == 201


def test_revoked_token_is_401(post, consultation, secret):
    token = services.api_token_authenticate(secret=secret)
    services.api_token_revoke(token=token, actor=SystemActor("test"))
    assert post(URL, _record(), secret=secret).status_code == 401


def test_token_of_another_consultation_is_403(post, secret):
    other = ConsultationFactory(slug="andet")
    answer = post("/api/v1/consultations/andet/responses", _record(), secret=secret)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"
    assert not Response.objects.filter(consultation=other).exists()


def test_unknown_consultation_is_404_for_a_valid_token(post, secret):
    answer = post("/api/v1/consultations/findes-ikke/responses", _record(), secret=secret)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_unknown_consultation_without_token_is_401_not_404(post, consultation):
    assert post("/api/v1/consultations/findes-ikke/responses", _record()).status_code == 401


def test_get_is_405_with_json(client, secret):
    answer = client.get(URL, headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 405
    assert answer.json()["error"]["code"] == "method_not_allowed"


def test_session_login_is_not_enough(client, admin_user, post, consultation):
    client.force_login(admin_user)
    assert post(URL, _record()).status_code == 401


def test_csrf_is_not_required(secret, consultation):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    answer = strict.post(URL, data=_record(), content_type="application/json",
                         headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 201


def test_use_is_noted_on_the_token(post, secret):
    token = services.api_token_authenticate(secret=secret)
    token.refresh_from_db()
    before = token.last_used_at
    post(URL, _record(), secret=secret)
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at >= before


# Idempotency --------------------------------------------------------------------------------


def test_same_idempotency_key_gives_the_same_reference_and_200(post, secret):
    first = post(URL, _record(), secret=secret, headers={"Idempotency-Key": "portal-42"})
    again = post(URL, _record(), secret=secret, headers={"Idempotency-Key": "portal-42"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert again.json()["created"] is False
    assert Response.objects.count() == 1


def test_without_a_key_each_request_is_a_new_response(post, secret):
    post(URL, _record(), secret=secret)
    post(URL, _record(), secret=secret)
    assert Response.objects.count() == 2


def test_same_key_with_another_text_is_409_conflict(post, secret):
    post(URL, _record(), secret=secret, headers={"Idempotency-Key": "k1"})
    answer = post(URL, _record(text="Et helt andet svar."), secret=secret,
                  headers={"Idempotency-Key": "k1"})
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "idempotency_conflict"
    assert Response.objects.count() == 1


def test_same_key_from_two_portals_is_two_responses(post, consultation, secret):
    _token, other_secret = services.api_token_create(
        consultation=consultation, name="Borger.dk", actor=SystemActor("test"),
    )
    one = post(URL, _record(), secret=secret, headers={"Idempotency-Key": "1"})
    two = post(URL, _record(), secret=other_secret, headers={"Idempotency-Key": "1"})
    assert one.json()["reference"] != two.json()["reference"]
    assert Response.objects.count() == 2


def test_overlong_idempotency_key_is_422(post, secret):
    answer = post(URL, _record(), secret=secret, headers={"Idempotency-Key": "x" * 151})
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "idempotency_key"


# The deadline: the API is a refusing channel ------------------------------------------------


def test_closed_consultation_refuses_with_409_closed(post):
    consultation = ConsultationFactory(slug="ogp-2012", closed=True)
    _token, secret = services.api_token_create(
        consultation=consultation, name="Portal", actor=SystemActor("test"),
    )
    answer = post(URL, _record(received_at=None), secret=secret)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "closed"
    assert Response.objects.count() == 0


def test_upcoming_consultation_refuses_with_not_open(post):
    consultation = ConsultationFactory(slug="ogp-2012", upcoming=True)
    _token, secret = services.api_token_create(
        consultation=consultation, name="Portal", actor=SystemActor("test"),
    )
    answer = post(URL, _record(received_at=None), secret=secret)
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "not_open")


def test_received_at_after_the_deadline_is_refused_as_closed(post):
    consultation = ConsultationFactory(slug="ogp-2012", closed=True)
    _token, secret = services.api_token_create(
        consultation=consultation, name="Portal", actor=SystemActor("test"),
    )
    after = consultation.closes_at + timedelta(hours=1)
    answer = post(URL, _record(received_at=after.isoformat()), secret=secret)
    assert answer.json()["error"]["code"] == "closed"
    assert Response.objects.count() == 0


def test_portal_may_deliver_after_the_deadline_what_it_received_before(post):
    # Another portal forwards what its users sent in time: its received_at decides.
    consultation = ConsultationFactory(slug="ogp-2012", closed=True)
    _token, secret = services.api_token_create(
        consultation=consultation, name="Portal", actor=SystemActor("test"),
    )
    before = consultation.closes_at - timedelta(hours=1)
    answer = post(URL, _record(received_at=before.isoformat()), secret=secret)
    assert answer.status_code == 201
    assert answer.json()["late"] is False


def test_received_at_in_the_future_is_refused(post, secret):
    answer = post(URL, _record(received_at=(timezone.now() + timedelta(days=1)).isoformat()),
                  secret=secret)
    assert answer.json()["error"] == {
        "code": "validation", "field": "received_at",
        "message": "»received_at« ligger i fremtiden.",
    }


def test_received_at_inside_the_period_is_kept(post, consultation, secret):
    moment = consultation.opens_at + timedelta(hours=1)
    answer = post(URL, _record(received_at=moment.isoformat()), secret=secret)
    assert answer.status_code == 201
    assert Response.objects.get().received_at == moment


def test_received_at_before_opening_is_refused_not_open(post, consultation, secret):
    moment = consultation.opens_at - timedelta(hours=1)
    answer = post(URL, _record(received_at=moment.isoformat()), secret=secret)
    assert answer.json()["error"]["code"] == "not_open"


# Bad requests -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["{", "[1, 2", "{\"text\": }", "\xff"])
def test_bad_json_is_400_invalid_json(post, secret, raw):
    answer = post(URL, None, secret=secret, raw=raw.encode("latin-1"))
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_json"


def test_form_encoded_body_is_415(post, secret):
    answer = post(URL, None, secret=secret, raw="text=hej",
                  content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 415
    assert answer.json()["error"]["code"] == "unsupported_media_type"


def test_too_large_body_is_413(post, secret, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = post(URL, _record(text="æ" * 2000), secret=secret)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize(("changes", "status", "code", "field"), [
    ({"text": None}, 422, "validation", "text"),
    ({"text": 42.5}, 422, "validation", "text"),
    ({"text": "   "}, 422, "empty", "text"),
    ({"respondent_kind": "alien"}, 422, "invalid_kind", "respondent_kind"),
    ({"email": "ikke en adresse"}, 422, "invalid_email", "email"),
    ({"received_at": "21-02-2012"}, 422, "validation", "received_at"),
    ({"received_at": "2012-02-21T14:03:00"}, 422, "validation", "received_at"),
    ({"consent_publish_name": "måske"}, 422, "validation", "consent_publish_name"),
    ({"attachments": "svar.pdf"}, 422, "validation", "attachments"),
    ({"attachments": [{"name": "a.txt", "content_base64": "ikke base64!"}]}, 422,
     "validation", "attachments"),
    ({"attachments": [{"name": "a.exe", "content_base64": "aGVq"}]}, 422,
     "attachment_type", "attachments"),
    ({"respondent_type": "ngo"}, 422, "validation", "respondent_type"),
    ({"text": "x" * 100_001}, 422, "text_too_long", "text"),
])
def test_bad_fields_are_refused_with_code_and_field(post, secret, changes, status, code, field):
    answer = post(URL, _record(**changes), secret=secret)
    assert answer.status_code == status, answer.content
    assert answer.json()["error"]["code"] == code
    assert answer.json()["error"]["field"] == field
    assert answer.json()["error"]["message"]
    assert Response.objects.count() == 0
    assert Respondent.objects.count() == 0


def test_body_that_is_not_an_object_is_422(post, secret):
    answer = post(URL, ["Vi foreslår åbne data."], secret=secret)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "validation"


def test_export_only_fields_are_ignored(post, secret):
    answer = post(URL, _record(reference="X-1", channel="web", status="published", late=False),
                  secret=secret)
    assert answer.status_code == 201
    assert Response.objects.get().channel == Channel.API


def test_error_message_is_danish_by_default(post, secret):
    answer = post(URL, _record(email="nej"), secret=secret)
    assert answer.json()["error"]["message"] == "E-mailadressen ser ikke gyldig ud."


# Attachments --------------------------------------------------------------------------------


def test_attachments_are_stored_unchanged_with_their_sha256(post, secret):
    data = "Bilag til høringssvaret: æ ø å\n".encode()
    answer = post(URL, _record(text="", attachments=[
        {"name": "høringssvar.txt", "mime": "text/plain",
         "content_base64": base64.b64encode(data).decode()},
    ]), secret=secret)
    assert answer.status_code == 201, answer.content
    attachment = Attachment.objects.get()
    assert attachment.original_name == "høringssvar.txt"
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.size == len(data)
    with attachment.file.open("rb") as stored:
        assert stored.read() == data


def test_too_many_attachments_are_refused(post, secret, settings):
    settings.SAMSKAB_MAX_ATTACHMENTS = 1
    file = {"name": "a.txt", "content_base64": base64.b64encode(b"hej").decode()}
    answer = post(URL, _record(attachments=[file, file]), secret=secret)
    assert answer.json()["error"]["code"] == "too_many_attachments"


# Batch ----------------------------------------------------------------------------------------


def _batch(n, **changes):
    return {"responses": [
        _record(id=f"r-{i}", text=f"Forslag nummer {i}: åbne data om ældrepleje.", **changes)
        for i in range(n)
    ]}


def test_batch_stores_every_record_and_returns_the_references_in_order(post, secret):
    answer = post(BATCH_URL, _batch(3), secret=secret)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["created"] == 3
    assert body["references"] == ["OGP-2012-0001", "OGP-2012-0002", "OGP-2012-0003"]
    assert [r["index"] for r in body["results"]] == [0, 1, 2]
    stored = dict(Response.objects.values_list("reference", "text"))
    assert stored["OGP-2012-0002"] == "Forslag nummer 1: åbne data om ældrepleje."


def test_batch_with_one_bad_record_stores_nothing_and_lists_every_failure(post, secret):
    batch = _batch(5)
    batch["responses"][1]["respondent_kind"] = "alien"
    batch["responses"][3]["text"] = " "
    batch["responses"][4]["received_at"] = "i går"
    answer = post(BATCH_URL, batch, secret=secret)
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"]["code"] == "batch_rejected"
    assert [(e["index"], e["code"]) for e in body["errors"]] == [
        (1, "invalid_kind"), (3, "empty"), (4, "validation"),
    ]
    assert Response.objects.count() == 0
    assert Respondent.objects.count() == 0
    # The numbers the rolled-back records took are given again.
    assert post(BATCH_URL, _batch(1), secret=secret).json()["references"] == ["OGP-2012-0001"]


def test_batch_rollback_removes_stored_attachments_rows(post, secret):
    batch = _batch(2)
    batch["responses"][0]["attachments"] = [
        {"name": "a.txt", "content_base64": base64.b64encode(b"hej").decode()}]
    batch["responses"][1]["email"] = "forkert"
    assert post(BATCH_URL, batch, secret=secret).status_code == 422
    assert Attachment.objects.count() == 0


def test_batch_is_idempotent_per_record(post, secret):
    batch = _batch(3)
    for i, record in enumerate(batch["responses"]):
        record["idempotency_key"] = f"batch-1-{i}"
    first = post(BATCH_URL, batch, secret=secret)
    again = post(BATCH_URL, batch, secret=secret)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["references"] == first.json()["references"]
    assert again.json()["created"] == 0
    assert Response.objects.count() == 3


def test_batch_accepts_a_bare_list(post, secret):
    answer = post(BATCH_URL, _batch(2)["responses"], secret=secret)
    assert answer.status_code == 201
    assert Response.objects.count() == 2


def test_batch_of_1000_is_accepted_and_1001_is_413(post, secret):
    assert post(BATCH_URL, _batch(1001), secret=secret).status_code == 413
    assert Response.objects.count() == 0
    answer = post(BATCH_URL, _batch(1000), secret=secret)
    assert answer.status_code == 201
    assert Response.objects.count() == 1000
    assert answer.json()["references"][-1] == "OGP-2012-1000"


@pytest.mark.parametrize("body", [{"responses": []}, {"svar": []}, "tekst", {"responses": 3}])
def test_batch_of_wrong_shape_is_422(post, secret, body):
    answer = post(BATCH_URL, body, secret=secret)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "validation"


def test_batch_on_a_closed_consultation_stores_nothing(post):
    consultation = ConsultationFactory(slug="ogp-2012", closed=True)
    _token, secret = services.api_token_create(
        consultation=consultation, name="Portal", actor=SystemActor("test"),
    )
    answer = post(BATCH_URL, _batch(2, received_at=None), secret=secret)
    assert answer.status_code == 422
    assert {e["code"] for e in answer.json()["errors"]} == {"closed"}
    assert Response.objects.count() == 0


def test_batch_needs_the_token_of_its_consultation(post, secret):
    ConsultationFactory(slug="andet")
    answer = post("/api/v1/consultations/andet/responses/batch", _batch(1), secret=secret)
    assert answer.status_code == 403


def test_a_batch_waits_for_a_free_slot_and_answers_503_when_none_comes(post, secret, settings,
                                                                       tmp_path):
    """At most SAMSKAB_API_BATCH_SLOTS batches run at once on a machine (the form keeps its
    share of the cores); one that finds no slot in time is told to send again, stores nothing,
    and the same batch sent again is stored once."""
    from samskab.core import slots

    # slots of this test's own (the other test process's batches take the shared ones)
    settings.VAR_DIR = str(tmp_path)
    settings.SAMSKAB_API_BATCH_SLOTS = 1
    settings.SAMSKAB_API_BATCH_WAIT_SECONDS = 0
    batch = _batch(3)
    with slots.slot("api-batch", 1):  # another worker process's batch, as far as flock knows
        busy = post(BATCH_URL, batch, secret=secret)
    assert busy.status_code == 503
    assert busy["Retry-After"] == "1"
    assert busy.json()["error"]["code"] == "busy"
    assert Response.objects.count() == 0
    again = post(BATCH_URL, batch, secret=secret)
    assert again.status_code == 201
    assert post(BATCH_URL, batch, secret=secret).status_code == 200
    assert Response.objects.count() == 3
    # With no waiting place, a batch that finds the slot taken is told at once: the slot
    # comes free 2 s later, which a batch that waited would take (201).
    settings.SAMSKAB_API_BATCH_WAIT_SECONDS = 60
    settings.SAMSKAB_API_BATCH_WAITING = 0
    held, release = threading.Event(), threading.Event()

    def another_workers_batch():
        with slots.slot("api-batch", 1):
            held.set()
            release.wait(2)

    holder = threading.Thread(target=another_workers_batch, daemon=True)
    holder.start()
    assert held.wait(10)
    try:
        assert post(BATCH_URL, _batch(2), secret=secret).status_code == 503
    finally:
        release.set()
        holder.join(10)
    assert Response.objects.count() == 3
