"""The demo: both planted form-letter campaigns are found as groups, and the ideas with
positions reach the public page."""

import pytest
from django.urls import reverse

from samskab.consultations.models import Response
from samskab.demo.load import demo_load
from samskab.insights.demo import DEMO_POSITIONS, demo_analyse
from samskab.insights.models import GroupMembership, Idea, Position, ResponseGroup

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # loads the whole demo

PLANTED = {"aabne-data-nu": 42, "fri-software": 26}


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo_load()
    return demo_analyse()


def test_demo_finds_both_planted_campaigns_and_publishes_positions(client, demo):
    result = demo
    consultation = result.run.consultation
    truth = {name: set(Response.objects.filter(consultation=consultation,
                                               source__campaign=name)
                       .values_list("pk", flat=True))
             for name in PLANTED}
    for name, size in PLANTED.items():
        assert len(truth[name]) == size
        best = max(ResponseGroup.objects.filter(consultation=consultation),
                   key=lambda g: len(truth[name] & set(
                       g.memberships.values_list("response_id", flat=True))))
        members = set(best.memberships.values_list("response_id", flat=True))
        hits = len(members & truth[name])
        assert hits / len(members) >= 0.95, name  # precision
        assert hits / len(truth[name]) >= 0.95, name  # recall
        assert abs(best.size - size) <= 3
    assert GroupMembership.objects.filter(group__consultation=consultation).exclude(
        additions="").exists()
    assert Idea.objects.filter(consultation=consultation, proposal_count__gt=1).count() >= 20

    # A few positions on the largest ideas reach the public page; a second run adds none.
    assert result.positions_created == len(DEMO_POSITIONS)
    assert demo_analyse().positions_created == 0  # idempotent
    assert Position.objects.count() == len(DEMO_POSITIONS)
    page = client.get(reverse("published:you_said_we_did", args=["ogp-2012"]))
    text = page.content.decode()
    # No demo respondent's name or e-mail reaches the public page (organisations may).
    from samskab.consultations.models import Respondent

    for name, email, kind in Respondent.objects.values_list("name", "email", "kind"):
        assert not email or email not in text
        if name and kind == "citizen":
            assert name not in text
    for words, label, kind, _justification, _ref in DEMO_POSITIONS:
        assert label in text
        position = Position.objects.select_related("idea__representative").get(
            idea__label=label)
        assert position.kind == kind
        assert all(w in position.idea.representative.text.casefold() for w in words)
