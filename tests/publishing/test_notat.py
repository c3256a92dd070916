import io
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from django.utils import timezone

from factories import (
    ConsultationFactory,
    IdeaFactory,
    InvitedPartyFactory,
    InvitedPartyMatchFactory,
    NotatTextFactory,
    PositionFactory,
    UserFactory,
    link_to_commitment,
    receive,
)
from samskab.consultations import services
from samskab.consultations.models import InvitedParty, Response
from samskab.core.text import danish_sort_key
from samskab.publishing import notat, notat_documents
from samskab.publishing.models import NotatText
from samskab.workspace import services as workspace
from samskab.workspace.models import RedactionState

pytestmark = pytest.mark.django_db


def publish(response: Response, moderator) -> None:
    """Publish as staff do: every proposal for masking accepted."""
    workspace.redaction_propose(actor=moderator, response=response)
    for redaction in response.redactions.filter(state=RedactionState.PROPOSED):
        workspace.redaction_accept(actor=moderator, redaction=redaction)
    workspace.response_publish(actor=moderator, response=response)


@pytest.fixture
def moderator():
    return UserFactory(roles=["moderator"])


@pytest.fixture
def consultation(moderator):
    consultation = ConsultationFactory(slug="ogp-notat", title_da="Åben forvaltning 2012",
                                       reference_prefix="N", closed=True)
    for name in ("Ådal Kommune", "Aarhus Forening", "Borgernes Råd", "Zeta Data", "Ørsted Lab"):
        InvitedPartyFactory(consultation=consultation, name=name)
    kw = {"channel": "email"}
    receive(consultation, text="Vi foreslår åbne budgetdata. Ring 20 45 67 89.",
            respondent=services.RespondentData(kind="citizen", name="Hemmelig Borger",
                                               email="hemmelig@mail.example"), **kw)
    receive(consultation, text="Flere åbne data.", consent_publish_name=True,
            respondent=services.RespondentData(kind="citizen", name="Åse Synlig"), **kw)
    receive(consultation, text="Kommunen støtter åbne data.",
            respondent=services.RespondentData(kind="authority_municipality",
                                               organisation="Ådal Kommune"), **kw)
    receive(consultation, text="Vi ønsker dashboards.",
            respondent=services.RespondentData(kind="ngo", organisation="Ny Forening"), **kw)
    NotatTextFactory(consultation=consultation, general_remarks_da="Tak til alle, der har svaret.")
    # Published: the first three; »Ny Forening« stays unpublished.
    for response in consultation.responses.order_by("reference")[:3]:
        publish(response, moderator)
    return consultation


def test_danish_alphabetical_order():
    names = ["Ørsted Lab", "Aarhus Forening", "Ådal Kommune", "Zeta Data", "Borgernes Råd",
             "Æble ApS"]
    assert sorted(names, key=danish_sort_key) == [
        "Borgernes Råd", "Zeta Data", "Æble ApS", "Ørsted Lab", "Ådal Kommune",
        "Aarhus Forening"]


def test_build_counts_parties_and_anonymises_citizens(consultation):
    data = notat.notat_build(consultation)
    assert data.total == 4 and data.days == consultation.period_days
    # »Har svaret« is what staff confirmed, as in the workspace's høringsliste: a reply whose
    # organisation has the party's name does not count until confirmed.
    assert [(p.name, p.replied) for p in data.parties] == [
        ("Borgernes Råd", False), ("Zeta Data", False), ("Ørsted Lab", False),
        ("Ådal Kommune", False), ("Aarhus Forening", False)]
    party = InvitedParty.objects.get(consultation=consultation, name="Ådal Kommune")
    InvitedPartyMatchFactory(party=party, response=consultation.responses.get(reference="N-0003"))
    data = notat.notat_build(consultation)
    assert ("Ådal Kommune", True) in [(p.name, p.replied) for p in data.parties]
    # Only organisations of published responses are named; the unpublished one is not.
    assert data.other_respondents == []
    labels = [row.respondent for row in data.annex]
    assert labels == ["Borger (N-0001)", "Åse Synlig", "Ådal Kommune", "(ikke offentliggjort)"]
    unpublished = data.annex[-1]
    assert (unpublished.reference, unpublished.kind, unpublished.received,
            unpublished.channel) == ("N-0004", "Organisation / NGO", "", "")
    assert data.dated == timezone.localdate()
    assert {c.label: c.count for c in data.by_kind} == {
        "Borger": 2, "Organisation / NGO": 1, "Kommune": 1}


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "notat.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          check=True, text=True).stdout


@pytest.mark.parametrize("fmt", notat_documents.FORMATS)
def test_every_format_reads_back_with_structure_and_no_private_data(consultation, fmt,
                                                                     tmp_path):
    data = notat.notat_build(consultation)
    output = notat_documents.render(data, fmt)
    if fmt == "pdf":
        text = _pdf_text(output, tmp_path)
        assert "Side 1" in text and "Side 2" in text
        from pypdf import PdfReader

        assert "Høringsnotat" in PdfReader(io.BytesIO(output)).metadata.title
    elif fmt == "docx":
        import docx

        document = docx.Document(io.BytesIO(output))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert "1.1 Høringsperiode" in headings and "2. Generelle bemærkninger" in headings
        annex = document.tables[-1]
        assert [c.text for c in annex.rows[0].cells][:2] == ["Reference", "Afsender"]
        text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
            c.text for t in document.tables for r in t.rows for c in r.cells)
        assert b"TOC" in zipfile.ZipFile(io.BytesIO(output)).read("word/document.xml")
    elif fmt == "odt":
        from odf import teletype
        from odf import text as odf_text
        from odf.opendocument import load

        document = load(io.BytesIO(output))
        headings = [teletype.extractText(h) for h in document.getElementsByType(odf_text.H)]
        assert "1.2 Hørte myndigheder og organisationer" in headings
        text = "\n".join(teletype.extractText(p)
                         for p in document.getElementsByType(odf_text.P))
        assert zipfile.ZipFile(io.BytesIO(output)).read("mimetype") == (
            b"application/vnd.oasis.opendocument.text")
    else:
        text = output.decode()
        assert '<html lang="da">' in text
    assert "Åben forvaltning 2012" in text
    assert "27 dage" in text or f"{data.days} dage" in text
    assert "Tak til alle, der har svaret." in text
    assert "Ådal Kommune" in text and "Borger (N-0001)" in text and "Åse Synlig" in text
    assert "Hemmelig Borger" not in text
    assert "hemmelig@mail.example" not in text
    assert "20 45 67 89" not in text
    assert "Ny Forening" not in text and "N-0004" in text


def test_command_writes_the_file(consultation, tmp_path):
    out = tmp_path / "notat.docx"
    call_command("notat", "ogp-notat", "--format", "docx", "-o", str(out),
                 stderr=io.StringIO())
    assert out.read_bytes()[:2] == b"PK"


def test_unknown_consultation_is_a_usage_error(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError) as error:
        call_command("notat", "findes-ikke", "-o", str(tmp_path / "x.html"))
    assert error.value.returncode == 2


def test_sections_carry_ideas_positions_and_respondents(consultation):
    responses = list(consultation.responses.order_by("reference"))
    idea = IdeaFactory(consultation=consultation, label="Åbne budgetdata",
                       keywords=["budget", "data"], label_by=UserFactory(roles=["analyst"]),
                       responses=responses[:3])
    PositionFactory(idea=idea, kind="adopted",
                    justification_da="Forslaget indgår i forpligtelse 2.")
    link_to_commitment(idea=idea, identifier="DK0002", title="Åbne budgetter")
    section, = notat.notat_build(consultation).sections
    assert section.number == "3.1" and section.title == "Åbne budgetdata"
    assert section.response_count == 3
    assert section.respondents == ["Borger (N-0001)", "Ådal Kommune", "Åse Synlig"]
    assert "Hemmelig" not in " ".join(section.respondents)
    # The quote is the representative's published version: the phone number is masked.
    assert section.quote == "Vi foreslår åbne budgetdata. Ring [telefonnr. fjernet]."
    assert section.position == "Taget med"
    assert section.changes == "DK0002 Åbne budgetter"
    html = notat_documents.render_html(notat.notat_build(consultation))
    assert "3.1 Åbne budgetdata" in html and "Forslaget indgår i forpligtelse 2." in html


@pytest.mark.parametrize(("role", "view", "change"), [
    (None, 403, 403), ("moderator", 200, 403), ("analyst", 200, 302),
    ("administrator", 200, 302), ("plan_editor", 403, 403)])
def test_staff_page_by_role(client, consultation, django_user_model, role, view, change):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username=f"u-{role}", password="x")
    if role:
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    url = f"/medarbejder/hoeringsnotat/{consultation.slug}/"
    assert client.get(url).status_code == view
    assert client.get(url + "hoeringsnotat.html").status_code == view
    posted = client.post(url, {"general_remarks_da": "Nye bemærkninger", "published_where": "",
                               "other_matters_da": ""})
    assert posted.status_code == change
    if change == 302:
        from samskab.core.models import AuditEvent

        assert NotatText.objects.get(consultation=consultation).general_remarks_da == (
            "Nye bemærkninger")
        assert AuditEvent.objects.filter(action="notat_text.update", actor=user).count() == 1


def test_anonymous_is_sent_to_login(client, consultation):
    response = client.get(f"/medarbejder/hoeringsnotat/{consultation.slug}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
