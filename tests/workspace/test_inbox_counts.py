"""The inbox at scale: a filter's or a search's matches are counted up to a limit (»more than
10,000«), the whole list exactly, and the number of queries does not grow with the rows."""

import pytest
from django.urls import reverse

from samskab.workspace import views

pytestmark = pytest.mark.django_db


def _answers(consultation, respond, n, start=0):
    for i in range(start, start + n):
        respond(consultation, f"Svar nummer {i} om åbne data og ventetider.",
                kind="ngo" if i % 2 else "citizen")


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
        client, moderator, closed_consultation, respond, django_assert_num_queries):
    client.force_login(moderator)
    url = reverse("staff:inbox", args=[closed_consultation.slug])
    views_of_the_inbox = ["", "?q=ventetider", "?status=received&kind=ngo", "?sort=kind",
                          "?sort=received&side=2", "?language=da&sort=status"]
    _answers(closed_consultation, respond, 3)
    client.get(url)
    counts = {}
    for query in views_of_the_inbox:
        with django_assert_num_queries(9) as captured:  # also 9 with more rows, below
            client.get(url + query)
        counts[query] = len(captured.captured_queries)
    _answers(closed_consultation, respond, 120, start=3)
    for query in views_of_the_inbox:
        with django_assert_num_queries(counts[query]):
            assert client.get(url + query).status_code == 200
