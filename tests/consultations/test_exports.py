import csv
import io
import json

import pytest
from django.core.management import call_command

from factories import ConsultationFactory, receive
from samskab.consultations import services
from samskab.consultations.models import Response

pytestmark = pytest.mark.django_db

CONTRACT_FIELDS = {"id", "text", "respondent_kind", "organisation", "received_at", "language",
                   "reference", "channel", "status", "late", "attachments"}


def _export(*args) -> str:
    out = io.StringIO()
    call_command("export", "responses", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def consultation(admin_user):
    from samskab.consultations.tasks import attachment_extract
    from samskab.workspace import services as workspace

    consultation = ConsultationFactory(slug="ogp-test", reference_prefix="T", closed=True)
    kw = {"channel": "email"}
    published = receive(
        consultation, text="Ring på 20 45 67 89, cpr 070382-1235. Vi foreslår åbne data.",
        respondent=services.RespondentData(kind="citizen", name="Åse Bæk",
                                           organisation="Min forening",
                                           email="aase@mail.example"),
        attachments=[services.IncomingFile("Åse Bæks svar.txt", b"Bilag om data")], **kw)
    receive(consultation, text="Hemmeligt svar", consent_publish_response=False, **kw)
    receive(consultation, text="Fra en kommune, endnu ikke behandlet",
            respondent=services.RespondentData(kind="authority_municipality",
                                               organisation="Ådal Kommune",
                                               email="post@aadal.example"), **kw)
    response = Response.objects.get(reference=published.reference)
    attachment_extract.call(response.attachments.get().pk)
    for redaction in workspace.redaction_propose(actor=admin_user, response=response):
        workspace.redaction_accept(actor=admin_user, redaction=redaction)
    workspace.response_publish(actor=admin_user, response=response)
    return consultation


def test_public_export_holds_only_published_text_and_no_personal_data(consultation):
    lines = _export("ogp-test").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["reference"] for r in records] == ["T-0001"]
    record, = records
    assert set(record) == CONTRACT_FIELDS
    assert "070382" not in record["text"] and "20 45 67 89" not in record["text"]
    assert "Vi foreslår åbne data." in record["text"]
    assert record["organisation"] == "" and record["status"] == "published"
    everything = "\n".join(lines)
    for private in ("aase@mail.example", "Åse Bæk", "Min forening", "Hemmeligt svar"):
        assert private not in everything
    attachment, = record["attachments"]
    assert set(attachment) == {"name", "mime", "sha256", "status", "ocr", "text"}
    assert attachment["name"] == "bilag-1"


def test_private_export_adds_contact_fields_and_original_text(consultation):
    records = [json.loads(line) for line in _export("ogp-test", "--private").splitlines()]
    assert len(records) == 3
    assert records[0]["name"] == "Åse Bæk"
    assert records[0]["email"] == "aase@mail.example"
    assert "070382-1235" in records[0]["text"]
    assert records[0]["attachments"][0]["name"] == "Åse Bæks svar.txt"
    assert set(records[0]) == CONTRACT_FIELDS | {"name", "email"}


def test_csv_export_has_the_same_columns(consultation):
    rows = list(csv.DictReader(io.StringIO(_export("ogp-test", "--format", "csv"))))
    assert len(rows) == 1
    assert set(rows[0]) == CONTRACT_FIELDS
    assert json.loads(rows[0]["attachments"])[0]["name"] == "bilag-1"


def test_nothing_is_public_before_the_deadline():
    open_now = ConsultationFactory(slug="aaben")
    receive(open_now)
    assert _export("aaben") == ""


def test_unknown_consultation_is_a_usage_error():
    from django.core.management import CommandError

    with pytest.raises(CommandError) as error:
        _export("findes-ikke")
    assert error.value.returncode == 2
