"""Issue 5's acceptance test: a staff member takes the demo consultation from the inbox to a
published høringsnotat in the browser, and the public sees the result."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from samskab.consultations.models import Consultation, Response
from samskab.demo.load import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_inbox_to_published_hoeringsnotat(live_server, page, settings, tmp_path):
    from samskab.insights.services import consultation_analyse

    settings.VAR_DIR = tmp_path
    summary = demo_load()
    consultation = Consultation.objects.get(slug="ogp-2012")
    consultation_analyse(consultation=consultation)

    # Sign in and find a response about basic data in the inbox.
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill(summary.username)
    page.get_by_label("Adgangskode").fill(summary.password)
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("link", name=consultation.title_da).first.click()
    page.get_by_label("Søg", exact=False).first.fill("grunddata")
    with page.expect_navigation():
        page.get_by_role("button", name="Søg").click()
    reference = page.locator("#inbox-results a[href^='/medarbejder/svar/']").first.inner_text()
    page.locator("#inbox-results a[href^='/medarbejder/svar/']").first.click()
    expect(page.locator("#response-status")).to_be_visible()

    # Decide on each proposed masking (names, e-mail addresses, phone numbers; CPR numbers are
    # masked without asking), then publish: the deadline has passed.
    mask = page.get_by_role("button", name=re.compile(r"^Maskér »"))
    while mask.count():
        with page.expect_navigation():
            mask.first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Offentliggør", exact=True).click()
    expect(page.locator("#response-status")).to_contain_text("Offentliggjort")
    assert Response.objects.get(reference=reference.strip()).status == "published"

    # Take a position on the largest idea.
    page.goto(f"{live_server.url}/medarbejder/analyse/hoeringer/ogp-2012/ideer/")
    idea_link = page.locator("table a[href*='/medarbejder/analyse/ideer/']").first
    idea_label = idea_link.inner_text().strip()
    idea_link.click()
    page.get_by_label("Taget med", exact=True).check()
    page.get_by_label("Begrundelse (dansk)").fill(
        "Forslaget bliver forpligtelse 1 om åbne grunddata i handlingsplanen.")
    page.get_by_role("button", name="Gem stillingtagen").click()
    expect(page.get_by_text("Forslaget bliver forpligtelse 1 om åbne grunddata").first
           ).to_be_visible()

    # Write the notat's general remarks and download it as PDF.
    page.goto(f"{live_server.url}/medarbejder/hoeringsnotat/ogp-2012/")
    page.get_by_label("2. Generelle bemærkninger").fill(
        "Styrelsen takker for de mange gennemarbejdede høringssvar.")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Høringsnotatets tekst er gemt.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Høringsnotat som PDF").click()
    pdf = tmp_path / "notat.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert "Styrelsen takker for de mange gennemarbejdede høringssvar." in text
    assert "Forslaget bliver forpligtelse 1 om åbne grunddata" in " ".join(text.split())
    assert f"{summary.responses_total} høringssvar" in text

    # The public sees the published response and the reasoned response.
    page.goto(f"{live_server.url}/hoeringer/ogp-2012/offentlige-svar/")
    assert reference.strip() in page.content()
    page.goto(f"{live_server.url}/hoeringer/ogp-2012/det-sagde-i/")
    assert "Forslaget bliver forpligtelse 1 om åbne grunddata" in page.content()
    assert idea_label
