"""Analysis as background work: the full run, one new response, tag feedback; the command."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from factories import link_to_commitment, receive
from samskab import analysis as engine
from samskab.consultations.models import Response
from samskab.insights import services
from samskab.insights.models import (
    AnalysedResponse,
    AnalysisRun,
    GroupMembership,
    ResponseGroup,
    TagState,
    TagSuggestion,
)


@pytest.mark.django_db(transaction=True)
def test_queued_runs_new_responses_and_feedback_are_done_by_the_worker(small, analyst,
                                                                       run_worker):
    consultation = small["consultation"]
    services.consultation_analyse_enqueue(consultation=consultation, actor=analyst)
    assert not AnalysisRun.objects.exists()
    run_worker()
    run = AnalysisRun.objects.get()
    assert run.kind == "full" and run.started_by == analyst
    assert ResponseGroup.objects.get(consultation=consultation).size == 8

    new = Response.objects.get(pk=receive(
        consultation, text="Goddag\n" + small["campaign_text"]).response_id)
    assert services.consultation_analyse_pending(consultation=consultation) == 1
    run_worker()
    assert AnalysedResponse.objects.filter(response=new).exists()
    assert GroupMembership.objects.get(response=new).group.size == 9
    assert AnalysisRun.objects.filter(kind="incremental").count() == 1

    suggestion = TagSuggestion.objects.filter(response=new).order_by("-score").first()
    text = new.text
    before = {t.code: t.score for t in engine.Analyser.load(
        services.analyser_dir(consultation)).tag_scores(text)}[suggestion.code]
    services.tag_decide(suggestion=suggestion, confirmed=False, actor=analyst)
    run_worker()
    suggestion.refresh_from_db()
    assert suggestion.state == TagState.REJECTED and suggestion.fed_back
    after = {t.code: t.score for t in engine.Analyser.load(
        services.analyser_dir(consultation)).tag_scores(text)}.get(suggestion.code, 0.0)
    assert after < before


@pytest.mark.django_db
def test_command_runs_a_full_analysis_and_new_responses(small):
    out = io.StringIO()
    slug = small["consultation"].slug
    call_command("analyse_consultation", slug, stdout=out)
    assert f"{slug}\t14 responses\t1 groups (8 responses)" in out.getvalue()
    receive(small["consultation"], text="Et helt nyt forslag om cykelstier og grønne tage.")
    out = io.StringIO()
    call_command("analyse_consultation", slug, "--new", stdout=out)
    assert out.getvalue() == f"{slug}\t1 new responses analysed\n"
    assert not services.responses_pending(small["consultation"]).exists()
    with pytest.raises(CommandError):
        call_command("analyse_consultation")
    with pytest.raises(CommandError):
        call_command("analyse_consultation", "findes-ikke")


@pytest.mark.django_db
def test_export_carries_the_golden_thread(small, analyst, tmp_path):
    import json

    from samskab.insights.models import PositionKind, Proposal

    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    lobby = small["singles"][1]
    proposal = Proposal.objects.get(response=lobby)
    services.position_set(idea=proposal.idea, kind=PositionKind.ADOPTED,
                          justification_da="Vi opretter registret.",
                          actor=analyst)
    link_to_commitment(idea=proposal.idea, identifier="DK0005", title="Lobbyregister")
    member = GroupMembership.objects.get(response=small["campaign"][0])
    services.group_split_member(membership=member, actor=analyst)
    out = io.StringIO()
    call_command("analysis_export", consultation.slug, "--out", str(tmp_path), stdout=out)
    assert f"{tmp_path / 'responses.jsonl'}\t14" in out.getvalue()

    def read(name):
        return [json.loads(line) for line in (tmp_path / f"{name}.jsonl").open()]

    responses = {r["id"]: r for r in read("responses")}
    ideas = {i["id"]: i for i in read("ideas")}
    groups = read("groups")
    row = responses[lobby.reference]
    exported = row["proposals"][0]
    assert (exported["start"], exported["end"]) == (proposal.start, proposal.end)
    assert lobby.text[exported["start"]:exported["end"]] == proposal.text
    idea = ideas[exported["idea"]]
    assert exported["id"] in idea["members"]
    assert idea["position"]["commitment_ref"] == "DK0005 Lobbyregister"
    assert {t["state"] for t in row["tags"]} == {"suggested"}
    campaign = groups[0]
    assert campaign["size"] == 7 and campaign["split_out"] == [small["campaign"][0].reference]
    assert responses[small["campaign"][0].reference]["group"] is None
    assert responses[small["campaign"][1].reference]["group"] == campaign["id"]
    assert small["additions"][1] in campaign["additions"][small["campaign"][1].reference]
