"""Workspace pages: what staff see, bounded queries, and the public page of published responses."""

import io
import re

import pytest
from django.db import connection
from django.urls import reverse
from PIL import Image

from factories import ConsultationFactory, RawSubmissionFactory
from samskab.consultations.models import RawStatus, Response
from samskab.consultations.services import IncomingFile
from samskab.workspace import services
from samskab.workspace.models import Redaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_moderator(client, moderator):
    client.force_login(moderator)
    return client


def _many(consultation, respond, n, start=0):
    for i in range(start, start + n):
        respond(
            consultation, f"Svar nummer {i} om åbne data.",
            kind="ngo" if i % 2 else "citizen", organisation=f"Forening {i}" if i % 2 else "",
            language="en" if i % 3 == 0 else "da",
            attachments=[IncomingFile(f"bilag-{i}.txt", b"tekst", "text/plain")] if i % 4 == 0
            else (),
        )


def test_home_lists_consultations_with_counts(as_moderator, closed_consultation, respond,
                                              django_assert_max_num_queries):
    respond(closed_consultation, "Til tiden.")
    respond(closed_consultation, "For sent.", received_at=closed_consultation.closes_at)
    ConsultationFactory(title_da="Den anden høring")
    RawSubmissionFactory(status=RawStatus.QUARANTINED, consultation=closed_consultation)
    RawSubmissionFactory(status=RawStatus.UNROUTED)
    with django_assert_max_num_queries(8):
        page = as_moderator.get(reverse("staff:home"))
    html = page.content.decode()
    assert "Den anden høring" in html
    row = re.search(rf"{closed_consultation.title}.*?</tr>", html, re.S).group()
    assert [int(n) for n in re.findall(r">(\d+)</td>", row)] == [2, 2, 1, 1]
    assert "1 indgående element kunne ikke knyttes til en høring." in html


def test_inbox_query_count_does_not_grow_with_rows(as_moderator, closed_consultation, respond,
                                                   django_assert_num_queries):
    url = reverse("staff:inbox", args=[closed_consultation.slug])
    _many(closed_consultation, respond, 4)
    as_moderator.get(url)
    # on SQLite a search's count and page keys are one query (its match list built once)
    with django_assert_num_queries(8 if connection.vendor == "sqlite" else 9) as small:
        as_moderator.get(url + "?q=data&attachment=yes&kind=citizen")
    _many(closed_consultation, respond, 40, start=4)
    with django_assert_num_queries(len(small.captured_queries)):
        page = as_moderator.get(url + "?q=data&attachment=yes&kind=citizen")
    assert page.status_code == 200


def test_inbox_filters_search_sort_and_pages(as_moderator, closed_consultation, respond):
    _many(closed_consultation, respond, 60)
    respond(closed_consultation, "Forslagene kom for sent.",
            received_at=closed_consultation.closes_at)
    url = reverse("staff:inbox", args=[closed_consultation.slug])
    html = as_moderator.get(url).content.decode()
    assert "61 høringssvar" in html
    assert 'aria-current="page"' in html and "side=2" in html
    assert re.findall(r'<option value="(\w+)"', html.split('id="id_language"')[1].split(
        "</select>")[0]) == ["da", "en"]
    assert "61 høringssvar" in as_moderator.get(url + "?status=received").content.decode()
    assert "0 høringssvar" in as_moderator.get(url + "?status=published").content.decode()
    assert "1 høringssvar" in as_moderator.get(url + "?late=yes").content.decode()
    assert "15 høringssvar" in as_moderator.get(url + "?attachment=yes").content.decode()
    assert "30 høringssvar" in as_moderator.get(url + "?kind=ngo").content.decode()
    assert "20 høringssvar" in as_moderator.get(url + "?language=en").content.decode()
    found = as_moderator.get(url + "?q=forslag").content.decode()
    assert "1 høringssvar" in found and "Forslagene kom for sent." in found
    # A hand-edited, invalid value is no filter rather than an error.
    assert "61 høringssvar" in as_moderator.get(url + "?kind=alien").content.decode()
    oldest = as_moderator.get(url + "?sort=received").content.decode()
    assert oldest.index("OGP-2012-0001") < oldest.index("OGP-2012-0002")
    second = as_moderator.get(url + "?sort=received&side=2").content.decode()
    assert "OGP-2012-0051" in second and "OGP-2012-0001<" not in second
    references = re.findall(r">(OGP-2012-\d{4})</a></th>", second)
    assert references == [f"OGP-2012-{n:04d}" for n in range(51, 62)]
    assert "sort=received&amp;side=1" in second


def test_inbox_of_unknown_consultation_is_404(as_moderator):
    assert as_moderator.get(reverse("staff:inbox", args=["findes-ikke"])).status_code == 404


def test_detail_shows_private_fields_to_moderators_only(client, moderator, analyst,
                                                        closed_consultation, respond):
    response = respond(closed_consultation, "Mit svar.", name="Karen Holm",
                       email="karen@mail.example",
                       attachments=[IncomingFile("bilag.txt", b"x", "text/plain")])
    response.attachments.update(extracted_text="Udtrukket tekst fra bilaget.")
    url = reverse("staff:response", args=[response.reference])
    client.force_login(moderator)
    html = client.get(url).content.decode()
    assert "karen@mail.example" in html and "Karen Holm" in html
    assert "Udtrukket tekst fra bilaget." in html
    assert reverse("staff:attachment", args=[response.attachments.get().pk]) in html
    assert "Endnu ikke analyseret." in html  # extension points for proposals/tags/group/idea
    client.force_login(analyst)
    html = client.get(url).content.decode()
    assert "karen@mail.example" not in html and "Karen Holm" not in html
    assert "Offentliggør" not in html


def test_detail_query_count_is_bounded(as_moderator, closed_consultation, respond,
                                       django_assert_max_num_queries):
    response = respond(closed_consultation, "Ring 12 34 56 78 eller skriv a@b.dk.",
                       attachments=[IncomingFile("a.txt", b"x", "text/plain"),
                                    IncomingFile("b.txt", b"y", "text/plain")])
    url = reverse("staff:response", args=[response.reference])
    with django_assert_max_num_queries(30):  # the first visit stores the proposals
        as_moderator.get(url)
    with django_assert_max_num_queries(15):
        as_moderator.get(url)


def test_detail_shows_history(as_moderator, moderator, closed_consultation, respond):
    response = respond(closed_consultation, "Skriv til a@b.dk.")
    services.redaction_propose(actor=moderator, response=response)
    services.redaction_accept(actor=moderator, redaction=Redaction.objects.get())
    services.response_withhold(actor=moderator, response=response, reason="Afventer")
    html = as_moderator.get(reverse("staff:response", args=[response.reference])).content.decode()
    assert "Skriv til <mark>a@b.dk</mark>." in html  # the proposal in its context
    for action in ("redaction.propose", "redaction.accept", "response.withhold"):
        assert action in html
    assert "Afventer" in html


def test_unknown_response_is_404(as_moderator):
    assert as_moderator.get(reverse("staff:response", args=["X-0001"])).status_code == 404


def test_attachment_is_streamed_to_staff_as_download(client, analyst, closed_consultation,
                                                     respond):
    response = respond(closed_consultation, "Se bilag.",
                       attachments=[IncomingFile("høringssvar.txt", b"Bilag med \xc3\xa6",
                                                 "text/plain")])
    url = reverse("staff:attachment", args=[response.attachments.get().pk])
    assert client.get(url).status_code == 302
    client.force_login(analyst)
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == "Bilag med æ".encode()
    assert "attachment;" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"


def test_moderation_through_the_pages(as_moderator, closed_consultation, respond):
    response = respond(closed_consultation, "Skriv til aase@mail.example. CPR 010203-1234.")
    detail = reverse("staff:response", args=[response.reference])
    page = as_moderator.post(reverse("staff:publish", args=[response.reference]), follow=True)
    assert "Tag stilling til alle forslag til maskering" in page.content.decode()
    email = Redaction.objects.get(response=response, kind="email")
    page = as_moderator.post(reverse("staff:redaction_accept", args=[email.pk]))
    assert page["Location"] == detail + "#maskering"
    page = as_moderator.post(reverse("staff:publish", args=[response.reference]), follow=True)
    assert "Høringssvaret er offentliggjort." in page.content.decode()
    response.refresh_from_db()
    assert response.status == "published"
    assert response.published_version.text == "Skriv til [e-mail fjernet]. CPR [CPR-nr. fjernet]."
    page = as_moderator.post(reverse("staff:withhold", args=[response.reference]),
                             {"reason": ""}, follow=True)
    assert "Skriv en begrundelse." in page.content.decode()
    as_moderator.post(reverse("staff:withhold", args=[response.reference]),
                      {"reason": "Klage over indholdet"})
    response.refresh_from_db()
    assert response.status == "withheld"


def test_manual_redaction_through_the_page(as_moderator, closed_consultation, respond):
    response = respond(closed_consultation, "Naboen i nr. 7 larmer.")
    as_moderator.post(reverse("staff:redaction_add", args=[response.reference]),
                      {"phrase": "nr. 7", "reason": "Adresse"})
    assert Redaction.objects.get(response=response).found_text == "nr. 7"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_letter_upload_page(as_moderator, closed_consultation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("staff:letter", args=[closed_consultation.slug])
    assert as_moderator.get(url).status_code == 200
    page = as_moderator.post(url, {
        "scan": SimpleUploadedFile("brev.png", _png(), "image/png"), "kind": "citizen",
        "name": "Karen Holm", "received_on": "2030-01-01", "consent_publish_response": "on",
    })
    saved = Response.objects.get()
    assert page["Location"] == reverse("staff:response", args=[saved.reference])
    assert saved.channel == "letter" and saved.attachments.count() == 1
    bad = as_moderator.post(url, {"scan": SimpleUploadedFile("brev.exe", b"MZ"),
                                  "kind": "citizen", "received_on": "2030-01-01"})
    assert bad.status_code == 400
    assert "PDF-, PNG-, JPEG- eller TIFF-fil" in bad.content.decode()


def test_invited_parties_page_shows_who_replied(as_moderator, moderator, closed_consultation,
                                                respond, django_assert_max_num_queries):
    kl = services.invited_party_add(actor=moderator, consultation=closed_consultation,
                                    name="KL", email_domain="kl.dk")
    services.invited_party_add(actor=moderator, consultation=closed_consultation,
                               name="Danske Regioner")
    for i in range(5):
        services.invited_party_add(actor=moderator, consultation=closed_consultation,
                                   name=f"Forening {i}")
        respond(closed_consultation, "Svar.", kind="ngo", organisation=f"Forening {i}")
    reply = respond(closed_consultation, "Svar fra KL.", kind="ngo", organisation="KL",
                    email="a@kl.dk")
    url = reverse("staff:invited_parties", args=[closed_consultation.slug])
    as_moderator.post(reverse("staff:invited_party_match_propose",
                              args=[closed_consultation.slug]))
    match = kl.matches.get()
    as_moderator.post(reverse("staff:match_confirm", args=[match.pk]))
    with django_assert_max_num_queries(8):
        html = as_moderator.get(url).content.decode()
    assert "1 af 7 høringsparter har svaret." in html
    assert reply.reference in html


def test_invited_party_form_pages(as_moderator, closed_consultation):
    add = reverse("staff:invited_party_add", args=[closed_consultation.slug])
    assert as_moderator.get(add).status_code == 200
    assert as_moderator.post(add, {"name": "", "kind": "ngo"}).status_code == 400
    assert as_moderator.post(add, {"name": "Dansk Erhverv", "kind": "business"}).status_code == 302
    party = closed_consultation.invited_parties.get()
    edit = reverse("staff:invited_party_edit", args=[party.pk])
    assert as_moderator.get(edit).status_code == 200
    as_moderator.post(edit, {"name": "Dansk Erhverv", "kind": "business",
                             "email_domain": "danskerhverv.dk"})
    party.refresh_from_db()
    assert party.email_domain == "danskerhverv.dk"
    remove = reverse("staff:invited_party_remove", args=[party.pk])
    assert "Vil du fjerne »Dansk Erhverv«" in as_moderator.get(remove).content.decode()
    as_moderator.post(remove)
    assert not closed_consultation.invited_parties.exists()


# --- The public page ----------------------------------------------------------------------------

def test_public_page_shows_only_published_text_and_consented_names(
        client, moderator, closed_consultation, respond, django_assert_max_num_queries):
    citizen = respond(closed_consultation, "Borgerens svar. Mit CPR er 010203-1234.",
                      name="Karen Holm", email="karen@mail.example")
    named = respond(closed_consultation, "Jeg står ved mit navn.", name="Jens Vestergaard",
                    consent_publish_name=True)
    ngo = respond(closed_consultation, "Foreningens svar.", kind="ngo",
                  organisation="Foreningen Åbenhed", name="Kontakt Person",
                  email="kontakt@forening.example")
    respond(closed_consultation, "Ikke offentliggjort endnu.")
    withheld = respond(closed_consultation, "Tilbageholdt svar.")
    for response in (citizen, named, ngo, withheld):
        services.response_publish(actor=moderator, response=response)
    services.response_withhold(actor=moderator, response=withheld, reason="Klage")
    url = reverse("published:responses", args=[closed_consultation.slug])
    # A fixed number: the page, its count, and the outcomes of the page's proposals (the
    # golden thread to "Det sagde I – det gør vi"), never one query per response.
    with django_assert_max_num_queries(8):
        html = client.get(url).content.decode()
    assert "3 offentliggjorte høringssvar." in html
    assert "Borgerens svar. Mit CPR er [CPR-nr. fjernet]." in html
    assert "Jens Vestergaard" in html and "Foreningen Åbenhed" in html
    for private in ("010203-1234", "Karen Holm", "karen@mail.example", "Kontakt Person",
                    "kontakt@forening.example", "Ikke offentliggjort endnu.",
                    "Tilbageholdt svar."):
        assert private not in html


def test_public_page_before_the_deadline_shows_nothing(client, respond):
    consultation = ConsultationFactory()
    html = client.get(reverse("published:responses", args=[consultation.slug])).content.decode()
    assert "offentliggøres, når høringsfristen er udløbet" in html


def test_public_page_of_unpublished_consultation_is_404(client):
    from datetime import timedelta

    from django.utils import timezone

    hidden = ConsultationFactory(upcoming=True, published_at=timezone.now() + timedelta(days=1))
    assert client.get(reverse("published:responses", args=[hidden.slug])).status_code == 404


def test_staff_link_in_header_and_login_lands_in_workspace(client, moderator):
    from staff_login import current_code

    client.post(reverse("login"), {"username": moderator.username,
                                   "password": "hemmeligt-kodeord-1"})
    login = client.post(reverse("login_code"), {"code": current_code(moderator)})
    assert login["Location"] == reverse("staff:home")
    html = client.get(reverse("consultations:list")).content.decode()
    assert f'href="{reverse("staff:home")}"' in html
