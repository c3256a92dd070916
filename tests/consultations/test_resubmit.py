"""The web form under an already used idempotency token with a changed text."""

import re

import pytest
from django.urls import reverse

from factories import ConsultationFactory
from samskab.consultations.models import Response

pytestmark = pytest.mark.django_db


def _token(html: str) -> str:
    return re.search(r'name="idempotency_token" value="(\w+)"', html).group(1)


def _post(client, consultation, **data):
    payload = {"respondent_kind": "citizen", "name": "Åse Bæk", "email": "aase@mail.example",
               "text": "Mit første svar om åbne data.", "consent_publish_response": "on"}
    payload.update(data)
    return client.post(reverse("consultations:respond", args=[consultation.slug]), payload)


def test_changed_text_under_a_used_token_says_the_first_was_received_and_offers_a_new_one(
        client):
    consultation = ConsultationFactory()
    token = _token(client.get(reverse("consultations:respond",
                                      args=[consultation.slug])).content.decode())
    first = _post(client, consultation, idempotency_token=token)
    assert first.status_code == 302
    again = _post(client, consultation, idempotency_token=token,
                  text="Mit ændrede svar om åbne data – med en tilføjelse.")
    html = again.content.decode()
    assert again.status_code == 409
    assert "Dit første høringssvar er allerede modtaget" in html
    stored = Response.objects.get()
    assert stored.text == "Mit første svar om åbne data."
    assert stored.reference in html
    assert f'href="{first["Location"]}"' in html  # the first response's receipt
    new_token = _token(html)
    assert new_token != token
    assert "Mit ændrede svar om åbne data – med en tilføjelse." in html  # kept to send

    sent = _post(client, consultation, idempotency_token=new_token,
                 text="Mit ændrede svar om åbne data – med en tilføjelse.")
    assert sent.status_code == 302 and sent["Location"] != first["Location"]
    assert Response.objects.count() == 2


def test_the_same_text_again_is_the_same_receipt(client):
    consultation = ConsultationFactory()
    first = _post(client, consultation, idempotency_token="abc123")
    again = _post(client, consultation, idempotency_token="abc123",
                  text="Mit første svar om åbne data.\r\n")  # only a trailing newline
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Response.objects.count() == 1
