"""The inbox at scale: a filter's or a search's matches are counted up to a limit (»more than
10,000«), the whole list exactly, and the number of queries does not grow with the rows."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samskab.consultations.models import Response
from samskab.consultations.services import IncomingFile
from samskab.workspace import selectors, views

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
    assert "Mere end 4 høringssvar – bladr videre" in broad.content.decode()
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


def _pages(client, url, params, pages):
    keys = []
    for number in range(1, pages + 1):
        page = client.get(url, {**params, "side": number}).context["page"]
        keys += [response.pk for response in page.object_list]
    return keys


def test_a_capped_searchs_pages_are_its_first_matches_in_order(
        client, moderator, closed_consultation, respond, monkeypatch):
    """Capped (and on SQLite with the page's keys from the count's query), every page shows
    what the list in its order holds there, none skipped or twice, across count windows."""
    monkeypatch.setattr(views, "INBOX_COUNT_LIMIT", 5)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _answers(closed_consultation, respond, 9)
    client.force_login(moderator)
    url = reverse("staff:inbox", args=[closed_consultation.slug])
    for params in [{"q": "ventetider"}, {"q": "ventetider", "sort": "kind"},
                   {"late": "no", "sort": "received"}]:
        expected = list(selectors.inbox(
            closed_consultation, filters=params, query=params.get("q", ""),
            sort=params.get("sort", "-received")).values_list("pk", flat=True))
        assert len(expected) > 6
        assert _pages(client, url, params, 3) == expected[:6], params


@pytest.mark.parametrize("sort", ["kind", "-received"])
def test_the_kind_filter_and_sort_read_the_respondents_kind(
        client, moderator, closed_consultation, respond, sort):
    """The inbox filters and sorts by the response's copy of the kind: the same answers, in
    the same order, as the respondent's own kind gives."""
    kinds = ["ngo", "citizen", "business", "citizen", "authority_state", "ngo", "research"]
    for i, kind in enumerate(kinds):
        respond(closed_consultation, f"Svar {i} om ventetider.", kind=kind,
                received_at=closed_consultation.opens_at + timedelta(hours=len(kinds) - i))
    client.force_login(moderator)
    url = reverse("staff:inbox", args=[closed_consultation.slug])
    mine = Response.objects.filter(consultation=closed_consultation)
    by_respondent = {
        "kind": ("respondent__kind", "received_at", "id"),
        "-received": ("-received_at", "-id"),
    }[sort]
    whole = _pages(client, url, {"sort": sort}, 1)
    assert whole == list(mine.order_by(*by_respondent).values_list("pk", flat=True))
    for kind in set(kinds):
        shown = _pages(client, url, {"kind": kind, "sort": sort}, 1)
        assert shown == list(mine.filter(respondent__kind=kind).order_by(*by_respondent)
                             .values_list("pk", flat=True)), kind


def test_the_count_window_moves_on_with_the_pages(client, moderator, closed_consultation,
                                                  respond, monkeypatch):
    """On a window's last page the next window is counted, so paging on is always possible;
    the cap is said in Danish and in English."""
    monkeypatch.setattr(views, "INBOX_COUNT_LIMIT", 4)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _answers(closed_consultation, respond, 9)
    client.force_login(moderator)
    url = reverse("staff:inbox", args=[closed_consultation.slug])
    counted = {}
    for number in (1, 2, 3, 4, 5):
        paginator = client.get(url, {"q": "ventetider", "side": number}).context["page"].paginator
        counted[number] = (paginator.count, paginator.capped, paginator.num_pages)
    assert counted == {1: (4, True, 2), 2: (8, True, 4), 3: (8, True, 4), 4: (9, False, 5),
                       5: (9, False, 5)}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url, {"q": "ventetider"})
    assert "More than 4 responses – page on for more, or narrow the search" in (
        english.content.decode())
