"""A batch's results kept as arrays (``samskab.analysis.results``) and ideas' members kept as
one buffer (``samskab.analysis.ideas.Members``): they read as the objects they stand for."""

import json
from collections import Counter

import numpy as np
import pytest
from analysis_cases import OTHERS

from samskab.analysis import Analyser, Record
from samskab.analysis.ideas import IdeaIndex, Members, json_default
from samskab.analysis.results import Ideas, Responses, Strings
from samskab.analysis.types import Idea, Proposal, ResponseAnalysis, SetAside, TagScore

pytestmark = pytest.mark.nodb

TEXTS = ["", "Hej.\n\nVi foreslår åbne data.\n\nBørn bør høres.", "Ingen forslag her."]


def _three() -> Responses:
    strings = Strings()
    greeting, gc1, gc2 = (strings.number(s) for s in ("greeting", "GC1", "GC2"))
    return Responses(
        n=3, ids=["a", "b", "c", "added later"], languages=["da", "da", None],
        groups=[None, "g-000001", None], texts=TEXTS, strings=strings,
        proposals=np.array([0, 0, 2, 2]), spans=np.array([[6, 26], [28, 43]]),
        ideas=np.array([4, -1], dtype=np.int32), asides=np.array([0, 0, 1, 1]),
        aside_rows=np.array([[0, 4, greeting]]), tags=np.array([0, 0, 2, 3]),
        tag_codes=np.array([gc1, gc2, gc1], dtype=np.int32),
        tag_scores=np.array([0.75, 0.2, 0.5]))


def test_compact_responses_read_as_the_objects_they_stand_for():
    text = TEXTS[1]
    expected = [
        ResponseAnalysis("a", "da"),
        ResponseAnalysis("b", "da", "g-000001",
                         [Proposal("b:p1", "b", 6, 26, text[6:26], "i-000005"),
                          Proposal("b:p2", "b", 28, 43, text[28:43], None)],
                         [TagScore("GC1", 0.75), TagScore("GC2", 0.2)],
                         [SetAside(0, 4, "Hej.", "greeting")]),
        ResponseAnalysis("c", None, None, [], [TagScore("GC1", 0.5)], []),
    ]
    responses = _three()
    assert len(responses) == 3 and list(responses) == expected and responses == expected
    assert responses[1] == expected[1] and responses[-1] == expected[2]
    assert responses[1] is not responses[1]  # made when read
    assert responses[1:] == expected[1:] and responses[::2] == expected[::2]
    assert responses.many([2, 0, 1]) == [expected[2], expected[0], expected[1]]
    assert responses.response_ids() == ["a", "b", "c"]
    assert responses.proposal_count() == 2
    assert responses.suggested_counts() == {"GC1": 2}
    assert responses.language_counts() == {"da": 2, "unknown": 1}
    assert responses != expected[:2] and responses != [*expected[:2], expected[0]]
    with pytest.raises(IndexError):
        responses[3]


def test_compact_responses_give_their_parts_without_making_objects_or_reading_texts():
    class Unread(list):
        def __getitem__(self, i):
            raise AssertionError("a text was read")

    responses = _three()
    responses._texts = Unread(TEXTS)
    at = [2, 1, 0, 1]
    assert responses.ids_at(at) == ["c", "b", "a", "b"]
    assert responses.languages_at(at) == [None, "da", "da", "da"]
    both = [("b:p1", 6, 26, "i-000005"), ("b:p2", 28, 43, None)]
    assert responses.proposals_at(at) == [[], both, [], both]
    assert responses.tags_at(at) == [[("GC1", 0.5)], [("GC1", 0.75), ("GC2", 0.2)], [],
                                     [("GC1", 0.75), ("GC2", 0.2)]]
    assert responses.set_aside_at(at) == [[], [(0, 4, "greeting")], [],
                                          [(0, 4, "greeting")]]
    assert responses.proposals_at([]) == responses.tags_at(np.array([], np.int64)) == []
    responses._ideas = None  # no idea stage
    assert responses.proposals_at([1]) == [[("b:p1", 6, 26, None), ("b:p2", 28, 43, None)]]
    for wrong in ([3], [-1]):
        with pytest.raises(IndexError):
            responses.tags_at(wrong)


def test_members_keep_ids_in_order_and_read_as_a_list():
    ids = ["r-1:p1", "æblerød:p2", "\ud800:p3", "", "x" * 300]
    members = Members(ids[:2])
    members.extend(Members(ids[2:4]))
    members.append(ids[4])
    assert list(members) == ids and members == ids and len(members) == 5
    assert members[0] == ids[0] and members[-1] == ids[-1] and members[1:3] == ids[1:3]
    assert "æblerød:p2" in members and not Members() and Members() == []
    index = IdeaIndex()
    index.cluster(["a:p1", "b:p1", "c:p1"], [["data", "aaben"]] * 3, [{"data": "data"}] * 3)
    assert list(index.ideas[0].members) == ["a:p1", "b:p1", "c:p1"]
    saved = json.dumps(index.to_json(), default=json_default)
    assert json.loads(saved)["ideas"][0]["members"] == ["a:p1", "b:p1", "c:p1"]
    again = IdeaIndex.from_json(json.loads(saved))
    assert again.ideas[0].members == index.ideas[0].members
    assert json.dumps(again.to_json(), default=json_default) == saved
    with pytest.raises(TypeError):
        json.dumps({"not data": object()}, default=json_default)


def test_ideas_read_their_members_as_they_were_at_the_fit():
    members = Members(["a:p1", "b:p1"])
    ideas = Ideas([("i-000001", "Åbne data", ["data"], "a:p1", members, 2)])
    before = Idea("i-000001", "Åbne data", ["data"], ["a:p1", "b:p1"], "a:p1")
    members.append("c:p1")  # what add() does later
    assert list(ideas) == [before] and ideas == [before] and ideas[0].size == 2


BOILERPLATE = ("Klimaet ændrer sig hurtigere end de fleste modeller har forudset i de "
               "seneste årtier.")


def test_a_fit_reads_the_same_from_its_arrays_as_from_the_texts(campaign_records):
    # boilerplate sent with different wishes is learnt and set aside (moved in the arrays)
    records = [*campaign_records, *(Record(f"b-{i}", f"{BOILERPLATE}\n\n{OTHERS[i % 8]}")
                                    for i in range(12))]
    records.append(Record("empty", ""))
    analyser = Analyser()
    result = analyser.fit(records)
    texts = {r.id: r.text for r in records}
    responses = list(result.responses)
    assert [r.id for r in responses] == [r.id for r in records]
    proposals = {}
    for r in responses:
        text = texts[r.id]
        for k, p in enumerate(r.proposals, start=1):
            assert (p.id, p.response_id, p.text) == (f"{r.id}:p{k}", r.id, text[p.start:p.end])
            proposals[p.id] = p
        assert all(x.text == text[x.start:x.end] for x in r.set_aside)
        assert [x.start for x in r.set_aside] == sorted(x.start for x in r.set_aside)
    # (one of OTHERS is in English: its stems differ, its copy of the sentence stays)
    assert sum(1 for r in responses if any(x.reason == "recurring" and x.text == BOILERPLATE
                                           for x in r.set_aside)) == 11
    for idea in result.ideas:
        assert all(proposals[m].idea == idea.id for m in idea.members)
    assert sum(len(i.members) for i in result.ideas) == sum(
        1 for p in proposals.values() if p.idea)
    summary = result.summary
    assert summary["proposals"] == len(proposals)
    suggested = Counter(t.code for r in responses for t in r.tags if t.suggested)
    assert summary["suggested_tags"] == dict(sorted(suggested.items()))
    # added later, the analyser's ids and texts grow; the fit's results do not
    analyser.add(Record("later", OTHERS[0]))
    assert len(result.responses) == len(records) and list(result.responses) == responses
