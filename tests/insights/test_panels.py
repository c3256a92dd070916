"""What the analysis adds to the workspace's response page and inbox (its extension points)."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from samskab.insights import services
from samskab.insights.models import Proposal, TagSuggestion
from samskab.workspace import extensions, selectors

pytestmark = pytest.mark.django_db


def _render(response, user) -> tuple[str, int]:
    request = RequestFactory().get(f"/medarbejder/svar/{response.reference}/")
    request.user = user
    with CaptureQueriesContext(connection) as ctx:
        html = "".join(render_to_string(p["template"], {"panel_context": p["context"]},
                                        request=request)
                       for p in extensions.response_panels(response, user))
    return html, len(ctx.captured_queries)


def test_all_four_panels_are_registered():
    assert extensions.missing_default_panels() == []
    assert any(f.name == "tag" for f in selectors.INBOX_FILTERS)


def test_panels_say_not_analysed_before_the_analysis(small, analyst):
    html, _n = _render(small["singles"][0], analyst)
    assert html.count("Endnu ikke analyseret.") == 4


def test_panels_show_proposals_tags_group_and_ideas(small, analyst):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    first = small["singles"][0]
    proposals = list(Proposal.objects.filter(response=first).order_by("position"))
    services.position_set(idea=proposals[0].idea, kind="adopted", justification_da="Ja.",
                          actor=analyst)
    html, _n = _render(first, analyst)
    for p in proposals:
        assert f'<mark id="forslag-{p.pk}">' in html
        assert f"/medarbejder/analyse/ideer/{p.idea_id}/" in html
    assert "Taget med" in html
    tag = TagSuggestion.objects.filter(response=first).first()
    assert f"/medarbejder/analyse/emner/{tag.pk}/beslut/" in html
    assert f'value="/medarbejder/svar/{first.reference}/"' in html
    assert "ikke en del af en kampagne" in html

    member = small["campaign"][1]
    html, _n = _render(member, analyst)
    assert small["additions"][1] in html and "Personlig tilføjelse" in html


def test_moderators_see_the_panels_without_buttons(small, users):
    services.consultation_analyse(consultation=small["consultation"])
    html, _n = _render(small["singles"][0], users["moderator"])
    assert "<mark" in html and "/beslut/" not in html


def test_panel_queries_do_not_grow_with_the_response(small, analyst):
    services.consultation_analyse(consultation=small["consultation"])
    _render(small["singles"][3], analyst)  # the user's roles are read once per request
    _html, few = _render(small["singles"][2], analyst)  # one proposal, no group
    _html, many = _render(small["singles"][0], analyst)  # two proposals
    _html, grouped = _render(small["campaign"][1], analyst)  # in a group, with additions
    assert few == many == grouped == 4


def test_inbox_tag_filter(small):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    tagged = set(TagSuggestion.objects.filter(response__consultation=consultation,
                                              code="GC2", score__gte=0.5)
                 .values_list("response_id", flat=True))
    assert tagged
    found = set(selectors.inbox(consultation, filters={"tag": "GC2"})
                .values_list("pk", flat=True))
    assert found == tagged
    rejected = TagSuggestion.objects.get(response_id=min(tagged), code="GC2")
    services.tag_decide(suggestion=rejected, confirmed=False, actor=None)
    found = set(selectors.inbox(consultation, filters={"tag": "GC2"})
                .values_list("pk", flat=True))
    assert found == tagged - {rejected.response_id}
