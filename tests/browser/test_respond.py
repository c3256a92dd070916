import pytest

from factories import ConsultationFactory
from samskab.consultations.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_person_answers_with_attachment_and_gets_reference(live_server, page):
    consultation = ConsultationFactory(
        slug="ogp-browser", title_da="Åben forvaltning i praksis", reference_prefix="OGP-2012"
    )
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Åben forvaltning i praksis").click()
    page.get_by_role("link", name="Afgiv høringssvar").click()

    page.get_by_label("Organisation / NGO").check()
    page.get_by_label("Navn", exact=True).fill("Søren Ærø Åberg")
    page.get_by_label("Organisation, virksomhed eller myndighed").fill("Foreningen Ø")
    page.get_by_label("E-mail").fill("soeren@forening.example")
    page.get_by_label("Dit høringssvar").fill(
        "Vi foreslår, at grunddata bliver gratis. Æbler, øer og ål."
    )
    page.get_by_label("Bilag").set_input_files(
        files=[{"name": "høringssvar.txt", "mimeType": "text/plain",
                "buffer": "Bilag med æøå og forslag om åbne data.".encode()}]
    )
    page.get_by_role("button", name="Send høringssvar").click()

    page.wait_for_url("**/kvittering/**")
    reference = page.locator("#reference").inner_text().strip()
    assert reference == "OGP-2012-0001"
    saved = Response.objects.get(reference=reference, consultation=consultation)
    assert saved.text.endswith("Æbler, øer og ål.")
    assert saved.respondent.name == "Søren Ærø Åberg"
    attachment = saved.attachments.get()
    assert attachment.original_name == "høringssvar.txt"
    with attachment.file.open("rb") as handle:
        assert handle.read().decode() == "Bilag med æøå og forslag om åbne data."


def test_form_errors_are_announced_and_typed_text_is_kept(live_server, page):
    consultation = ConsultationFactory(slug="ogp-fejl")
    page.goto(f"{live_server.url}/hoeringer/{consultation.slug}/svar/")
    page.get_by_label("E-mail").fill("ikke-en-adresse")
    page.get_by_label("Dit høringssvar").fill("Et langt svar, der ikke må gå tabt.")
    page.get_by_role("button", name="Send høringssvar").click()
    alert = page.get_by_role("alert")
    assert "E-mailadressen ser ikke gyldig ud." in alert.inner_text()
    assert page.get_by_label("Dit høringssvar").input_value() == (
        "Et langt svar, der ikke må gå tabt."
    )
    assert Response.objects.count() == 0
