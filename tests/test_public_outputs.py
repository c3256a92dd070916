"""Invariant (design.md, one door out; issue 9): no personal data leaves through any public
output.

A small dedicated dataset is received through the one door in, with personal data planted in
every private field *and* in the fields that look public: the organisation, the sender's name,
the e-mail subject, an attachment's file name, the response text, the attachment's text, a
sign-off, and a form-letter campaign's shared text; plus whole responses that must never be
published (withheld, rejected, without consent, not yet moderated). Staff then work as they do:
moderate, accept the proposals for masking, analyse, answer every idea and publish the
høringsnotat. The test walks every public output as an anonymous visitor (every page reachable
from the front page by following links, every file those pages link to — the notat in HTML,
PDF, ODT and DOCX read back as text — and the public export in JSONL and CSV for every
consultation) and fails on any planted value: CPR numbers in every spelling, e-mail addresses,
Danish phone numbers, names of private persons without consent, and sentences of unpublished
responses. It prints how many outputs it walked and how many planted values it looked for.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command
from django.utils import timezone

from factories import (
    ConsultationFactory,
    InvitedPartyFactory,
    InvitedPartyMatchFactory,
    NotatTextFactory,
    UserFactory,
    receive,
)
from samskab.consultations import redaction
from samskab.consultations.models import InvitedParty, Response, ResponseStatus
from samskab.consultations.services import IncomingFile, RespondentData
from samskab.core.actions import SystemActor
from samskab.core.models import AuditEvent
from samskab.insights import services as insights
from samskab.publishing import bulk, selectors
from samskab.publishing import services as publishing
from samskab.publishing.models import NotatPublication
from samskab.workspace import services as workspace
from samskab.workspace.models import RedactionState

# CPR numbers, each in another spelling the issue lists (all with a valid date).
CPRS = {
    "hyphen-minus": "241265-1236",
    "en dash U+2013": "120375\u20132231",
    "non-breaking hyphen U+2011": "080482\u20113342",
    "hyphen U+2010": "190279\u20107786",
    "figure dash U+2012": "300470\u20122120",
    "em dash U+2014": "110584\u20148897",
    "horizontal bar U+2015": "210161\u20151019",
    "minus sign U+2212": "050695\u22129908",
    "dots": "15.06.88-4453",
    "spaces around the dash": "030791 - 5564",
    "ten digits together": "2708936675",
    "space only": "170866 4321",
}
EMAILS = ["karen.holmgaard@privat.example", "org.kontakt.cpr@forening.example",
          "bilag.afsender@privat.example", "kampagne.leder@privat.example",
          "emne.afsender@privat.example", "jens.vl@privat.example",
          "tilbageholdt@privat.example", "ikke.samtykke@privat.example",
          "ubehandlet@privat.example", "afvist@privat.example", "aabent@privat.example"]
PHONES = ["+45 21 43 65 87", "31425364", "22 33 44 55", "40 50 60 70", "0045 29 38 47 56"]
# Private persons without consent: respondents' own names and a neighbour named in a text.
PRIVATE_NAMES = ["Karen Holmgaard", "Jens Vestergaard Lund", "Mette Skovbjerg",
                 "Søren Kjærsgaard", "Ragnhild Quistorff", "Ib Tornbjerg", "Hanne Mørup",
                 "Anders Fjeldborg", "Lone Brøndsted"]
CONSENTED_NAME = "Åse Synlig"
UNPUBLISHED_SENTENCES = [
    "Kvartsfjeldets tilbageholdte tunnelplan må aldrig offentliggøres.",
    "Blåbærlyngens hemmelige kortlægning må aldrig ses uden samtykke.",
    "Snefnugsregnskabet er endnu ikke modereret og må ikke ses.",
    "Tågehornslovens afviste udkast må heller ikke ses.",
    "Sølvpapirshattens forslag står i en høring der stadig er åben.",
]
# One word of each: the engine may take it as an idea's keyword.
UNPUBLISHED_WORDS = ["kvartsfjeldets", "blåbærlyngens", "snefnugsregnskabet",
                     "tågehornslovens", "sølvpapirshattens"]
CAMPAIGN_TEXT = ("Vi støtter kravet om et åbent lobbyregister for alle ministerier, så "
                 "borgerne kan se hvem der mødes med hvem. Kontakt kampagnen på "
                 "kampagne.leder@privat.example eller 22 33 44 55.")


@dataclass
class Dataset:
    closed: object
    open_now: object
    published: list[Response]


def _publish(response: Response, moderator) -> None:
    workspace.redaction_propose(actor=moderator, response=response)
    for item in response.redactions.filter(state=RedactionState.PROPOSED):
        workspace.redaction_accept(actor=moderator, redaction=item)
    workspace.response_publish(actor=moderator, response=response)


def _build(run_worker) -> Dataset:
    moderator = UserFactory(roles=["moderator"], username="leak-moderator")
    analyst = UserFactory(roles=["analyst"], username="leak-analyst")
    closed = ConsultationFactory(slug="laekage", title_da="Høring om åbenhed i staten",
                                 reference_prefix="LK", opens_at=timezone.now()
                                 - timedelta(days=30), published_at=timezone.now()
                                 - timedelta(days=31), closes_at=timezone.now()
                                 + timedelta(minutes=10))
    open_now = ConsultationFactory(slug="aaben", title_da="Høring der stadig er åben",
                                   reference_prefix="AB")
    for name in ("Forbrugerrådet Tænk", "Danske Regioner", "Datatilsynet"):
        InvitedPartyFactory(consultation=closed, name=name)
    NotatTextFactory(consultation=closed, published_where="",
                     general_remarks_da="Tak for de mange gode høringssvar.")
    email = {"channel": "email"}
    # 1. An organisation whose organisation field carries a CPR number, an e-mail and a phone.
    receive(closed, text="Vi foreslår at alle ministeriers kalendere offentliggøres hver uge, "
            "så borgerne kan se hvem ministrene mødes med.",
            respondent=RespondentData(kind="ngo", organisation=(
                f"Foreningen for Åbenhed, cpr {CPRS['en dash U+2013']}, {EMAILS[1]}, "
                f"tlf. {PHONES[0]}"), name="Jens Vestergaard Lund", email=EMAILS[5]), **email)
    # 2. A citizen with a sign-off, a neighbour's name, a CPR number and contact data in the text.
    receive(closed, text=(
        f"Jeg foreslår et åbent lobbyregister for alle ministerier. Mit cpr-nr. er "
        f"{CPRS['non-breaking hyphen U+2011']} og min nabo Mette Skovbjerg er enig. "
        f"Ring på {PHONES[1]} eller skriv til {EMAILS[0]}.\n\nVenlig hilsen\nKaren Holmgaard"),
        respondent=RespondentData(kind="citizen", name="Karen Holmgaard", email=EMAILS[0]),
        **email)
    # 3. A citizen's e-mail with a subject and an attachment whose name and text carry data.
    receive(closed, text="Se venligst mit forslag i det vedhæftede bilag om åbne data.",
            respondent=RespondentData(kind="citizen", name="Søren Kjærsgaard",
                                      email=EMAILS[4]),
            source={"subject": f"Høringssvar fra Søren Kjærsgaard cpr {CPRS['dots']} "
                               f"{EMAILS[4]}"},
            attachments=[IncomingFile(
                name=f"Søren Kjærsgaard {CPRS['hyphen U+2010']} {EMAILS[2]}.txt",
                data=(f"Jeg ønsker åbne data om alle offentlige indkøb og kontrakter. "
                      f"CPR {CPRS['figure dash U+2012']}, telefon {PHONES[3]}, "
                      f"mail {EMAILS[2]}.\n\nMed venlig hilsen Søren Kjærsgaard").encode(),
                mime_type="text/plain")], **email)
    # 4. A citizen who consented to their name: the control that names can be shown.
    receive(closed, text="Jeg foreslår åbne data om alle offentlige indkøb og kontrakter.",
            consent_publish_name=True,
            respondent=RespondentData(kind="citizen", name=CONSENTED_NAME), **email)
    # 5. A form-letter campaign: three copies, each signed by its sender, with contact data in
    #    the shared text.
    for name, cpr in (("Ib Tornbjerg", CPRS["em dash U+2014"]),
                      ("Hanne Mørup", CPRS["horizontal bar U+2015"]),
                      ("Anders Fjeldborg", CPRS["minus sign U+2212"])):
        receive(closed, text=f"{CAMPAIGN_TEXT}\n\nMit cpr er {cpr}.\n\nVenlig hilsen {name}",
                respondent=RespondentData(kind="citizen", name=name), **email)
    # 6. Responses that must never be published.
    receive(closed, text=f"{UNPUBLISHED_SENTENCES[0]} Skriv til {EMAILS[6]}.",
            respondent=RespondentData(kind="business", organisation="Hemmeligt Firma ApS",
                                      name="Lone Brøndsted", email=EMAILS[6]), **email)
    receive(closed, text=f"{UNPUBLISHED_SENTENCES[1]} Ring {PHONES[4]}.",
            consent_publish_response=False,
            respondent=RespondentData(kind="citizen", name="Ragnhild Quistorff",
                                      email=EMAILS[7]), **email)
    receive(closed, text=f"{UNPUBLISHED_SENTENCES[2]} cpr {CPRS['ten digits together']}",
            respondent=RespondentData(kind="citizen", email=EMAILS[8]), **email)
    receive(closed, text=f"{UNPUBLISHED_SENTENCES[3]} {CPRS['spaces around the dash']}",
            respondent=RespondentData(kind="citizen", email=EMAILS[9]), **email)
    receive(open_now, text=f"{UNPUBLISHED_SENTENCES[4]} cpr {CPRS['space only']}",
            respondent=RespondentData(kind="citizen", name="Karen Holmgaard",
                                      email=EMAILS[10]))
    # A CPR number in the plain hyphen spelling, in a response that is published.
    receive(closed, text=f"Vi ønsker et åbent lobbyregister. Vores sekretær har cpr "
            f"{CPRS['hyphen-minus']}.",
            respondent=RespondentData(kind="authority_municipality",
                                      organisation="Ådal Kommune"), **email)
    run_worker()  # extract the attachment's text

    # The deadline passes; staff moderate.
    type(closed).objects.filter(pk=closed.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1))
    closed.refresh_from_db()
    by_text = {sentence: r for r in closed.responses.all() for sentence in UNPUBLISHED_SENTENCES
               if sentence in r.text}
    workspace.response_withhold(actor=moderator, response=by_text[UNPUBLISHED_SENTENCES[0]],
                                reason="Indeholder forretningshemmeligheder.")
    workspace.response_reject(actor=moderator, response=by_text[UNPUBLISHED_SENTENCES[3]],
                              reason="Ikke et høringssvar.")
    published = []
    for response in closed.responses.order_by("reference"):
        if (response.status == ResponseStatus.RECEIVED and response.consent_publish_response
                and response != by_text[UNPUBLISHED_SENTENCES[2]]):
            _publish(response, moderator)
            published.append(response)
    assert len(published) == 8
    InvitedPartyMatchFactory(
        party=InvitedParty.objects.get(consultation=closed, name="Datatilsynet"),
        response=published[0], actor=moderator)

    # Analysis; every idea answered (the small ones in one go); the notat published.
    insights.consultation_analyse(consultation=closed)
    ideas = list(selectors.ideas_without_position(closed))
    assert ideas, "the analysis found no ideas: the notat's sections would go untested"
    publishing.positions_bulk_set(actor=SystemActor("cli"), consultation=closed, ideas=ideas,
                                  kind="not_adopted",
                                  justification_da="Taget til efterretning.")
    publishing.notat_publish(actor=analyst, consultation=closed)
    run_worker()  # render the notat's files
    assert NotatPublication.objects.get(consultation=closed).ready
    assert [r.consultation_id for r in bulk.releases_refresh()] == [closed.pk]  # open data
    return Dataset(closed, open_now, published)


# --- reading every output as text -------------------------------------------------------------


def _xml_text(data: bytes) -> str:
    """Every XML part of a zip container with its tags removed (metadata and headers too)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(re.sub(r"<[^>]+>", "", archive.read(name).decode("utf-8", "replace"))
                         for name in archive.namelist() if name.endswith(".xml"))


def _read_back(content_type: str, data: bytes, tmp_path) -> str:
    if "pdf" in content_type:
        path = tmp_path / "output.pdf"
        path.write_bytes(data)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                              text=True).stdout
        from pypdf import PdfReader

        return text + "\n" + str(PdfReader(io.BytesIO(data)).metadata)
    if "wordprocessingml" in content_type:
        import docx

        document = docx.Document(io.BytesIO(data))
        return "\n".join([p.text for p in document.paragraphs]
                         + [c.text for t in document.tables for r in t.rows for c in r.cells]
                         + [_xml_text(data)])
    if "zip" in content_type:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace")
                             for name in archive.namelist())
    if "opendocument" in content_type:
        from odf import teletype
        from odf import text as odf_text
        from odf.opendocument import load

        document = load(io.BytesIO(data))
        return "\n".join([teletype.extractText(p) for kind in (odf_text.P, odf_text.H)
                          for p in document.getElementsByType(kind)] + [_xml_text(data)])
    return data.decode("utf-8", "replace")


def _crawl(client, tmp_path) -> dict[str, str]:
    """Every page and file reachable from the front page by following links, as text."""
    seen: dict[str, str] = {}
    queue = ["/"]
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200:
            seen[url] = ""
            continue
        data = b"".join(response.streaming_content) if response.streaming else response.content
        text = _read_back(content_type, data, tmp_path)
        seen[url] = text
        if "html" not in content_type:
            continue
        for href in re.findall(r'href="([^"#]+)"', text):
            target = urlparse(urljoin(url, href.replace("&amp;", "&")))
            if target.netloc or target.scheme not in ("", "http", "https"):
                continue
            if target.path.startswith(("/admin", "/static", "/login", "/medarbejder")):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
        assert len(seen) < 500, "the crawl does not end"
    return seen


def _exports(consultations) -> dict[str, str]:
    out = {}
    for consultation in consultations:
        for fmt in ("jsonl", "csv"):
            buffer = io.StringIO()
            call_command("export", "responses", consultation.slug, "--format", fmt,
                         stdout=buffer, stderr=io.StringIO())
            out[f"export responses {consultation.slug} --format {fmt}"] = buffer.getvalue()
    return out


# --- what may not appear ----------------------------------------------------------------------

DASHES = "\\-\u2010-\u2015\u2212\ufe63\uff0d"


def _cpr_pattern(cpr: str) -> re.Pattern:
    """The CPR number in any spelling: dots, any dash, spaces, or nothing in between."""
    digits = re.sub(r"\D", "", cpr)
    d = digits
    return re.compile(rf"(?<!\d){d[0:2]}\.?{d[2:4]}\.?{d[4:6]}(?:\s*[{DASHES}.]\s*|\s)?"
                      rf"{d[6:10]}(?!\d)")


def _digits_pattern(phone: str) -> re.Pattern:
    digits = re.sub(r"\D", "", phone)[-8:]
    return re.compile(r"(?<!\d)" + r"[\s.\-]?".join(digits) + r"(?!\d)")


def _planted() -> list[tuple[str, str, re.Pattern]]:
    """(kind, value, pattern) for every planted value."""
    checks = [("cpr", f"{spelling}: {value}", _cpr_pattern(value))
              for spelling, value in CPRS.items()]
    checks += [("e-mail", value, re.compile(re.escape(value), re.I)) for value in EMAILS]
    checks += [("phone", value, _digits_pattern(value)) for value in PHONES]
    for name in PRIVATE_NAMES:
        checks.append(("name", name, re.compile(re.escape(name), re.I)))
        # The surname alone and the name as a file name would write it ("karen-holmgaard").
        checks.append(("name", name.split()[-1], re.compile(
            r"(?<!\w)" + re.escape(name.split()[-1]) + r"(?!\w)", re.I)))
    checks += [("unpublished sentence", value, re.compile(re.escape(value)))
               for value in UNPUBLISHED_SENTENCES]
    checks += [("unpublished word", value, re.compile(re.escape(value), re.I))
               for value in UNPUBLISHED_WORDS]
    return checks


@pytest.mark.django_db(transaction=True)
def test_no_public_output_contains_planted_personal_data(client, run_worker, tmp_path,
                                                         capsys):
    data = _build(run_worker)
    outputs = _crawl(client, tmp_path)
    # The crawl reached what a consultation ends in: the published responses, "Det sagde I",
    # the notat's page and the notat itself in all four formats.
    base = "/hoeringer/laekage/"
    expected = {f"{base}offentlige-svar/", f"{base}det-sagde-i/", f"{base}hoeringsnotat/"}
    expected |= {f"{base}hoeringsnotat/v1/hoeringsnotat.{fmt}"
                 for fmt in ("html", "pdf", "odt", "docx")}
    # ... and the open data: the bulk file, its tables, the catalogue, feeds and calendar.
    expected |= {"/data/", "/data/hoeringer/laekage/seneste.zip",
                 "/data/hoeringer/laekage/svar.csv", "/data/hoeringer/laekage/svar.json"}
    assert expected <= set(outputs), expected - set(outputs)
    assert all(outputs[url] for url in expected)
    assert CONSENTED_NAME not in outputs["/data/hoeringer/laekage/svar.csv"]  # citizens unnamed
    assert "Foreningen for Åbenhed" in outputs["/data/hoeringer/laekage/svar.csv"]
    outputs.update(_exports([data.closed, data.open_now]))

    # Controls: the test reads what is public, so a leak would show.
    everything = "\n".join(outputs.values())
    notat_pdf = outputs[f"{base}hoeringsnotat/v1/hoeringsnotat.pdf"]
    assert CONSENTED_NAME in outputs[f"{base}offentlige-svar/"]
    assert CONSENTED_NAME in notat_pdf and "Ådal Kommune" in notat_pdf
    assert "Foreningen for Åbenhed" in outputs[f"{base}offentlige-svar/"]
    assert "et åbent lobbyregister for alle ministerier" in everything
    assert redaction.CPR_MASK in everything
    for response in data.published:
        assert response.reference in outputs[f"{base}offentlige-svar/"]
    assert "Datatilsynet" in notat_pdf
    assert "Taget til efterretning." in notat_pdf

    checks = _planted()
    leaks = [f"{kind} {value!r} in {where}"
             for where, text in outputs.items()
             for kind, value, pattern in checks if pattern.search(text)]
    # Any CPR-like number at all, not only the planted ones.
    leaks += [f"CPR-like {f.text!r} in {where}" for where, text in outputs.items()
              for f in redaction.find_personal_data(text) if f.kind == "cpr"]
    report = (f"\nleak test: walked {len(outputs)} public outputs "
              f"({sum(1 for u in outputs if u.startswith('/'))} pages and files reached from "
              f"the front page, {sum(1 for u in outputs if u.startswith('export'))} exports) "
              f"for {len(checks)} planted values "
              f"({', '.join(f'{n} {k}' for k, n in _count_kinds(checks).items())})")
    with capsys.disabled():
        print(report)  # noqa: T201
    assert not leaks, "\n".join(leaks)


def _count_kinds(checks) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind, _value, _pattern in checks:
        counts[kind] = counts.get(kind, 0) + 1
    return counts


@pytest.mark.slow  # loads the whole demo
@pytest.mark.django_db(transaction=True)
def test_no_public_output_of_the_demo_contains_personal_data(client, settings, tmp_path,
                                                             run_worker, capsys):
    """The same walk over the whole demo (published responses, positions, the action plan and
    its commitments reached from a response's forward link, the published notat, open data),
    with a CPR number, an e-mail address and a name planted in an open consultation, against
    every respondent's e-mail address and every name of a citizen who did not consent."""
    from samskab.consultations.models import Consultation, Respondent
    from samskab.demo.load import demo_load
    from samskab.demo.publish import demo_notat_publish, demo_publish
    from samskab.insights.demo import demo_analyse
    from samskab.plans.demo import demo_plan

    settings.VAR_DIR = tmp_path
    demo_load()
    run_worker()
    demo_analyse()
    assert demo_publish() > 200
    demo_plan()
    assert demo_notat_publish() == 1
    assert demo_notat_publish() == 1  # idempotent: a rerun of `samskab demo` publishes nothing
    publication = NotatPublication.objects.get(consultation__slug="ogp-2012")
    assert publication.ready and "Ikke behandlet endnu" not in publication.html
    assert AuditEvent.objects.filter(action="notat.publish").count() == 1
    bulk.releases_refresh()
    open_now = Consultation.objects.open().first()
    receive(open_now, text=f"Mit cpr-nummer er {CPRS['en dash U+2013']}, skriv til "
            f"{EMAILS[0]}", respondent=RespondentData(name="Hemmelig Borgersen",
                                                        email=EMAILS[0]))
    private_values = {CPRS["en dash U+2013"], EMAILS[0], "Hemmelig Borgersen"}
    hidden_names, shown_names = set(), set()
    for respondent in Respondent.objects.select_related("response"):
        if respondent.email:
            private_values.add(respondent.email)
        if respondent.kind == "citizen" and respondent.name:  # anonymous: nothing to leak
            consent = respondent.response.consent_publish_name
            (shown_names if consent else hidden_names).add(respondent.name)
    # A name shared by a citizen who consented may rightly appear.
    private_values |= hidden_names - shown_names
    outputs = _crawl(client, tmp_path)
    # The demo's notat is downloadable by anyone in four formats.
    for page in ("/hoeringer/ogp-2012/offentlige-svar/", "/hoeringer/ogp-2012/det-sagde-i/",
                 *(f"/hoeringer/ogp-2012/hoeringsnotat/v1/hoeringsnotat.{fmt}"
                   for fmt in ("html", "pdf", "odt", "docx"))):
        assert outputs.get(page), page
    assert "Høringsnotat" in outputs["/hoeringer/ogp-2012/hoeringsnotat/v1/hoeringsnotat.pdf"]
    assert "OGP-2012-0" in outputs["/hoeringer/ogp-2012/offentlige-svar/"]
    # The golden thread: a published response links to what became of its proposals …
    assert 'href="/hoeringer/ogp-2012/det-sagde-i/#' in "".join(
        html for url, html in outputs.items() if "offentlige-svar" in url)
    # … and on to the commitments they led to, whose pages show their published sources.
    assert "/handlingsplaner/dk-2012-2013/DK0001/" in outputs
    assert "Hvor kommer det fra?" in outputs["/handlingsplaner/dk-2012-2013/DK0001/"]
    outputs.update(_exports(Consultation.objects.order_by("slug")))
    leaks = [f"{value!r} in {where}" for where, text in outputs.items()
             for value in private_values if value in text]
    leaks += [f"CPR-like {f.text!r} in {where}" for where, text in outputs.items()
              for f in redaction.find_personal_data(text) if f.kind == "cpr"]
    with capsys.disabled():
        print(f"\nleak test (demo): walked {len(outputs)} public outputs for "  # noqa: T201
              f"{len(private_values)} private values")
    assert not leaks, "\n".join(leaks[:50])
