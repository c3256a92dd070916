"""The inbox at scale: a filter's or a search's matches are counted up to a limit (»more than
10,000«), the whole list exactly, and the number of queries does not grow with the rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samskab.consultations.services import IncomingFile
from samskab.workspace import views

pytestmark = pytest.mark.django_db


def _answers(consultation, respond, n, start=0):
    for i in range(start, start + n):
        late = i % 5 == 0
        respond(consultation, f"Svar nummer {i} om åbne data og ventetider.",
                kind="ngo" if i % 2 else "citizen", email=f"p{i}@mail.example",
                organisation="Forening for Åbenhed" if i % 3 == 0 else "",
                attachments=[IncomingFile("bilag.txt", f"Bilag {i}".encode(), "text/plain")]
                if i % 4 == 0 else (),
                received_at=consultation.closes_at + timedelta(hours=1) if late
                else consultation.opens_at + timedelta(hours=1 + i))


def test_a_broad_search_is_counted_up_to_the_limit(client, moderator, closed_consultation,
                                                   respond, monkeypatch):
    monkeypatch.setattr(views, "INBOX_COUNT_LIMIT", 4)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _answers(closed_consultation, respond, 7)
    client.force_login(moderator)
    url = reverse("staff:inbox", args=[closed_consultation.slug])
    whole = client.get(url)
    assert not whole.context["page"].paginator.capped
    assert whole.context["page"].paginator.count == 7
    assert whole.context["page"].paginator.num_pages == 4
    broad = client.get(url, {"q": "ventetider"})
    paginator = broad.context["page"].paginator
    assert paginator.capped and paginator.count == 4 and paginator.num_pages == 2
    assert "Mere end 4 høringssvar" in broad.content.decode()
    narrow = client.get(url, {"q": "ventetider", "kind": "ngo"})
    assert not narrow.context["page"].paginator.capped
    assert narrow.context["page"].paginator.count == 3
    assert "3 høringssvar" in narrow.content.decode()


def test_the_inbox_queries_do_not_grow_with_the_rows_for_every_view(
        client, moderator, closed_consultation, respond):
    """Every filter, sort and kind of search (full text, a reference number, a sender's
    e-mail address, an organisation's name): the same queries with 6 answers as with 126."""
    client.force_login(moderator)
    url = reverse("staff:inbox", args=[closed_consultation.slug])
    reference = f"{closed_consultation.reference_prefix}-0002"
    views_of_the_inbox = [
        "", "?q=ventetider", "?status=received&kind=ngo", "?sort=kind",
        "?sort=received&side=2", "?language=da&sort=status", "?late=yes&attachment=yes",
        "?attachment=yes", "?attachment=no&channel=email", "?late=no&sort=reference",
        f"?q={reference.lower()}", "?q=P3@mail.example", "?q=forening+for+åbenhed",
        "?q=Forening+for+%C3%85benhed&kind=citizen",
    ]
    _answers(closed_consultation, respond, 6)
    client.get(url)

    def queries(query):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url + query)
        assert page.status_code == 200
        return [q["sql"] for q in captured.captured_queries], page.context["page"].paginator

    few = {query: queries(query) for query in views_of_the_inbox}
    # each kind of search found what it names (so the counts below are of real lookups)
    assert few[f"?q={reference.lower()}"][1].count == 1
    assert few["?q=P3@mail.example"][1].count == 1
    assert few["?q=forening+for+åbenhed"][1].count == 2
    assert few["?late=yes&attachment=yes"][1].count == 1
    _answers(closed_consultation, respond, 120, start=6)
    for query in views_of_the_inbox:
        sql, paginator = queries(query)
        assert len(sql) == len(few[query][0]), query
        assert len(sql) <= 10, (query, sql)
    assert queries("?attachment=yes")[1].count == 32
