"""One door out, on the demo: a moderator publishes every response that may be published,
deciding every proposal »mask«, and the public page shows no personal data."""

import re

import pytest
from django.urls import reverse

from factories import receive
from samskab.consultations import services as consultation_services
from samskab.consultations import tasks
from samskab.consultations.models import Attachment, Consultation, Respondent, Response
from samskab.demo.load import demo_load
from samskab.workspace import services
from samskab.workspace.models import Redaction

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # loads the whole demo

PLANTED_CPR = "241265-1236"
PLANTED_EMAIL = "hemmelig.borger@privat.example"
PLANTED_NAME = "Hemmelig Borgersen"


def test_published_demo_responses_leak_no_personal_data(client, moderator, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo_load()
    consultation = Consultation.objects.get(slug="ogp-2012")
    receive(consultation, channel="email", received_at=consultation.closes_at,
            text=f"Mit cpr-nummer er {PLANTED_CPR}, skriv til {PLANTED_EMAIL}. "
                 f"Venlig hilsen {PLANTED_NAME}",
            respondent=consultation_services.RespondentData(name=PLANTED_NAME,
                                                            email=PLANTED_EMAIL))
    # What the worker does after receipt: extract the attachments' text (OCR for the letter).
    for attachment in Attachment.objects.filter(response__consultation=consultation):
        tasks.attachment_extract.call(attachment.pk)
    assert Attachment.objects.filter(extraction_status="ocr").exists()
    published = 0
    for response in Response.objects.filter(consultation=consultation,
                                            consent_publish_response=True):
        services.redaction_propose(actor=moderator, response=response)
        for proposal in Redaction.objects.filter(response=response, state="proposed"):
            services.redaction_accept(actor=moderator, redaction=proposal)
        services.response_publish(actor=moderator, response=response)
        published += 1
    assert published > 250

    private = {PLANTED_CPR, PLANTED_EMAIL, PLANTED_NAME}
    hidden_names, shown_names = set(), set()
    for respondent in Respondent.objects.filter(response__consultation=consultation
                                                ).select_related("response"):
        if respondent.email:
            private.add(respondent.email)
        if respondent.kind == "citizen" and respondent.name:
            consented = respondent.response.consent_publish_name
            (shown_names if consented else hidden_names).add(respondent.name)
    # The demo gives some names to two people, one of whom consented.
    private |= hidden_names - shown_names
    url = reverse("published:responses", args=[consultation.slug])
    first = client.get(url).content.decode()
    assert f"{published} offentliggjorte høringssvar." in first
    pages = [first] + [client.get(f"{url}?side={n}").content.decode() for n in range(2, 9)]
    for number, html in enumerate(pages, start=1):
        for value in private:
            assert value not in html, f"{value!r} leaked on page {number}"
        assert not re.search(r"\b\d{6}-?\d{4}\b", html), f"CPR-like number on page {number}"
