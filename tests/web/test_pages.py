"""Error pages, the fixed pages in every footer, consent and the copy on the receipt."""

import pytest
from django.test import Client
from django.urls import reverse

from factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db

FOOTER = ("/kontakt/", "/tilgaengelighed/", "/privatliv/")


def _english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(("language", "heading"), [("da", "Siden findes ikke"),
                                                     ("en", "Page not found")])
def test_404_page_has_header_footer_and_a_way_back(client, language, heading):
    if language == "en":
        _english(client)
    answer = client.get("/findes-ikke/")
    html = answer.content.decode()
    assert answer.status_code == 404 and heading in html
    assert 'class="header"' in html and 'href="/"' in html
    assert all(link in html for link in FOOTER)


def test_header_carries_the_authority_by_name_or_logo(client, settings):
    """DKFDS header: the authority in the portal header (its name, or its logo with the name
    as alt text, leading to its website), the site's name in the solution header."""
    settings.SAMSKAB_AUTHORITY_NAME = "Styrelsen for Eksempler"
    header = client.get("/").content.decode().split("</header>")[0]
    assert '<span>Styrelsen for Eksempler</span>' in header and "<img" not in header
    assert 'class="solution-header"' in header and "Samskab" in header
    settings.SAMSKAB_AUTHORITY_LOGO = "samskab/authority-logo.svg"
    settings.SAMSKAB_AUTHORITY_URL = "https://eksempel.example/"
    header = client.get("/").content.decode().split("</header>")[0]
    assert '<img src="/static/samskab/authority-logo.svg"' in header
    assert 'href="https://eksempel.example/"' in header
    assert 'alt="Styrelsen for Eksempler (til myndighedens website)"' in header
    header = _english(client).get("/").content.decode().split("</header>")[0]
    assert "Styrelsen for Eksempler (to the authority's website)" in header
    assert "from Styrelsen for Eksempler" in header


def test_error_pages_when_signed_in_offer_sign_out(client):
    client.force_login(UserFactory(roles=["moderator"]))
    html = client.get("/findes-ikke/").content.decode()
    assert "Log ud" in html and reverse("logout") in html


def test_500_page(client, settings):
    from samskab.web.views import server_error

    request = Client().get("/").wsgi_request
    answer = server_error(request)
    assert answer.status_code == 500 and "Der skete en fejl" in answer.content.decode()
    assert "Tilgængelighedserklæring" in answer.content.decode()


def test_400_page(rf):
    from samskab.web.views import bad_request

    answer = bad_request(Client().get("/").wsgi_request)
    assert answer.status_code == 400
    assert "Forespørgslen kunne ikke forstås" in answer.content.decode()


@pytest.mark.parametrize(("language", "heading"), [("da", "Formularen er udløbet"),
                                                     ("en", "The form has expired")])
def test_csrf_failure_page_in_both_languages(language, heading):
    client = Client(enforce_csrf_checks=True)
    if language == "en":
        _english(client)
    consultation = ConsultationFactory()
    answer = client.post(reverse("consultations:respond", args=[consultation.slug]),
                         {"text": "Uden token"})
    html = answer.content.decode()
    assert answer.status_code == 403 and heading in html and 'class="header"' in html


@pytest.mark.parametrize("url", FOOTER)
def test_fixed_pages_answer_in_danish_and_english(client, url):
    assert client.get(url).status_code == 200
    assert _english(client).get(url).status_code == 200


def test_privacy_page_says_what_why_how_long_rights_and_whom(client):
    html = client.get("/privatliv/").content.decode()
    for part in ("Hvad vi gemmer", "Hvorfor", "Hvor længe", "Dine rettigheder", "Kontakt",
                 "Datatilsynet", "mailto:"):
        assert part in html


def test_consent_boxes_are_not_pre_ticked(client):
    consultation = ConsultationFactory()
    html = client.get(reverse("consultations:respond", args=[consultation.slug])).content.decode()
    for name in ("consent_publish_response", "consent_publish_name"):
        tag = html[html.index(f'name="{name}"') - 80: html.index(f'name="{name}"') + 200]
        assert "checked" not in tag


def test_receipt_page_and_mail_hold_a_copy_of_the_response(client, run_worker):
    consultation = ConsultationFactory()
    text = "Vi foreslår åbne data om alle kommunale budgetter.\nAnden linje & <mere>."
    answer = client.post(reverse("consultations:respond", args=[consultation.slug]), {
        "respondent_kind": "citizen", "name": "Åse Bæk", "email": "aase@mail.example",
        "text": text, "consent_publish_response": "on", "idempotency_token": "a" * 32,
    }, follow=True)
    html = answer.content.decode()
    assert "Kopi af dit høringssvar" in html and "Åse Bæk" in html
    assert "Anden linje &amp; &lt;mere&gt;." in html
    assert "Svaret må offentliggøres." in html and "Navnet må ikke offentliggøres." in html
    assert "no-store" in answer["Cache-Control"]
    from samskab.consultations.models import Response
    from samskab.consultations.receipts import receipt_mail

    body = receipt_mail(Response.objects.get(), "aase@mail.example").body
    assert text in body and "Kopi af dit høringssvar" in body and "Åse Bæk" in body
