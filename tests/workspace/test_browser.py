"""A moderator's day in real Chromium: log in, search the inbox, open a response, redact it,
publish it after the deadline, and find it on the public page."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from browser.conftest import browser, page  # noqa: F401 - Chromium fixtures, shared
from factories import ConsultationFactory, receive
from samskab.consultations.models import Response
from samskab.consultations.services import RespondentData

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_moderator_redacts_and_publishes_a_response(live_server, page):  # noqa: F811
    consultation = ConsultationFactory(
        slug="ogp-browser-ws", title_da="Åben forvaltning 2012", reference_prefix="OGP-2012",
        closed=True,
    )
    other = receive(consultation, "Et svar om cykelstier.", channel="email",
                    received_at=consultation.opens_at)
    receipt = receive(
        consultation,
        "Forslagene: åbne grunddata for alle. Skriv til karen.holm@mail.example eller "
        "ring 12 34 56 78. Mit CPR-nummer er 010203-1234. Hilsen Karen Holm",
        channel="email", received_at=consultation.opens_at,
        respondent=RespondentData(kind="citizen", name="Karen Holm",
                                  email="karen.holm@mail.example"),
    )
    user = get_user_model().objects.create_user("mona", password="moderatorens-kodeord-1")
    user.groups.add(Group.objects.get(name="moderator"))

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Log ind (medarbejdere)").click()
    page.get_by_label("Brugernavn").fill("mona")
    page.get_by_label("Adgangskode").fill("moderatorens-kodeord-1")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/medarbejder/")
    assert page.get_by_role("link", name="Medarbejdere").is_visible()

    page.get_by_role("link", name="Åben forvaltning 2012").click()
    page.get_by_label("Søg i svar og bilag").fill("forslag")
    page.get_by_role("button", name="Søg", exact=True).click()
    # htmx swaps the results in place and puts the search in the address bar.
    expect(page.locator("#inbox-count")).to_have_text("1 høringssvar")
    page.wait_for_url("**/svar/?q=forslag*")
    expect(page.get_by_role("link", name=other.reference)).to_have_count(0)
    page.get_by_label("Kanal").select_option("web")
    expect(page.locator("#inbox-count")).to_have_text("0 høringssvar")
    page.get_by_label("Kanal").select_option("email")
    expect(page.locator("#inbox-count")).to_have_text("1 høringssvar")
    page.get_by_role("link", name=receipt.reference).click()
    page.wait_for_url(f"**/medarbejder/svar/{receipt.reference}/")

    page.get_by_role("button", name="Find personoplysninger").click()
    page.get_by_role("button", name="Maskér »karen.holm@mail.example«").click()
    page.get_by_role("button", name="Maskér »12 34 56 78«").click()
    page.get_by_role("button", name="Maskér »Karen Holm«").click()
    page.get_by_role("button", name="Offentliggør", exact=True).click()
    assert "Høringssvaret er offentliggjort." in page.get_by_role("status").first.inner_text()
    published = page.locator("#published-text").inner_text()
    assert "[e-mail fjernet]" in published and "[CPR-nr. fjernet]" in published
    assert "Karen Holm" not in published

    page.get_by_role("link", name="Offentliggjorte svar").click()
    card = page.locator(f"#{receipt.reference}")
    text = card.inner_text()
    assert "Forslagene: åbne grunddata for alle." in text
    for private in ("karen.holm@mail.example", "12 34 56 78", "010203-1234", "Karen Holm"):
        assert private not in page.content()
    assert Response.objects.get(reference=receipt.reference).status == "published"
