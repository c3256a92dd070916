"""What the engine set aside (and staff moving it back); decisions on many rows at once."""

import pytest
from django.core.exceptions import PermissionDenied

from factories import receive
from samskab.consultations import services as consultation_services
from samskab.consultations.models import Response
from samskab.core.errors import DomainError
from samskab.core.models import AuditEvent
from samskab.insights import services
from samskab.insights.models import (
    GroupMembership,
    MembershipState,
    Proposal,
    ResponseGroup,
    SetAsideReason,
    SetAsideSegment,
    TagState,
    TagSuggestion,
)

pytestmark = pytest.mark.django_db

POLITE = ("Tak for muligheden for at give input.\n\n"
          "Vi foreslår, at alle ministres kalendere offentliggøres hver uge, så borgerne kan se, "
          "hvem de mødes med, og hvad møderne handler om.\n\n"
          "Vi står gerne til rådighed for uddybning.\n\nMed venlig hilsen\nKarin Madsen")


@pytest.fixture
def polite(small):
    consultation = small["consultation"]
    response = Response.objects.get(pk=receive(
        consultation, text=POLITE, respondent=consultation_services.RespondentData(
            kind="citizen", name="Karin Madsen", email="karin@mail.example")).response_id)
    services.consultation_analyse(consultation=consultation)
    return {**small, "polite": response}


def test_pleasantries_are_stored_as_set_aside_not_as_proposals(polite):
    response = polite["polite"]
    proposals = [p.text for p in Proposal.objects.filter(response=response)]
    assert len(proposals) == 1 and proposals[0].startswith("Vi foreslår")
    segments = {s.text: s.reason for s in SetAsideSegment.objects.filter(response=response)}
    assert segments == {
        "Tak for muligheden for at give input.": SetAsideReason.COURTESY,
        "Vi står gerne til rådighed for uddybning.": SetAsideReason.COURTESY,
        "Med venlig hilsen\nKarin Madsen": SetAsideReason.SIGNOFF,
    }
    for s in SetAsideSegment.objects.filter(response=response):
        assert response.text[s.start:s.end] == s.text


def test_moving_back_makes_a_proposal_that_later_runs_keep(polite, analyst):
    consultation, response = polite["consultation"], polite["polite"]
    segment = SetAsideSegment.objects.get(response=response, text__startswith="Vi står")
    proposal = services.set_aside_move_back(segment=segment, actor=analyst)
    assert proposal.text == segment.text and proposal.idea_by == analyst
    segment.refresh_from_db()
    assert segment.moved_back and segment.proposal == proposal
    event = AuditEvent.objects.for_object(segment).get()
    assert event.action == "set_aside.move_back" and event.actor == analyst
    with pytest.raises(DomainError) as error:
        services.set_aside_move_back(segment=segment, actor=analyst)
    assert error.value.code == "already_moved_back"

    services.consultation_analyse(consultation=consultation)  # the engine sets it aside again
    assert Proposal.objects.filter(pk=proposal.pk, text=segment.text).exists()
    assert SetAsideSegment.objects.filter(response=response).count() == 3
    assert SetAsideSegment.objects.get(pk=segment.pk).moved_back


def test_moving_back_needs_the_permission(polite, users):
    segment = SetAsideSegment.objects.filter(response=polite["polite"]).first()
    with pytest.raises(PermissionDenied):
        services.set_aside_move_back(segment=segment, actor=users["moderator"])
    assert not Proposal.objects.filter(response=segment.response, start=segment.start).exists()


def test_a_new_response_gets_its_set_aside_segments(polite):
    consultation = polite["consultation"]
    response = Response.objects.get(pk=receive(
        consultation, text="Kære minister\n\nVi foreslår gratis aktindsigt for alle borgere "
        "og hurtigere svar fra myndighederne, også når sagen er kompliceret.\n\nMvh.\nOle",
        respondent=consultation_services.RespondentData(kind="citizen", name="Ole",
                                                        email="ole@mail.example")).response_id)
    services.response_analyse(response=response)
    assert sorted(s.reason for s in SetAsideSegment.objects.filter(response=response)) == [
        "greeting", "signoff"]


def test_a_groups_members_are_confirmed_or_split_out_in_one_action(small, analyst):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    group = ResponseGroup.objects.get(consultation=consultation)
    members = GroupMembership.objects.filter(group=group)
    one = members.first()
    services.group_split_member(membership=one, actor=analyst)
    n = services.group_members_decide(group=group, confirmed=True, actor=analyst)
    assert n == members.count() - 1
    assert set(members.exclude(pk=one.pk).values_list("state", flat=True)) == {
        MembershipState.CONFIRMED}
    assert GroupMembership.objects.get(pk=one.pk).state == MembershipState.SPLIT_OUT
    assert AuditEvent.objects.filter(action="group.confirm_members").count() == n
    assert services.group_members_decide(group=group, confirmed=False, actor=analyst) == 0


def test_tag_suggestions_are_decided_above_or_below_a_score(small, analyst):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    suggestions = TagSuggestion.objects.filter(response__consultation=consultation)
    high = suggestions.filter(score__gte=0.6).count()
    low = suggestions.filter(score__lt=0.3).count()
    assert high and low
    assert services.tags_decide_by_score(consultation=consultation, confirmed=True,
                                         threshold=0.6, actor=analyst) == high
    assert services.tags_decide_by_score(consultation=consultation, confirmed=False,
                                         threshold=0.3, actor=analyst) == low
    assert suggestions.filter(state=TagState.CONFIRMED).count() == high
    assert set(suggestions.filter(state=TagState.REJECTED).values_list("score", flat=True)) \
        == set(suggestions.filter(score__lt=0.3).values_list("score", flat=True))
    assert not suggestions.filter(state=TagState.SUGGESTED, score__gte=0.6).exists()
    assert AuditEvent.objects.filter(action="tag.confirm").count() == high
    assert all(not s.fed_back for s in suggestions.exclude(state=TagState.SUGGESTED))
    with pytest.raises(DomainError):
        services.tags_decide_by_score(consultation=consultation, confirmed=True,
                                      threshold=1.5, actor=analyst)
