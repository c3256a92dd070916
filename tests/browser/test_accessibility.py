"""axe-core (npm, pinned) in Debian's Chromium on every public and staff page of demo-like
data at desktop width, the public pages and the staff chrome at phone width too, the answer
form's error state and the error pages: no serious or critical violation, and no Content
Security Policy violation. Plus keyboard-only journeys and focus on the error summary."""

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from factories import ConsultationFactory, receive
from samskab.consultations.services import RespondentData
from staff_login import sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
PASSWORD = "tilgaengelig-kodeord-1"


def _violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays on.
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, impact: v.impact,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return result


@pytest.fixture
def data(live_server):
    if not AXE.exists():
        pytest.fail(f"{AXE} missing: run `make install` (npm ci)")
    open_one = ConsultationFactory(slug="aaben", title_da="Åben forvaltning 2026")
    closed = ConsultationFactory(slug="lukket", title_da="Åben forvaltning 2012", closed=True)
    ConsultationFactory(slug="kommende", title_da="Kommende høring", upcoming=True)
    for number in range(30):  # enough for the inbox's pagination
        receive(closed, f"Forslag nummer {number}: åbne grunddata og gennemsigtighed.",
                channel="email", received_at=closed.opens_at,
                respondent=RespondentData(kind="citizen", name=f"Borger {number}",
                                          email=f"borger{number}@mail.example"))
    receipt = receive(open_one, "Et svar til den åbne høring.")
    user = get_user_model().objects.create_user("tina", password=PASSWORD)
    for role in ("moderator", "analyst", "administrator"):
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return {"user": user, "closed": closed, "open": open_one, "receipt": receipt}


def _check(page, url, failures, csp, label=""):
    page.goto(url)
    for violation in _violations(page):
        failures.append(f"{label} {url}: {violation}")
    failures.extend(f"{label} {url}: CSP {message}" for message in csp)
    csp.clear()


def _demo_urls() -> tuple[list[str], list[str], dict[str, str]]:
    """Every public and staff page of the demo (one of each kind of detail page), and the
    error pages' HTML as the server renders it (served to the browser by interception)."""
    from django.test import Client

    from samskab.consultations.models import Consultation, Response
    from samskab.consultations.receipts import receipt_token
    from samskab.insights.models import Idea, Proposal, ResponseGroup

    slugs = list(Consultation.objects.values_list("slug", flat=True))
    response = Response.objects.filter(consultation__slug="ogp-2012").first()
    public = ["/", "/data/", "/abonnement/", "/kontakt/", "/tilgaengelighed/", "/privatliv/",
              "/login/", "/login/glemt-adgangskode/", "/findes-ikke/",
              f"/kvittering/{receipt_token(response.reference)}/",
              "/hoeringer/ogp-2012/offentlige-svar/", "/hoeringer/ogp-2012/offentlige-svar/?side=2",
              "/hoeringer/ogp-2012/det-sagde-i/"]
    for slug in slugs:
        public += [f"/hoeringer/{slug}/", f"/hoeringer/{slug}/svar/"]
    staff = ["/medarbejder/", "/medarbejder/hoeringer/ogp-2012/svar/",
             "/medarbejder/hoeringer/ogp-2012/svar/?side=2",
             f"/medarbejder/svar/{response.reference}/",
             "/medarbejder/hoeringer/ogp-2012/hoeringsliste/",
             "/medarbejder/hoeringer/ogp-2012/hoeringsliste/ny/",
             "/medarbejder/hoeringer/ogp-2012/brev/", "/medarbejder/analyse/",
             "/medarbejder/analyse/hoeringer/ogp-2012/",
             "/medarbejder/analyse/hoeringer/ogp-2012/grupper/",
             "/medarbejder/analyse/hoeringer/ogp-2012/emner/",
             "/medarbejder/analyse/hoeringer/ogp-2012/emner/kvalitet/",
             "/medarbejder/analyse/hoeringer/ogp-2012/ideer/",
             "/medarbejder/hoeringsnotat/ogp-2012/", "/findes-ikke/"]
    idea = Idea.objects.filter(consultation__slug="ogp-2012").first()
    group = ResponseGroup.objects.filter(consultation__slug="ogp-2012").first()
    proposal = Proposal.objects.filter(response__consultation__slug="ogp-2012").first()
    staff += [f"/medarbejder/analyse/ideer/{idea.pk}/", f"/medarbejder/analyse/grupper/{group.pk}/",
              f"/medarbejder/analyse/forslag/{proposal.pk}/stillingtagen/"]
    from samskab.plans.models import ActionPlan, Commitment, Milestone

    plan = ActionPlan.objects.first()
    commitment = Commitment.objects.filter(plan=plan).first()
    milestone = Milestone.objects.filter(commitment=commitment).first()
    public += ["/handlingsplaner/", f"/handlingsplaner/{plan.slug}/",
               f"/handlingsplaner/{plan.slug}/{commitment.identifier}/"]
    staff += ["/medarbejder/planer/", "/medarbejder/planer/strategier/",
              f"/medarbejder/planer/{plan.pk}/", f"/medarbejder/planer/{plan.pk}/rediger/",
              f"/medarbejder/planer/{plan.pk}/forpligtelser/ny/",
              f"/medarbejder/planer/{plan.pk}/versioner/",
              f"/medarbejder/planer/forpligtelser/{commitment.pk}/",
              f"/medarbejder/planer/forpligtelser/{commitment.pk}/milepaele/",
              f"/medarbejder/planer/forpligtelser/{commitment.pk}/kilder/",
              f"/medarbejder/planer/milepaele/{milestone.pk}/"]
    public += ["/opfoelgning/", f"/opfoelgning/planer/{plan.slug}/",
               f"/opfoelgning/forpligtelser/{commitment.pk}/", "/opfoelgning/hoeringer/ogp-2012/"]
    staff += ["/medarbejder/opfoelgning/", f"/medarbejder/opfoelgning/planer/{plan.slug}/",
              f"/medarbejder/opfoelgning/forpligtelser/{commitment.pk}/",
              "/medarbejder/opfoelgning/hoeringer/ogp-2012/"]
    from samskab.web import views

    request = Client().get("/").wsgi_request
    errors = {
        "/fejl/400/": views.bad_request(request).content.decode(),
        "/fejl/403/": views.permission_denied(request).content.decode(),
        "/fejl/500/": views.server_error(request).content.decode(),
        "/fejl/csrf/": views.csrf_failure(request).content.decode(),
    }
    return public, staff, errors


def _serve(html: str):
    def handler(route):
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    return handler


@pytest.mark.sqlite_only
def test_no_serious_violations_on_the_demos_public_staff_and_error_pages(browser, live_server,
                                                                          settings, tmp_path):
    from samskab.demo.load import demo_load
    from samskab.demo.publish import demo_publish
    from samskab.insights.demo import demo_analyse

    if not AXE.exists():
        pytest.fail(f"{AXE} missing: run `make install` (npm ci)")
    settings.VAR_DIR = tmp_path
    summary = demo_load()
    demo_analyse()
    demo_publish()
    from samskab.plans.demo import demo_plan

    demo_plan()
    from samskab.tracking.demo import demo_tracking

    demo_tracking()
    user = get_user_model().objects.get(username=summary.username)
    public, staff, errors = _demo_urls()
    from samskab.consultations.models import Consultation

    open_slug = Consultation.objects.open().order_by("slug").first().slug
    base = live_server.url
    failures: list[str] = []
    for name, size in WIDTHS.items():
        context = browser.new_context(locale="da-DK", viewport=size)
        page = context.new_page()
        csp: list[str] = []
        page.on("console", lambda message, csp=csp: csp.append(message.text)
                if "Content Security Policy" in message.text else None)
        for path, html in errors.items():
            page.route(base + path, _serve(html))
        for url in public + list(errors):
            _check(page, base + url, failures, csp, name)
        # The answer form's error state (nothing filled in), on the demo's open consultation.
        page.goto(f"{base}/hoeringer/{open_slug}/svar/")
        page.get_by_role("button", name="Send høringssvar").click()
        page.wait_for_selector("#error-summary")
        failures.extend(f"{name} form errors: {v}" for v in _violations(page))
        page.goto(base + "/login/")
        sign_in_with_browser(page, user, summary.password)
        page.wait_for_url("**/medarbejder/")
        # Staff pages at phone width: the staff chrome on two of them. Every page's reflow at
        # that width is test_layout's; the rest of what axe checks does not change with it.
        for url in staff if name == "desktop" else staff[:2]:
            _check(page, base + url, failures, csp, name)
        context.close()
    assert failures == [], "\n".join(failures)


def test_keyboard_only_answer_and_focus_on_the_error_summary(page, live_server, data):
    page.goto(live_server.url + "/hoeringer/aaben/svar/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Gå til sidens indhold"
    page.keyboard.press("Enter")
    # Send the empty form with the keyboard: tab to the button, press Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "Send høringssvar":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    # Fill in the text and consent with the keyboard only, then send.
    page.keyboard.press("Tab")  # the first link in the summary leads to the field
    page.keyboard.press("Enter")
    page.keyboard.type("Et svar skrevet alene med tastaturet.")
    page.locator("#id_consent_publish_response").focus()
    page.keyboard.press("Space")
    page.locator("#id_consent_publish_response").press("Enter")
    page.wait_for_url("**/kvittering/**")
    copy = page.locator("#response-copy-text").inner_text()
    assert "Et svar skrevet alene med tastaturet." in copy


def test_keyboard_only_staff_inbox(page, live_server, data):
    page.goto(live_server.url + "/login/")
    sign_in_with_browser(page, data["user"], PASSWORD)
    page.wait_for_url("**/medarbejder/")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "Åben forvaltning 2012":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/hoeringer/lukket/svar/**")
    for _ in range(80):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.startswith("/medarbejder/svar/"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/medarbejder/svar/**")
    assert json.loads(json.dumps(page.locator("#response-status").count())) == 1
