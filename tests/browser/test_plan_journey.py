"""Issue 12's acceptance test: a plan editor builds, checks, publishes for comment, revises and
adopts the demo plan in the browser, and the public sees where each commitment came from."""

import re

import pytest
from playwright.sync_api import expect

from factories import UserFactory
from samskab.demo.load import demo_load
from samskab.demo.publish import demo_publish
from samskab.insights.demo import demo_analyse
from samskab.plans.demo import PLAN_SLUG, demo_plan
from samskab.plans.models import ActionPlan, PlanComment, PlanStatus
from staff_login import sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_plan_editor_builds_checks_publishes_revises_and_adopts(live_server, page, settings,
                                                                 tmp_path):
    settings.VAR_DIR = tmp_path
    demo_load()
    demo_analyse()
    demo_publish()
    plan = demo_plan()
    editor = UserFactory(username="planredaktoer", roles=["plan_editor"])

    page.goto(f"{live_server.url}/medarbejder/planer/")  # → sign in, and back
    sign_in_with_browser(page, editor, "correct horse battery staple")
    page.get_by_role("link", name=plan.title_da).click()
    expect(page.locator("#c-DK0001")).to_contain_text("COMMITMENT-NOT-NEW")
    expect(page.locator("#c-DK0008")).to_contain_text("MILESTONE-NOT-VERIFIABLE")

    # Build: a new commitment; the rules answer as the editor types (htmx).
    page.get_by_role("link", name="Ny forpligtelse").click()
    page.get_by_label("Titel (dansk)").fill("Et offentligt lobbyregister")
    page.get_by_label("Hvad forpligtelsen er (dansk)", exact=True).fill(
        "Ministeriernes møder med lobbyister registreres i et offentligt register.")
    page.get_by_label("Ansvarlighed og antikorruption").check()
    page.get_by_label(re.compile("^GC2 ")).check()
    findings = page.locator("#findings")
    expect(findings).to_contain_text("COMMITMENT-NO-LEAD")
    page.get_by_label("Ansvarlig myndighed").select_option(label="Justitsministeriet")
    expect(findings).not_to_contain_text("COMMITMENT-NO-LEAD")
    page.get_by_role("button", name="Gem forpligtelsen").click()
    expect(page.get_by_text("Forpligtelsen er gemt.").or_(
        page.get_by_text("Forpligtelsen er oprettet."))).to_be_visible()
    expect(findings).to_contain_text("COMMITMENT-NO-MILESTONES")

    page.get_by_role("link", name="Milepæle").click()
    page.get_by_label("Aktivitet (dansk)").fill(
        "Lobbyregistret offentliggøres på ministeriernes hjemmesider")
    page.get_by_role("button", name="Tilføj milepæl").click()
    expect(page.locator("#milestones")).to_contain_text("Lobbyregistret offentliggøres")
    expect(page.locator("#milestones")).not_to_contain_text("MILESTONE-NOT-VERIFIABLE")

    # Trace it: the ideas most like it that no commitment answers yet are suggested, most
    # similar first; linking one adopts it.
    page.get_by_role("link", name="Kilder fra høringen").click()
    suggestion = page.locator("#suggestions li").first
    expect(suggestion).to_contain_text("lighed")
    suggestion.get_by_role("button", name=re.compile("Knyt til forpligtelsen")).click()
    expect(page.locator("#linked")).to_contain_text("Taget med")

    # Check the whole plan: no errors, and publish the draft for comment.
    page.goto(f"{live_server.url}/medarbejder/planer/{plan.pk}/")
    expect(page.locator("#rule-summary")).to_contain_text("0 fejl")
    page.get_by_role("link", name="Læg udkastet frem til kommentering").click()
    page.get_by_role("button", name="Læg frem til kommentering").click()
    expect(page.get_by_text("er lagt frem til offentlig kommentering")).to_be_visible()

    # A visitor comments on one paragraph of the new commitment.
    identifier = ActionPlan.objects.get(pk=plan.pk).commitments.order_by("-position")[0].identifier
    visitor = page.context.browser.new_context(locale="da-DK").new_page()
    visitor.goto(f"{live_server.url}/handlingsplaner/{PLAN_SLUG}/{identifier}/")
    visitor.get_by_role("link", name=re.compile("Kommentér dette afsnit")).first.click()
    visitor.get_by_label("Din kommentar").fill("Registret bør også omfatte kommunerne.")
    visitor.get_by_role("button", name="Send kommentar").click()
    expect(visitor.get_by_text(re.compile(r"K2-\d{4}"))).to_be_visible()
    assert PlanComment.objects.filter(commitment_identifier=identifier,
                                      paragraph="description.1").exists()
    visitor.context.close()

    # Revise: make the vague milestone of DK0008 verifiable; the warning goes.
    page.goto(f"{live_server.url}/medarbejder/planer/{plan.pk}/")
    page.locator("#c-DK0008 a").click()
    page.get_by_role("link", name="Milepæle").click()
    page.locator("#milestones").get_by_role("link", name=re.compile("^Ret")).first.click()
    page.get_by_label("Aktivitet (dansk)").fill(
        "Borgerpaneler bruges i mindst 10 kommuner")
    page.get_by_label("Leverance, der kan efterprøves (dansk)").fill(
        "Evaluering af borgerpanelerne offentliggjort")
    page.get_by_role("button", name="Gem milepælen").click()
    expect(page.locator("#milestones")).not_to_contain_text("MILESTONE-NOT-VERIFIABLE")

    # The revision reads as a diff against the version out for comment.
    page.goto(f"{live_server.url}/medarbejder/planer/{plan.pk}/versioner/")
    page.get_by_label("Fra version").select_option("2")
    page.get_by_label("Til version").select_option("nu")
    page.get_by_role("button", name="Vis forskellen").click()
    expect(page.locator("ins").first).to_be_visible()
    expect(page.locator("#diff ~ section").first).to_contain_text("DK0008")

    # Adopt.
    page.goto(f"{live_server.url}/medarbejder/planer/{plan.pk}/vedtag/")
    page.get_by_role("button", name="Vedtag handlingsplanen").click()
    expect(page.get_by_text(re.compile(r"Planen er vedtaget \(version 3\)"))).to_be_visible()
    assert ActionPlan.objects.get(pk=plan.pk).status == PlanStatus.ADOPTED

    # The public reads the adopted plan and where a commitment came from.
    page.goto(f"{live_server.url}/handlingsplaner/{PLAN_SLUG}/DK0001/")
    expect(page.get_by_role("heading", name="Hvor kommer det fra?")).to_be_visible()
    expect(page.locator(".samskab-source").first).to_contain_text("OGP-2012-")
    page.goto(f"{live_server.url}/hoeringer/ogp-2012/offentlige-svar/")
    expect(page.locator(f"a[href='/handlingsplaner/{PLAN_SLUG}/DK0001/']").first).to_be_attached()
