"""Storing what the engine finds, and keeping what staff decide (services)."""

import pytest

from factories import AttachmentFactory, ResponseGroupFactory, link_to_commitment, receive
from samskab import analysis as engine
from samskab.consultations.models import Response
from samskab.core.errors import DomainError, errors_of
from samskab.core.models import AuditEvent
from samskab.insights import selectors, services
from samskab.insights.models import (
    AnalysedResponse,
    AnalysisRun,
    GroupMembership,
    Idea,
    MembershipState,
    Position,
    PositionKind,
    Proposal,
    ResponseGroup,
    TagState,
    TagSuggestion,
)

pytestmark = pytest.mark.django_db


def _snapshot(consultation, scores=True):
    return {
        "groups": sorted((g.canonical_id, g.size, g.template) for g in
                         ResponseGroup.objects.filter(consultation=consultation)),
        "members": sorted(GroupMembership.objects.filter(group__consultation=consultation)
                          .values_list("response_id", "group__canonical_id", "additions",
                                       "state")),
        "proposals": sorted(Proposal.objects.filter(response__consultation=consultation)
                            .values_list("response_id", "start", "end", "text", "idea__label")),
        # An engine idea left empty by staff moving its proposals away may go on a rerun.
        "ideas": sorted(Idea.objects.filter(consultation=consultation)
                        .exclude(proposal_count=0, merged_into=None)
                        .values_list("label", "proposal_count", "response_count")),
        "tags": sorted(TagSuggestion.objects.filter(response__consultation=consultation)
                       .values_list("response_id", "code", "state",
                                    *(["score"] if scores else []))),
    }


def test_campaign_with_personal_additions_is_one_group(small):
    run = services.consultation_analyse(consultation=small["consultation"])
    assert run.finished_at is not None and run.summary["responses"] == 14
    group = ResponseGroup.objects.get(consultation=small["consultation"])
    members = {m.response_id: m for m in group.memberships.all()}
    assert set(members) == {r.pk for r in small["campaign"]}
    assert group.size == 8
    assert "kommunale budgetter" in group.template
    assert group.canonical_id in members
    for i, addition in small["additions"].items():
        assert addition in members[small["campaign"][i].pk].additions
    plain = [m for r, m in members.items() if r not in
             {small["campaign"][i].pk for i in small["additions"]}]
    assert all(not m.additions for m in plain)


def test_proposals_are_spans_of_the_response_text(small):
    services.consultation_analyse(consultation=small["consultation"])
    proposals = list(Proposal.objects.select_related("response", "attachment"))
    assert proposals
    for p in proposals:
        assert p.source_text[p.start:p.end] == p.text
    first = small["singles"][0]
    assert Proposal.objects.filter(response=first).count() == 2


def test_attachment_text_is_analysed_and_located_in_the_attachment(small, tmp_path):
    response = small["singles"][2]
    text = ("Bilag til vores høringssvar.\n\n"
            "Vi foreslår, at alle whistleblowere i den offentlige sektor får beskyttelse.")
    attachment = AttachmentFactory(response=response, extracted_text=text)
    services.consultation_analyse(consultation=small["consultation"])
    from_file = Proposal.objects.filter(attachment=attachment)
    assert from_file.exists()
    for p in from_file:
        assert text[p.start:p.end] == p.text
        assert "[Bilag]" not in p.text
    assert Proposal.objects.filter(response=response, attachment=None).exists()


def test_tags_are_suggestions_with_scores_and_themes(small):
    services.consultation_analyse(consultation=small["consultation"])
    tags = TagSuggestion.objects.filter(response__consultation=small["consultation"])
    assert tags.exists()
    assert all(0 <= t.score <= 1 and t.state == TagState.SUGGESTED for t in tags)
    telemedicine = small["singles"][4]
    assert TagSuggestion.objects.get(response=telemedicine, code="theme:sundhed").suggested


def test_a_rerun_is_idempotent(small):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    first = _snapshot(consultation)
    ids = set(Proposal.objects.values_list("pk", flat=True))
    services.consultation_analyse(consultation=consultation)
    assert _snapshot(consultation) == first
    assert set(Proposal.objects.values_list("pk", flat=True)) == ids
    assert AnalysisRun.objects.filter(consultation=consultation).count() == 2
    assert AnalysedResponse.objects.filter(response__consultation=consultation).count() == 14


def test_a_rerun_keeps_every_staff_decision(small, analyst):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    tags = list(TagSuggestion.objects.filter(response__consultation=consultation)
                .order_by("pk")[:2])
    services.tag_decide(suggestion=tags[0], confirmed=True, actor=analyst)
    services.tag_decide(suggestion=tags[1], confirmed=False, actor=analyst)
    member = GroupMembership.objects.filter(response=small["campaign"][3]).get()
    services.group_split_member(membership=member, actor=analyst)
    ideas = list(Idea.objects.filter(consultation=consultation).order_by("-proposal_count",
                                                                           "pk"))
    services.idea_rename(idea=ideas[0], label="Åbne budgetter", actor=analyst)
    services.idea_merge(source=ideas[2], target=ideas[1], actor=analyst, dry_run=False)
    moved = Proposal.objects.filter(idea=ideas[3]).first()
    services.proposal_move(proposal=moved, idea=ideas[1], actor=analyst)
    split_off = Proposal.objects.filter(idea=ideas[0]).order_by("pk").first()
    new = services.idea_split(idea=ideas[0], proposals=[split_off], label="Udskilt idé",
                              actor=analyst)
    services.position_set(idea=ideas[1], kind=PositionKind.NOT_ADOPTED,
                          justification_da="Ikke nu.", actor=analyst)
    before = _snapshot(consultation, scores=False)

    services.consultation_analyse(consultation=consultation)

    # Scores move (the model learnt the decisions); nothing decided does.
    assert _snapshot(consultation, scores=False) == before
    assert TagSuggestion.objects.get(pk=tags[0].pk).state == TagState.CONFIRMED
    assert TagSuggestion.objects.get(pk=tags[1].pk).state == TagState.REJECTED
    member.refresh_from_db()
    assert member.state == MembershipState.SPLIT_OUT
    assert ResponseGroup.objects.get(pk=member.group_id).size == 7
    assert Idea.objects.get(pk=ideas[0].pk).label == "Åbne budgetter"
    assert Idea.objects.get(pk=ideas[2].pk).merged_into_id == ideas[1].pk
    assert not Proposal.objects.filter(idea=ideas[2]).exists()
    assert Proposal.objects.get(pk=moved.pk).idea_id == ideas[1].pk
    assert Proposal.objects.get(pk=split_off.pk).idea_id == new.pk
    assert Position.objects.get(idea=ideas[1]).justification_da == "Ikke nu."


def test_tag_decision_is_audited_and_taught(small, analyst):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    suggestion = TagSuggestion.objects.filter(response__consultation=consultation).first()
    services.tag_decide(suggestion=suggestion, confirmed=False, actor=analyst)
    suggestion.refresh_from_db()
    assert suggestion.state == TagState.REJECTED
    assert suggestion.decided_by == analyst and suggestion.decided_at is not None
    assert suggestion.score_at_decision == suggestion.score
    event = AuditEvent.objects.for_object(suggestion).get()
    assert event.action == "tag.reject" and event.actor == analyst
    assert event.before["state"] == "suggested" and event.after["state"] == "rejected"
    # Deciding the same again changes nothing and writes nothing.
    services.tag_decide(suggestion=suggestion, confirmed=False, actor=analyst)
    assert AuditEvent.objects.for_object(suggestion).count() == 1

    record_text = suggestion.response.text
    analyser = engine.Analyser.load(services.analyser_dir(consultation))
    score_before = {t.code: t.score for t in analyser.tag_scores(record_text)}.get(
        suggestion.code, 0.0)
    assert services.tag_feedback_apply(consultation=consultation) == 1
    assert TagSuggestion.objects.get(pk=suggestion.pk).fed_back
    analyser = engine.Analyser.load(services.analyser_dir(consultation))
    score_after = {t.code: t.score for t in analyser.tag_scores(record_text)}.get(
        suggestion.code, 0.0)
    assert score_after < score_before
    assert services.tag_feedback_apply(consultation=consultation) == 0


def test_a_full_rerun_replays_decisions_so_the_model_keeps_learning(small, analyst):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    suggestion = (TagSuggestion.objects.filter(response__consultation=consultation)
                  .order_by("-score", "pk").first())
    for _ in range(1):
        services.tag_decide(suggestion=suggestion, confirmed=False, actor=analyst)
    services.consultation_analyse(consultation=consultation)
    suggestion.refresh_from_db()
    assert suggestion.state == TagState.REJECTED
    assert suggestion.score < suggestion.score_at_decision
    assert suggestion.fed_back
    assert AnalysisRun.objects.filter(consultation=consultation).first().params[
        "replayed_decisions"] == 1


@pytest.mark.allow_staff_writes  # sets up a second group by hand, sizes refreshed directly
def test_group_merge_dry_run_changes_nothing(small, analyst):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    source = ResponseGroup.objects.get(consultation=consultation)
    other = ResponseGroupFactory(members=[small["singles"][1]], template="x", label="y")
    services.group_sizes_refresh(consultation=consultation)
    other.refresh_from_db()
    before = _snapshot(consultation)
    events = AuditEvent.objects.count()
    plan = services.group_merge(source=source, target=other, actor=analyst)
    assert plan.dry_run and plan.moved == 8 and plan.target_size_after == 9
    assert _snapshot(consultation) == before and AuditEvent.objects.count() == events
    assert ResponseGroup.objects.get(pk=source.pk).merged_into_id is None

    plan = services.group_merge(source=source, target=other, actor=analyst, dry_run=False)
    source.refresh_from_db()
    other.refresh_from_db()
    assert source.merged_into_id == other.pk and source.size == 0 and other.size == 9
    assert Response.objects.filter(consultation=consultation).count() == 14
    assert AuditEvent.objects.filter(action="group.merge").count() == 1
    with pytest.raises(DomainError):
        services.group_merge(source=other, target=other, actor=analyst, dry_run=False)


def test_split_member_keeps_the_response_and_its_row(small, analyst):
    services.consultation_analyse(consultation=small["consultation"])
    member = GroupMembership.objects.get(response=small["campaign"][0])
    services.group_split_member(membership=member, actor=analyst)
    member.refresh_from_db()
    assert member.state == MembershipState.SPLIT_OUT and member.decided_by == analyst
    assert member.group.size == 7
    assert AuditEvent.objects.for_object(member).get().action == "group.split_member"


def test_idea_merge_dry_run_changes_nothing_and_the_merge_moves_proposals(small, analyst):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    source, target = Idea.objects.filter(consultation=consultation).order_by("pk")[:2]
    n = source.proposals.count()
    before = _snapshot(consultation)
    plan = services.idea_merge(source=source, target=target, actor=analyst)
    assert plan.dry_run and plan.proposals == n
    assert _snapshot(consultation) == before
    assert not AuditEvent.objects.filter(action="idea.merge").exists()
    services.idea_merge(source=source, target=target, actor=analyst, dry_run=False)
    target.refresh_from_db()
    assert target.proposal_count == plan.proposals + Proposal.objects.filter(
        idea=target).count() - n
    assert Idea.objects.get(pk=source.pk).merged_into_id == target.pk
    assert AuditEvent.objects.filter(action="idea.merge", object_id=str(source.pk)).exists()


def test_idea_merge_refuses_two_positions(small, analyst):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    a, b = Idea.objects.filter(consultation=consultation).order_by("pk")[:2]
    for idea in (a, b):
        services.position_set(idea=idea, kind=PositionKind.NOT_ADOPTED,
                              justification_da="Nej.", actor=analyst)
    assert services.idea_merge(source=a, target=b, actor=analyst).errors
    with pytest.raises(DomainError):
        services.idea_merge(source=a, target=b, actor=analyst, dry_run=False)


def test_split_and_move_are_audited(small, analyst):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    idea = Idea.objects.filter(consultation=consultation).order_by("-proposal_count").first()
    chosen = list(idea.proposals.order_by("pk")[:2])
    new = services.idea_split(idea=idea, proposals=chosen, label="Regnskaber", actor=analyst)
    assert not new.created_by_engine and new.proposal_count == 2
    assert set(new.proposals.values_list("pk", flat=True)) == {p.pk for p in chosen}
    idea.refresh_from_db()
    assert idea.representative_id not in {p.pk for p in chosen}
    assert AuditEvent.objects.for_object(new).get().action == "idea.split"
    services.proposal_move(proposal=chosen[0], idea=idea, actor=analyst)
    assert AuditEvent.objects.for_object(chosen[0]).get().after == {"idea": idea.pk}
    with pytest.raises(DomainError):
        services.idea_split(idea=idea, proposals=[chosen[1]], label="x", actor=analyst)


def test_position_needs_reasons_and_is_audited(small, analyst):
    services.consultation_analyse(consultation=small["consultation"])
    idea = Idea.objects.first()
    with pytest.raises(DomainError) as error:
        services.position_set(idea=idea, kind=PositionKind.ADOPTED, justification_da=" ",
                              actor=analyst)
    assert {e.field for e in errors_of(error.value)} == {"justification_da"}
    with pytest.raises(DomainError):
        services.position_set(idea=idea, kind=PositionKind.ALREADY_COVERED,
                              justification_da="Dækket.", actor=analyst)
    position = services.position_set(idea=idea, kind=PositionKind.ADOPTED,
                                     justification_da="Vi gør det.", actor=analyst)
    services.position_set(idea=idea, kind=PositionKind.ALREADY_COVERED,
                          justification_da="Dækket.", existing_strategy="Strategi X",
                          actor=analyst)
    position.refresh_from_db()
    assert (position.kind, position.commitment_ref, position.existing_strategy) == (
        "already_covered", "", "Strategi X")
    events = list(AuditEvent.objects.for_object(position).order_by("id"))
    assert [e.before for e in events][0] is None
    assert events[1].before["kind"] == "adopted" and events[1].after["kind"] == "already_covered"
    single = Proposal.objects.exclude(idea=idea).first()
    services.position_set(proposal=single, kind=PositionKind.NOT_ADOPTED,
                          justification_da="Nej.", actor=analyst)
    with pytest.raises(DomainError):
        services.position_set(idea=idea, proposal=single, kind=PositionKind.NOT_ADOPTED,
                              justification_da="Nej.", actor=analyst)


def test_a_new_response_is_analysed_against_the_saved_state(small):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    text = ("Hej\n" + small["campaign_text"] + "\nJeg er selv kommunalpolitiker og savner tallene.")
    new = Response.objects.get(pk=receive(consultation, text=text).response_id)
    assert list(selectors.responses_pending(consultation)) == [new]
    run = services.response_analyse(response=new)
    assert run.kind == "incremental"
    membership = GroupMembership.objects.get(response=new)
    assert membership.group.size == 9
    assert "kommunalpolitiker" in membership.additions
    assert Proposal.objects.filter(response=new).exists()
    assert TagSuggestion.objects.filter(response=new).exists()
    assert not selectors.responses_pending(consultation).exists()
    assert services.response_analyse(response=new) is None  # idempotent
    # The state learnt the response: a full rerun agrees on its group.
    services.consultation_analyse(consultation=consultation)
    assert GroupMembership.objects.get(response=new).group.size == 9


def test_without_a_saved_state_a_new_response_gets_a_full_run(small):
    run = services.response_analyse(response=small["singles"][0])
    assert run.kind == "full"
    assert AnalysedResponse.objects.count() == 14


def test_staff_decisions_follow_the_proposals_when_engine_ids_shift(small, analyst):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    lobby = small["singles"][1]
    idea = Proposal.objects.get(response=lobby).idea
    engine_key = idea.engine_key
    services.idea_rename(idea=idea, label="Lobbyregister", actor=analyst)
    services.position_set(idea=idea, kind=PositionKind.ADOPTED, justification_da="Ja.",
                          actor=analyst)
    link_to_commitment(idea=idea, identifier="DK0005", title="Lobbyregister")
    members = set(idea.proposals.values_list("pk", flat=True))
    # A response received before all others comes first in the engine's order, so its
    # proposals open new ideas and every engine idea id after them shifts.
    from datetime import timedelta

    receive(consultation, received_at=consultation.opens_at + timedelta(minutes=1),
            text="Cykelstier skal udbygges i hele landet.\n\n"
                 "Grønne tage bør være et krav i nye byggerier.")
    services.consultation_analyse(consultation=consultation)
    idea.refresh_from_db()
    assert idea.engine_key != engine_key
    assert idea.label == "Lobbyregister"
    assert set(idea.proposals.values_list("pk", flat=True)) == members
    assert Position.objects.get(idea=idea).commitment_ref == "DK0005 Lobbyregister"


def test_new_responses_are_analysed_in_one_pass(small):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    new = [Response.objects.get(pk=receive(consultation, text=text).response_id) for text in (
        "Goddag\n" + small["campaign_text"],
        "Vi foreslår et offentligt lobbyregister over møder mellem lobbyister og ministre.")]
    assert services.consultation_analyse_pending(consultation=consultation,
                                                 enqueue=False) == 2
    run = AnalysisRun.objects.filter(consultation=consultation).first()
    assert run.kind == "incremental" and run.summary["responses"] == 2
    assert run.summary["grouped"] == 1
    assert AnalysedResponse.objects.filter(response__in=new, run=run).count() == 2
    assert services.consultation_analyse_pending(consultation=consultation) == 0


def test_a_state_ahead_of_the_database_leads_to_a_full_run(small):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    known = small["singles"][0]
    AnalysedResponse.objects.filter(response=known).delete()  # as if a commit was lost
    runs = AnalysisRun.objects.count()
    run = services.response_analyse(response=known)
    assert run.kind == "full"
    assert AnalysisRun.objects.count() == runs + 1  # the incremental attempt left nothing
    assert AnalysedResponse.objects.filter(response=known).exists()


def test_a_split_member_can_be_confirmed_back(small, analyst):
    services.consultation_analyse(consultation=small["consultation"])
    member = GroupMembership.objects.get(response=small["campaign"][2])
    services.group_split_member(membership=member, actor=analyst)
    member = services.group_confirm_member(membership=member, actor=analyst)
    assert member.state == MembershipState.CONFIRMED and member.confirmed_by == analyst
    assert member.group.size == 8
    assert [e.action for e in AuditEvent.objects.for_object(member).order_by("id")] == [
        "group.split_member", "group.confirm_member"]
    services.consultation_analyse(consultation=small["consultation"])
    assert GroupMembership.objects.get(pk=member.pk).state == MembershipState.CONFIRMED
