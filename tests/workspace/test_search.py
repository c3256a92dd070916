"""Full-text search in Danish on both databases, kept current by database triggers."""

import pytest
from django.core.management import call_command
from django.db import connection

from factories import ConsultationFactory
from samskab.consultations.models import Attachment, Respondent, Response
from samskab.workspace import search, selectors

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="PostgreSQL's Danish configuration")
on_sqlite = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite FTS5")


def _found(consultation, query, **filters):
    return set(
        selectors.inbox(consultation, filters=filters, query=query)
        .values_list("reference", flat=True)
    )


@pytest.fixture
def corpus(closed_consultation, respond):
    texts = {
        "forslagene": "Forslagene om åbne data bør gennemføres hurtigt.",
        "borger": "Borgerne skal inddrages tidligt i processen.",
        "aal": "Ålborg og Ærø ønsker bedre grunddata om øerne.",
        "english": "We propose open budgets for every municipality.",
    }
    refs = {key: respond(closed_consultation, text).reference for key, text in texts.items()}
    return closed_consultation, refs


def test_search_finds_words_and_narrows_with_filters(corpus, respond):
    consultation, refs = corpus
    assert _found(consultation, "grunddata") == {refs["aal"]}
    assert _found(consultation, "budgets") == {refs["english"]}
    assert _found(consultation, "åbne data") == {refs["forslagene"]}
    assert _found(consultation, "åbne data", channel="web") == set()
    assert _found(consultation, "") == set(refs.values())


def test_search_keeps_danish_letters_apart(corpus):
    consultation, refs = corpus
    assert _found(consultation, "Ærø") == {refs["aal"]}
    assert _found(consultation, "ærø") == {refs["aal"]}
    assert _found(consultation, "aero") == set()


def test_forslag_finds_forslagene(corpus):
    consultation, refs = corpus
    assert _found(consultation, "forslag") == {refs["forslagene"]}


@on_postgresql
def test_postgresql_stems_danish_word_forms(corpus):
    consultation, refs = corpus
    # »borgerne« and »borger« share the Danish stem; »gennemført« and »gennemføres« too.
    assert _found(consultation, "borger") == {refs["borger"]}
    assert _found(consultation, "forslagenes") == {refs["forslagene"]}
    assert _found(consultation, '"åbne data" -borgerne') == {refs["forslagene"]}


@on_sqlite
def test_sqlite_searches_every_word_as_a_prefix(corpus):
    consultation, refs = corpus
    assert _found(consultation, "borger") == {refs["borger"]}
    assert _found(consultation, "grund") == {refs["aal"]}
    assert search.fts5_query('data" OR NEAR(x*') == '"data"* "OR"* "NEAR"* "x"*'


def test_search_operators_typed_by_people_are_harmless(corpus):
    consultation, _refs = corpus
    for query in ['"', "*", "AND", "NEAR(", "data:", "'; DROP TABLE x; --", "(", "-"]:
        _found(consultation, query)  # no database error


def test_attachment_text_is_searchable_once_extracted(closed_consultation, respond):
    from samskab.consultations.services import IncomingFile

    response = respond(closed_consultation, "Se vedhæftede fil.",
                       attachments=[IncomingFile("bilag.txt", b"indhold", "text/plain")])
    assert _found(closed_consultation, "telemedicin") == set()
    Attachment.objects.filter(response=response).update(
        extracted_text="Vi ønsker telemedicin i hele landet.")
    assert _found(closed_consultation, "telemedicin") == {response.reference}
    Attachment.objects.filter(response=response).delete()
    assert _found(closed_consultation, "telemedicin") == set()


def test_changes_that_bypass_our_services_are_indexed(closed_consultation, respond):
    """Triggers index rows written by any code: other channels, bulk loads, updates."""
    first = respond(closed_consultation, "Første svar.")
    Response.objects.filter(pk=first.pk).update(text="Ændret tekst om cykelstier.")
    assert _found(closed_consultation, "cykelstier") == {first.reference}
    assert _found(closed_consultation, "Første") == set()
    respondents = Respondent.objects.bulk_create([Respondent(kind="ngo") for _ in range(3)])
    Response.objects.bulk_create([
        Response(reference=f"BULK-{i}", consultation=closed_consultation, respondent=r,
                 respondent_kind=r.kind,
                 channel="import", received_at=closed_consultation.opens_at,
                 text=f"Masseindlæst svar nummer {i} om vindmøller.")
        for i, r in enumerate(respondents)
    ])
    assert _found(closed_consultation, "vindmøller") == {"BULK-0", "BULK-1", "BULK-2"}
    Response.objects.filter(reference="BULK-1").delete()
    assert _found(closed_consultation, "vindmøller") == {"BULK-0", "BULK-2"}


def test_search_is_limited_to_the_consultation(corpus, respond):
    consultation, refs = corpus
    other = ConsultationFactory(closed=True)
    respond(other, "Forslagene om åbne data.")
    assert _found(consultation, "forslag") == {refs["forslagene"]}


def test_reindex_rebuilds_a_broken_index(corpus, capsys):
    consultation, refs = corpus
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DELETE FROM workspace_searchdocument")
        else:
            cursor.execute("DELETE FROM workspace_response_fts")
    assert _found(consultation, "grunddata") == set()
    call_command("reindex")
    assert "reindexed 4 responses" in capsys.readouterr().out
    assert _found(consultation, "grunddata") == {refs["aal"]}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_truncating_responses_empties_the_index(closed_consultation, respond):
    respond(closed_consultation, "Et svar om havvind.")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE consultations_response CASCADE")
        cursor.execute("SELECT count(*) FROM workspace_searchdocument")
        assert cursor.fetchone()[0] == 0


def test_a_reference_number_email_or_organisation_finds_the_response(closed_consultation,
                                                                    respond):
    mine = respond(closed_consultation, "Vi ønsker gratis aktindsigt.", kind="ngo",
                   organisation="Foreningen for Åbenhed", email="Kontakt@Aabenhed.example")
    other = respond(closed_consultation, "Kontakt@Aabenhed.example skrev om Foreningen for "
                    "Åbenhed i sit svar om covid-19.", email="anden@mail.example")
    consultation = closed_consultation
    assert _found(consultation, mine.reference) == {mine.reference}
    assert _found(consultation, f"  {mine.reference.lower()} ") == {mine.reference}
    assert _found(consultation, "kontakt@aabenhed.example") == {mine.reference}
    assert _found(consultation, "foreningen for åbenhed") == {mine.reference}
    # text shaped like a reference or an address that names no response is searched as text
    assert _found(consultation, "covid-19") == {other.reference}
    assert _found(consultation, "nobody@nowhere.example") == set()
    assert _found(consultation, "OGP-1999-0001") == set()
