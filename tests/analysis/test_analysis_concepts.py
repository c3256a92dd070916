"""The same idea in other words: compounds, the Danish–English bridge, readable labels, learnt
boilerplate, and typographic punctuation on the fast path."""

import numpy as np
import pytest
from bench.generate import IDEAS, PLEASANTRIES

from samskab.analysis import Analyser, Record, analyse, hashing
from samskab.analysis import text as tx
from samskab.analysis.concepts import CONCEPTS, Compounds, concept
from samskab.analysis.proposals import has_proposal_cue, pleasantry

pytestmark = pytest.mark.nodb


def _stems(lines) -> set[tuple[str, str]]:
    out = set()
    for line in lines:
        lang = "en" if line.startswith("en:") else "da"
        out |= {(tx.stem(tx.fold(w), lang), lang) for w in tx.words(line.removeprefix("en:"))}
    return out


def _wordings(kind: str) -> list[str]:
    ideas = [w for idea in IDEAS for w in idea[kind]]
    nice = [("en:" if k == 1 else "") + x for p in PLEASANTRIES.values()
            for k, lang in enumerate(p[kind]) for x in lang]
    return ideas + nice


def test_no_stem_only_in_held_out_wordings_is_in_the_engines_lists():
    """Half of each planted idea's wordings measure generalisation: a word (stem) they alone
    use must not have been written into the bridge, nor their pleasantries into the cues."""
    only_held = _stems(_wordings("held_out")) - _stems(_wordings("seen"))
    lexicon = _stems([w for da, _ in CONCEPTS for w in da.split()]
                     + ["en:" + w for _, en in CONCEPTS for w in en.split()])
    assert only_held and not (only_held & lexicon), sorted(only_held & lexicon)
    for kind in PLEASANTRIES.values():
        for lang in kind["held_out"]:
            for sentence in lang:  # learnt from the consultation, not known beforehand
                assert pleasantry(sentence.format(town="Aarhus")) is None, sentence


def test_danish_compounds_split_into_known_words():
    known = [tx.fold(w) for w in "whistleblowere ordning møder kalendere aktindsigt "
             "anmodninger byrådet borger inddragelse gøre offentlig".split()]
    c = Compounds(known)
    assert c.split("whistleblowerordning")[:2] == ("whistleblow", "ordning")
    assert c.split("mødekalendere")[:2] == (tx.stem("moede"), tx.stem("kalendere"))
    assert c.split("aktindsigtsanmodninger")[2] == "aktindsigt"  # the linking s is dropped
    assert c.split("offentliggøre") is None  # "gøre" is a stop word, not a part
    assert c.split("ordning") is None


def test_the_bridge_maps_english_and_danish_words_to_one_concept():
    assert concept(tx.stem("ministers", "en"), "en") == concept(tx.stem("ministrene"), "da")
    assert concept(tx.stem("calendars", "en"), "en") == concept(tx.stem("kalendere"), "da")
    assert concept(tx.stem(tx.fold("gennemsigtighed")), "da") == concept(
        tx.stem(tx.fold("åbenhed")), "da")
    assert concept("unknownstem", "da") == "unknownstem"


def _ideas_of(texts: list[str]) -> dict[str, str]:
    result = analyse([Record(f"r{i}", t) for i, t in enumerate(texts)],
                     stages=["proposals", "ideas"])
    return {p.text: p.idea for r in result.responses for p in r.proposals}


def test_a_compound_and_its_spelled_out_form_share_an_idea():
    texts = ["Der bør indføres en whistleblowerordning i alle ministerier."] * 4 + [
        "Vi foreslår en ordning for whistleblowere i ministerier."] * 3 + [
        "Kommunerne bør offentliggøre deres budgetter som åbne data hvert år."] * 3
    ideas = _ideas_of(texts)
    assert ideas[texts[0]] == ideas[texts[4]] != ideas[texts[-1]]


def test_an_english_proposal_meets_its_danish_idea():
    texts = ["Ministrenes kalendere bør offentliggøres, så alle kan se møderne."] * 4 + [
        "Ministers should publish their calendars of meetings."] * 2 + [
        "Kommunerne bør offentliggøre deres budgetter som åbne data hvert år."] * 3
    ideas = _ideas_of(texts)
    assert ideas[texts[0]] == ideas[texts[4]] != ideas[texts[-1]]


def test_an_idea_label_is_a_short_phrase_of_its_own_words_without_greetings():
    texts = [f"Kære minister\n\nTak for muligheden for at give input.\n\n{body}\n\n"
             f"Med venlig hilsen\nPerson {i}"
             for i, body in enumerate(["Offentlige kalendere for ministre, så alle kan se, "
                                       "hvem de mødes med."] * 5)]
    result = analyse([Record(f"r{i}", t) for i, t in enumerate(texts)],
                     stages=["proposals", "ideas"])
    [idea] = result.ideas
    assert idea.label[0].isupper() and len(idea.label.split()) <= 7
    assert all(w in texts[0] for w in idea.label.split())
    assert "kalendere" in idea.label and "Tak" not in idea.label
    assert not any(w in idea.label for w in ("Kære", "hilsen", "Person"))
    assert idea.keywords  # still there, second


def test_boilerplate_that_recurs_across_unrelated_responses_is_learnt_and_set_aside():
    topics = ["budgetter som åbne data", "ventetider på sygehusene", "kontrakter om indkøb",
              "luftkvalitet i byerne", "møder med lobbyister", "skolernes resultater"]
    texts = [f"Herunder følger vores bemærkninger til udkastet til handlingsplanen.\n\n"
             f"Myndighederne bør offentliggøre data om {topic} hver måned, så borgerne, "
             f"journalisterne og forskerne selv kan følge med og stille spørgsmål."
             for topic in topics]
    analyser = Analyser(stages=["proposals", "ideas"])
    result = analyser.fit([Record(f"r{i}", t) for i, t in enumerate(texts)])
    for r in result.responses:
        assert [p.text.split()[0] for p in r.proposals] == ["Myndighederne"]
        assert [x.reason for x in r.set_aside] == ["recurring"]
    # a new response learns from the state
    added = analyser.add(Record("new", texts[0].replace("budgetter som åbne data", "klima")))
    assert [x.reason for x in added.set_aside] == ["recurring"]


def test_a_campaigns_own_sentences_are_not_boilerplate():
    letter = ("Danmark har nogle af verdens bedste grunddata om adresser og bygninger.\n\n"
              "Vi foreslår, at alle grunddata gøres frit tilgængelige for borgerne, "
              "virksomhederne og forskerne, og at de opdateres hver dag.")
    result = analyse([Record(f"c{i}", letter) for i in range(8)], stages=["proposals"])
    assert all(len(r.proposals) == 2 and not r.set_aside for r in result.responses)


def test_proposal_cues_keep_a_sentence():
    assert has_proposal_cue("Vi takker for høringen og foreslår en længere frist.")
    assert not has_proposal_cue("Vi skal hermed komme med følgende input.")


def test_typographic_punctuation_hashes_as_its_plain_form():
    plain = 'Vi siger "nej" - og det er sagt. Prisen er 5 mio. kr. - ikke mere.'
    fancy = "Vi siger „nej“ – og det er sagt… Prisen er 5 mio. € — ikke mere."
    polish = "Vi siger „nej“ – Łukasz Żółć skrev det."
    a, sa = hashing.encode_texts([plain, fancy, polish, plain])
    b, _ = hashing.encode_texts([plain])
    text = bytes(a).decode("latin-1")
    assert text.split("\x20")[:3] == bytes(b).decode("latin-1").split("\x20")[:3]
    assert "nej" in text and "og det er sagt" in text and "ukasz" in text
    assert len(sa) == 4
    h_plain, _ = hashing.token_hashes([plain.replace("kr.", "€")])
    h_fancy, _ = hashing.token_hashes([fancy.replace("…", ".")])
    assert np.array_equal(h_plain, h_fancy)
