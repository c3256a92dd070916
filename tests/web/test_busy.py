"""A database too busy to take a write answers 503 with Retry-After, never 500, and the retry
(same idempotency token) gives the one receipt. The lock is real: another connection holds it."""

import json
import threading
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from factories import ConsultationFactory
from samskab.api import services as api_services
from samskab.consultations.models import Consultation, Respondent, Response
from samskab.core.actions import SystemActor

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def another_writer_holds_the_lock(consultation):
    """A thread with its own connection (as another worker would be) holds the write lock:
    SQLite's database lock, PostgreSQL's lock on the consultation's row (what numbering takes)."""
    ready, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    Consultation.objects.select_for_update().get(pk=consultation.pk)
                else:
                    Respondent.objects.create(kind="other")
                ready.set()
                release.wait(60)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert ready.wait(30)
    with connection.cursor() as cursor:  # wait briefly for the lock, not the production 5 s
        if connection.vendor == "postgresql":
            cursor.execute("SET lock_timeout = '200ms'")
        else:
            cursor.execute("PRAGMA busy_timeout = 200")
    try:
        yield
    finally:
        release.set()
        thread.join(60)


def test_busy_form_answers_503_keeps_the_text_and_the_retry_gives_one_receipt(client):
    consultation = ConsultationFactory()
    url = f"/hoeringer/{consultation.slug}/svar/"
    data = {"respondent_kind": "citizen", "text": "Mit svar om åbne <data> & mere",
            "idempotency_token": "a1b2c3d4", "consent_publish_response": "on"}
    with another_writer_holds_the_lock(consultation):
        busy = client.post(url, data)
    assert busy.status_code == 503
    assert busy["Retry-After"].isdigit()
    page = busy.content.decode()
    assert "Mit svar om åbne &lt;data&gt; &amp; mere</textarea>" in page
    assert 'name="idempotency_token" value="a1b2c3d4"' in page
    assert f'action="{url}"' in page
    assert Response.objects.count() == 0

    sent = client.post(url, data)
    again = client.post(url, data)
    assert sent.status_code == again.status_code == 302
    assert sent["Location"] == again["Location"]
    assert Response.objects.count() == 1


def test_busy_batch_api_answers_503_json_and_the_retry_stores_once(client):
    consultation = ConsultationFactory()
    _token, secret = api_services.api_token_create(
        consultation=consultation, name="Portalen", actor=SystemActor("test"))
    url = f"/api/v1/consultations/{consultation.slug}/responses/batch"
    body = json.dumps({"responses": [{"text": f"Svar nummer {i}"} for i in range(5)]})
    headers = {"Authorization": f"Bearer {secret}"}
    with another_writer_holds_the_lock(consultation):
        busy = client.post(url, body, content_type="application/json", headers=headers)
    assert busy.status_code == 503
    assert busy.json()["error"]["code"] == "busy"
    assert busy["Retry-After"].isdigit()

    sent = client.post(url, body, content_type="application/json", headers=headers)
    again = client.post(url, body, content_type="application/json", headers=headers)
    assert (sent.status_code, again.status_code) == (201, 200)
    assert sent.json()["references"] == again.json()["references"]
    assert Response.objects.count() == 5
