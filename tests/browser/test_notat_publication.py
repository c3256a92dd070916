"""Issue 9's acceptance test in the browser: staff answer the small ideas in one go and publish
the høringsnotat; a citizen finds it from the front page and downloads it in every format."""

import io
import re
import subprocess
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from factories import ConsultationFactory, UserFactory, receive
from samskab.consultations.services import RespondentData
from samskab.insights.services import consultation_analyse
from samskab.publishing.models import NotatPublication
from samskab.workspace import services as workspace
from staff_login import sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = [
    ("ngo", "Foreningen Åbne Tal", "Vi foreslår åbne data om alle offentlige indkøb."),
    ("citizen", "", "Jeg foreslår åbne data om alle offentlige indkøb og kontrakter."),
    ("citizen", "", "Indfør et lobbyregister for alle ministerier. Ring 21 43 65 87."),
    ("authority_municipality", "Ådal Kommune", "Kommunen ønsker et fælles lobbyregister."),
]


def _dataset():
    moderator = UserFactory(roles=["moderator"], username="browser-moderator")
    analyst = UserFactory(roles=["analyst"], username="notat-analytiker")
    analyst.set_password("hemmeligt-kodeord-1")
    analyst.save(update_fields=["password"])
    consultation = ConsultationFactory(slug="notat-i-browser", title_da="Høring om åbne tal",
                                       reference_prefix="BR")
    for kind, organisation, text in TEXTS:
        receive(consultation, text=text, channel="email",
                respondent=RespondentData(kind=kind, organisation=organisation,
                                          name="Karen Holmgaard" if not organisation else ""))
    type(consultation).objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1))
    consultation.refresh_from_db()
    for response in consultation.responses.all():
        for item in workspace.redaction_propose(actor=moderator, response=response):
            workspace.redaction_accept(actor=moderator, redaction=item)
        workspace.response_publish(actor=moderator, response=response)
    consultation_analyse(consultation=consultation)
    return consultation, analyst


def test_staff_publish_the_notat_and_a_citizen_downloads_it(live_server, browser, run_worker,
                                                            tmp_path):
    consultation, analyst = _dataset()

    staff = browser.new_context(locale="da-DK")
    page = staff.new_page()
    page.goto(f"{live_server.url}/login/")
    sign_in_with_browser(page, analyst, "hemmeligt-kodeord-1")
    page.goto(f"{live_server.url}/medarbejder/hoeringsnotat/{consultation.slug}/")

    # Publication is refused while ideas lack a position.
    with page.expect_navigation():
        page.get_by_role("button", name="Offentliggør høringsnotatet").click()
    expect(page.get_by_text(re.compile(r"mangler en stillingtagen")).first).to_be_visible()
    assert not NotatPublication.objects.exists()

    # One position for all the small ideas.
    boxes = page.locator("label[for^='id_ideas_']")
    assert boxes.count() >= 1
    for i in range(boxes.count()):
        boxes.nth(i).click()
    page.get_by_label("Begrundelse (dansk)").fill("Taget til efterretning.")
    with page.expect_navigation():
        page.get_by_role("button", name="Giv de valgte idéer denne stillingtagen").click()
    expect(page.get_by_text(re.compile(r"har fået en stillingtagen"))).to_be_visible()

    # Publish; the files are rendered by the worker.
    with page.expect_navigation():
        page.get_by_role("button", name="Offentliggør høringsnotatet").click()
    expect(page.get_by_text(re.compile(r"Version 1 af høringsnotatet er offentliggjort"))
           ).to_be_visible()
    run_worker()
    page.reload()
    expect(page.get_by_role("link", name="Klar – se den offentlige side")).to_be_visible()
    staff.close()

    # A citizen, not signed in, finds the notat from the front page.
    citizen = browser.new_context(locale="da-DK", accept_downloads=True)
    page = citizen.new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Høring om åbne tal").first.click()
    page.get_by_role("link", name=re.compile("Høringsnotatet")).click()
    today = timezone.localdate()
    expect(page.get_by_role("heading", name=re.compile(r"Version 1, offentliggjort"))
           ).to_be_visible()
    texts = {}
    for fmt in ("PDF", "ODT", "DOCX"):
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Hent som {fmt}").click()
        path = tmp_path / f"notat.{fmt.lower()}"
        download.value.save_as(path)
        texts[fmt] = path.read_bytes()
    pdf = subprocess.run(["pdftotext", str(tmp_path / "notat.pdf"), "-"], capture_output=True,
                         check=True, text=True).stdout
    assert "Høringsnotat" in pdf and "Taget til efterretning." in pdf
    assert f"{today.day}." in pdf and "Foreningen Åbne Tal" in pdf
    assert "Karen Holmgaard" not in pdf and "21 43 65 87" not in pdf
    for fmt in ("ODT", "DOCX"):
        with zipfile.ZipFile(io.BytesIO(texts[fmt])) as archive:
            xml = " ".join(archive.read(n).decode() for n in archive.namelist()
                           if n.endswith(".xml"))
        assert "Taget til efterretning." in xml and f"Dato: {today:%d.%m.%Y}" in xml
        assert "Karen Holmgaard" not in xml
    page.get_by_role("link", name="Læs høringsnotatet som webside").click()
    expect(page.get_by_role("heading", name="Høringsnotat", exact=True)).to_be_visible()
    expect(page.get_by_text("Taget til efterretning.").first).to_be_visible()
    citizen.close()
