"""Personal data in every field (issue 9): CPR numbers in every spelling are found and masked,
the short fields are screened at intake, and analysts never read or find a CPR number."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import ConsultationFactory, UserFactory, receive
from samskab.consultations import redaction
from samskab.consultations.models import Response
from samskab.consultations.services import IncomingFile, RespondentData
from samskab.workspace import redaction as finder
from samskab.workspace import services as workspace

SPELLINGS = [
    "241265-1236", "241265\u20101236", "241265\u20111236", "241265\u20121236",
    "241265\u20131236", "241265\u20141236", "241265\u20151236", "241265\u22121236",
    "24.12.65-1236", "241265 - 1236", "241265 \u2013 1236", "2412651236", "241265 1236",
    "241265\u00a0-\u00a01236",
]


@pytest.mark.nodb
@pytest.mark.parametrize("cpr", SPELLINGS)
def test_every_spelling_of_a_cpr_number_is_found_and_masked(cpr):
    text = f"Mit cpr-nummer er {cpr}, tak."
    assert [f.kind for f in redaction.find_personal_data(text)] == ["cpr"]
    assert redaction.mask_cpr(text) == f"Mit cpr-nummer er {redaction.CPR_MASK}, tak."


@pytest.mark.nodb
@pytest.mark.parametrize("text", [
    "sag 2011-4432", "telefon 20 45 67 89", "beløb 1.234.567 kr", "år 2012\u20132013",
    "dato 320182-1234", "konto 1234567890", "ISBN 978-87-1234-567-8",
])
def test_numbers_that_are_not_cpr_numbers_are_left(text):
    assert "cpr" not in [f.kind for f in redaction.find_personal_data(text)]


@pytest.mark.django_db
def test_intake_masks_cpr_numbers_in_every_short_field_and_keeps_the_text():
    consultation = ConsultationFactory()
    receipt = receive(
        consultation, channel="email",
        text="Mit cpr er 120375\u20132231.",
        respondent=RespondentData(kind="ngo", name="Karen 080482\u20113342",
                                  organisation="Foreningen 15.06.88-4453"),
        source={"subject": "Svar fra 030791 - 5564", "message_id": "<a@b>"},
        attachments=[IncomingFile(name="svar 2708936675.txt", data=b"tekst",
                                  mime_type="text/plain")],
    )
    response = Response.objects.select_related("respondent").get(pk=receipt.response_id)
    assert response.respondent.name == f"Karen {redaction.CPR_MASK}"
    assert response.respondent.organisation == f"Foreningen {redaction.CPR_MASK}"
    assert response.source["subject"] == f"Svar fra {redaction.CPR_MASK}"
    assert response.attachments.get().original_name == f"svar {redaction.CPR_MASK}.txt"
    # The text is kept as received; its CPR number is masked when it is published.
    assert response.text == "Mit cpr er 120375\u20132231."


@pytest.mark.django_db
def test_many_at_once_screens_the_same_fields():
    from samskab.consultations.services import Incoming, response_receive_many

    consultation = ConsultationFactory(closed=True)
    [receipt] = response_receive_many(consultation=consultation, channel="import", items=[
        Incoming(text="Et svar.", respondent=RespondentData(
            kind="ngo", name="Ib 080482\u20113342", organisation="Forening 2708936675"))])
    respondent = Response.objects.get(pk=receipt.response_id).respondent
    assert (respondent.name, respondent.organisation) == (
        f"Ib {redaction.CPR_MASK}", f"Forening {redaction.CPR_MASK}")


@pytest.mark.django_db
def test_a_cpr_number_in_a_new_spelling_is_masked_in_the_published_version():
    moderator = UserFactory(roles=["moderator"])
    consultation = ConsultationFactory(closed=True)
    receipt = receive(consultation, channel="email",
                      text="Mit cpr er 241265\u20111236 og 24.12.65-1236.")
    response = Response.objects.get(pk=receipt.response_id)
    version = workspace.response_publish(actor=moderator, response=response)
    assert version.text == f"Mit cpr er {redaction.CPR_MASK} og {redaction.CPR_MASK}."


@pytest.mark.django_db
def test_analysts_read_cpr_numbers_masked_and_cannot_search_for_them(client):
    consultation = ConsultationFactory(opens_at=timezone.now() - timedelta(days=3))
    receipt = receive(consultation, text="Vedr. min sag: cpr 241265-1236, venlig hilsen.")
    analyst, moderator = UserFactory(roles=["analyst"]), UserFactory(roles=["moderator"])
    detail = reverse("staff:response", args=[receipt.reference])
    inbox = reverse("staff:inbox", args=[consultation.slug])

    client.force_login(analyst)
    page = client.get(detail).content.decode()
    assert "241265-1236" not in page and redaction.CPR_MASK in page
    assert "241265-1236" not in client.get(inbox).content.decode()
    for query in ("241265-1236", "2412651236", "241265"):
        found = client.get(inbox, {"q": query}).content.decode()
        assert receipt.reference not in found, query
    assert receipt.reference in client.get(inbox, {"q": "sag"}).content.decode()

    client.force_login(moderator)
    assert "241265-1236" in client.get(detail).content.decode()
    assert receipt.reference in client.get(inbox, {"q": "241265"}).content.decode()


@pytest.mark.django_db
def test_search_query_screening_keeps_ordinary_numbers():
    analyst = UserFactory(roles=["analyst"])
    assert finder.search_query_for("budget 2012 sag 2011-4432", analyst) == (
        "budget 2012 sag 2011-4432")
    assert finder.search_query_for("cpr 24.12.65-1236 budget", analyst) == (
        f"cpr {finder.CPR_SEARCH_BLOCK} budget")
