"""Issue 13 in the browser: an agency officer's progress update (and refusal on another
agency's commitment), and the public dashboard with its data table and CSV, without
JavaScript."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from factories import plan_2012_world
from samskab.core.actions import SystemActor
from samskab.tracking.models import ProgressUpdate
from samskab.tracking.services import progress_record
from staff_login import sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory


@pytest.fixture
def plan_2012(transactional_db):
    return plan_2012_world()


def login(page, live_server, username):
    """The real two-step sign-in (password, then the code of the user's device)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.contrib.auth import get_user_model

    # Playwright runs an event loop in this thread; the ORM is asked from a plain thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        user = pool.submit(lambda: get_user_model().objects.get(username=username)).result()
    page.goto(f"{live_server.url}/login/")
    sign_in_with_browser(page, user, PASSWORD)


def test_officer_updates_own_commitment_and_is_refused_on_another(live_server, page,
                                                                   plan_2012):
    c1, c2 = plan_2012["c1"], plan_2012["c2"]
    milestone = c1.milestones.first()
    login(page, live_server, "anne")
    page.goto(f"{live_server.url}/medarbejder/opfoelgning/forpligtelser/{c1.pk}/")
    section = page.locator(f"section[aria-labelledby='ms-{milestone.pk}']")
    section.get_by_text("Skriv en statusopdatering").click()
    section.get_by_label("Status").select_option("substantial")
    section.get_by_label("Dato").fill("2012-09-10")
    section.get_by_label("Note", exact=False).first.fill("Halvdelen af udgiftsdata er ude.")
    section.get_by_label("Links til dokumentation").fill("https://digst.example/udgifter")
    with page.expect_navigation():
        section.get_by_role("button", name="Gem statusopdatering").click()
    expect(page.get_by_text("Statusopdateringen er gemt og offentlig.")).to_be_visible()
    expect(section.locator("ol.samskab-history")).to_contain_text(
        "Halvdelen af udgiftsdata er ude.")
    assert ProgressUpdate.objects.get().created_by.username == "anne"

    # Another agency's commitment: no form, and a forged post is refused.
    page.goto(f"{live_server.url}/medarbejder/opfoelgning/forpligtelser/{c2.pk}/")
    expect(page.get_by_text("Kun den ansvarlige myndigheds medarbejdere")).to_be_visible()
    expect(page.get_by_text("Skriv en statusopdatering")).to_have_count(0)
    other = c2.milestones.first()
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{live_server.url}/medarbejder/opfoelgning/milepaele/{other.pk}/opdater/",
        form={f"m{other.pk}-status": "complete", f"m{other.pk}-reported_on": "2012-09-10",
              f"m{other.pk}-note": "Ikke vores.", "csrfmiddlewaretoken": token},
        headers={"Referer": page.url, "X-CSRFToken": token})
    assert response.status == 403
    assert ProgressUpdate.objects.count() == 1


def test_public_dashboard_has_table_and_csv_without_javascript(live_server, browser,
                                                               plan_2012):
    progress_record(actor=SystemActor("cli"), milestone=plan_2012["c1"].milestones.first(),
                    status="complete", reported_on=date(2012, 9, 1), note="Udgiftsdata ude.")
    context = browser.new_context(locale="da-DK", java_script_enabled=False,
                                  accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/opfoelgning/planer/{plan_2012['plan'].slug}/")
        figure = page.locator("#chart-status")
        expect(figure.locator("svg[role='img']")).to_be_visible()
        table = figure.locator("table#data-status")
        expect(table).to_be_visible()
        expect(table.get_by_role("row", name=re.compile("Gennemført 1"))).to_be_visible()
        with page.expect_download() as info:
            figure.get_by_role("link", name=re.compile("Hent data som CSV")).click()
        csv = open(info.value.path(), encoding="utf-8").read().splitlines()
        assert csv[0] == "Status,Milepæle"
        assert "Gennemført,1" in csv
        expect(page.locator("#late-heading")).to_be_visible()
    finally:
        context.close()
