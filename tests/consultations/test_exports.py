import csv
import io
import json

import pytest
from django.core.management import call_command

from factories import ConsultationFactory, receive
from samskab.consultations import services

pytestmark = pytest.mark.django_db

CONTRACT_FIELDS = {"id", "text", "respondent_kind", "organisation", "received_at", "language",
                   "reference", "channel", "status", "late", "attachments"}


def _export(*args) -> str:
    out = io.StringIO()
    call_command("export", "responses", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def consultation():
    consultation = ConsultationFactory(slug="ogp-test", reference_prefix="T")
    receive(consultation, text="Ring på 20 45 67 89, cpr 070382-1235. Vi foreslår åbne data.",
            respondent=services.RespondentData(kind="citizen", name="Åse Bæk",
                                               organisation="Min forening",
                                               email="aase@mail.example"),
            attachments=[services.IncomingFile("bilag.txt", b"tekst")])
    receive(consultation, text="Hemmeligt svar", consent_publish_response=False)
    receive(consultation, text="Fra en kommune",
            respondent=services.RespondentData(kind="authority_municipality",
                                               organisation="Ådal Kommune",
                                               email="post@aadal.example"))
    return consultation


def test_public_export_follows_the_contract_and_holds_no_personal_data(consultation):
    lines = _export("ogp-test").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["reference"] for r in records] == ["T-0001", "T-0003"]
    for record in records:
        assert set(record) == CONTRACT_FIELDS
    citizen, municipality = records
    assert "070382" not in citizen["text"] and "20 45 67 89" not in citizen["text"]
    assert citizen["organisation"] == ""
    assert municipality["organisation"] == "Ådal Kommune"
    assert "aase@mail.example" not in "\n".join(lines)
    assert "Åse Bæk" not in "\n".join(lines)
    attachment = citizen["attachments"][0]
    assert set(attachment) == {"name", "mime", "sha256", "status", "ocr", "text"}


def test_private_export_adds_contact_fields_and_original_text(consultation):
    records = [json.loads(line) for line in _export("ogp-test", "--private").splitlines()]
    assert len(records) == 3
    assert records[0]["name"] == "Åse Bæk"
    assert records[0]["email"] == "aase@mail.example"
    assert "070382-1235" in records[0]["text"]


def test_csv_export_has_the_same_columns(consultation):
    rows = list(csv.DictReader(io.StringIO(_export("ogp-test", "--format", "csv"))))
    assert len(rows) == 2
    assert set(rows[0]) == CONTRACT_FIELDS
    assert json.loads(rows[0]["attachments"])[0]["name"] == "bilag.txt"


def test_unknown_consultation_is_a_usage_error():
    from django.core.management import CommandError

    with pytest.raises(CommandError) as error:
        _export("findes-ikke")
    assert error.value.returncode == 2
