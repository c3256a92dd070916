"""A moderator's day in real Chromium: log in, search the inbox, open a response, redact it,
publish it after the deadline, and find it on the public page.

Chromium runs in a thread of its own: Playwright's sync API allows one instance per thread, and
the session-wide one of tests/browser/conftest.py (whose fixtures this directory cannot see)
may already be running in the main thread. The browser thread never touches the database."""

import os
import shutil
import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from factories import ConsultationFactory, receive
from samskab.consultations.models import Response
from samskab.consultations.services import RespondentData
from staff_login import sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("SAMSKAB_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


def _in_chromium(scenario, *, timeout: float = 240) -> None:
    """Run `scenario(page)` in a fresh Chromium in its own thread; re-raise what it raised."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make install` (Debian's chromium)")
    outcome: dict[str, BaseException] = {}

    def run() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update"],
                )
                try:
                    scenario(browser.new_context(locale="da-DK").new_page())
                finally:
                    browser.close()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="chromium")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail("the browser scenario did not finish in time")
    if "error" in outcome:
        raise outcome["error"]


def test_moderator_redacts_and_publishes_a_response(live_server):
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
    user.groups.add(Group.objects.get_or_create(name="moderator")[0])  # survives flushes

    def scenario(page) -> None:
        from playwright.sync_api import expect

        page.goto(f"{live_server.url}/")
        page.get_by_role("link", name="Log ind (medarbejdere)").click()
        sign_in_with_browser(page, user, "moderatorens-kodeord-1")
        page.wait_for_url("**/medarbejder/")
        expect(page.get_by_role("link", name="Medarbejdere")).to_be_visible()

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

        # Opening the response proposed the maskings; the CPR number is masked already.
        page.get_by_role("button", name="Maskér »karen.holm@mail.example«").click()
        page.get_by_role("button", name="Maskér »12 34 56 78«").click()
        page.get_by_role("button", name="Maskér »Karen Holm«").click()
        page.get_by_role("button", name="Offentliggør", exact=True).click()
        expect(page.get_by_role("status").first).to_contain_text(
            "Høringssvaret er offentliggjort.")
        published = page.locator("#published-text").inner_text()
        assert "[e-mail fjernet]" in published and "[CPR-nr. fjernet]" in published
        assert "Karen Holm" not in published

        page.get_by_role("link", name="Offentliggjorte svar").click()
        text = page.locator(f"#{receipt.reference}").inner_text()
        assert "Forslagene: åbne grunddata for alle." in text
        for private in ("karen.holm@mail.example", "12 34 56 78", "010203-1234", "Karen Holm"):
            assert private not in page.content()

    _in_chromium(scenario)
    assert Response.objects.get(reference=receipt.reference).status == "published"
