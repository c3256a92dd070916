"""Open data without an account: bulk files with a data package, feeds, calendar, catalogue
and e-mail subscriptions. Everything read here is public; planted personal data never shows."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pandas
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from rdflib import Graph, URIRef
from rdflib import namespace as ns

from factories import ConsultationFactory, SubscriptionFactory, receive
from samskab.consultations import services
from samskab.consultations.models import Response
from samskab.publishing import bulk, subscriptions
from samskab.publishing.models import DataRelease, Subscription

pytestmark = pytest.mark.django_db

PRIVATE = ("aase@mail.example", "Åse Bæk", "Hemmeligt svar", "070382-1235", "20 45 67 89")


def _publish(actor, response):
    from samskab.workspace import services as workspace

    for redaction in workspace.redaction_propose(actor=actor, response=response):
        workspace.redaction_accept(actor=actor, redaction=redaction)
    workspace.response_publish(actor=actor, response=response)


@pytest.fixture
def closed(admin_user):
    consultation = ConsultationFactory(slug="ogp-data", reference_prefix="D", closed=True,
                                       authority="Digitaliseringsstyrelsen")
    kw = {"channel": "email"}
    first = receive(
        consultation, text="Ring på 20 45 67 89, cpr 070382-1235. Vi foreslår åbne data.",
        respondent=services.RespondentData(kind="citizen", name="Åse Bæk",
                                           email="aase@mail.example"), **kw)
    receive(consultation, text="Hemmeligt svar", consent_publish_response=False, **kw)
    formula = receive(consultation, text='=HYPERLINK("http://evil.example/","Klik") og mere',
                      respondent=services.RespondentData(kind="ngo", organisation="Foreningen",
                                                         email="post@forening.example"), **kw)
    for receipt in (first, formula):
        _publish(admin_user, Response.objects.get(pk=receipt.response_id))
    return consultation


def _zip(release: DataRelease) -> zipfile.ZipFile:
    with release.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_release_holds_every_table_as_csv_and_json_with_a_valid_data_package(closed, tmp_path):
    from frictionless import Package

    release = bulk.release_build(closed)
    archive = _zip(release)
    tables = ("consultation", "responses", "ideas", "positions", "campaigns", "proposals")
    assert set(archive.namelist()) == {
        *(f"{t}.{ext}" for t in tables for ext in ("csv", "json")),
        "datapackage.json", "README.md", "LICENSE.txt"}
    archive.extractall(tmp_path)
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    frame = pandas.read_csv(tmp_path / "responses.csv")
    assert sorted(frame["reference"]) == ["D-0001", "D-0003"]
    assert release.counts == {"consultation": 1, "responses": 2, "ideas": 0, "positions": 0,
                              "campaigns": 0, "proposals": 0}
    assert json.loads((tmp_path / "responses.json").read_text())[0]["consultation"] == "ogp-data"
    readme = (tmp_path / "README.md").read_text()
    assert "## Dansk" in readme and "## English" in readme and "CC0-1.0" in readme


def test_release_neutralises_formulas_and_holds_no_personal_data(closed):
    archive = _zip(bulk.release_build(closed))
    everything = "\n".join(archive.read(name).decode() for name in archive.namelist())
    for private in PRIVATE:
        assert private not in everything
    frame = pandas.read_csv(io.BytesIO(archive.read("responses.csv")))
    text = frame.set_index("reference").loc["D-0003", "text"]
    assert text.startswith("'=HYPERLINK")


def test_release_is_only_made_again_when_the_data_changed(closed, admin_user):
    first = bulk.release_build(closed)
    assert bulk.release_build(closed) is None
    assert bulk.releases_refresh() == []  # nothing audited since the release
    late = receive(closed, text="Endnu et forslag om åbne budgetter.", channel="email")
    _publish(admin_user, Response.objects.get(pk=late.response_id))
    second, = bulk.releases_refresh()
    assert second.counts["responses"] == 3 and second.pk != first.pk
    assert DataRelease.objects.filter(consultation=closed).count() == 2


def test_nothing_is_released_before_the_deadline():
    assert bulk.release_build(ConsultationFactory()) is None


def test_latest_and_dated_downloads_and_the_data_page(client, closed, admin_user):
    first = bulk.release_build(closed)
    late = receive(closed, text="Et nyt forslag om gennemsigtighed.", channel="email")
    _publish(admin_user, Response.objects.get(pk=late.response_id))
    second = bulk.release_build(closed)
    latest = client.get(reverse("opendata:release_latest", args=["ogp-data"]))
    assert latest.status_code == 200 and latest["Content-Type"] == "application/zip"
    assert latest["ETag"] == f'"{second.sha256}"'
    body = b"".join(latest.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).read("datapackage.json")
    dated = client.get(reverse("opendata:release_dated", args=["ogp-data", first.pk]))
    assert dated.status_code == 200
    csv = client.get(reverse("opendata:responses_csv", args=["ogp-data"]))
    frame = pandas.read_csv(io.BytesIO(b"".join(csv.streaming_content)))
    assert len(frame) == 3
    page = client.get(reverse("opendata:index")).content.decode()
    assert reverse("opendata:release_dated", args=["ogp-data", first.pk]) in page
    assert reverse("opendata:catalogue_ttl") in page
    assert client.get(reverse("opendata:release_latest", args=["findes-ikke"])).status_code \
        == 404


def test_atom_feed_of_consultations_shows_published_ones_only_and_filters(client):
    shown = ConsultationFactory(title_da="Høring om åbne budgetter", authority="Styrelsen A")
    ConsultationFactory(title_da="Høring fra en anden", authority="Styrelsen B")
    later = timezone.now() + timedelta(days=10)
    ConsultationFactory(title_da="Endnu ikke offentliggjort", published_at=later,
                        opens_at=later + timedelta(days=1), closes_at=later + timedelta(days=30))
    feed = client.get(reverse("opendata:feed_consultations")).content.decode()
    assert "Høring om åbne budgetter" in feed and "Endnu ikke offentliggjort" not in feed
    assert 'xmlns="http://www.w3.org/2005/Atom"' in feed
    narrowed = client.get(reverse("opendata:feed_consultations"),
                          {"myndighed": "styrelsen a"}).content.decode()
    assert "Høring om åbne budgetter" in narrowed and "Høring fra en anden" not in narrowed
    assert reverse("consultations:detail", args=[shown.slug]) in narrowed


def test_documents_feed_lists_published_documents(client):
    consultation = ConsultationFactory()
    consultation.documents.create(title_da="Høringsbrev", url="https://digst.example/brev.pdf")
    feed = client.get(reverse("opendata:feed_documents")).content.decode()
    assert "Høringsbrev" in feed and "https://digst.example/brev.pdf" in feed


def test_calendar_has_the_deadline_of_every_published_consultation(client):
    consultation = ConsultationFactory(title_da="Høring om data")
    answer = client.get(reverse("opendata:calendar"))
    assert answer["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(answer.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    deadline = next(e for uid, e in events.items() if uid.endswith("-deadline@127.0.0.1"))
    assert deadline.decoded("dtstart") == consultation.closes_at.replace(microsecond=0)
    assert "Høring om data" in str(deadline["summary"])
    assert len(events) == 2  # opening and deadline, each with a stable UID


def test_dcat_catalogue_describes_released_datasets_in_turtle_and_json_ld(client, closed):
    bulk.release_build(closed)
    ConsultationFactory(closed=True, slug="uden-udgivelse")
    for name, fmt in (("opendata:catalogue_ttl", "turtle"),
                      ("opendata:catalogue_jsonld", "json-ld")):
        graph = Graph().parse(data=client.get(reverse(name)).content.decode(), format=fmt)
        catalogue, = graph.subjects(ns.RDF.type, ns.DCAT.Catalog)
        datasets = list(graph.objects(catalogue, ns.DCAT.dataset))
        assert len(datasets) == 1
        dataset = datasets[0]
        assert (dataset, ns.RDF.type, ns.DCAT.Dataset) in graph
        downloads = {str(graph.value(d, ns.DCAT.downloadURL))
                     for d in graph.objects(dataset, ns.DCAT.distribution)}
        assert "http://127.0.0.1:8000" + reverse("opendata:release_latest",
                                                 args=["ogp-data"]) in downloads
        for distribution in graph.objects(dataset, ns.DCAT.distribution):
            assert graph.value(distribution, ns.DCTERMS.license) == URIRef(
                "http://publications.europa.eu/resource/authority/licence/CC0")
    # its blank nodes are named after the dataset, never a random hex name (which now and
    # then held ten digits that read as a CPR number)
    served = client.get(reverse("opendata:catalogue_jsonld")).content.decode()
    assert set(re.findall(r'"_:([^"]+)"', served)) == {"period-ogp-data", "contact-ogp-data"}
    assert served == client.get(reverse("opendata:catalogue_jsonld")).content.decode()


# --- Subscriptions ----------------------------------------------------------------------------

def _just_published(ago=timedelta(minutes=5), **kwargs):
    moment = timezone.now() - ago
    return ConsultationFactory(published_at=moment, opens_at=moment, **kwargs)


def test_subscription_is_double_opt_in_and_sends_each_new_consultation_once(
        client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("opendata:subscribe"), {"email": "laeser@mail.example"})
    assert answer.status_code == 200
    subscription = Subscription.objects.get()
    assert not subscription.active
    from samskab.publishing.tasks import subscription_confirmation_send

    subscription_confirmation_send.call(subscription.pk)
    confirm_url = reverse("opendata:subscription_confirm", args=[subscription.token])
    assert confirm_url in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    _just_published(timedelta(days=2), title_da="Før bekræftelsen")
    client.get(confirm_url)  # a mail scanner following the link confirms nothing
    assert subscriptions.subscriptions_notify() == 0
    client.post(confirm_url)
    subscription.refresh_from_db()
    assert subscription.active
    mail.outbox.clear()
    new = _just_published(timedelta(0), title_da="Ny høring om lobbyisme")
    with django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.subscriptions_notify() == 1
        assert subscriptions.subscriptions_notify() == 0  # never twice
    message, = mail.outbox
    assert message.to == ["laeser@mail.example"] and "Ny høring om lobbyisme" in message.subject
    assert reverse("consultations:detail", args=[new.slug]) in message.body


def test_one_click_unsubscribe_needs_no_csrf_token(client):
    subscription = SubscriptionFactory(email="a@mail.example")
    csrf_client = type(client)(enforce_csrf_checks=True)
    answer = csrf_client.post(reverse("opendata:subscription_cancel", args=[subscription.token]),
                              {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    subscription.refresh_from_db()
    assert not subscription.active
    _just_published()
    assert subscriptions.subscriptions_notify() == 0


def test_filters_narrow_what_a_subscriber_gets():
    SubscriptionFactory(email="a@mail.example", authority="Styrelsen A")
    _just_published(timedelta(0), authority="Styrelsen B")  # after the confirmation
    assert subscriptions.subscriptions_notify() == 0
    _just_published(timedelta(0), authority="styrelsen a")
    assert subscriptions.subscriptions_notify() == 1


def test_asking_again_reveals_nothing_and_does_not_flood_an_inbox(
        client, django_capture_on_commit_callbacks):
    SubscriptionFactory(email="known@mail.example")
    with django_capture_on_commit_callbacks() as callbacks:
        answers = [client.post(reverse("opendata:subscribe"), {"email": email})
                   for email in ("b@mail.example", "b@mail.example", "known@mail.example")]
    sent = "Tilmeldingen gælder først, når du har brugt linket."
    assert all(a.status_code == 200 and sent in a.content.decode() for a in answers)
    assert len(callbacks) == 1  # one confirmation mail within the resend interval
    assert Subscription.objects.count() == 2


def test_bad_address_is_refused_with_a_clear_error(client):
    answer = client.post(reverse("opendata:subscribe"), {"email": "ikke en adresse"})
    assert answer.status_code == 200 and b"error-summary" in answer.content
    assert not Subscription.objects.exists()
    assert client.get(reverse("opendata:subscription_confirm", args=["ukendt"])).status_code \
        == 404
