"""Tracking pages: every staff URL as every role, an officer's update and refusal, the public
dashboard with its tables and CSV, and only public data on public pages."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factories import ConsultationFactory, UserFactory, receive
from samskab.core import roles
from samskab.core.actions import SystemActor
from samskab.plans.models import PlanStatus
from samskab.tracking.models import ProgressUpdate
from samskab.tracking.services import assessment_save, forum_meeting_record, progress_record

VIEWERS = {"moderator", "analyst", "plan_editor", "agency_officer", "administrator"}


@pytest.fixture
def world(plan_2012):
    consultation = ConsultationFactory(slug="ogp-2012-test")
    receive(consultation)
    plan_2012["consultation"] = consultation
    return plan_2012


def urls(world):
    """Every staff URL of tracking (url name → url, method, roles admitted)."""
    c1, plan, slug = world["c1"], world["plan"].slug, world["consultation"].slug
    milestone = c1.milestones.first()
    return {
        "home": (reverse("tracking:home"), "get", VIEWERS),
        "plan": (reverse("tracking:plan", args=[plan]), "get", VIEWERS),
        "plan_csv": (reverse("tracking:plan_csv", args=[plan, "status"]), "get", VIEWERS),
        "commitment": (reverse("tracking:commitment", args=[c1.pk]), "get", VIEWERS),
        # Posting an empty form: admitted roles get the form back (400), others 403; an
        # agency officer of no agency is refused by the object rule.
        "progress_add": (reverse("tracking:progress_add", args=[milestone.pk]), "post",
                         {"plan_editor", "administrator"}),
        "assessment": (reverse("tracking:assessment", args=[c1.pk]), "post",
                       {"plan_editor", "administrator"}),
        "forum_add": (reverse("tracking:forum_add", args=[plan]), "post",
                      {"plan_editor", "administrator"}),
        "self_assessment_add": (reverse("tracking:self_assessment_add", args=[plan]), "post",
                                {"plan_editor", "administrator"}),
        "consultation": (reverse("tracking:consultation", args=[slug]), "get", VIEWERS),
        "consultation_csv": (reverse("tracking:consultation_csv", args=[slug, "channel"]),
                             "get", VIEWERS),
    }


def test_every_staff_url_as_every_role(client, world):
    from samskab.tracking import urls as tracking_urls

    walk = urls(world)
    assert set(walk) == {p.name for p in tracking_urls.urlpatterns}
    for url, method, _admitted in walk.values():
        assert getattr(client, method)(url).status_code == 302, url  # anonymous → login
    for role in roles.STAFF_ROLES:
        client.force_login(UserFactory(roles=[role]))
        for url, method, admitted in walk.values():
            expected = (400 if method == "post" else 200) if role in admitted else 403
            assert getattr(client, method)(url).status_code == expected, (role, url)


def test_officer_updates_own_commitment_through_the_page(client, world):
    client.force_login(world["officer_digst"])
    milestone = world["c1"].milestones.first()
    page = client.get(reverse("tracking:commitment", args=[world["c1"].pk]))
    assert "Skriv en statusopdatering" in page.content.decode()
    prefix = f"m{milestone.pk}"
    response = client.post(reverse("tracking:progress_add", args=[milestone.pk]), {
        f"{prefix}-status": "substantial", f"{prefix}-reported_on": "2012-09-10",
        f"{prefix}-note": "Halvdelen af data er ude.",
        f"{prefix}-links": "https://digst.example/data\n",
        f"{prefix}-files": SimpleUploadedFile("notat.txt", b"Statusnotat", "text/plain")})
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.status == "substantial" and update.evidence.count() == 1


def test_officer_of_another_agency_sees_no_form_and_is_refused(client, world):
    client.force_login(world["officer_erst"])
    page = client.get(reverse("tracking:commitment", args=[world["c1"].pk]))
    assert page.status_code == 200
    assert "Skriv en statusopdatering" not in page.content.decode()
    milestone = world["c1"].milestones.first()
    prefix = f"m{milestone.pk}"
    response = client.post(reverse("tracking:progress_add", args=[milestone.pk]), {
        f"{prefix}-status": "complete", f"{prefix}-reported_on": "2012-09-10",
        f"{prefix}-note": "Ikke vores."})
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_bad_update_shows_the_error_on_the_field(client, world):
    client.force_login(world["officer_digst"])
    milestone = world["c1"].milestones.first()
    prefix = f"m{milestone.pk}"
    response = client.post(reverse("tracking:progress_add", args=[milestone.pk]), {
        f"{prefix}-status": "limited", f"{prefix}-reported_on": "2012-09-10",
        f"{prefix}-note": "x", f"{prefix}-links": "ftp://nope"})
    assert response.status_code == 400
    assert "er ikke en gyldig webadresse" in response.content.decode()


def test_public_dashboard_has_tables_csv_and_history(client, world,
                                                     django_assert_max_num_queries):
    cli = SystemActor("cli")
    progress_record(actor=cli, milestone=world["c1"].milestones.first(), status="complete",
                    reported_on=date(2012, 9, 1), note="Data er offentliggjort.")
    assessment_save(actor=cli, commitment=world["c1"], codings={
        "specificity": "high", "relevant_values": ["access_to_information"],
        "potential_impact": "moderate", "completion": "complete"})
    forum_meeting_record(actor=cli, plan=world["plan"], held_on=date(2012, 5, 1),
                         government=["Digitaliseringsstyrelsen"], civil_society=["Borger.nu"],
                         minutes="Første møde.")
    with django_assert_max_num_queries(30):
        page = client.get(reverse("tracking_public:plan", args=[world["plan"].slug]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="data-status"' in html and "<svg role=\"img\"" in html
    assert "Hent data som CSV" in html and "Første møde." in html
    assert "specificitet middel eller høj" in html
    csv = client.get(reverse("tracking_public:plan_csv", args=[world["plan"].slug, "status"]))
    assert csv["Content-Type"].startswith("text/csv")
    assert "Gennemført,1" in csv.content.decode()
    page = client.get(reverse("tracking_public:commitment", args=[world["c1"].pk]))
    assert "Data er offentliggjort." in page.content.decode()
    assert "Skriv en statusopdatering" not in page.content.decode()


def test_public_pages_show_no_draft_plans(client, world):
    plan = world["plan"]
    plan.status = PlanStatus.DRAFTING
    plan.save(update_fields=["status"])
    assert client.get(reverse("tracking_public:plan", args=[plan.slug])).status_code == 404
    assert client.get(reverse("tracking_public:commitment",
                              args=[world["c1"].pk])).status_code == 404


def test_public_consultation_dashboard_counts_published_responses_only(client, world):
    page = client.get(reverse("tracking_public:consultation",
                              args=[world["consultation"].slug]))
    assert page.status_code == 200
    # The one response received is not published yet.
    csv = client.get(reverse("tracking_public:consultation_csv",
                             args=[world["consultation"].slug, "channel"])).content.decode()
    assert "Webformular,0" in csv or "Webformular" not in csv


def test_plan_editor_assesses_and_the_star_is_computed(client, world):
    client.force_login(UserFactory(roles=[roles.PLAN_EDITOR]))
    url = reverse("tracking:assessment", args=[world["c1"].pk])
    response = client.post(url, {
        "a-framework": "pre2017", "a-specificity": "high",
        "a-relevant_values": ["access_to_information"], "a-potential_impact": "moderate",
        "a-completion": "complete", "a-starred": "off"})
    assert response.status_code == 302
    world["c1"].assessment.refresh_from_db()
    assert world["c1"].assessment.starred is True
    page = client.get(reverse("tracking:commitment", args=[world["c1"].pk]))
    assert "★" in page.content.decode()
    # A coding from another era is refused with the field named.
    response = client.post(url, {"a-framework": "pre2017",
                                 "a-potential_for_results": "substantial"})
    assert response.status_code == 400 and "not part of the pre2017" in response.content.decode()


def test_plan_editor_logs_a_forum_meeting_and_opens_a_self_assessment(client, world):
    client.force_login(UserFactory(roles=[roles.PLAN_EDITOR]))
    plan = world["plan"].slug
    response = client.post(reverse("tracking:forum_add", args=[plan]), {
        "f-held_on": "2012-05-01", "f-government": "Digitaliseringsstyrelsen\n",
        "f-civil_society": "Borger.nu", "f-minutes": "Første møde."})
    assert response.status_code == 302
    response = client.post(reverse("tracking:self_assessment_add", args=[plan]), {
        "r-kind": "mid_term", "r-as_of": "2012-10-01", "r-closes_on": "2031-01-01"})
    assert response.status_code == 302
    page = client.get(reverse("tracking:plan", args=[plan])).content.decode()
    assert "Første møde." in page and "Midtvejsevaluering" in page
