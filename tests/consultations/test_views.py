import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factories import ConsultationFactory, InvitedPartyFactory, ProcessStepFactory
from samskab.consultations.models import Response

pytestmark = pytest.mark.django_db


def _form(client, consultation):
    page = client.get(reverse("consultations:respond", args=[consultation.slug]))
    token = re.search(r'name="idempotency_token" value="(\w+)"', page.content.decode()).group(1)
    return page, token


def _post(client, consultation, **data):
    payload = {"respondent_kind": "citizen", "name": "Åse Bæk", "email": "aase@mail.example",
               "text": "Vi foreslår åbne data om kommunernes budgetter. Æblegrød, øl og ål.",
               "consent_publish_response": "on"}
    payload.update(data)
    return client.post(reverse("consultations:respond", args=[consultation.slug]), payload)


def test_list_shows_open_upcoming_and_closed(client, django_assert_max_num_queries):
    ConsultationFactory(title_da="Den åbne høring")
    ConsultationFactory(title_da="Den kommende høring", upcoming=True)
    ConsultationFactory(title_da="Den lukkede høring", closed=True)
    with django_assert_max_num_queries(1):  # one query, whatever the number of consultations
        page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Den åbne høring") < html.index("Den kommende høring") < html.index(
        "Den lukkede høring")


def test_list_orders_soonest_deadline_first_and_closed_latest_first(client):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for title, closes in (("Åben senere", 20), ("Åben snart", 2), ("Lukket længe", -20),
                          ("Lukket for nylig", -2)):
        ConsultationFactory(title_da=title, opens_at=now - timedelta(days=30),
                            closes_at=now + timedelta(days=closes))
    html = client.get("/").content.decode()
    assert html.index("Åben snart") < html.index("Åben senere") < html.index(
        "Lukket for nylig") < html.index("Lukket længe")


def test_unpublished_consultation_is_not_listed_or_shown(client):
    from datetime import timedelta

    from django.utils import timezone

    hidden = ConsultationFactory(title_da="Hemmelig høring", upcoming=True,
                                 published_at=timezone.now() + timedelta(days=1))
    assert "Hemmelig høring" not in client.get("/").content.decode()
    assert client.get(reverse("consultations:detail", args=[hidden.slug])).status_code == 404


def test_detail_shows_timeline_invited_parties_and_deadline(client, django_assert_max_num_queries):
    consultation = ConsultationFactory()
    ProcessStepFactory(consultation=consultation, kind="notat", date=date(2030, 3, 14))
    InvitedPartyFactory(consultation=consultation, name="Ådal Kommune")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("consultations:detail", args=[consultation.slug]))
    html = page.content.decode()
    assert "Høringsnotat" in html
    assert "Ådal Kommune" in html
    assert "Afgiv høringssvar" in html


def test_unknown_consultation_is_404(client):
    assert client.get("/hoeringer/findes-ikke/").status_code == 404
    assert client.get("/hoeringer/findes-ikke/svar/").status_code == 404


def test_valid_response_redirects_to_receipt_with_reference(client):
    consultation = ConsultationFactory(reference_prefix="OGP-2012")
    _, token = _form(client, consultation)
    response = _post(client, consultation, idempotency_token=token)
    assert response.status_code == 302
    receipt = client.get(response["Location"])
    assert "OGP-2012-0001" in receipt.content.decode()
    saved = Response.objects.get()
    assert saved.channel == "web"
    assert saved.text.endswith("Æblegrød, øl og ål.")
    assert saved.respondent.name == "Åse Bæk"


def test_double_submit_gives_same_receipt_and_one_response(client):
    consultation = ConsultationFactory()
    _, token = _form(client, consultation)
    first = _post(client, consultation, idempotency_token=token)
    second = _post(client, consultation, idempotency_token=token)
    assert first["Location"] == second["Location"]
    assert Response.objects.count() == 1


def test_receipt_token_cannot_be_guessed(client):
    assert client.get("/kvittering/OGP-2012-0001/").status_code == 404


def test_invalid_email_keeps_what_the_person_typed(client):
    consultation = ConsultationFactory()
    response = _post(client, consultation, email="ikke-en-adresse",
                     text="Mit lange svar om grunddata, som ikke må gå tabt.")
    html = response.content.decode()
    assert response.status_code == 400
    assert "E-mailadressen ser ikke gyldig ud." in html
    assert "Mit lange svar om grunddata, som ikke må gå tabt." in html
    assert Response.objects.count() == 0


def test_empty_response_is_refused_with_message(client):
    response = _post(client, ConsultationFactory(), text="")
    assert response.status_code == 400
    assert "Skriv dit høringssvar" in response.content.decode()


def test_attachment_of_refused_type_is_refused(client):
    consultation = ConsultationFactory()
    upload = SimpleUploadedFile("program.exe", b"MZ\x90\x00", content_type="application/x-msdos")
    response = _post(client, consultation, attachments=upload)
    assert response.status_code == 400
    assert "program.exe" in response.content.decode()


def test_attachment_is_stored(client):
    consultation = ConsultationFactory()
    upload = SimpleUploadedFile("svar.txt", "Forslag om åbne data".encode(), "text/plain")
    response = _post(client, consultation, attachments=upload)
    assert response.status_code == 302
    assert Response.objects.get().attachments.get().original_name == "svar.txt"


def test_closed_consultation_says_so_and_refuses_responses(client):
    consultation = ConsultationFactory(closed=True)
    page = client.get(reverse("consultations:respond", args=[consultation.slug]))
    assert "Høringen er afsluttet" in page.content.decode()
    assert "<textarea" not in page.content.decode()
    posted = _post(client, consultation)
    assert posted.status_code == 400
    assert "Høringsfristen er overskredet" in posted.content.decode()
    assert Response.objects.count() == 0


def test_pages_switch_to_english(client):
    consultation = ConsultationFactory(title_en="Open data consultation")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("consultations:detail", args=[consultation.slug])).content.decode()
    assert 'lang="en"' in html
    assert "Open data consultation" in html
    assert "Respond to the consultation" in html


def test_english_error_messages(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = _post(client, ConsultationFactory(), email="nope")
    assert "The e-mail address does not look valid." in response.content.decode()


def test_form_fields_have_labels(client):
    consultation = ConsultationFactory()
    html = client.get(reverse("consultations:respond", args=[consultation.slug])).content.decode()
    for field in ("id_name", "id_organisation", "id_email", "id_text", "id_attachments",
                  "id_consent_publish_response", "id_consent_publish_name"):
        assert f'for="{field}"' in html
        assert f'id="{field}"' in html


def test_danish_first_whatever_the_browser_asks_for(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="da"' in html
    assert "Åbne høringer" in html


def test_errors_are_tied_to_their_fields(client):
    html = _post(client, ConsultationFactory(), email="nope").content.decode()
    assert 'aria-describedby="id_email_error id_email_hint"' in html
    assert 'aria-invalid="true"' in html


def test_closed_consultation_links_to_its_results(client):
    consultation = ConsultationFactory(closed=True)
    html = client.get(reverse("consultations:detail", args=[consultation.slug])).content.decode()
    assert f"/hoeringer/{consultation.slug}/offentlige-svar/" in html
    assert f"/hoeringer/{consultation.slug}/det-sagde-i/" in html


CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


@pytest.mark.parametrize("language", ["da", "en"])
def test_receipt_from_the_per_process_frame_is_the_page_rendered_whole(client, language):
    """The receipt's frame (header, navigation, footer) is rendered once per process and
    language; the page is the one rendered whole (here: with a messages cookie, which turns the
    frame off), but for the CSRF token, whatever the sender wrote or the address holds."""
    client.cookies["django_language"] = language
    consultation = ConsultationFactory()
    _, token = _form(client, consultation)
    sneaky = "SAMSKABCONTENTSLOT SAMSKABCSRFTOKENSLOT SAMSKABPATHSLOT <b>fed</b>"
    upload = SimpleUploadedFile("bilag.txt", b"Forslag", "text/plain")
    location = _post(client, consultation, idempotency_token=token, text=sneaky,
                     organisation="SAMSKABPATHSLOT", attachments=upload)["Location"]
    for address in (location, location + "?x=SAMSKABCONTENTSLOT"):
        client.get(address)  # fills the frame
        framed = client.get(address)
        client.cookies["messages"] = "none"
        whole = client.get(address)
        del client.cookies["messages"]
        assert framed.status_code == whole.status_code == 200
        assert framed["Cache-Control"] == whole["Cache-Control"]
        html = framed.content.decode()
        assert CSRF_VALUE.sub(r"\1", html) == CSRF_VALUE.sub(r"\1", whole.content.decode())
        assert "SAMSKABCONTENTSLOT SAMSKABCSRFTOKENSLOT SAMSKABPATHSLOT &lt;b&gt;" in html
        assert "bilag.txt" in html and Response.objects.get().reference in html
        assert html.count("SAMSKAB") == 4 + address.count("SAMSKAB")
