"""Input hygiene at the one door in: every channel, every text field, both databases."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from factories import ConsultationFactory, receive
from samskab.consultations import services
from samskab.consultations.models import Channel, Response
from samskab.core.text import csv_safe_cell, xml_safe

pytestmark = pytest.mark.django_db

HOSTILE = "Forslag:\x00 åbne\x01 data\x1b[31m\x7f\x9b og\tfaner\nog linjer"


@pytest.mark.parametrize("channel", Channel.values)
def test_control_characters_are_removed_and_noted_for_staff(channel):
    consultation = ConsultationFactory()
    receipt = receive(
        consultation, text=HOSTILE, channel=channel,
        respondent=services.RespondentData(kind="ngo", name="Åse\x00 Bæk",
                                           organisation="Foreningen\x01 X\x00"),
        attachments=[services.IncomingFile("svar\x00.txt", b"bilag")],
        source={"subject": "Sv:\x00 høring", "nested": ["a\x00b", {"k\x00": "v\x02"}]},
    )
    response = Response.objects.select_related("respondent").get(pk=receipt.response_id)
    assert response.text == "Forslag: åbne data[31m og\tfaner\nog linjer"
    assert response.respondent.name == "Åse Bæk"
    assert response.respondent.organisation == "Foreningen X"
    assert response.attachments.get().original_name == "svar.txt"
    assert response.source["subject"] == "Sv: høring"
    assert response.source["nested"] == ["ab", {"k": "v"}]
    note = response.source["input_cleaned"]
    assert note["fields"] == {"attachments": 1, "name": 1, "organisation": 2, "source": 4,
                              "text": 5}
    assert note["control_characters_removed"] == 13


def test_clean_input_leaves_no_note():
    receipt = receive(ConsultationFactory(), text="Helt almindelig tekst\tmed tab.")
    assert "input_cleaned" not in Response.objects.get(pk=receipt.response_id).source


@pytest.mark.parametrize(("field", "value"), [
    ("text", "halv \ud800 surrogat"), ("name", "\udfff"), ("organisation", "Org \udc80"),
])
def test_lone_surrogate_is_refused_with_a_clear_error(field, value):
    consultation = ConsultationFactory()
    respondent = {"kind": "ngo", "name": "", "organisation": ""}
    text = "Tekst"
    if field == "text":
        text = value
    else:
        respondent[field] = value
    with pytest.raises(services.ReceiveError) as refused:
        receive(consultation, text=text, respondent=services.RespondentData(**respondent))
    assert refused.value.code == "invalid_characters"
    assert refused.value.field_name == field
    assert "surrogat" in str(refused.value.message)
    assert not Response.objects.exists()


def test_staff_see_that_characters_were_removed(client):
    from factories import UserFactory

    consultation = ConsultationFactory()
    receipt = receive(consultation, text="Hej\x00\x01 med styretegn")
    staff = UserFactory(roles=["moderator"])
    client.force_login(staff)
    from django.urls import reverse

    page = client.get(reverse("staff:response", args=[receipt.reference]))
    assert page.status_code == 200
    assert "2 usynlige styretegn blev fjernet" in page.content.decode()


# CSV and documents --------------------------------------------------------------------------


@pytest.mark.parametrize("cell", [
    '=HYPERLINK("http://evil.example/","Klik")', "+45 cmd", "-2+3", "@SUM(A1)", "\t=1+1",
    "\r=1+1", "  =1+1", "＝1+1",
])
def test_formula_cells_are_neutralised(cell):
    assert csv_safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Vi foreslår", "", "a=b", "mail@x.dk", 42, None])
def test_ordinary_cells_pass_unchanged(cell):
    assert csv_safe_cell(cell) == cell


def test_csv_export_neutralises_formula_cells():
    consultation = ConsultationFactory(slug="csv-test", closed=True)
    receive(consultation, channel="email", text='=HYPERLINK("http://evil.example/","Klik")',
            respondent=services.RespondentData(kind="ngo", organisation="@Foreningen",
                                               name="+Åse", email="aase@mail.example"))
    out = io.StringIO()
    call_command("export", "responses", "csv-test", "--format", "csv", "--private",
                 stdout=out, stderr=io.StringIO())
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["text"] == "'=HYPERLINK(\"http://evil.example/\",\"Klik\")"
    assert row["organisation"] == "'@Foreningen"
    assert row["name"] == "'+Åse"
    assert json.loads(row["attachments"]) == []


def test_xml_safe_removes_what_xml_cannot_hold():
    assert xml_safe("a\x00b\x01c\tß\n\ud800\ufffe") == "abc\tß\n"


@pytest.mark.parametrize("fmt", ["docx", "odt", "html", "pdf"])
def test_notat_never_fails_on_a_character(fmt):
    """Text already stored before hygiene (or typed by staff) holding controls."""
    from factories import NotatTextFactory
    from samskab.publishing import notat, notat_documents

    consultation = ConsultationFactory(title_da="Høring\x01 om\x02 data", closed=True)
    receive(consultation, channel="email", text="Tekst",
            respondent=services.RespondentData(kind="ngo", organisation="Org"))
    Response.objects.update(text="Styre\x01tegn\x1f i teksten")
    NotatTextFactory(consultation=consultation, published_where="",
                     general_remarks_da="Tak\x0b til\x1f alle")
    data = notat.notat_build(consultation)
    output = notat_documents.render(data, fmt)
    if fmt == "docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(io.BytesIO(output)).paragraphs)
        assert "Høring om data" in text and "Tak til alle" in text
    elif fmt == "odt":
        from odf import teletype
        from odf import text as odf_text
        from odf.opendocument import load

        document = load(io.BytesIO(output))
        text = "\n".join(teletype.extractText(p) for p in document.getElementsByType(odf_text.P))
        assert "Tak til alle" in text
    elif fmt == "html":
        assert "\x02" not in output.decode() and "\x01" not in output.decode()
    else:
        assert output.startswith(b"%PDF")


@pytest.mark.parametrize("writer", ["write_docx", "write_odt"])
def test_the_shared_document_writers_never_fail_on_a_character(writer):
    """The DOCX/ODT writers the action plan's documents use too."""
    from samskab.publishing import documents

    output = getattr(documents, writer)(
        title="Handlingsplan\x01", lead="Bly\x00", outline=[
            (1, "Forpligtelse\x0b 1", ["Tekst\x1f med styretegn\ud800"],
             [(["Kolonne\x02"], [["Celle\x03"]])])])
    import zipfile

    from defusedxml import ElementTree

    archive = zipfile.ZipFile(io.BytesIO(output))
    body = archive.read("content.xml" if writer == "write_odt" else "word/document.xml")
    ElementTree.fromstring(body)  # well-formed XML
    assert "Forpligtelse 1" in body.decode()


def test_chart_data_csv_neutralises_formula_labels():
    from samskab.tracking.charts import Chart

    chart = Chart(slug="s", title="t", columns=("Forpligtelse", "Milepæle"),
                  rows=(("=HYPERLINK(\"http://evil.example/\")", 3),))
    rows = list(csv.reader(io.StringIO(chart.csv())))
    assert rows[1] == ["'=HYPERLINK(\"http://evil.example/\")", "3"]


@pytest.mark.parametrize("item", [
    services.Incoming(text="Rent svar", respondent=services.RespondentData(kind="ngo",
                      organisation="Forening 12"), idempotency_key="k1",
                      source={"api_token": 3, "id": "r1", "flag": True}),
    services.Incoming(text="Rent svar", source=None),
    services.Incoming(text="Styre\x07tegn", idempotency_key="k2"),
    services.Incoming(text="Rent", source={"id": "r\x00"}),
    services.Incoming(text="Rent", source={"nested": {"id": "r\x1b"}}),
    services.Incoming(text="Rent", respondent=services.RespondentData(email="a\x9b@b.dk")),
    services.Incoming(text="Rent", language="da\x00"),
    services.Incoming(text="Rent", idempotency_key="k\x7f"),
    services.Incoming(text="Halv \ud800 surrogat"),
    services.Incoming(text="Rent", respondent=services.RespondentData(name="\udfff")),
], ids=lambda item: repr(item.text))
def test_a_batch_item_is_cleaned_as_response_receive_cleans_it(item):
    """The batch's shortcut for clean items gives what the full cleaning gives."""
    from samskab.consultations import hygiene

    cleaned, refused = hygiene.incoming_clean_all([item])
    try:
        one = hygiene.response_input_clean(
            text=item.text, respondent=item.respondent, attachments=item.attachments,
            source=item.source, idempotency_key=item.idempotency_key, language=item.language)
    except services.ReceiveError as error:
        assert refused[0].code == error.code == "invalid_characters"
        return
    assert not refused
    got = cleaned[0]
    assert (got.text, got.respondent, list(got.attachments), got.source, got.idempotency_key,
            got.language) == (one.text, one.respondent, one.attachments, one.source,
                              one.idempotency_key, one.language)
