"""A full run at scale (issue 15): what it stores is compared and written a chunk of responses
at a time (the same rows whatever the chunk), its progress is shown on a terminal and in a
log, and it runs at a lower CPU priority."""

import io
import os
import threading

import pytest
from django.core.management import call_command

from samskab.consultations.models import Response, ResponseStatus
from samskab.insights import run_store, services
from samskab.insights.management.commands.analyse_consultation import Progress
from samskab.insights.models import (
    AnalysedResponse,
    GroupMembership,
    Idea,
    Proposal,
    SetAsideSegment,
    TagSuggestion,
)


def _stored(consultation):
    """What a run left in the database, without pks (which differ between databases)."""
    ideas = dict(Idea.objects.filter(consultation=consultation).values_list("pk", "engine_key"))
    return {
        "proposals": sorted(
            (r, a or 0, s, e, text, pos, key, ideas.get(idea) or "")
            for r, a, s, e, text, pos, key, idea in Proposal.objects.filter(
                response__consultation=consultation).values_list(
                "response_id", "attachment_id", "start", "end", "text", "position",
                "engine_key", "idea_id")),
        "set_aside": sorted(SetAsideSegment.objects.filter(response__consultation=consultation)
                            .values_list("response_id", "start", "end", "reason")),
        "tags": sorted(TagSuggestion.objects.filter(response__consultation=consultation)
                       .values_list("response_id", "code", "score", "state")),
        "marks": sorted(AnalysedResponse.objects.filter(response__consultation=consultation)
                        .values_list("response_id", "language")),
        "members": sorted(GroupMembership.objects.filter(group__consultation=consultation)
                          .values_list("response_id", "state")),
        "ideas": sorted(Idea.objects.filter(consultation=consultation)
                        .values_list("engine_key", "label", "proposal_count",
                                     "response_count")),
    }


@pytest.mark.django_db
def test_chunks_of_two_responses_store_what_one_chunk_stores(small, monkeypatch):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    whole = _stored(consultation)
    assert whole["proposals"] and whole["tags"] and whole["marks"] and whole["members"]
    pks = set(Proposal.objects.values_list("pk", flat=True))

    # A rerun in chunks of two responses finds every stored row in its chunk: nothing is
    # inserted again or deleted, and the rows are the same.
    monkeypatch.setattr(run_store, "RESPONSE_CHUNK", 2)
    services.consultation_analyse(consultation=consultation)
    assert _stored(consultation) == whole
    assert set(Proposal.objects.values_list("pk", flat=True)) == pks

    # From nothing, in chunks of two: the same rows as in one chunk.
    for model, path in ((TagSuggestion, "response"), (SetAsideSegment, "response"),
                        (AnalysedResponse, "response"), (GroupMembership, "group")):
        model.objects.filter(**{f"{path}__consultation": consultation}).delete()
    Proposal.objects.filter(response__consultation=consultation).delete()
    Idea.objects.filter(consultation=consultation).delete()
    services.consultation_analyse(consultation=consultation)
    assert _stored(consultation) == whole


@pytest.mark.django_db
def test_a_chunked_rerun_drops_what_it_stored_for_a_response_rejected_since(small,
                                                                            monkeypatch):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    # A response between others and the last one: its rows sit inside and after the chunks.
    for response in (small["singles"][1], small["singles"][-1]):
        assert Proposal.objects.filter(response=response).exists()
        Response.objects.filter(pk=response.pk).update(status=ResponseStatus.REJECTED)
    monkeypatch.setattr(run_store, "RESPONSE_CHUNK", 2)
    services.consultation_analyse(consultation=consultation)
    for response in (small["singles"][1], small["singles"][-1]):
        assert not Proposal.objects.filter(response=response).exists()
        assert not TagSuggestion.objects.filter(response=response).exists()
        assert not AnalysedResponse.objects.filter(response=response).exists()
        assert not SetAsideSegment.objects.filter(response=response).exists()
    assert Proposal.objects.filter(response=small["singles"][0]).exists()


def test_spans_cover_every_response_id_up_to_the_last_read_once():
    from samskab import analysis as engine

    result = engine.AnalysisResult(
        [engine.ResponseAnalysis(str(i), "da", None, [], []) for i in (9, 3, 5, 4, 12)],
        [], [], {})
    spans = run_store.response_spans(result, upto=20, chunk=2)
    assert [(s.lo, s.hi, [rid for rid, _lang in s.languages()]) for s in spans] == [
        (0, 4, [3, 4]), (4, 9, [5, 9]), (9, 12, [12]), (12, 20, [])]
    assert [(s.lo, s.hi) for s in run_store.response_spans(result, upto=None, chunk=3)] == [
        (0, 5), (5, 12), (12, None)]


@pytest.mark.django_db
def test_a_span_reads_a_fits_arrays_as_it_reads_the_objects_they_stand_for(small,
                                                                         monkeypatch):
    from samskab.analysis.results import Responses

    fit, fitted = services.fit_at_lower_priority, []
    monkeypatch.setattr(services, "fit_at_lower_priority",
                        lambda *a, **kw: fitted.append(fit(*a, **kw)) or fitted[-1])
    services.consultation_analyse(consultation=small["consultation"])
    result = fitted[0]
    assert isinstance(result.responses, Responses)
    objects = services.engine.AnalysisResult(list(result.responses), [], [], {})
    parts = ("proposals", "tags", "set_aside", "languages")
    for upto in (None, 10**9):
        from_arrays = run_store.response_spans(result, upto, chunk=3)
        from_objects = run_store.response_spans(objects, upto, chunk=3)
        assert len(from_arrays) == len(from_objects) > 2
        for a, b in zip(from_arrays, from_objects, strict=True):
            assert (a.lo, a.hi, a.count) == (b.lo, b.hi, b.count)
            for part in parts:
                assert getattr(a, part)() == getattr(b, part)()
    read = {part: [row for s in from_arrays for row in getattr(s, part)()] for part in parts}
    assert all(proposals for _rid, proposals in read["proposals"])
    assert any(asides for _rid, asides in read["set_aside"])
    assert all(tags for _rid, tags in read["tags"])


@pytest.mark.django_db
def test_a_run_stores_the_same_rows_from_the_fits_arrays_as_from_its_objects(small,
                                                                             monkeypatch):
    consultation = small["consultation"]
    services.consultation_analyse(consultation=consultation)
    from_arrays = _stored(consultation)
    for model, path in ((TagSuggestion, "response"), (SetAsideSegment, "response"),
                        (AnalysedResponse, "response"), (GroupMembership, "group")):
        model.objects.filter(**{f"{path}__consultation": consultation}).delete()
    Proposal.objects.filter(response__consultation=consultation).delete()
    Idea.objects.filter(consultation=consultation).delete()

    fit = services.fit_at_lower_priority

    def fit_as_objects(*args, **kwargs):
        got = fit(*args, **kwargs)
        return services.engine.AnalysisResult(list(got.responses), got.groups, got.ideas,
                                              got.summary)

    monkeypatch.setattr(services, "fit_at_lower_priority", fit_as_objects)
    monkeypatch.setattr(run_store, "RESPONSE_CHUNK", 3)
    services.consultation_analyse(consultation=consultation)
    assert _stored(consultation) == from_arrays


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db
def test_the_command_draws_a_bar_on_a_terminal_and_writes_lines_otherwise(small):
    slug = small["consultation"].slug
    n = Response.objects.filter(consultation=small["consultation"]).count()
    out, terminal = io.StringIO(), _Terminal()
    call_command("analyse_consultation", slug, stdout=out, stderr=terminal)
    drawn = terminal.getvalue()
    assert drawn.startswith("\rreading") and drawn.endswith("\n") and drawn.count("\n") == 1
    assert f"{n}/{n}" in drawn and "#" * 30 in drawn
    assert f"{services.ENGINE_STEPS}/{services.ENGINE_STEPS}" in drawn and "analysing" in drawn
    for step in ("texts", *services.STORE_STEPS):
        assert step in drawn, step
    assert "storing" in drawn and "peak" in drawn
    assert f"{n} responses" in out.getvalue()

    log = io.StringIO()
    call_command("analyse_consultation", slug, stdout=io.StringIO(), stderr=log)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue() and "#" not in log.getvalue()
    assert lines[0].startswith("reading ") and f"{n}/{n}" in lines[0]
    assert any(line.startswith("analysing groups: signatures") for line in lines)
    assert any(line.startswith("analysing texts ") and f"{n}/{n}" in line for line in lines)
    for step in services.STORE_STEPS:
        assert any(line.startswith(f"storing {step} ") for line in lines), step
    assert all("peak" in line and " s " in line for line in lines)

    quiet = io.StringIO()
    call_command("analyse_consultation", slug, "--no-progress", stdout=io.StringIO(),
                 stderr=quiet)
    assert quiet.getvalue() == ""


class _Stream(io.StringIO):
    def write(self, text, style_func=None, ending="\n"):
        super().write(text + ending)

    def flush(self):
        pass


def test_plain_lines_come_once_a_step_and_then_at_most_every_few_seconds():
    now = [0.0]
    stream = _Stream()
    progress = Progress(stream, tty=False, every=10.0, clock=lambda: now[0])
    for done in range(0, 10_001, 500):  # a chunk every 0.5 s: 10 s in all
        progress("read", done, 10_000)
        now[0] += 0.5
    progress("store", 0, 100, "tags")
    progress("store", 50, 100, "tags")
    progress("store", 100, 100, "tags")
    lines = stream.getvalue().splitlines()
    assert [line.split(" peak")[0].rsplit(" ", 2)[0] for line in lines] == [
        "reading 0/10,000 0.0 %", "reading 10,000/10,000 100.0 %",
        "storing tags 0/100 0.0 %", "storing tags 100/100 100.0 %"]


def test_a_run_lowers_its_thread_priority_and_the_others_keep_theirs():
    tid = threading.get_native_id()
    before = os.getpriority(os.PRIO_PROCESS, tid)
    seen = {}
    asked, answered = threading.Event(), threading.Event()

    def beside():
        asked.wait(10)
        seen["beside"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        answered.set()

    def inside():
        seen["inside"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    running = threading.Thread(target=beside)
    running.start()
    with services.lowered_priority(before + 5) as nice:
        assert nice == before + 5 == os.getpriority(os.PRIO_PROCESS, tid)
        asked.set()
        answered.wait(10)
        started = threading.Thread(target=inside)  # as the engine's workers are started
        started.start()
        started.join()
    running.join()
    assert seen == {"beside": before, "inside": before + 5}
    after = os.getpriority(os.PRIO_PROCESS, tid)
    assert after == before or (after == before + 5 and os.geteuid() != 0)
    with services.lowered_priority(before - 1) as nice:  # never a higher priority
        assert nice == before


@pytest.mark.django_db
def test_the_engine_runs_at_a_lower_priority_and_the_writes_at_the_callers(small):
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: dict[str, set[int]] = {}

    def progress(stage, done, total, note=""):
        if stage == "engine" and not note:
            return  # the run's own start and end of the stage, not the engine's steps
        nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        seen.setdefault(stage, set()).add(nice)

    run = services.consultation_analyse(consultation=small["consultation"], progress=progress,
                                        nice=before + 3)
    assert run.summary["responses"] == len(small["campaign"]) + len(small["singles"])
    assert seen == {"read": {before}, "engine": {before + 3}, "texts": {before + 3},
                    "store": {before}}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


def test_an_error_in_the_engine_thread_reaches_the_caller():
    from samskab import analysis as engine

    twice = [engine.Record(id="1", text="Vi foreslår et lobbyregister."),
             engine.Record(id="1", text="Vi foreslår åbne kalendere.")]
    with pytest.raises(ValueError, match="unique"):
        services.fit_at_lower_priority(engine.Analyser(), twice, nice=1)


def _in_memory_inputs(responses, *, chunk, directory, progress=lambda done: None):
    """The run's input as it was read before the texts went to a file: every record with
    its text, in memory (model instances, ``record_of``)."""
    from samskab.insights.engine_input import EngineInput, record_of

    pairs = [record_of(r, list(r.attachments.order_by("id"))) for r in responses]
    progress(len(pairs))
    return EngineInput.of([record for record, _ in pairs],
                          {int(record.id): segments for record, segments in pairs})


def _fit_records_with_their_texts(analyser, records, nice, *, texts=None):
    """``Analyser.fit`` as it was called before: records that carry their texts."""
    from samskab import analysis as engine

    return analyser.fit([engine.Record(h.id, t, h.language) for h, t in
                         zip(records, texts, strict=True)])


@pytest.mark.django_db
def test_texts_read_into_a_file_store_what_texts_held_in_memory_store(small, monkeypatch):
    from factories import AttachmentFactory, receive
    from samskab.analysis.textfile import TextFile
    from samskab.insights.analyser_state import load_state
    from samskab.insights.engine_input import TextsByResponse

    consultation = small["consultation"]
    AttachmentFactory(response=small["singles"][2], extracted_text=(
        "Bilag til vores høringssvar.\n\nVi foreslår, at alle whistleblowere i den offentlige "
        "sektor får beskyttelse."))
    read: list = []
    reader = services.inputs_from_rows

    def spy(*args, **kwargs):
        read.append(reader(*args, **kwargs))
        return read[-1]

    monkeypatch.setattr(services, "inputs_from_rows", spy)
    services.consultation_analyse(consultation=consultation)
    assert isinstance(read[0].texts, TextFile)  # the texts were not held in memory
    assert isinstance(read[0].by_response, TextsByResponse)
    lean = _stored(consultation)
    assert lean["proposals"] and lean["set_aside"] and lean["members"]
    assert any(attachment for _r, attachment, *_rest in lean["proposals"])  # (0: none)
    saved = load_state(consultation)
    assert isinstance(saved.texts, TextFile) and len(saved.texts) == len(lean["marks"])

    for model, path in ((TagSuggestion, "response"), (SetAsideSegment, "response"),
                        (AnalysedResponse, "response"), (GroupMembership, "group")):
        model.objects.filter(**{f"{path}__consultation": consultation}).delete()
    Proposal.objects.filter(response__consultation=consultation).delete()
    Idea.objects.filter(consultation=consultation).delete()
    monkeypatch.setattr(services, "inputs_from_rows", _in_memory_inputs)
    monkeypatch.setattr(services, "fit_at_lower_priority", _fit_records_with_their_texts)
    services.consultation_analyse(consultation=consultation)
    assert _stored(consultation) == lean

    # An incremental run against a saved state, whose texts are in a file.
    monkeypatch.undo()
    copy = receive(consultation, text=small["campaign"][0].text + "\nOgså fra mig.")
    response = Response.objects.get(pk=copy.response_id)
    services.responses_analyse(consultation=consultation, responses=[response])
    assert GroupMembership.objects.filter(response=response).exists()
    assert Proposal.objects.filter(response=response).exists()
    assert len(load_state(consultation).texts) == len(lean["marks"]) + 1
