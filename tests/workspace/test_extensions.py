"""The inbox and the response page take filters and panels from other apps (the analysis engine)."""

import pytest
from django.urls import reverse

from samskab.workspace import extensions, selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def registries(monkeypatch):
    monkeypatch.setattr(selectors, "INBOX_FILTERS", list(selectors.INBOX_FILTERS))
    monkeypatch.setattr(extensions, "RESPONSE_PANELS", [])


def test_a_registered_inbox_filter_is_offered_and_applied(registries, client, moderator,
                                                          closed_consultation, respond):
    short = respond(closed_consultation, "Kort.")
    respond(closed_consultation, "Et langt svar om mange ting på én gang.")
    selectors.register_inbox_filter(selectors.InboxFilter(
        "group", "Gruppe", lambda consultation: [("short", "Korte svar")],
        lambda qs, value: qs.filter(text__regex=r"^.{0,10}$") if value == "short" else qs,
    ))
    client.force_login(moderator)
    url = reverse("staff:inbox", args=[closed_consultation.slug])
    html = client.get(url + "?group=short").content.decode()
    assert 'name="group"' in html and "Korte svar" in html
    assert "1 høringssvar" in html and short.reference in html


def test_a_registered_panel_replaces_its_placeholder(registries, client, moderator, settings,
                                                     tmp_path, closed_consultation, respond):
    (tmp_path / "idea_panel.html").write_text("Idé: {{ panel_context.label }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    response = respond(closed_consultation, "Et svar.")
    extensions.register_response_panel(extensions.ResponsePanel(
        "idea", "idea_panel.html", lambda response, user: {"label": "Åbne budgetter"}))
    client.force_login(moderator)
    html = client.get(reverse("staff:response", args=[response.reference])).content.decode()
    assert "Idé: Åbne budgetter" in html
    assert html.count("Endnu ikke analyseret.") == 3
