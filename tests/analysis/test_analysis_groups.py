"""Near-duplicate groups: form letters with personal edits, copies, mad-libs campaigns."""

import numpy as np
import pytest
from analysis_cases import COPIES, FORM_LETTER, OTHERS, madlibs_text
from hypothesis import example, given, settings
from hypothesis import strategies as st

from samskab.analysis import Record, analyse
from samskab.analysis import groups as gr
from samskab.analysis import hashing as hs

pytestmark = pytest.mark.nodb


def test_word_hashes_ignore_case_accents_and_danish_digraphs():
    h, lens = hs.token_hashes(["Åbne data, HØRING!", "aabne Data hoering", "åbne data høring"])
    assert lens.tolist() == [3, 3, 3]
    assert h[0:3].tolist() == h[3:6].tolist() == h[6:9].tolist()


def test_word_hashes_survive_typographic_punctuation_and_foreign_scripts():
    h, lens = hs.token_hashes(["“Åbne” data – nu…", "Åbne data nu", "Διαφάνεια και δεδομένα"])
    assert lens.tolist() == [3, 3, 3]
    assert h[0:3].tolist() == h[3:6].tolist()
    assert len(set(h[6:9].tolist())) == 3


def test_signatures_are_deterministic_and_similar_for_near_copies():
    sig, _ = hs.signatures([COPIES[0], COPIES[0], COPIES[3], OTHERS[0]])
    again, _ = hs.signatures([COPIES[0], COPIES[0], COPIES[3], OTHERS[0]])
    assert np.array_equal(sig, again)
    sim = gr.similarity(sig, np.array([0, 0, 0]), np.array([1, 2, 3]))
    assert sim[0] == 1.0
    assert sim[1] > 0.6
    assert sim[2] < 0.1


def test_form_letter_campaign_is_one_group_with_every_copy(campaign_records):
    result = analyse(campaign_records, stages=["groups"])
    assert len(result.groups) == 1
    group = result.groups[0]
    assert sorted(group.members) == [f"c-{i:02d}" for i in range(len(COPIES))]
    assert all(result.response(f"o-{i:02d}").group is None for i in range(len(OTHERS)))


def test_template_is_the_letter_and_additions_are_what_people_added(campaign_records):
    group = analyse(campaign_records, stages=["groups"]).groups[0]
    assert "Vi foreslår, at alle grunddata frigives gratis" in group.template
    assert "Odense" not in group.template and "grundvandet" not in group.template
    assert "Jeg bor i Odense og har ventet et år på svar fra kommunen." in group.additions["c-02"]
    assert "grundvandet" in group.additions["c-06"]
    # a typo, a swapped word, another greeting, digraphs or a name are not additions
    for member in ("c-00", "c-01", "c-03", "c-04", "c-05", "c-07", "c-09"):
        assert member not in group.additions


def test_exact_copies_of_a_short_answer_are_grouped():
    records = [Record(f"r{i}", "Jeg er enig i forslaget om åbne data.") for i in range(4)]
    records.append(Record("r9", "Jeg er uenig i forslaget om dashboards."))
    result = analyse(records, stages=["groups"])
    assert [sorted(g.members) for g in result.groups] == [["r0", "r1", "r2", "r3"]]


def test_mad_libs_campaign_is_found_through_learnt_slots():
    texts = [madlibs_text(i) for i in range(80)] + OTHERS
    h, lens = hs.token_hashes(texts)
    slots = hs.learn_slots(h, lens)
    assert slots.size > 0
    plain, _ = hs.signatures(texts)
    collapsed, _ = hs.signatures(texts, slots)
    pairs = np.array([(i, j) for i in range(80) for j in range(i + 1, 80)])
    before = gr.similarity(plain, pairs[:, 0], pairs[:, 1])
    after = gr.similarity(collapsed, pairs[:, 0], pairs[:, 1])
    assert np.median(before) < 0.5 < np.median(after)
    result = analyse([Record(f"m{i}", t) for i, t in enumerate(texts)], stages=["groups"])
    big = max(result.groups, key=lambda g: g.size)
    assert big.size == 80
    assert all(m.startswith("m") and int(m[1:]) < 80 for m in big.members)


def test_a_large_campaign_makes_star_links_not_all_pairs():
    texts = [FORM_LETTER + f"\nNavn {i}" for i in range(3000)]
    sig, _ = hs.signatures(texts)
    u, v = gr.candidate_links(sig)
    assert len(u) < 32 * 3000  # all pairs would be 4.5 million
    labels, _ = gr.group_labels(sig, np.full(len(texts), 100))
    assert (labels == 0).all()


def test_components_follow_chains():
    labels = gr.components(6, np.array([0, 1, 4]), np.array([1, 2, 5]))
    assert labels.tolist() == [0, 0, 0, 3, 4, 4]


def test_containment_accepts_a_letter_inside_a_longer_copy_and_nothing_looser():
    # 100 words inside 230: J is at most 0.43; an estimate of 0.42 means "all of it"
    ok = gr.accept(np.array([0.42, 0.42, 0.30]), np.array([100, 40, 100]),
                   np.array([230, 200, 230]))
    assert ok.tolist() == [True, False, False]


def test_a_mad_libs_template_keeps_its_sentences_and_copies_add_nothing():
    records = [Record(f"m{i}", madlibs_text(i)) for i in range(60)]
    records.append(Record("m-extra", madlibs_text(99) + " Min mor på 87 år har ventet et "
                          "halvt år på aktindsigt i sin egen plejesag."))
    group = analyse(records, stages=["groups"]).groups[0]
    assert group.size == 61
    assert "ministerbetjeningsreglen" in group.template
    assert "magthaverne" in group.template
    assert list(group.additions) == ["m-extra"]
    assert "plejesag" in group.additions["m-extra"]


def test_the_kernels_band_keys_are_the_numpy_ones():
    rng = np.random.default_rng(7)
    sig = rng.integers(0, 2**32, size=(3_000, 128), dtype=np.uint32)
    sig[::5, :40] = hs.EMPTY32  # bands with no value of their own
    sig[1::7, 3] = hs.EMPTY32  # one empty bin in a band that has others
    sig[:50] = sig[2_000:2_050]  # copies share their keys
    params = gr.GroupParams()
    assert hs.KERNEL is not None  # every install builds it
    for band in range(params.bands):
        first = band * params.rows
        keys = gr.band_key(sig, params, band)
        mult = gr._MULTIPLIERS[first:first + params.rows]
        expected = gr.reference_band_key(sig, first, mult, gr._BAND_SALTS[band],
                                         np.empty(len(sig), dtype=hs.U64), block=1_000)
        assert np.array_equal(keys, expected)
        assert (keys[::5] == 0).all() == (first + params.rows <= 40)
        assert np.array_equal(keys[:50], keys[2_000:2_050])
    with pytest.raises(ValueError):
        hs.KERNEL.band_key(sig, 128, 126, np.ones(5, dtype=hs.U64), 1, np.empty(3_000, hs.U64))


@pytest.mark.parametrize("prefilter", [0.3, 0.0, 0.9, -1.0])
def test_the_kernels_pair_similarity_is_the_numpy_one(prefilter):
    """Near copies of a few letters, own minima and borrowed (low bit set) and empty bins:
    every estimate is the numpy code's, to the bit, whichever side of the prefilter."""
    rng = np.random.default_rng(11)
    n = 2_000
    letters = rng.integers(0, 2**32, size=(40, 128), dtype=np.uint32) & np.uint32(0xFFFFFFFE)
    sig = letters[rng.integers(0, 40, n)]
    changed = rng.random(sig.shape) < rng.random((n, 1))  # copies near and far
    sig[changed] = rng.integers(0, 2**32, size=int(changed.sum()), dtype=np.uint32)
    sig[rng.random(sig.shape) < 0.05] = hs.EMPTY32
    sig[rng.random(sig.shape) < 0.05] |= np.uint32(1)
    sig[7] = hs.EMPTY32  # an empty response
    u = rng.integers(0, n, 30_000).astype(np.int32)
    v = rng.integers(0, n, 30_000).astype(np.int32)
    u[:3], v[:3] = 7, [7, 8, 9]
    assert hs.KERNEL is not None  # every install builds it
    found = gr.similarity(sig, u, v, prefilter=prefilter)
    expected = gr.reference_similarity(sig, u, v, batch=4_000, prefilter=prefilter)
    assert found.dtype == np.float32 and np.array_equal(found, expected)
    assert 0 < (found >= 0.5).sum() < len(found)  # both sides of the usual threshold
    with pytest.raises(IndexError):
        gr.similarity(sig, np.array([0, n], dtype=np.int32), np.array([1, 2], dtype=np.int32),
                      prefilter=0.3)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aæAÆøØåÅ ΣσςΑ.!?\n,İ€–„“", max_size=80))
@example("ΑΣ.Α ΑΣ! σ")  # "ας." alone, "ασ.α" in the text
def test_sentences_taken_from_the_cache_are_what_the_text_makes_of_them(text):
    """_written_sentences: the words of each sentence as sentence_keys finds them in the
    whole text, and its norm as _norm makes it (a capital sigma's lower case depends on
    what follows, so a text with one is folded whole)."""
    cache: dict = {}
    gr._written_sentences("Et brev. Med en sætning!\nΣ", cache)  # a cache used before
    written = gr._written_sentences(text, cache)
    assert [key for _, key, _ in written if key] == gr.sentence_keys(text)
    assert [(s, n) for s, _, n in written] == [
        (s.strip(), gr._norm(s.strip())) for s in gr._SENTENCE.findall(text)]
