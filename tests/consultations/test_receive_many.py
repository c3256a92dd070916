"""`response_receive_many`: the one door in for many responses, in short transactions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factories import ConsultationFactory, receive
from samskab.consultations import services
from samskab.consultations.models import Respondent, Response

pytestmark = pytest.mark.django_db


def _items(n, *, prefix="k", text="Forslag nummer %d om åbne data."):
    return [
        services.Incoming(
            text=text % i, idempotency_key=f"{prefix}{i}" if prefix else "",
            respondent=services.RespondentData(kind="ngo", organisation=f"Forening {i}"),
        )
        for i in range(n)
    ]


def test_many_are_numbered_in_order_after_single_ones():
    consultation = ConsultationFactory(reference_prefix="OGP")
    receive(consultation)
    receipts = services.response_receive_many(
        consultation=consultation, channel="api", items=_items(5), chunk_size=2,
    )
    assert [r.reference for r in receipts] == [f"OGP-{n:04d}" for n in range(2, 7)]
    assert all(r.created for r in receipts)
    stored = Response.objects.get(reference="OGP-0004")
    assert stored.text == "Forslag nummer 2 om åbne data."
    assert stored.respondent.organisation == "Forening 2"
    assert receipts[2].response_id == stored.pk
    assert receive(consultation).reference == "OGP-0007"


def test_sent_again_after_a_crash_between_chunks_stores_nothing_twice():
    consultation = ConsultationFactory()
    items = _items(7)
    # The first chunks committed, then the server died: the client sends the whole batch again.
    first = services.response_receive_many(
        consultation=consultation, channel="api", items=items[:4], chunk_size=2,
    )
    again = services.response_receive_many(
        consultation=consultation, channel="api", items=items, chunk_size=2,
    )
    assert [r.reference for r in again[:4]] == [r.reference for r in first]
    assert [r.created for r in again] == [False] * 4 + [True] * 3
    assert Response.objects.count() == 7
    assert Respondent.objects.count() == 7


def test_a_key_twice_in_one_batch_is_one_response():
    consultation = ConsultationFactory()
    items = _items(3)
    items.append(services.Incoming(text="Forslag nummer 1 om åbne data.", idempotency_key="k1"))
    receipts = services.response_receive_many(
        consultation=consultation, channel="api", items=items,
    )
    assert receipts[3].reference == receipts[1].reference
    assert receipts[3].created is False
    assert Response.objects.count() == 3


def test_refused_items_get_their_error_and_the_rest_is_stored():
    consultation = ConsultationFactory()
    items = _items(3)
    items[1] = services.Incoming(text="   ", idempotency_key="empty")
    results = services.response_receive_many(
        consultation=consultation, channel="api", items=items,
    )
    assert isinstance(results[1], services.ReceiveError)
    assert results[1].code == "empty"
    assert Response.objects.count() == 2


def test_all_or_nothing_stores_nothing_when_one_is_refused():
    consultation = ConsultationFactory()
    items = _items(3)
    items[2] = services.Incoming(
        text="Hej", respondent=services.RespondentData(kind="alien"), idempotency_key="x",
    )
    with pytest.raises(services.BatchRefused) as refused:
        services.response_receive_many(
            consultation=consultation, channel="api", items=items, all_or_nothing=True,
        )
    assert {i: e.code for i, e in refused.value.errors.items()} == {2: "invalid_kind"}
    assert Response.objects.count() == 0


def test_web_and_api_after_the_deadline_are_refused_mail_is_stored_late():
    consultation = ConsultationFactory(closed=True)
    refused = services.response_receive_many(
        consultation=consultation, channel="api", items=_items(1),
    )
    assert refused[0].code == "closed"
    stored = services.response_receive_many(
        consultation=consultation, channel="email", items=_items(1),
    )
    assert stored[0].late is True


def test_attachments_go_through_the_single_door():
    consultation = ConsultationFactory()
    item = services.Incoming(
        text="Se bilaget.", idempotency_key="with-file",
        attachments=[services.IncomingFile("forslag.txt", b"Mere tekst", "text/plain")],
    )
    receipts = services.response_receive_many(
        consultation=consultation, channel="api", items=[item, *_items(2)],
    )
    assert all(r.created for r in receipts)
    assert Response.objects.get(pk=receipts[0].response_id).attachments.count() == 1


def test_a_key_stored_after_the_callers_look_gives_its_first_receipt():
    consultation = ConsultationFactory()
    items = _items(4)
    looked = services._stored_by_key(consultation, [i.idempotency_key for i in items])
    # Another request stores two of the keys between the caller's look and the chunks.
    first = services.response_receive_many(consultation=consultation, channel="api",
                                           items=items[1:3])
    receipts = services.response_receive_many(consultation=consultation, channel="api",
                                              items=items, stored_keys=looked, chunk_size=2)
    assert [r.created for r in receipts] == [True, False, False, True]
    assert [r.reference for r in receipts[1:3]] == [r.reference for r in first]
    assert Response.objects.count() == 4


def test_keys_the_caller_found_are_not_looked_up_again():
    consultation = ConsultationFactory()
    items = _items(3)
    services.response_receive_many(consultation=consultation, channel="api", items=items[:1])
    looked = services._stored_by_key(consultation, [i.idempotency_key for i in items])
    with CaptureQueriesContext(connection) as queries:
        receipts = services.response_receive_many(
            consultation=consultation, channel="api", items=items, stored_keys=looked)
    assert [r.created for r in receipts] == [False, True, True]
    lookups = [q for q in queries.captured_queries if "NOT (idempotency_key = '')" in q["sql"]]
    assert lookups == []


def test_a_chunk_takes_a_constant_number_of_statements():
    consultation = ConsultationFactory()
    with CaptureQueriesContext(connection) as small:
        services.response_receive_many(consultation=consultation, channel="api",
                                       items=_items(3, prefix="a"), chunk_size=50)
    with CaptureQueriesContext(connection) as large:
        services.response_receive_many(consultation=consultation, channel="api",
                                       items=_items(40, prefix="b"), chunk_size=50)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_idempotency_lookup_uses_the_partial_unique_index():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL infers key <> '' from key = 'x' itself; SQLite needs it said")
    consultation = ConsultationFactory()
    receive(consultation, idempotency_key="abc")
    with CaptureQueriesContext(connection) as queries:
        receive(consultation, idempotency_key="abc")
    lookup = next(q["sql"] for q in queries.captured_queries
                  if "idempotency_key" in q["sql"] and q["sql"].startswith("SELECT"))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {lookup}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "response_unique_idempotency_key" in plan


def test_each_response_keeps_a_copy_of_its_respondents_kind():
    consultation = ConsultationFactory()
    kinds = ["ngo", "citizen", "business", "authority_state", "research"]
    items = [services.Incoming(text=f"Forslag {i}.", idempotency_key=f"k{i}",
                               respondent=services.RespondentData(kind=kind))
             for i, kind in enumerate(kinds)]
    receipts = services.response_receive_many(consultation=consultation, channel="api",
                                              items=items, chunk_size=2)
    stored = {r.pk: r for r in Response.objects.select_related("respondent")}
    assert [stored[r.response_id].respondent_kind for r in receipts] == kinds
    assert all(r.respondent_kind == r.respondent.kind for r in stored.values())
