"""The engine end to end: all stages, determinism, incremental add, state on disk, Dask."""

import subprocess
import sys

import pytest
from analysis_cases import FORM_LETTER, OTHERS, madlibs_text
from hypothesis import given, settings
from hypothesis import strategies as st

from samskab.analysis import Analyser, Record, analyse

pytestmark = pytest.mark.nodb


def test_all_stages_give_consistent_results(campaign_records):
    result = analyse(campaign_records)
    by_id = {r.id: r for r in result.responses}
    assert [r.id for r in result.responses] == [r.id for r in campaign_records]
    assert by_id["o-06"].language == "en" and by_id["o-00"].language == "da"
    group = result.groups[0]
    assert all(by_id[m].group == group.id for m in group.members)
    proposals = {p.id: p for r in result.responses for p in r.proposals}
    texts = {r.id: r.text for r in campaign_records}
    for p in proposals.values():
        assert texts[p.response_id][p.start:p.end] == p.text
        assert p.idea is not None
    for idea in result.ideas:
        assert idea.members and idea.representative in idea.members
        assert all(proposals[m].idea == idea.id for m in idea.members)
        assert idea.label and idea.keywords
    # the campaign's shared proposal is one idea with a member from every copy
    grunddata = {proposals[p].idea for p in proposals if "alle grunddata frigives" in
                 proposals[p].text}
    assert len(grunddata) == 1
    assert result.summary["groups"] == 1 and result.summary["responses"] == len(by_id)
    assert set(result.summary["seconds"]) >= {"groups", "proposals", "ideas", "tags"}
    assert "GC2" in by_id["o-01"].suggested_tags()
    assert all(0.0 <= t.score <= 1.0 for r in result.responses for t in r.tags)


def test_a_rerun_gives_the_same_result(campaign_records):
    first, second = analyse(campaign_records), analyse(campaign_records)
    assert first.responses == second.responses
    assert first.groups == second.groups
    assert first.ideas == second.ideas


def test_stages_can_be_chosen_and_ideas_bring_proposals(campaign_records):
    only_tags = analyse(campaign_records, stages=["tags"])
    assert not only_tags.groups and not only_tags.ideas
    assert all(r.group is None and not r.proposals for r in only_tags.responses)
    ideas = analyse(campaign_records, stages=["ideas"])
    assert ideas.ideas and all(r.proposals for r in ideas.responses)
    with pytest.raises(ValueError):
        Analyser(stages=["nonsense"])


def test_a_new_copy_joins_its_campaign(campaign_records, tmp_path):
    analyser = Analyser()
    analyser.fit(campaign_records)
    new = analyser.add(Record("new-1", FORM_LETTER.replace("Kære", "Hej") + "\n\nJeg er "
                              "pensionist og bruger selvbetjeningen hver eneste uge.\nOle"))
    assert new.group == "g-000001"
    group = analyser.group("g-000001")
    assert "new-1" in group.members and "pensionist" in group.additions["new-1"]
    assert new.proposals and all(p.idea for p in new.proposals)
    lonely = analyser.add(Record("new-2", OTHERS[0]))
    assert lonely.group == "g-000002"  # a copy of o-00: a new group of two
    assert sorted(analyser.group("g-000002").members) == ["new-2", "o-00"]
    with pytest.raises(ValueError):
        analyser.add(Record("new-1", "again"))


def test_state_saved_to_disk_answers_like_the_original(campaign_records, tmp_path):
    analyser = Analyser()
    analyser.fit(campaign_records)
    analyser.feedback(OTHERS[2], "GC1", False)
    analyser.save(tmp_path / "state")
    assert {p.name for p in (tmp_path / "state").iterdir()} == {"state.json", "arrays.npz",
                                                               "texts.bin"}
    restored = Analyser.load(tmp_path / "state")
    record = Record("new-1", FORM_LETTER + "\nBirthe Olsen")
    a, b = analyser.add(record), restored.add(record)
    assert a == b
    assert analyser.tag_scores(OTHERS[2]) == restored.tag_scores(OTHERS[2])


def test_a_loaded_state_places_new_proposals_where_the_saved_one_would(campaign_records,
                                                                       tmp_path):
    """The idea index is saved as it stands (an idea is found through every wording that
    joined it, and its norm as it was summed), so incremental runs, which always load the
    state, place a proposal where the analyser that was saved would have placed it."""
    texts = [madlibs_text(i) + "\n\n" + " ".join(OTHERS[i % 4:i % 4 + 4]) for i in range(300)]
    analyser = Analyser()
    analyser.fit([*campaign_records, *(Record(f"r-{i}", t) for i, t in enumerate(texts))])
    analyser.save(tmp_path / "state")
    restored = Analyser.load(tmp_path / "state")
    placed = []
    for i in range(300, 340):
        record = Record(f"new-{i}", madlibs_text(i))
        a, b = analyser.add(record), restored.add(record)
        assert [p.idea for p in a.proposals] == [p.idea for p in b.proposals], i
        placed += [p.idea for p in a.proposals]
    assert len(set(placed)) >= 2  # the new proposals went to more than one idea


def test_feedback_changes_the_suggestion_for_that_kind_of_response(campaign_records):
    analyser = Analyser(stages=["tags"])
    analyser.fit(campaign_records)
    text = "Kommunerne bør lave dashboards over ventetider på borgerservice."
    before = {t.code: t.score for t in analyser.tag_scores(text)}
    for _ in range(6):
        analyser.feedback(text, "technology_innovation", False)
    after = {t.code: t.score for t in analyser.tag_scores(text)}
    assert after.get("technology_innovation", 0.0) < min(0.5, before["technology_innovation"])


def test_the_signature_stage_on_a_dask_cluster_matches_the_local_run(campaign_records):
    distributed = pytest.importorskip("distributed")
    from samskab.analysis import dask_backend, hashing

    # mad-libs copies make sure a real slot table travels to the workers
    records = campaign_records + [Record(f"m{i}", madlibs_text(i)) for i in range(60)]
    texts = [r.text for r in records]
    slots = hashing.learn_slots(*hashing.token_hashes(texts))
    assert slots.size > 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        sig, words = dask_backend.signatures_on_dask(texts, slots, cluster.scheduler_address,
                                                     partition=25)
        remote = analyse(records, stages=["groups"], dask_address=cluster.scheduler_address)
    local_sig, local_words = hashing.signatures(texts, slots)
    assert (sig == local_sig).all() and (words == local_words).all()
    local = analyse(records, stages=["groups"])
    assert remote.groups == local.groups and len(local.groups) == 2


def test_the_library_imports_nothing_from_django():
    code = ("import sys, samskab.analysis, samskab.analysis.cli, samskab.analysis.engine;"
            "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules)"
            " else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_empty_and_single_inputs():
    empty = analyse([])
    assert empty.responses == [] and empty.groups == [] and empty.ideas == []
    one = analyse([Record("r1", "Vi foreslår åbne data.")])
    assert one.responses[0].group is None and len(one.responses[0].proposals) == 1


def test_the_compiled_kernel_gives_what_the_numpy_functions_give(monkeypatch):
    """Signatures and word hashes from the kernel, in threads over many chunks, are bit for
    bit those of the numpy reference, with and without slots, on texts of every kind."""
    from samskab.analysis import hashing

    assert hashing.KERNEL is not None  # every install builds it
    monkeypatch.setattr(hashing, "SUB_CHUNK_CHARS", 3_000)  # many chunks, many threads' jobs
    texts = [madlibs_text(i) + " " + " ".join(OTHERS[i % 4:i % 4 + 4]) for i in range(300)]
    texts[7] += " – Łukasz ☺"  # a text encoded as UTF-8
    texts[8] = "Διαφάνεια και δεδομένα, ÅBNE „data“ – aae aaaa oeae"
    texts += ["", "ja", "aa ae oe", "   ", "Vi foreslår", "x" * 5_000, "æøå ÆØÅ ü ß ð þ ö ä"]
    slots = hashing.learn_slots(*hashing.token_hashes(texts))
    assert slots.size  # the campaign's slots were learnt, so collapsing is tested too
    assert _same_tables(slots, hashing.reference_learn_slots(*hashing.token_hashes(texts)))
    for table in (None, slots):
        sig, words = hashing.signatures(texts, table)
        ref_sig, ref_words = hashing.reference_signatures(texts, table)
        assert (sig == ref_sig).all() and (words == ref_words).all()
    h, lens = hashing.token_hashes(texts)
    ref_h, ref_lens = hashing.encoded_token_hashes(*hashing.encode_texts(texts))
    assert (h == ref_h).all() and (lens == ref_lens).all()


def _same_tables(a, b):
    x, y = a.to_arrays(), b.to_arrays()
    return sorted(x) == sorted(y) and all(
        x[k].dtype == y[k].dtype and x[k].shape == y[k].shape and (x[k] == y[k]).all() for k in x)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="aeoAEOæøåé ,.–„“…\n1x", max_size=60), max_size=12))
def test_the_kernel_agrees_with_numpy_on_any_text(texts):
    from samskab.analysis import hashing

    base = [madlibs_text(i) for i in range(40)]
    slots = hashing.learn_slots(*hashing.token_hashes(base))
    mixed = [t for pair in zip(base, texts + [""] * 40, strict=False) for t in pair]
    learnt = hashing.token_hashes(mixed)
    assert _same_tables(hashing.learn_slots(*learnt, min_count=3),
                        hashing.reference_learn_slots(*learnt, min_count=3))
    sig, words = hashing.signatures(mixed, slots)
    ref_sig, ref_words = hashing.reference_signatures(mixed, slots)
    assert (sig == ref_sig).all() and (words == ref_words).all()


def test_a_text_signature_does_not_depend_on_its_neighbours():
    """Slot collapsing looks only within a text, so cutting texts into other chunks changes
    nothing (numpy reference and kernel alike)."""
    import numpy as np

    from samskab.analysis import hashing

    doc = np.array([0, 0, 0, 1, 1, 1, 2])
    hit = np.array([False, False, True, False, False, False, True])
    assert hashing._near(hit, doc).tolist() == [True, True, True, False, False, False, True]
    texts = [madlibs_text(i) for i in range(200)]
    slots = hashing.learn_slots(*hashing.token_hashes(texts))
    together, _ = hashing.reference_signatures(texts, slots)
    alone = [hashing.reference_signatures([t], slots)[0][0] for t in texts[:30]]
    assert all((together[i] == alone[i]).all() for i in range(30))


def test_worker_processes_give_the_same_analysis_as_one_process(monkeypatch, campaign_records):
    from samskab.analysis import engine, hashing

    monkeypatch.setattr(hashing, "PARALLEL_CHARS", 20_000)
    monkeypatch.setattr(engine, "PARALLEL_MIN_RESPONSES", 100)
    texts = [madlibs_text(i) + "\n\n" + " ".join(OTHERS[i % 4:i % 4 + 4]) for i in range(300)]
    records = [*campaign_records, *(Record(f"r-{i}", t) for i, t in enumerate(texts))]

    alone = Analyser().fit(records)
    parallel = Analyser(workers=2)
    together = parallel.fit(records)
    assert parallel.worker_peak_mb and parallel.worker_cpu_s > 0  # workers did the work
    assert _outcome(alone) == _outcome(together)
    assert len(alone.groups) >= 2 and len(alone.ideas) >= 2


def _outcome(result):
    return ([(r.id, r.language, r.group, [(p.start, p.end, p.idea) for p in r.proposals],
              [(t.code, t.score) for t in r.tags],
              [(a.start, a.end, a.reason) for a in r.set_aside]) for r in result.responses],
            [(g.members, g.template, g.additions) for g in result.groups],
            [(i.id, i.label, i.members, i.representative) for i in result.ideas])


def test_the_text_pass_in_parts_gives_what_one_part_gives_and_tells_its_progress(
        monkeypatch, campaign_records):
    """In one process the text pass goes a part at a time (bounded caches, a moving progress
    bar): the parts' results joined are the whole pass's, campaign copies and boilerplate
    spread over parts included."""
    from samskab.analysis import hashing

    texts = [madlibs_text(i) + "\n\n" + " ".join(OTHERS[i % 4:i % 4 + 4]) for i in range(300)]
    records = [*campaign_records, *(Record(f"r-{i}", t) for i, t in enumerate(texts))]
    whole = Analyser().fit(records)
    monkeypatch.setattr(hashing, "PARALLEL_CHARS", 5_000)
    told: list[tuple[int, int]] = []
    parts = Analyser(text_progress=lambda done, total: told.append((done, total)))
    assert _outcome(parts.fit(records)) == _outcome(whole)
    assert len(told) > 10  # a part is about 5,000 characters: dozens of them
    assert told[0] == (0, len(records)) and told[-1] == (len(records), len(records))
    assert [done for done, _ in told] == sorted(done for done, _ in told)


def test_encoding_a_chunk_with_a_few_non_latin1_texts_is_the_same_as_one_by_one():
    from samskab.analysis import hashing

    texts = ["Åben forvaltning", "Przemysław – “citat”", "", "ae oe aa?", "日本 og Ø", "slut"]
    arr, starts = hashing.encode_texts(texts)
    parts = [hashing._encode_one(t) for t in texts]
    assert arr.tobytes() == b" ".join(parts)
    assert starts.tolist() == [sum(len(p) + 1 for p in parts[:k]) for k in range(len(parts))]


def test_review_queue_offers_the_least_certain_suggestions_first(campaign_records):
    analyser = Analyser(stages=["tags"])
    result = analyser.fit(campaign_records)
    queue = analyser.review_queue(result.responses, limit=5)
    assert len(queue) == 5
    distances = [abs(score - 0.5) for _, _, score in queue]
    assert distances == sorted(distances)
    everything = [abs(t.score - 0.5) for r in result.responses for t in r.tags]
    assert distances[0] == min(everything)


def test_adding_a_response_gives_what_a_batch_would_give_it(campaign_records):
    analyser = Analyser()
    batch = analyser.fit(campaign_records[:-1])
    del batch
    added = analyser.add(campaign_records[-1])
    again = analyse(campaign_records).responses[-1]
    assert added.tags == again.tags
    assert [(p.start, p.end) for p in added.proposals] == [(p.start, p.end)
                                                           for p in again.proposals]


def test_one_group_or_idea_can_be_looked_up_by_id(campaign_records):
    analyser = Analyser()
    result = analyser.fit(campaign_records)
    assert analyser.group(result.groups[0].id) == result.groups[0]
    assert analyser.idea(result.ideas[-1].id) == result.ideas[-1]
    assert analyser.group("g-999999") is None and analyser.idea("i-999999") is None
    assert analyser.idea("nonsense") is None


def test_the_slot_key_table_finds_exactly_its_keys_and_their_values():
    import numpy as np

    from samskab.analysis.hashing import _KeyTable

    rng = np.random.default_rng(7)
    keys = rng.integers(0, 2**63, 3_000, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    keys[:40] = keys[40] ^ np.arange(40, dtype=np.uint64)  # same top bits: they collide
    keys = np.unique(keys)
    table = _KeyTable(keys, keys * np.uint64(3))
    assert len(table.overflow) > 0  # collisions went to the overflow
    others = rng.integers(0, 2**63, 20_000, dtype=np.uint64) * np.uint64(2)  # even: absent
    queries = np.concatenate([others, keys, keys[:40] ^ np.uint64(1 << 20)])
    hit, values = table.find(queries)
    assert (hit == np.isin(queries, keys)).all()
    assert (values[hit] == queries[hit] * np.uint64(3)).all()
    assert not _KeyTable(np.zeros(0, dtype=np.uint64)).find(keys)[0].any()


def test_an_analyser_that_keeps_no_state_gives_the_same_result_and_refuses_more(tmp_path,
                                                                                 campaign_records):
    records = [*campaign_records, *(Record(f"o-{i}", t) for i, t in enumerate(OTHERS))]
    kept = Analyser(stages=["groups"]).fit(records)
    light = Analyser(stages=["groups"], keep_state=False)
    result = light.fit(records)
    assert (result.responses, result.groups) == (kept.responses, kept.groups) and kept.groups
    with pytest.raises(RuntimeError, match="keep_state"):
        light.add(Record("new", OTHERS[0]))
    with pytest.raises(RuntimeError, match="keep_state"):
        light.save(tmp_path / "state")


def test_the_kernel_refuses_arguments_that_do_not_fit_with_a_clear_error():
    import numpy as np

    from samskab.analysis import hashing

    kernel = hashing.KERNEL
    sig = np.empty((2, 128), dtype=np.uint32)
    words = np.empty(2, dtype=np.int64)
    table, punct = hashing.LATIN1_TABLE, hashing._PUNCT_CODES
    with pytest.raises(TypeError, match="str"):
        kernel.text_signatures(["ok", b"bytes"], table, punct, (), sig, words)
    with pytest.raises(ValueError, match="power of two"):
        kernel.text_signatures(["a", "b"], table, punct, (), np.empty((2, 100), np.uint32), words)
    with pytest.raises(ValueError, match="256"):
        kernel.text_signatures(["a", "b"], table[:10], punct, (), sig, words)
    with pytest.raises(ValueError, match="starts"):
        kernel.signatures(np.zeros(4, np.uint8), np.array([3, 1], np.int64), (), sig, words)
    with pytest.raises(TypeError, match="six"):
        kernel.text_signatures(["a", "b"], table, punct, [(1, 2)], sig, words)
    with pytest.raises(ValueError, match="add up"):
        kernel.learn_slots(np.zeros(5, np.uint64), np.array([2], np.int64), 2, 8, 6, 0.08)
