"""Open data of an action plan (issue 14): the plan's progress as an Atom feed, the forum's
meetings in the calendar, e-mail subscriptions to a plan's progress (double opt-in, one-click
unsubscribe, each update once) and the OGP repository page with every document and when it
was last updated."""

from datetime import date

import pytest
from django.core import mail
from icalendar import Calendar

from factories import ForumMeetingFactory, ProgressUpdateFactory, officer_of, plan_2012_world
from samskab.plans.models import MilestoneStatus, PlanStatus
from samskab.publishing import subscriptions
from samskab.publishing.models import Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = plan_2012_world()
    world["reporter"] = officer_of(world["digst"], "anne.embedsmand")
    world["update"] = ProgressUpdateFactory(
        milestone=world["c1"].milestones.first(), status=MilestoneStatus.LIMITED,
        reported_on=date(2012, 10, 1), note="Godt i gang, ring 20 45 67 89.",
        actor=world["reporter"])
    ForumMeetingFactory(plan=world["plan"], held_on=date(2012, 11, 1),
                        minutes="Status gennemgået.", decisions="Næste møde i marts.")
    return world


def test_plan_progress_feed(client, world):
    answer = client.get("/feeds/planer/dk-2012/fremdrift.atom")
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "DK0001 Udgiftsdata offentliggjort" in body and "Godt i gang" in body
    assert "embedsmand" not in body.lower() and "20 45 67 89" not in body  # masked phone
    assert client.get("/feeds/planer/findes-ikke/fremdrift.atom").status_code == 404
    world["plan"].status = PlanStatus.DRAFTING
    world["plan"].save(update_fields=["status"])
    assert client.get("/feeds/planer/dk-2012/fremdrift.atom").status_code == 404


def test_calendar_has_forum_meetings_of_public_plans(client, world):
    calendar = Calendar.from_ical(client.get("/kalender/frister.ics").content)
    meetings = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith("forum-meeting")]
    assert len(meetings) == 1
    assert meetings[0].decoded("dtstart") == date(2012, 11, 1)
    assert "Næste møde i marts." in str(meetings[0]["description"])
    world["plan"].status = PlanStatus.DRAFTING
    world["plan"].save(update_fields=["status"])
    calendar = Calendar.from_ical(client.get("/kalender/frister.ics").content)
    assert not [e for e in calendar.walk("VEVENT") if "forum" in str(e["uid"])]


def test_subscribe_to_a_plans_progress_double_opt_in_once_per_update(client, world,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/abonnement/", {"topic": "plan_progress", "plan": "dk-2012",
                                              "email": "laeser@example.org"})
    assert answer.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.plan == world["plan"] and subscription.topic == "plan_progress"
    # Nothing is sent before confirmation.
    assert subscriptions.plan_progress_notify() == 0
    client.post(f"/abonnement/bekraeft/{subscription.token}/")
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    later = ProgressUpdateFactory(
        milestone=world["c1"].milestones.first(), status=MilestoneStatus.COMPLETE,
        reported_on=date(2013, 2, 1), note="Færdig.", actor=world["officer_digst"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.plan_progress_notify() == 1  # only what came after confirming
        assert subscriptions.plan_progress_notify() == 0  # once
    message, = mail.outbox
    assert "Færdig." in message.body and "DK0001" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert later.pk != world["update"].pk
    # An unknown or draft plan is refused with a clear error, nothing stored.
    answer = client.post("/abonnement/", {"topic": "plan_progress", "plan": "findes-ikke",
                                          "email": "laeser@example.org"})
    assert answer.status_code == 400 and "Handlingsplanen findes ikke." in answer.content.decode()
    assert Subscription.objects.count() == 1


def test_repository_page_lists_every_document_with_its_last_update(client, world):
    assert world["plan"].versions.count() == 1  # the adopted plan
    page = client.get("/opfoelgning/planer/dk-2012/dokumenter/")
    assert page.status_code == 200
    html = page.content.decode()
    for expected in ("Handlingsplanen, version 1", "Fremdrift i handlingsplanen",
                     "Referat af mødet 01.11.2012", "/feeds/planer/dk-2012/fremdrift.atom"):
        assert expected in html, expected
    assert client.get("/opfoelgning/planer/dk-2012/").content.decode().count(
        "/opfoelgning/planer/dk-2012/dokumenter/") == 1
    world["plan"].status = PlanStatus.DRAFTING
    world["plan"].save(update_fields=["status"])
    assert client.get("/opfoelgning/planer/dk-2012/dokumenter/").status_code == 404


def test_public_search_finds_published_text_only(client, admin_user):
    from factories import ConsultationFactory, receive
    from samskab.consultations import services
    from samskab.consultations.models import Response
    from samskab.workspace import services as workspace

    consultation = ConsultationFactory(slug="soeg", reference_prefix="S", closed=True,
                                       title_da="Høring om gennemsigtighed")
    public = receive(consultation, text="Vi ønsker et lobbyregister for ministerierne. "
                     "Min cpr er 070382-1235.", channel="email",
                     respondent=services.RespondentData(kind="ngo", organisation="Foreningen"))
    receive(consultation, text="Hemmeligt lobbyregister uden samtykke.", channel="email",
            consent_publish_response=False)
    response = Response.objects.get(pk=public.response_id)
    for redaction in workspace.redaction_propose(actor=admin_user, response=response):
        workspace.redaction_accept(actor=admin_user, redaction=redaction)
    workspace.response_publish(actor=admin_user, response=response)

    html = client.get("/soeg/", {"q": "lobbyregister"}).content.decode()
    assert response.reference in html and "Hemmeligt" not in html
    # A masked value is not findable: the search reads the published version.
    html = client.get("/soeg/", {"q": "070382"}).content.decode()
    assert response.reference not in html and "0 resultater" in html
    assert "Høring om gennemsigtighed" in client.get("/soeg/",
                                                     {"q": "gennemsigtighed"}).content.decode()
    assert client.get("/soeg/").status_code == 200


def test_plan_bulk_file_validates_and_is_served(client, world, tmp_path, settings):
    import io
    import zipfile

    import pandas
    from frictionless import Package

    from samskab.publishing import bulk

    settings.VAR_DIR = tmp_path
    release = bulk.plan_release_build(world["plan"])
    assert release is not None and release.plan == world["plan"]
    assert bulk.plan_release_build(world["plan"]) is None  # unchanged: no new release
    with release.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = set(archive.namelist())
    for table in ("plan", "commitments", "milestones", "sources", "progress", "assessments",
                  "forum_meetings"):
        assert f"{table}.csv" in names and f"{table}.json" in names
    everything = "\n".join(archive.read(n).decode() for n in names)
    assert "Anne Embedsmand" not in everything and "dk0001@gov.example" not in everything
    assert "20 45 67 89" not in everything
    out = tmp_path / "plan"
    archive.extractall(out)
    report = Package(str(out / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    milestones = pandas.read_csv(out / "milestones.csv")
    commitments = pandas.read_csv(out / "commitments.csv")
    assert set(milestones["commitment"]) <= set(commitments["id"])
    assert list(commitments["identifier"]) == ["DK0001", "DK0002"]
    answer = client.get("/data/planer/dk-2012/seneste.zip")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    assert "/data/planer/dk-2012/seneste.zip" in client.get(
        "/opfoelgning/planer/dk-2012/dokumenter/").content.decode()
    world["plan"].status = PlanStatus.DRAFTING
    world["plan"].save(update_fields=["status"])
    assert client.get("/data/planer/dk-2012/seneste.zip").status_code == 404
    assert bulk.plan_release_build(world["plan"]) is None
